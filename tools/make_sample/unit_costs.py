"""ASC finance return unit costs, 2016-17: `ASC-FR_unit_costs_2016-17.csv`, in the guessed long
layout (docs/market_health.md). Every value is invented."""
from __future__ import annotations

import csv
from pathlib import Path

FILE = "ASC-FR_unit_costs_2016-17.csv"
HEADER = ["GEOGRAPHY_LEVEL", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "YEAR", "SUPPORT_SETTING", "AGE_BAND", "ITEMVALUE"]
AREAS = [("Council", "E09000023", "Lewisham"), ("Council", "E09000028", "Southwark"),
         ("Council", "E09000011", "Greenwich"), ("Council", "E09000022", "Lambeth"),
         ("Region", "E12000007", "London"), ("England", "E92000001", "England")]
SETTINGS = [("Long-term support: residential care", "18-64"), ("Long-term support: residential care", "65+"),
            ("Long-term support: nursing care", "18-64"), ("Long-term support: nursing care", "65+"),
            ("Home care: average standard hourly rate", "All"), ("Short-term support: reablement", "All")]
# area -> values in SETTINGS order (£ a week; home care £ an hour; reablement is a setting the loader skips).
VALUES = {
    "Lewisham": [1395, 585, 1120, 612, 15.90, 520],
    "Southwark": [1450, 640, 1180, 690, 17.10, 540],
    "Greenwich": [1310, 598, 1075, 655, 16.20, "*"],
    "Lambeth": [1505, 655, 1210, 702, 17.40, 560],
    "London": [1420, 625, 1150, 672, 16.80, 530],
    "England": [1250, 580, 990, 640, 16.10, 480],
}


def write(out_dir: Path) -> list[Path]:
    path = Path(out_dir) / FILE
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for level, code, name in AREAS:
            for (setting, age), value in zip(SETTINGS, VALUES[name]):
                w.writerow([level, code, name, "2016-17", setting, age, value])
    (Path(__file__).parent / "readme_unit_costs.md").write_text(README, encoding="utf-8")
    return [path]


README = """## `ASC-FR_unit_costs_2016-17.csv` (ASC finance return unit costs) — `unit_costs.py`

In the **guessed** long layout of docs/market_health.md: `GEOGRAPHY_LEVEL, GEOGRAPHY_CODE,
GEOGRAPHY_NAME, YEAR, SUPPORT_SETTING, AGE_BAND, ITEMVALUE`; one row per area x setting x age band for
Lewisham, Southwark, Greenwich, Lambeth, London and England, 2016-17. Settings: long-term residential
and nursing care (18-64 and 65+, gross £ a week), the home care average standard hourly rate (£ an
hour) and a reablement row the loader leaves out with a note (Greenwich's is suppressed, `*`).

**Every value is invented.** Lewisham's 65+ rates sit below its cost of care
(`data/authorities/E09000023/cost_of_care.csv`, also illustrative: residential median £612, nursing
lower quartile £642, home care lower quartile £16.40): residential £585 (below the median), nursing
£612 and home care £15.90 (below the lower quartile).
"""
