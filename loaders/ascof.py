"""DHSC "Measures from the Adult Social Care Outcomes Framework, England" (ASCOF): the CSV file.

Layout (DHSC's "How to use the CSV file" page for 2024 to 2025, published 18 December 2025): a long
table, one row per area x ASCOF measure x disaggregation x measure type, with the columns
`Geographical code` (the CASSR code, a region code, a council type code or `England`),
`Geographical description`, `Geographical level` (local authority, regional, council type,
national; the page's sample writes `Local authority`, `Regional`, `England`), `ONS code`,
`ASCOF measure code` (1A, 1C(1A), 2A(2), ...), `Disaggregation level` (Total, Female, 18 to 64,
...), `Measure type` (Numerator, Denominator or Outcome) and `Measure value`.

Rows are turned into one row per area x measure x disaggregation with its numerator, denominator
and outcome side by side; the row a reader is pointed to is the Outcome row. Council type rows and
measure types other than the three are kept out and named in a warning, as are columns the file
has beyond these. The year is the file's `Year` column (or `Financial year`, `Reporting period`,
`Period`) where it has one, else the financial year in the file's name (`...2024-25...`,
`...2024_to_2025...`): the published file has no year column, so a file whose name gives no year
either is refused by name. Earlier years' files loaded side by side give the trend.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, map_distinct, parse_numbers
from .sheets import LoadResult, Sheet, find_header_row, frame_with_header, normalise_header

KIND = "ascof"
TABLE = "ascof"
DESCRIPTION = "DHSC Adult Social Care Outcomes Framework (ASCOF) CSV"

COLUMNS = {  # store column -> the publisher's header
    "geography_code": "Geographical code",
    "area_name": "Geographical description",
    "level": "Geographical level",
    "area_code": "ONS code",
    "measure_code": "ASCOF measure code",
    "disaggregation": "Disaggregation level",
    "measure_type": "Measure type",
    "value": "Measure value",
}
YEAR_COLUMNS = ("Year", "Financial year", "Reporting year", "Reporting period", "Period", "Time period")
SIGNATURE = ["ASCOF measure code", "Measure type", "Measure value"]
MEASURE_TYPES = {"numerator": "numerator", "denominator": "denominator", "outcome": "outcome"}
LEVELS = {"local authority": "la", "council": "la", "cassr": "la", "regional": "region", "region": "region",
          "national": "england", "england": "england", "council type": "council_type"}
ENGLAND = "E92000001"
_FINANCIAL_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*[-_/ ]?\s*(?:to)?\s*[-_/ ]?\s*(?:20)?(\d\d)(?!\d)", re.IGNORECASE)


def sniff(sheets: list[Sheet]) -> bool:
    return any(find_header_row(s, SIGNATURE, max_rows=3) is not None for s in sheets)


def financial_year(text: str) -> str | None:
    """`2024-25` from `2024-25`, `2024 to 2025`, `ascof_2024_25.csv`; None where there is none
    (or the two years do not follow each other)."""
    for m in _FINANCIAL_YEAR.finditer(str(text)):
        first, second = int(m.group(1)), int(m.group(2))
        if (first + 1) % 100 == second:
            return f"{first}-{second:02d}"
    return None


def _period(sheet: Sheet, body: pd.DataFrame, year_col: str | None) -> tuple[pd.Series, str]:
    """Each row's financial year and where it came from (the column, or the file's name)."""
    if year_col is not None:
        texts = map_distinct(body[year_col], lambda v: financial_year(cell_text(v)) or "")
        bad = np.flatnonzero(texts.to_numpy() == "")
        if len(bad):
            i = int(bad[0])
            raise InputError(sheet.file, f"found '{cell_text(body[year_col].iat[i])}' where a financial year "
                             "belongs", sheet=sheet.name, row=int(body["_row"].iat[i]), column=year_col,
                             expected="a financial year such as 2024-25 or 2024 to 2025")
        return texts, f"the '{year_col}' column"
    year = financial_year(sheet.file.stem)
    if year is None:
        raise InputError(sheet.file, "the file has no year column and its name gives no financial year",
                         expected="a year column, or the year in the file's name as DHSC publishes it "
                                  "(e.g. ascof-2024-25.csv)")
    return pd.Series(year, index=body.index), "the file's name"


def load(sheets: list[Sheet], ctx) -> LoadResult:
    """Read -> map headers -> level, type and number validated -> one row per area x measure x
    disaggregation with its numerator, denominator and outcome."""
    sheet = next(s for s in sheets if find_header_row(s, SIGNATURE, max_rows=3) is not None)
    h = find_header_row(sheet, SIGNATURE, max_rows=3)
    body = frame_with_header(sheet, h)
    present, year_col, warnings = _headers(sheet, h, body)
    periods, year_from = _period(sheet, body, year_col)
    out = pd.DataFrame({key: map_distinct(body[present[normalise_header(col)]], cell_text)
                        for key, col in COLUMNS.items() if key != "value"})
    out["period"] = periods.to_numpy()
    out["source_row"] = body["_row"].to_numpy()
    _check_codes_and_levels(sheet, out)
    warnings += _kept_out(out)
    notes: list[str] = []
    out["value"] = parse_numbers(body[present[normalise_header(COLUMNS["value"])]], out["source_row"],
                                 file=sheet.file, sheet=sheet.name, column=COLUMNS["value"], allow_negative=False,
                                 notes=notes).to_numpy()
    if notes:
        warnings.insert(0, f"{len(notes)} suppressed value(s) kept as missing, e.g. {notes[0]}")
    frame = _wide(sheet, out[(out["type"] != "") & (out["area_type"] != "council_type")])
    warnings.append(f"year {', '.join(sorted(frame['period'].unique()))} read from {year_from}")
    return LoadResult(KIND, TABLE, frame.reindex(columns=store_table(TABLE).names).reset_index(drop=True),
                      len(body), warnings, {}, key_checked=True)


def _headers(sheet: Sheet, h: int, body: pd.DataFrame) -> tuple[dict, str | None, list[str]]:
    """The file's headers by normalised name, its year column (if any), and a warning naming the
    columns not used; a missing column refuses the file by name."""
    present = {normalise_header(c): c for c in body.columns if c != "_row"}
    missing = [name for name in COLUMNS.values() if normalise_header(name) not in present]
    if missing:
        raise InputError(sheet.file, "required column(s) missing: " + ", ".join(missing), sheet=sheet.name,
                         row=sheet.row_number(h), expected="columns present were: " + ", ".join(present.values()))
    year_col = next((present[normalise_header(c)] for c in YEAR_COLUMNS if normalise_header(c) in present), None)
    used = {present[normalise_header(c)] for c in COLUMNS.values()} | {year_col}
    unused = [c for c in present.values() if c not in used and not c.startswith("Unnamed")]
    return present, year_col, (["columns not used: " + ", ".join(unused)] if unused else [])


def _check_codes_and_levels(sheet: Sheet, out: pd.DataFrame) -> None:
    """Sets `area_type` and `type` (blank for a type not read); refuses a blank measure code or an
    unknown geographical level, naming the row."""
    blank = np.flatnonzero((out["measure_code"] == "").to_numpy())
    if len(blank):
        raise InputError(sheet.file, "a row without its ASCOF measure code", sheet=sheet.name,
                         row=int(out["source_row"].iat[int(blank[0])]), column=COLUMNS["measure_code"],
                         expected="a measure code such as 1A or 2A(2)")
    out["area_type"] = map_distinct(out["level"], lambda v: LEVELS.get(cell_text(v).lower(), ""))
    unknown = np.flatnonzero((out["area_type"] == "").to_numpy())
    if len(unknown):
        i = int(unknown[0])
        raise InputError(sheet.file, f"found '{out['level'].iat[i]}' where a geographical level belongs",
                         sheet=sheet.name, row=int(out["source_row"].iat[i]), column=COLUMNS["level"],
                         expected="Local authority, Regional, Council type or England (National)")
    out["type"] = map_distinct(out["measure_type"], lambda v: MEASURE_TYPES.get(cell_text(v).lower(), ""))
    england = out["area_type"] == "england"
    out.loc[england, "area_code"] = out.loc[england, "area_code"].where(out.loc[england, "area_code"] != "", ENGLAND)


def _kept_out(out: pd.DataFrame) -> list[str]:
    """Warnings naming the rows not kept: other measure types, council type rows."""
    warnings = []
    other_types = out.loc[out["type"] == "", "measure_type"].value_counts()
    if len(other_types):
        warnings.append("measure types not kept (only Numerator, Denominator and Outcome are read): " +
                        ", ".join(f"{k or '(blank)'} ({n})" for k, n in other_types.items()))
    council_types = int((out["area_type"] == "council_type").sum())
    if council_types:
        warnings.append(f"{council_types} council type row(s) not kept (areas are compared with their region, "
                        "England and comparator authorities)")
    return warnings


def _wide(sheet: Sheet, kept: pd.DataFrame) -> pd.DataFrame:
    """One row per year x area x measure x disaggregation, numerator, denominator and outcome side
    by side; its source row the Outcome row's (else the group's first). A repeated long key or an
    area without an ONS code refuses the file, naming the row."""
    no_code = np.flatnonzero((kept["area_code"] == "").to_numpy())
    if len(no_code):
        raise InputError(sheet.file, f"no ONS code for '{kept['area_name'].iat[int(no_code[0])]}'", sheet=sheet.name,
                         row=int(kept["source_row"].iat[int(no_code[0])]), column=COLUMNS["area_code"],
                         expected="the area's ONS code (E09..., E12..., E92000001)")
    key = ["period", "area_code", "measure_code", "disaggregation"]
    repeated = kept.duplicated(key + ["type"])
    if repeated.any():
        r = kept[repeated].iloc[0]
        raise InputError(sheet.file, f"{r['area_name']} {r['measure_code']} {r['disaggregation']} "
                         f"{r['measure_type']} is given twice", sheet=sheet.name, row=int(r["source_row"]),
                         column=COLUMNS["measure_type"], expected="one row per area, measure, disaggregation "
                         "and measure type")
    if kept.empty:
        raise InputError(sheet.file, "no Numerator, Denominator or Outcome rows for an area", sheet=sheet.name,
                         expected="rows for local authorities, regions or England")
    wide = kept.pivot(index=key, columns="type", values="value").reindex(
        columns=["numerator", "denominator", "outcome"])
    first = kept.sort_values("source_row").drop_duplicates(key).set_index(key)
    outcome_rows = kept[kept["type"] == "outcome"].set_index(key)["source_row"]
    frame = first[["area_name", "area_type", "geography_code"]].join(wide)
    frame["source_row"] = outcome_rows.reindex(frame.index).fillna(first["source_row"])
    frame = frame.reset_index().sort_values("source_row", kind="stable")
    frame["year"] = frame["period"].str[:4].astype(int)
    frame["source_file"] = sheet.file.name
    frame["source_sheet"] = sheet.name
    return frame
