"""Skills for Care local authority workforce estimates, 2016/17: `LA-data-download-2016-17.xlsx`.

The published layout (docs/market_health.md: verified and guessed): sheets `Notes` and `LA level
data`, one row per area x sector x service x job role, rates as fractions, `*` where suppressed.
Every value is invented (plausible inner-London levels); Lewisham's care-home vacancy rates are set
above England's so that the workforce rule has something to find.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

FILE = "LA-data-download-2016-17.xlsx"
HEADER = ["CSSR (LA area)", "Sector", "Service", "Job role", "Turnover rate", "Vacancy rate",
          "Sickness - Mean (divide by Employees)", "Zero Hour Contracts - Yes", "Filled posts", "Median hourly pay"]
# area -> service -> (turnover, vacancy, filled posts, median hourly pay); invented.
VALUES = {
    "Lewisham": {"All services": (0.312, 0.082, 6100, 8.40),
                 "Care home services with nursing": (0.355, 0.101, 900, 8.35),
                 "Care home services without nursing": (0.298, 0.092, 420, 8.10),
                 "Domiciliary care services": (0.334, 0.074, 2700, 8.50)},
    "Southwark": {"All services": (0.301, 0.079, 6600, 8.55)},
    "Greenwich": {"All services": (0.287, 0.070, 5200, 8.30)},
    "London": {"All services": (0.296, 0.075, 178000, 8.45),
               "Care home services with nursing": (0.321, 0.082, 19000, 8.40),
               "Care home services without nursing": (0.288, 0.071, 21000, 8.05),
               "Domiciliary care services": (0.318, 0.077, 76000, 8.55)},
    "England": {"All services": (0.278, 0.066, 1250000, 7.90),
                "Care home services with nursing": (0.318, 0.072, 260000, 7.85),
                "Care home services without nursing": (0.279, 0.058, 250000, 7.60),
                "Domiciliary care services": (0.316, 0.081, 500000, 8.00)},
}
NOTES = [
    "LA level data (ILLUSTRATIVE SAMPLE in the layout of Skills for Care's 'LA data download').",
    "Every value is invented. * = suppressed (too few jobs to publish).",
]


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    for line in NOTES:
        notes.append([line])
    data = wb.create_sheet("LA level data")
    data.append(HEADER)
    for area, services in VALUES.items():
        for service, (turnover, vacancy, posts, pay) in services.items():
            data.append([area, "All sectors", service, "All job roles", turnover, vacancy, 4.5, 0.24, posts, pay])
            # The care worker row; a small authority service is suppressed, as the publisher does.
            small = area != "England" and service != "All services" and area != "London"
            data.append([area, "All sectors", service, "Care worker", "*" if small else round(turnover * 1.1, 3),
                         "*" if small else round(vacancy * 1.2, 3), 4.8, 0.3, round(posts * 0.6), pay - 0.2])
    path = out_dir / FILE
    wb.properties.creator = "mps sample generator"
    wb.properties.created = dt.datetime(2017, 9, 1)
    wb.save(path)
    from .common import normalise_zip
    normalise_zip(path)
    (Path(__file__).parent / "readme_workforce.md").write_text(README, encoding="utf-8")
    return [path]


README = """## `LA-data-download-2016-17.xlsx` (Skills for Care workforce estimates) — `workforce.py`

Layout as published (docs/market_health.md lists what is verified and what guessed): sheets `Notes`
and `LA level data`; header `CSSR (LA area), Sector, Service, Job role, Turnover rate, Vacancy rate,
Sickness - Mean (divide by Employees), Zero Hour Contracts - Yes, Filled posts, Median hourly pay`;
rates as fractions; `*` where suppressed. Rows for Lewisham, Southwark, Greenwich, London and England,
sector `All sectors`, services `All services` (and, for Lewisham, London and England, care homes with
and without nursing and domiciliary care), job roles `All job roles` and `Care worker`.

**Every value is invented** (plausible levels, not Skills for Care's figures). Lewisham's vacancy
rates are set above England's for care homes (10.1% nursing, 9.2% residential against 7.2% and 5.8%)
and below it for domiciliary care (7.4% against 8.1%), so the workforce rule marks care homes "high
pressure" and home care "no more than elsewhere".
"""
