"""Cells as publishers write them: text (blanks, whitespace), the numbers (suppression markers, £,
thousands separators, percentages) and dates they really write, parsed column by column.

Row numbers are always the 1-based row a person sees when they open the file (header rows
included), so that an error or a figure's provenance can be checked by eye.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError


SUPPRESSION_MARKERS = {"*", "..", "-", "c", "x", ":", "~", "n/a", "na", "#", "[c]", "[x]", "[z]", "z"}


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if pd.isna(v):
            return ""
        if v.is_integer():
            return str(int(v))
    if v is pd.NaT:
        return ""
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v).strip()


# A separator (NUL) followed by whitespace as `str.strip` sees it (`\s` on text is str.isspace).
_EDGE_SPACE = re.compile(r"\x00\s")


# str.isspace's ASCII characters, all made a space, for the byte-level check of ASCII text.
_ASCII_SPACES = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)


def has_edge_space(strings) -> bool:
    """Whether any of these strings begins or ends with whitespace (what `str.strip` would
    remove), found by scanning them joined with NUL (a C-speed byte search for ASCII text, else
    two regex scans) rather than a Python call per cell. A NUL inside a cell can only make it
    answer True, which is merely slower."""
    joined = "\x00".join(strings)
    if joined.isascii():
        data = joined.encode("ascii").translate(_ASCII_SPACES)
        return data[:1] == b" " or data[-1:] == b" " or b"\x00 " in data or b" \x00" in data
    joined = "\x00" + joined + "\x00"
    return bool(_EDGE_SPACE.search(joined) or _EDGE_SPACE.search(joined[::-1]))


def text_values(values) -> pd.Series:
    """`cell_text` of every cell of a column, vectorised: stripped text, '' for blanks.

    A column of text and blanks (every CSV column, most spreadsheet columns) is stripped only if
    some cell has whitespace at an edge (usually none has, and a strip is a Python call per cell);
    a column mixing numbers, dates or booleans falls back to `cell_text` per cell, so both give
    exactly the same text."""
    s = pd.Series(values, dtype=object, copy=False)
    if not len(s):
        return pd.Series([], dtype=object, index=s.index)
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind == "empty":
        return pd.Series("", index=s.index, dtype=object)
    if kind == "string":
        filled = s.where(s.notna(), "").astype(object)
        return filled.str.strip().astype(object) if has_edge_space(filled.to_numpy()) else filled
    return s.map(cell_text).astype(object)


def map_distinct(values, fn, *, with_position: bool = False) -> pd.Series:
    """``fn`` of every cell of a column, called once per distinct cell, in order of first
    appearance (so an error raised names the first row holding that cell), and once for blank
    cells (None): national files repeat a few values (sexes, age bands, dates) hundreds of
    thousands of times. Cells are told apart by value and type, so 1, 1.0 and True stay apart.
    With ``with_position``, ``fn(cell, i)`` also gets the cell's first position."""
    s = pd.Series(values, dtype=object, copy=False)
    keys = s
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        keys = pd.Series([(type(v), v) if v is not None and v == v else None for v in s], dtype=object)
    codes, distinct = pd.factorize(keys, use_na_sentinel=True)
    mapped = np.empty(len(distinct) + 1, dtype=object)
    present, first = np.unique(codes, return_index=True)
    for code, i in zip(present.tolist(), first.tolist()):
        if code >= 0:
            mapped[code] = fn(s.iat[i], i) if with_position else fn(s.iat[i])
    mapped[-1] = fn(None, -1) if with_position else fn(None)  # code -1: blank cells
    return pd.Series(mapped[codes], index=s.index, dtype=object)


def text_or_none(values, *, clean: bool = False) -> pd.Series:
    """`text_values`, with None where a cell is blank (what the store holds for missing text).
    ``clean``: the cells are a `Sheet.clean_text` sheet's, known to have no edge whitespace."""
    s = pd.Series(values, dtype=object, copy=False)
    if len(s) and pd.api.types.infer_dtype(s, skipna=True) == "string":
        cells = s.to_numpy(dtype=object)
        present = s.notna().to_numpy()
        if clean or not has_edge_space(cells[present]):  # text as it is: only blanks to settle
            return pd.Series(np.where(present & (cells != ""), cells, None), index=s.index, dtype=object)
    t = text_values(s)
    return t.where(t != "", None).astype(object)


def text_grid(cells: pd.DataFrame) -> list[list[str]]:
    """A block of raw cells as rows of `cell_text` strings, one vectorised pass per column."""
    if cells.shape[1] == 0:
        return [[] for _ in range(len(cells))]
    columns = [text_values(cells[c]).tolist() for c in cells.columns]
    return [list(row) for row in zip(*columns)]


# A number as publishers write it: a sign, a pound sign, then digits with thousands separators only
# where they separate thousands (1,234 and 1 234 567, not 1,2,3), a decimal part, an exponent on a
# plain number, a trailing %; accounting negatives in brackets. ASCII digits only (Python's float
# would also read `1_000`, `nan`, `inf` and other scripts' digits).
_NUMBER = re.compile(r"""(?P<sign>[-+]?)\s*£?\s*(?P<sign2>[-+]?)\s*
    (?P<body>\d{1,3}(?:,\d{3})+(?:\.\d+)?
            |\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?:\.\d+)?
            |(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    \s*%?""", re.VERBOSE | re.ASCII)


# Written where a number is missing by tools that export data frames: missing, with a note.
NOT_A_NUMBER = {"nan", "null", "none"}


_INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "-∞"}


def parse_number(value, *, file, sheet=None, row=None, column=None, allow_negative=False,
                 notes: list[str] | None = None):
    """A count, rate or money value: `1,234`, `£1,234.50`, blanks and suppression markers.

    Suppression markers (and `NaN`) become None with a note (never zero). Text that is not a
    number, a thousands separator that does not separate thousands (`1,2,3`), and a number that is
    not finite (`Infinity`, `1e309`) raise InputError naming the cell.
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise InputError(file, f"found {value!r} where a number belongs", sheet=sheet, row=row,
                         column=column, expected="a number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if np.isnan(number):  # a blank cell as a spreadsheet reader gives it
            return None
        if not np.isfinite(number):
            raise InputError(file, f"found {number} where a number belongs", sheet=sheet, row=row,
                             column=column, expected="a finite number")
    else:
        number = _text_number(str(value).strip(), file=file, sheet=sheet, row=row, column=column, notes=notes)
        if number is None:
            return None
    if number < 0 and not allow_negative:
        raise InputError(file, f"found a negative value ({number:g})", sheet=sheet, row=row,
                         column=column, expected="a count of zero or more")
    return number


def _text_number(text: str, *, file, sheet, row, column, notes) -> float | None:
    """A number cell written as text (`parse_number`): None for a blank, a suppression marker or
    `NaN` (with a note); InputError for anything `_NUMBER` does not read or that is not finite."""
    if text == "":
        return None
    if text.lower() in SUPPRESSION_MARKERS or text.lower() in NOT_A_NUMBER:
        if notes is not None:
            what = "suppressed value" if text.lower() in SUPPRESSION_MARKERS else "value"
            notes.append(f"{Path(file).name} row {row} column '{column}': {what} '{text}' kept as missing")
        return None
    if text.lower().replace(" ", "") in _INFINITE:
        raise InputError(file, f"found '{text}' where a number belongs", sheet=sheet, row=row,
                         column=column, expected="a finite number")
    negative = text.startswith("(") and text.endswith(")")  # accounting negatives
    m = _NUMBER.fullmatch(text[1:-1].strip() if negative else text)
    if m is None or (m["sign"] and m["sign2"]):
        expected = "a number such as 1,234 or £1,234.50"
        if "," in text:
            expected += ", with commas only between groups of three digits"
        raise InputError(file, f"found '{text}' where a number belongs", sheet=sheet,
                         row=row, column=column, expected=expected) from None
    number = float(re.sub(r"[^\d.eE+-]", "", m["body"]))
    if not np.isfinite(number):
        raise InputError(file, f"found '{text}', which is too large to be a number", sheet=sheet,
                         row=row, column=column, expected="a finite number")
    return -number if negative != ((m["sign"] or m["sign2"]) == "-") else number


def plain_numbers(values) -> np.ndarray | None:
    """A column of text cells (None for blanks) as float64 (NaN for blanks) when every cell is a
    plain finite number that Arrow's cast reads (`12`, `-3.5`, `1e5`), else None. One cast in C
    with no Python object per cell; a cell it cannot read (`1,234`, `£5`, a suppression marker,
    a boolean, `nan`) sends the whole column to `pandas.to_numeric` and the cell-by-cell route."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    try:
        numbers = pc.cast(pa.array(cells, type=pa.string(), from_pandas=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    out = numbers.to_numpy(zero_copy_only=False)
    finite = np.isfinite(out)
    if not finite.all() and not (finite | numbers.is_null().to_numpy(zero_copy_only=False)).all():
        return None  # `nan` or `inf` written in a cell: what pandas makes of it decides
    return out


def parse_numbers(values, rows, *, file, sheet=None, column=None, allow_negative=False,
                  notes: list[str] | None = None) -> pd.Series:
    """`parse_number` over a whole column, vectorised: float64, NaN for blanks and suppressed cells.

    Plain numbers are converted in one pass; only the cells that pass cannot settle (text such as
    `1,234` or `£5`, suppression markers, negatives, booleans) go through `parse_number`, in row
    order, so the located error and the notes are exactly those of a cell-by-cell loop.
    ``column`` is the column's header, or one header per cell when the cells come from several."""
    raw = pd.Series(values, dtype=object, copy=False).reset_index(drop=True)
    rows = np.asarray(rows)
    plain = plain_numbers(raw)
    if plain is not None:  # every cell a plain number or blank: only negatives can still be refused
        numbers = pd.Series(plain, index=raw.index)
        slow = np.zeros(len(raw), dtype=bool) if allow_negative else (plain < 0)
        for i in np.flatnonzero(slow):
            parse_number(raw.iat[i], file=file, sheet=sheet, row=int(rows[i]),
                         column=column if column is None or isinstance(column, str) else str(column[i]),
                         allow_negative=allow_negative, notes=notes)
        return numbers
    numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
    # A blank, a cell pandas cannot read, and `nan` or `inf` written as a number or text: one by one.
    slow = ~np.isfinite(numbers.to_numpy()) & raw.notna().to_numpy()
    if not allow_negative:
        slow |= (numbers < 0).to_numpy()
    if pd.api.types.infer_dtype(raw, skipna=True) not in ("string", "floating", "integer", "empty",
                                                          "mixed-integer-float", "decimal"):
        slow |= raw.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    for i in np.flatnonzero(slow):
        col = column if column is None or isinstance(column, str) else str(column[i])
        x = parse_number(raw.iat[i], file=file, sheet=sheet, row=int(rows[i]), column=col,
                         allow_negative=allow_negative, notes=notes)
        numbers.iat[i] = np.nan if x is None else x
    return numbers


def parse_dates(values, rows, *, file, sheet=None, column=None) -> pd.Series:
    """`parse_date` over a whole column as ISO text (None for blanks), each distinct cell parsed
    once, in order of first appearance, so an error names the first row that holds it."""
    rows = np.asarray(rows)

    def iso(v, i):
        d = parse_date(v, file=file, sheet=sheet, row=int(rows[i]) if i >= 0 else None, column=column)
        return d.isoformat() if d else None

    return map_distinct(values, iso, with_position=True).reset_index(drop=True)


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}


def parse_date(value, *, file, sheet=None, row=None, column=None) -> dt.date | None:
    """`dd/mm/yyyy`, ISO `yyyy-mm-dd`, `01-Apr-20`, `01APR2021`, `1 April 2020` and Excel dates.
    Years are read as written; only a two-digit year gets a century."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if pd.isna(value):
            return None
        if 20000 < value < 80000:  # an Excel serial day number that arrived as a number
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    text = str(value).strip()
    if text == "" or text.lower() in SUPPRESSION_MARKERS:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text)
    if m:
        y, mo, d = map(int, m.groups())
        year = m.group(1)
    else:
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?: .*)?", text)
        if m:
            d, mo, y = map(int, m.groups())
            year = m.group(3)
        else:
            m = re.fullmatch(r"(\d{1,2})[-\s]?([A-Za-z]{3,9})[-\s]?(\d{2}|\d{4})", text)
            if m and m.group(2)[:3].lower() in _MONTHS:
                d, mo, y = int(m.group(1)), _MONTHS[m.group(2)[:3].lower()], int(m.group(3))
                year = m.group(3)
            else:
                raise InputError(file, f"found '{text}' where a date belongs", sheet=sheet,
                                 row=row, column=column,
                                 expected="a date such as 31/03/2018, 2018-03-31 or 31-Mar-18")
    if len(year) == 2:  # a two-digit year: 00-69 is 2000-2069, 70-99 is 1970-1999
        y += 2000 if y < 70 else 1900
    # A four-digit year is the year as written: 01/01/0001 is the year 1 (then outside any
    # column's window, domain.plausibility), never 2001.
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise InputError(file, f"found '{text}', which is not a real date", sheet=sheet, row=row,
                         column=column, expected="a valid day and month") from None


def year_from_period(period: str) -> int | None:
    """`2016/17` -> 2016, `2014 - 16` -> 2014, `2016` -> 2016, `2017-18` -> 2017."""
    m = re.match(r"\s*(\d{4})", str(period))
    return int(m.group(1)) if m else None
