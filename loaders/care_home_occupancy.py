"""DHSC "Adult social care in England, monthly statistics": care home occupancy by area and month
(from Capacity Tracker, the providers' own returns).

The publisher's pages (the monthly report and its background quality and methodology) say the
data tables give occupancy in care homes at national, regional and local authority level each
month; the tables' exact column headings could not be seen here, so the layout is **guessed**
(docs/formats.md): a table in any sheet, columns found by name through synonyms (an area code, a
month, an occupancy rate; optionally the area's name and level, occupied beds and bed capacity).
A rate written as a fraction (0.874) is read as a percentage (87.4%): occupancy of 1% or less is
not plausible for a care home market, and the publisher writes percentages. Other columns are
named in a warning.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, parse_date, parse_number
from .sheets import LoadResult, Sheet, normalise_header
from .council_tables import locate, read_table

KIND = "capacity_tracker_occupancy"
TABLE = "care_home_occupancy"
DESCRIPTION = "DHSC adult social care monthly statistics: care home occupancy (Capacity Tracker)"

FIELDS = {
    "area_code": ["LA code", "ONS code", "Local authority code", "Area code", "Geography code", "LA ONS code"],
    "area_name": ["Local authority", "LA name", "Local authority name", "Area name", "Geography name", "Area"],
    "level": ["Geography level", "Geographical level", "Level", "Area type"],
    "month": ["Month", "Date", "Period", "Month ending", "Reporting month"],
    "occupancy": ["Occupancy rate", "Occupancy rate (%)", "Occupancy (%)", "Percentage of beds occupied",
                  "Care home occupancy rate", "Occupancy"],
    "occupied_beds": ["Occupied beds", "Number of occupied beds", "Beds occupied"],
    "total_beds": ["Total beds", "Bed capacity", "Number of beds", "Maximum bed capacity", "Beds"],
}
OPTIONAL = {"area_name", "level", "occupied_beds", "total_beds"}
LEVELS = {"england": "england", "national": "england", "region": "region", "regional": "region"}


_MONTH_NAMES = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"), start=1)}
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]{3,9})[\s\-]+(\d{4})\s*$")


def month_of(value, **where) -> dt.date | None:
    """The first day of the month a cell names: `October 2025`, `Oct-2025`, or any date
    `parse_date` reads (31/10/2025, 2025-10-01, a real spreadsheet date)."""
    m = _MONTH_YEAR.match(cell_text(value))
    if m and m.group(1)[:3].lower() in _MONTH_NAMES:
        return dt.date(int(m.group(2)), _MONTH_NAMES[m.group(1)[:3].lower()], 1)
    try:
        found = parse_date(value, **where)
    except InputError:
        found = None
    if found is None:
        raise InputError(where["file"], f"found '{cell_text(value)}' where a month belongs", sheet=where.get("sheet"),
                         row=where.get("row"), column=where.get("column"),
                         expected="a month such as October 2025, Oct-2025 or 2025-10-01")
    return found.replace(day=1)


def _signature(sheets: list[Sheet]):
    """[code, month, rate] as the first header row (within ten rows of any sheet) writes them: each
    row's cells are normalised once, not once per synonym."""
    wanted = [[normalise_header(n) for n in FIELDS[f]] for f in ("area_code", "month")] + \
        [[normalise_header(n) for n in FIELDS["occupancy"][:5]]]
    for sheet in sheets:
        for row in sheet.head_text(10):
            names = {normalise_header(c): c for c in row if c}
            found = [next((names[n] for n in group if n in names), None) for group in wanted]
            if all(found):
                return found
    return None


def sniff(sheets: list[Sheet]) -> bool:
    return _signature(sheets) is not None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    signature = _signature(sheets)
    sheet, body = read_table(sheets, signature, FIELDS, optional=OPTIONAL)
    header = locate([sheet], signature)[1]
    known = {normalise_header(s) for names in FIELDS.values() for s in names}
    from .sheets import header_names
    unused = [c for c in header_names(sheet, header) if normalise_header(c) not in known and c != "Unnamed"]
    warnings = [f"columns not used: {', '.join(unused)}"] if unused else []
    notes: list[str] = []
    records = []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        where = {"file": sheet.file, "sheet": sheet.name, "row": row}
        code = cell_text(rec["area_code"])
        if not code:
            continue  # a footnote or blank separator row under the table
        month = month_of(rec["month"], **where, column=signature[1])
        rate = parse_number(rec["occupancy"], **where, column=signature[2], notes=notes)
        if rate is not None and rate <= 1:
            rate *= 100
        if rate is not None and not 1 < rate <= 100:
            raise InputError(sheet.file, f"found an occupancy of {rate:g}%", sheet=sheet.name, row=row,
                             column=signature[2], expected="a percentage of beds occupied, above 1 and at most 100")
        level = LEVELS.get(cell_text(rec["level"]).lower(), "la")
        if code == "E92000001":
            level = "england"
        elif code.startswith("E12"):
            level = "region"
        records.append({"month": month.isoformat(), "area_code": code,
                        "area_name": cell_text(rec["area_name"]), "area_type": level, "occupancy_pct": rate,
                        "occupied_beds": parse_number(rec["occupied_beds"], **where, column="occupied beds",
                                                      notes=notes) if rec["occupied_beds"] is not None else None,
                        "total_beds": parse_number(rec["total_beds"], **where, column="total beds", notes=notes)
                        if rec["total_beds"] is not None else None,
                        "source_file": sheet.file.name, "source_sheet": sheet.name, "source_row": row})
    if not records:
        raise InputError(sheet.file, "no rows with an area code under the header", sheet=sheet.name,
                         expected="one row per area and month")
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    repeated = frame.duplicated(["month", "area_code"])
    if repeated.any():
        r = frame[repeated].iloc[0]
        raise InputError(sheet.file, f"{r['area_code']} {r['month'][:7]} is given twice", sheet=sheet.name,
                         row=int(r["source_row"]), expected="one row per area and month")
    if notes:
        warnings.insert(0, f"{len(notes)} suppressed value(s) kept as missing, e.g. {notes[0]}")
    return LoadResult(KIND, TABLE, frame, len(body), warnings, {}, key_checked=True)
