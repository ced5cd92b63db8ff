"""Nomis bulk CSVs (Census 2021 `census2021-tsNNN-<geography>.csv`), read into tidy long form.

Nomis ships each Census 2021 topic summary as a zip holding one CSV per geography (`-ctry`,
`-rgn`, `-utla`, `-ltla`, `-msoa`, `-lsoa`, `-oa`, ...). Each CSV is wide: `date` (the census
year), `geography` (the area's name), `geography code` (its GSS code), then one column per
category headed `<Topic>: <Category>`, e.g. `General health: Very good health`. A category may hold
further colons (`Disability: Disabled under the Equality Act: Day-to-day activities limited a lot`)
and totals are categories too (`General health: Total: All usual residents`), so a header is split
at its first ": " only. Some editions end each header with `; measures: Value` (e.g. TS007's
`Age: Total; measures: Value`); that suffix is dropped. A table crossing two variables
(`Sex: Male; Age: Aged 4 years and under`) keeps the first variable as its topic and the rest as
its category.

This module knows that layout and nothing of what the categories mean: `read_nomis_bulk_csv` gives
one row per area and category, for any topic, and the census loader (loaders/census_bulk.py) and
peer-group features build on it. A file not in the layout is refused with one line naming the
file, row and column (`InputError`), never a traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .cells import cell_text
from .sheets import Sheet, normalise_header, read_sheets

ID_HEADERS = ["date", "geography", "geography code"]
COLUMNS = ["date", "geography", "geography_code", "topic", "category", "value", "source_row"]
CODE = re.compile(r"^[EWSNK]\d{8}$")
YEAR = re.compile(r"^((?:19|20)\d{2})(?:-\d{2}-\d{2})?$")
SEPARATOR = ": "
MEASURE_SUFFIX = re.compile(r";\s*measures:\s*value\s*$", re.I)


def is_nomis_bulk(header: list[str]) -> bool:
    """True when a header row is a Nomis bulk CSV's: the three id columns, then `Topic: Category`s."""
    names = [normalise_header(h) for h in header]
    return (len(names) > 3 and names[:3] == ID_HEADERS
            and all(SEPARATOR in cell_text(h) for h in header[3:] if cell_text(h)))


def split_header(header: str) -> tuple[str, str] | None:
    """`Topic: Category` split at the first ': ' (the category may hold more), or None."""
    topic, sep, category = MEASURE_SUFFIX.sub("", cell_text(header)).partition(SEPARATOR)
    if not sep or not topic.strip() or not category.strip():
        return None
    return topic.strip(), category.strip()


def read_nomis_bulk_csv(path: str | Path, raw: bytes | None = None) -> pd.DataFrame:
    """One Nomis bulk CSV as a long frame: `date` (census year, int), `geography` (the area's
    name), `geography_code`, `topic`, `category`, `value` (int count) and `source_row` (the row
    a person sees in the file), one row per area and category, in the file's order.

    Raises `InputError` (file, row, column, what was expected) for anything not in the layout:
    other id columns, a category header without ': ', a repeated header or area, a year that is
    not one, a code that is not a GSS code, a count that is blank, negative or not whole."""
    sheets = read_sheets(path, raw)
    return nomis_bulk_frame(sheets[0])


def nomis_bulk_frame(sheet: Sheet) -> pd.DataFrame:
    """`read_nomis_bulk_csv` of a sheet already read (`loaders.sheets.read_sheets`)."""
    head = sheet.head_text(1)
    header = head[0] if head else []
    where = dict(file=sheet.file, sheet=sheet.name)
    names = [normalise_header(h) for h in header]
    for j, wanted in enumerate(ID_HEADERS):
        if j >= len(names) or names[j] != wanted:
            found = f"'{header[j]}'" if j < len(header) and header[j] else "nothing"
            raise InputError(**where, row=sheet.row_number(0), column=header[j] if j < len(header) else None,
                             problem=f"column {j + 1} is {found}",
                             expected="a Nomis bulk CSV: 'date', 'geography', 'geography code', then "
                                      "'<Topic>: <Category>' columns")
    categories = _categories(header, sheet, where)
    body = sheet.cells.iloc[1:]
    body = body[body.notna().any(axis=1)]
    if body.empty:
        raise InputError(**where, problem="the file has no area rows", expected="one row per area below the header")
    rows = np.asarray(body.index, dtype=np.int64) + sheet.first_row
    years = _years(body[0], rows, where, header[0])
    names_col = body[1].map(cell_text).to_numpy(dtype=object)
    codes = _codes(body[2], rows, where, header[2])
    counts = np.column_stack([_counts(body[j] if j in body.columns else pd.Series([None] * len(body)),
                                      rows, where, header[j]) for j, _t, _c in categories])
    n, k = counts.shape
    return pd.DataFrame({
        "date": np.repeat(years, k),
        "geography": np.repeat(names_col, k),
        "geography_code": np.repeat(codes, k),
        "topic": np.tile(np.array([t for _j, t, _c in categories], dtype=object), n),
        "category": np.tile(np.array([c for _j, _t, c in categories], dtype=object), n),
        "value": counts.reshape(-1),
        "source_row": np.repeat(rows, k),
    }, columns=COLUMNS)


def _categories(header: list[str], sheet: Sheet, where: dict) -> list[tuple[int, str, str]]:
    """(column, topic, category) of every column after the three id columns."""
    categories: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for j in range(3, len(header)):
        text = header[j]
        if not text:
            raise InputError(**where, row=sheet.row_number(0), problem=f"column {j + 1} has no header",
                             expected="a '<Topic>: <Category>' header over every count column")
        parts = split_header(text)
        if parts is None:
            raise InputError(**where, row=sheet.row_number(0), column=text,
                             problem="the header is not '<Topic>: <Category>'",
                             expected="a topic and a category separated by ': ', e.g. 'General health: Good health'")
        if text in seen:
            raise InputError(**where, row=sheet.row_number(0), column=text,
                             problem=f"the header appears again (first in column {seen[text] + 1})",
                             expected="one column per category")
        seen[text] = j
        categories.append((j, *parts))
    if not categories:
        raise InputError(**where, row=sheet.row_number(0), problem="the file has no category columns",
                         expected="'<Topic>: <Category>' columns after 'geography code'")
    return categories


def _years(values: pd.Series, rows: np.ndarray, where: dict, column: str) -> np.ndarray:
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values.to_numpy(dtype=object)):
        m = YEAR.match(cell_text(v))
        if not m:
            raise InputError(**where, row=int(rows[i]), column=column, problem=f"'{cell_text(v)}' is not a year",
                             expected="the census year, e.g. 2021")
        out[i] = int(m.group(1))
    return out


def _codes(values: pd.Series, rows: np.ndarray, where: dict, column: str) -> np.ndarray:
    codes = values.map(cell_text).to_numpy(dtype=object)
    first: dict[str, int] = {}
    for i, code in enumerate(codes):
        if not CODE.match(code):
            raise InputError(**where, row=int(rows[i]), column=column, problem=f"'{code}' is not an area code",
                             expected="a GSS code: a letter and eight digits")
        if code in first:
            raise InputError(**where, row=int(rows[i]), column=column,
                             problem=f"area {code} appears again (first at row {first[code]})",
                             expected="one row per area")
        first[code] = int(rows[i])
    return codes


def _counts(values: pd.Series, rows: np.ndarray, where: dict, column: str) -> np.ndarray:
    text = values.map(cell_text)
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers) | (numbers < 0) | (numbers != np.floor(numbers))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        found = f"'{text.iloc[i]}'" if text.iloc[i] else "a blank cell"
        raise InputError(**where, row=int(rows[i]), column=column, problem=f"{found} is not a count",
                         expected="a whole number of people, 0 or more")
    return numbers.astype(np.int64)
