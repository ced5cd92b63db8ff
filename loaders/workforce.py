"""Skills for Care's local-authority workforce estimates: the `LA data download` workbook, sheet
`LA level data`, one row per area x sector x service x job role (docs/market_health.md says which
parts of the layout are verified and which guessed).

Columns by name: `CSSR (LA area)`, `Sector`, `Service`, `Job role` and the measures `Vacancy rate`,
`Turnover rate` (required), `Filled posts`, `Median hourly pay` (when present). Suppressed cells
(`*`) are missing, with a note. Rates written as fractions (all values 1 or less) become
percentages.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, parse_number
from .sheets import LoadResult, Sheet
from .council_tables import locate, read_table

KIND = "skills_for_care_workforce"
TABLE = "workforce"
DESCRIPTION = "Skills for Care local authority workforce estimates (LA data download)"

SIGNATURE = ["CSSR (LA area)", "Job role"]
MEASURES = {"vacancy_rate": ["Vacancy rate"], "turnover_rate": ["Turnover rate"],
            "filled_posts": ["Filled posts", "Number of filled posts"],
            "median_hourly_pay": ["Median hourly pay", "Median hourly pay (£)", "Care worker median hourly pay"]}
RATES = ("vacancy_rate", "turnover_rate")
FIELDS = {"area_name": ["CSSR (LA area)", "CSSR"], "sector": ["Sector"], "service": ["Service"],
          "job_role": ["Job role"], "period": ["Year", "Period"], **MEASURES}
OPTIONAL = {"period", "filled_posts", "median_hourly_pay"}
REGIONS = {"north east", "north west", "yorkshire and the humber", "yorkshire and humber", "east midlands",
           "west midlands", "eastern", "east of england", "london", "south east", "south west"}
_PERIOD = re.compile(r"(20\d\d)\s*[-_/]\s*(\d{2,4})")


def sniff(sheets: list[Sheet]) -> bool:
    return locate(sheets, SIGNATURE) is not None


def area_type(name: str) -> str:
    n = name.strip().lower()
    return "england" if n == "england" else "region" if n in REGIONS else "la"


def _period(sheet: Sheet) -> str | None:
    m = _PERIOD.search(sheet.file.name)
    return f"{m.group(1)}/{m.group(2)[-2:]}" if m else None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet, body = read_table(sheets, SIGNATURE, FIELDS, optional=OPTIONAL)
    notes: list[str] = []
    records = []
    default_period = _period(sheet)
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        name = cell_text(rec["area_name"])
        if not name:
            raise InputError(sheet.file, "a row names no area", sheet=sheet.name, row=row, column="CSSR (LA area)",
                             expected="a council, region or England")
        base = {"period": cell_text(rec["period"]) or default_period, "area_name": name, "area_type": area_type(name),
                "sector": cell_text(rec["sector"]), "service": cell_text(rec["service"]),
                "job_role": cell_text(rec["job_role"]), "source_file": sheet.file.name,
                "source_sheet": sheet.name, "source_row": row}
        for measure, names in MEASURES.items():
            value = parse_number(rec[measure], file=sheet.file, sheet=sheet.name, row=row, column=names[0],
                                 notes=notes)
            if value is not None:
                records.append({**base, "measure": measure, "value": value})
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    for rate in RATES:  # fractions (0.285) become percentages (28.5); a column is one or the other
        sel = frame["measure"] == rate
        if sel.any() and frame.loc[sel, "value"].max() <= 1:
            frame.loc[sel, "value"] = frame.loc[sel, "value"] * 100
    warnings = [f"{len(notes)} suppressed value(s) kept as missing, e.g. {notes[0]}"] if notes else []
    if not (frame["area_type"] == "england").any():
        warnings.append("no England row: workforce pressure is judged against the region")
    return LoadResult(KIND, TABLE, frame, len(body), warnings, {"period": default_period})
