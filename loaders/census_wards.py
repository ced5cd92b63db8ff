"""Census tables by area: one row per area (a ward, the authority, the region, England) and one
column per census category, such as the Census 2011 health and unpaid care tables re-cut to
wards (`WD22CD_proposed`, then long-term health problem or disability, general health, and
provision of unpaid care by hours) and their references file (`Name, Code, Rural Urban`, with
England, London and the authority).

Columns are recognised by their census wording through data/lookups/census_measures.csv (header
-> measure key, topic, census year): a new table needs rows there, not code. The area's type comes
from its GSS code (E05 ward, E06-E10 authority, E12 region, E92 England).
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .base import InputError, LoadResult, Sheet, cell_text, load_lookup, normalise_header, parse_number

KIND = "census_areas"
TABLE = "census"
DESCRIPTION = "Census tables by ward or area (e.g. health and unpaid care, Census 2011)"
LOOKUP = "census_measures.csv"
CODE_HEADER = re.compile(r"^(?:(?:wd|lad|cty|utla|rgn|ctry)\d{2}cd(?:_\w+)?|code|area code|geography code)$")
NAME_HEADERS = {"name", "area name", "geography", "ward name"}
AREA_TYPES = [(re.compile(r"^E05"), "ward"), (re.compile(r"^E0[6-9]|^E10"), "la"),
              (re.compile(r"^E12"), "region"), (re.compile(r"^E92"), "england")]
MIN_MEASURES = 3  # columns the lookup must recognise before a sheet counts as a census table


def _measures(lookups_dir) -> dict[str, dict]:
    lookup = load_lookup(LOOKUP, lookups_dir)
    return {normalise_header(r["header"]): r for r in lookup.to_dict("records")}


def _header(sheet: Sheet, known: dict) -> tuple[int, list[str]] | None:
    for i, row in enumerate(sheet.head_text(5)):
        names = [normalise_header(c) for c in row]
        if any(CODE_HEADER.match(n) for n in names) and sum(n in known for n in names) >= MIN_MEASURES:
            return i, names
    return None


def sniff(sheets: list[Sheet]) -> bool:
    from . import DEFAULT_LOOKUPS
    known = _measures(DEFAULT_LOOKUPS)
    return any(_header(s, known) for s in sheets)


def area_type(code: str) -> str:
    return next((kind for rx, kind in AREA_TYPES if rx.match(code)), "other")


def load(sheets: list[Sheet], ctx) -> LoadResult:
    known = _measures(ctx.lookups_dir)
    sheet, (h, names) = next((s, found) for s in sheets if (found := _header(s, known)))
    code_col = next(j for j, n in enumerate(names) if CODE_HEADER.match(n))
    name_col = next((j for j, n in enumerate(names) if n in NAME_HEADERS), None)
    measure_cols = [(j, known[n]) for j, n in enumerate(names) if n in known]
    body = sheet.cells.iloc[h + 1:]
    records, warnings, seen = [], [], {}
    for i, row in body.iterrows():
        if row.isna().all():
            continue
        file_row = sheet.row_number(i)
        where = dict(file=sheet.file, sheet=sheet.name, row=file_row)
        code = cell_text(row[code_col])
        if not re.match(r"^[EWSNK]\d{8}$", code):
            raise InputError(**where, column=names[code_col], problem=f"'{code}' is not an area code",
                             expected="a GSS code such as E05000001 (a ward) or E92000001 (England)")
        if code in seen:
            raise InputError(**where, column=names[code_col], problem=f"area {code} appears again (first at row "
                             f"{seen[code]})", expected="one row per area")
        seen[code] = file_row
        name = cell_text(row[name_col]) if name_col is not None else None
        for j, m in measure_cols:
            value = parse_number(row[j], **where, column=sheet.cells.iloc[h, j], notes=warnings)
            records.append({"area_code": code, "area_name": name or None, "area_type": area_type(code),
                            "measure": m["measure"], "topic": m["topic"], "census_year": int(m["census_year"]),
                            "value": value, "source_file": sheet.file.name, "source_sheet": sheet.name,
                            "source_row": file_row})
    if not records:
        raise InputError(sheet.file, "the census table has no area rows", sheet=sheet.name,
                         expected="one row per area below the header")
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    areas = frame.drop_duplicates("area_code")["area_type"].value_counts().to_dict()
    return LoadResult(KIND, TABLE, frame, len(seen), warnings, {"areas": areas, "measures": len(measure_cols)})
