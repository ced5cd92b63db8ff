"""Sheets: any spreadsheet (xlsx, ods, xls, html, CSV) read into raw cell grids (`read_sheets`,
`Sheet`), finding header rows and the body below them, `LoadResult` and the lookups.

Loaders know formats; this module knows only how bytes become cells. Row numbers are always the
1-based row a person sees when they open the file (header rows included).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .cells import cell_text, text_grid, text_values
from .csv_arrow import _arrow_csv, _decode, _read_csv, _separator
from .errors import InputError
from .reading import check_container, check_sheet_extent, read_input


SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".htm", ".html"}


# Not spreadsheets, but read too: ward boundaries as GeoJSON (loaders/boundaries.py).
OTHER_SUFFIXES = {".geojson", ".json"}


HEAD_ROWS = 60  # rows of each sheet kept as text for the sniffers (Sheet.head_text)


class Sheet:
    """One sheet (or a whole CSV) as a grid of raw cells, with no header interpretation.

    ``cells`` has a RangeIndex; ``row_number(i)`` is the row a person sees in the file.

    A rectangular UTF-8 CSV is read by Arrow's multi-threaded reader and held as ``arrow``: one
    string column per file column, null for a blank cell (empty or whitespace only), otherwise the
    text exactly as written. Loaders of national files work on those columns; ``cells`` (Python
    objects, None for blanks, exactly what the pandas reader gives) is built from them only when a
    loader asks for it, and the Arrow copy is then let go, so a grid is held once.
    """

    def __init__(self, file: Path, name: str | None, cells: pd.DataFrame | None = None, first_row: int = 1,
                 *, clean_text: bool = False, arrow=None):
        if cells is None and arrow is None:
            raise ValueError("a sheet needs cells or an Arrow table")
        self.file, self.name, self.first_row = file, name, first_row
        self._cells, self.arrow = cells, arrow
        self._head: list[list[str]] | None = None
        # True when reading showed that no cell begins or ends with whitespace (a plain ASCII CSV,
        # `_edge_space_in_csv`): a loader may then skip `text_or_none`'s per-column scan.
        self.clean_text = clean_text

    def __repr__(self) -> str:
        return f"Sheet({self.file.name!r}, {self.name!r}, rows={self.n_rows})"

    @property
    def cells(self) -> pd.DataFrame:
        if self._cells is None:
            self._cells, self.arrow = object_grid(self.arrow), None
        return self._cells

    @property
    def n_rows(self) -> int:
        return len(self._cells) if self._cells is not None else self.arrow.num_rows

    def row_number(self, i: int) -> int:
        return int(i) + self.first_row

    def top(self, rows: int) -> pd.DataFrame:
        if self._cells is None:  # the first rows only: the whole grid is not made for a sniffer
            return object_grid(self.arrow.slice(0, rows))
        return self._cells.iloc[:rows]

    def head_text(self, rows: int = 40) -> list[list[str]]:
        """The first rows as stripped strings ('' for blanks): what sniffers look at. Every
        sniffer asks, so the first 60 rows are worked out once per sheet (cells are not changed
        after reading)."""
        if rows > HEAD_ROWS:
            return text_grid(self.top(rows))
        if self._head is None:
            self._head = text_grid(self.top(HEAD_ROWS))
        return [list(r) for r in self._head[:rows]]


def object_grid(table) -> pd.DataFrame:
    """An Arrow table of string columns as the raw cell grid: Python strings, None for nulls."""
    return pd.DataFrame({j: col.to_numpy(zero_copy_only=False) for j, col in enumerate(table.columns)},
                        columns=range(table.num_columns), dtype=object)


@dataclass
class LoadResult:
    kind: str
    table: str
    frame: pd.DataFrame
    rows_read: int
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # store column -> its header in the file (messages)
    # The loader has made its main table's key unique itself (refused a repeat, or dropped the
    # publisher's repeats by a stated rule): ingest does not check the key of a national file twice.
    key_checked: bool = False

    @property
    def rows_kept(self) -> int:
        return int(len(self.frame))


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<table" in head


def _read_html_tables(path: Path, raw: bytes) -> list[Sheet]:
    from lxml import etree

    try:
        tables = pd.read_html(io.StringIO(raw.decode("utf-8", errors="replace")), header=None, flavor="lxml")
    except (ValueError, ImportError, etree.LxmlError) as exc:  # lxml's own errors for a truncated page
        raise InputError(path, f"the HTML table could not be read ({exc})",
                         expected="an HTML page with a <table>") from None
    sheets = []
    for i, t in enumerate(tables):
        t = t.astype(object).where(t.notna(), None)
        t.columns = range(t.shape[1])
        sheets.append(Sheet(path, f"table {i + 1}", t.reset_index(drop=True)))
    return sheets


_FORMAT_NAMES = {".ods": "ODS spreadsheet", ".xlsx": "xlsx workbook", ".xlsm": "xlsx workbook", ".xls": "xls workbook"}


def _reader_failed(exc: BaseException) -> bool:
    """Whether the reader failed on the file (its own errors, and a Rust panic, which pyo3 raises
    as a BaseException) rather than the user stopping it or the interpreter running out of memory
    or stack (those are said by `loaders.store.load_file`)."""
    return not isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError, RecursionError))


def _read_workbook(path: Path, raw: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    check_container(path, raw)
    check_sheet_extent(path, raw)
    kind = _FORMAT_NAMES.get(path.suffix.lower(), "spreadsheet")
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except BaseException as exc:  # calamine raises its own error types for corrupt/truncated files
        if not _reader_failed(exc):
            raise
        raise InputError(path, f"this file is not a valid {kind} (the reader says: {type(exc).__name__}: {exc})",
                         expected="a complete .xlsx, .xls or .ods workbook, saved again from the program that made it"
                         ) from None
    sheets = []
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except BaseException as exc:
            if not _reader_failed(exc):
                raise
            raise InputError(path, f"the sheet could not be read ({exc})", sheet=name) from None
        width = max((len(r) for r in rows), default=0)
        grid = np.empty((len(rows), width), dtype=object)
        for i, r in enumerate(rows):
            grid[i, :len(r)] = r
        # calamine gives '' for empty cells: make them None in one vectorised pass.
        grid[grid == ""] = None
        frame = pd.DataFrame(grid, columns=range(width))
        sheets.append(Sheet(path, name, frame))
    return sheets


def read_sheets(path: str | Path, raw: bytes | None = None) -> list[Sheet]:
    """Every sheet of a file as raw cells. CSV is one unnamed sheet; HTML-as-.xls gives tables.

    ``raw`` is the file's bytes when the caller has read them already (`read_input`), so a file is
    read from disk once."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise InputError(path, f"files ending '{suffix or '(none)'}' are not read",
                         expected="one of " + ", ".join(sorted(SPREADSHEET_SUFFIXES | OTHER_SUFFIXES)))
    raw = read_input(path) if raw is None else raw
    if not raw or raw.isspace():  # no stripped copy of a national file to find it empty
        raise InputError(path, "the file is empty", expected="a header row and data rows")
    if suffix in {".htm", ".html"} or (suffix == ".xls" and _looks_like_html(raw)):
        return _read_html_tables(path, raw)
    if suffix in {".csv", ".txt"}:
        data, encoding = _decode(path, raw)
        fast = _arrow_csv(path, data, encoding, _separator(data))
        if fast is not None:
            return [Sheet(path, None, arrow=fast[0], clean_text=fast[1])]
        cells, clean = _read_csv(path, raw, (data, encoding))
        return [Sheet(path, None, cells, clean_text=clean)]
    return _read_workbook(path, raw)


def normalise_header(text: str) -> str:
    return re.sub(r"\s+", " ", cell_text(text)).strip().lower()


def find_header_row(sheet: Sheet, required: Iterable[str], *, max_rows: int = 30) -> int | None:
    """Index of the first row holding every required header (case/space-insensitive)."""
    wanted = [normalise_header(r) for r in required]
    for i, row in enumerate(sheet.head_text(max_rows)):
        names = {normalise_header(c) for c in row if c}
        if all(w in names for w in wanted):
            return i
    return None


def header_cells(sheet: Sheet, header_index: int) -> list[str]:
    """The header row's cells as text, as written ('' for blank cells)."""
    return text_values(sheet.top(header_index + 1).iloc[header_index]).tolist()


def body_below(sheet: Sheet, header_index: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The cells below a header row, columns by position, blank rows dropped, and each kept row's
    number in the file (the row a person sees)."""
    body = sheet.cells.iloc[header_index + 1:]
    body = body.loc[filled_rows(body)]
    rows = np.asarray(body.index, dtype=np.int64) + sheet.first_row
    return body.reset_index(drop=True), rows


def filled_rows(cells: pd.DataFrame) -> np.ndarray:
    """Which rows hold at least one cell (not all blank), column by column: a column is looked at
    only in the rows every column before it left blank, so a grid whose first column is filled
    (every national file) costs one pass over one column, not one over every cell."""
    filled = np.zeros(len(cells), dtype=bool)
    open_rows = np.arange(len(cells))
    for j in range(cells.shape[1]):
        if not len(open_rows):
            break
        column = cells.iloc[:, j].to_numpy(dtype=object)
        present = pd.notna(column if len(open_rows) == len(cells) else column[open_rows])
        filled[open_rows[present]] = True
        open_rows = open_rows[~present]
    return filled


def positions(header: list[str], norm=None) -> dict[str, int]:
    """Normalised header -> its first column position (blank headers skipped)."""
    norm = norm or normalise_header
    out: dict[str, int] = {}
    for j, name in enumerate(header):
        if name:
            out.setdefault(norm(name), j)
    return out


def header_names(sheet: Sheet, header_index: int) -> list[str]:
    """The header row's cells as column names: a blank one `Unnamed`, a repeated one `name.1`."""
    seen: dict[str, int] = {}
    names = []
    for h in header_cells(sheet, header_index):
        h = h or "Unnamed"
        if h in seen:
            seen[h] += 1
            names.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            names.append(h)
    return names


def frame_with_header(sheet: Sheet, header_index: int) -> pd.DataFrame:
    """Cells below the header row, columns named by the header. Keeps `_row` (file row number)."""
    names = header_names(sheet, header_index)
    body = sheet.cells.iloc[header_index + 1:].copy()
    body.columns = names
    body["_row"] = np.asarray(body.index, dtype=np.int64) + sheet.first_row
    # A row of blanks carries nothing: drop it without counting it as data.
    return body.loc[filled_rows(body[names])].reset_index(drop=True)


def load_lookup(name: str, lookups_dir: Path) -> pd.DataFrame:
    path = Path(lookups_dir) / name
    if not path.exists():
        raise InputError(path, "a lookup table is missing", expected=f"{name} in {lookups_dir}")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(path, f"the lookup table could not be read ({exc})",
                         expected="a CSV with quoted text where it contains commas") from None
