"""Shared machinery for every loader: reading any spreadsheet into raw cell grids, parsing the
numbers and dates publishers really write, and the error that names file, sheet, row and column.

Loaders know formats; this module knows only how bytes become cells. Row numbers are always the
1-based row a person sees when they open the file (header rows included), so that an error or a
figure's provenance can be checked by eye.
"""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
import posixpath
import re
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import limits

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".htm", ".html"}
# Not spreadsheets, but read too: ward boundaries as GeoJSON (loaders/boundaries.py).
OTHER_SUFFIXES = {".geojson", ".json"}
HEAD_ROWS = 60  # rows of each sheet kept as text for the sniffers (Sheet.head_text)
SUPPRESSION_MARKERS = {"*", "..", "-", "c", "x", ":", "~", "n/a", "na", "#", "[c]", "[x]", "[z]", "z"}


class InputError(Exception):
    """Bad input: says where (file, sheet, row, column) and what was expected. Never a traceback."""

    def __init__(self, file: str | Path, problem: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None, expected: str | None = None):
        self.file = display_name(Path(file).name) if file else ""
        self.sheet = sheet
        self.row = row
        self.column = column
        self.problem = problem
        self.expected = expected
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": {self.problem}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


def display_name(name: str) -> str:
    """A name safe to print on one line of a log: control and format characters (a newline that
    would forge a log line, terminal escapes, right-to-left overrides) shown as '?'."""
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(name))


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


# --------------------------------------------------------------------------- reading

def read_input(path: str | Path) -> bytes:
    """A file's bytes, read once, within `limits.FILE_MB`. Symbolic links and special files (pipes,
    devices, sockets) are refused without being opened for reading: a link named `.csv` that points
    at a system file must not be read, hashed or shown."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise InputError(path, "the file disappeared before it could be read") from None
    if stat.S_ISLNK(mode):
        raise InputError(path, "this is a symbolic link, which ingest does not follow",
                         expected="the file itself, copied into the folder") from None
    if not stat.S_ISREG(mode):
        raise InputError(path, f"this is a {_special_kind(mode)}, not a file", expected="a downloaded file")
    limit = limits.FILE_MB.value * limits.MB
    try:  # O_NOFOLLOW: a link swapped in after the check above is refused, not followed
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(path, "this is a symbolic link, which ingest does not follow",
                             expected="the file itself, copied into the folder") from None
        raise InputError(path, f"the file cannot be read ({exc.strerror})",
                         expected="a file the user running ingest may read") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, f"this is a {_special_kind(st.st_mode)}, not a file", expected="a downloaded file")
        if st.st_size > limit:
            raise _over(path, f"the file is {st.st_size / limits.MB:,.0f} MB", limits.FILE_MB)
        raw = f.read(limit + 1)
    if len(raw) > limit:  # it grew while being read
        raise _over(path, "the file is over the size limit", limits.FILE_MB)
    return raw


def _special_kind(mode: int) -> str:
    return ("folder" if stat.S_ISDIR(mode) else "named pipe" if stat.S_ISFIFO(mode) else
            "socket" if stat.S_ISSOCK(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")


def _over(path: Path, found: str, limit: limits.Limit, sheet: str | None = None) -> InputError:
    return InputError(path, f"{found}, over the limit of {limit.value:,} {limit.unit}", sheet=sheet,
                      expected=f"a file within the limit, or {limit.env} set higher for this run")


def check_container(path: Path, raw: bytes) -> None:
    """Refuse a zip-based spreadsheet (.xlsx, .ods) that would inflate beyond the limits, judged
    from its central directory alone, before any part of it is decompressed."""
    if not raw.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as exc:
        raise InputError(path, f"the spreadsheet could not be opened (a damaged zip container: {exc})",
                         expected="a complete .xlsx or .ods workbook") from None
    if len(parts) > limits.ZIP_ENTRIES.value:
        raise _over(path, f"the workbook holds {len(parts):,} parts", limits.ZIP_ENTRIES)
    inflated = sum(p.file_size for p in parts)
    if inflated > limits.ZIP_INFLATED_MB.value * limits.MB:
        raise _over(path, f"the workbook would unzip to {inflated / limits.MB:,.0f} MB", limits.ZIP_INFLATED_MB)
    for p in parts:  # small parts may compress well without costing anything
        ratio = p.file_size / max(p.compress_size, 1)
        if p.file_size > limits.MB and ratio > limits.ZIP_RATIO.value:
            raise _over(path, f"its part '{display_name(p.filename)}' would inflate {ratio:,.0f} times", limits.ZIP_RATIO)


# --------------------------------------------------------------------------- declared extent

_CHUNK = 1 << 22
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _greater(current: str, alphabet: str) -> str:
    """A regular expression for the strings of ``alphabet`` that are greater than ``current``
    (longer, or as long and later in the alphabet: how column letters and row numbers without
    leading zeros compare), so that a scan over millions of cell references meets only the few
    that raise the maximum, in C, and makes no Python object for the others."""
    any_ = f"[{alphabet[0]}-{alphabet[-1]}]"
    options = [f"{any_}{{{len(current) + 1},}}"]
    for i, ch in enumerate(current):
        after = alphabet.index(ch) + 1
        if after < len(alphabet):
            rest = f"{any_}{{{len(current) - i - 1}}}" if i < len(current) - 1 else ""
            options.append(re.escape(current[:i]) + f"[{alphabet[after]}-{alphabet[-1]}]" + rest)
    return "(?:" + "|".join(options) + ")"


# What follows a cell reference when the cell holds something: its start tag closes (not `/>`) and
# a value, inline string or formula comes next. A styled empty cell (`<c r="XFD1048576" s="1"/>`)
# or an empty row (`<row r="1048576" s="5" customFormat="1"/>`) costs calamine nothing and does
# not count.
_HOLDS_VALUE = r'"[^>]*(?<!/)>\s*<(?:\w+:)?(?:v|is|f)[\s>/]'


class _XlsxExtent:
    """The largest column and row of the cells with a value in one worksheet's XML (references
    `r="XFD1048576"`, and rows `<row r="1048576">` whose cells carry no reference of their own),
    found by expressions that match only references beyond the largest seen so far and are
    rebuilt when one is met: a scan over millions of cells meets a handful, in C."""

    def __init__(self):
        self.column, self.row = "A", "1"  # as text: compared by length then letter/digit order
        self._compile()

    def _compile(self):
        column, row = _greater(self.column, _LETTERS), _greater(self.row, "0123456789")
        self._col = re.compile(f'r="({column})\\d+{_HOLDS_VALUE}'.encode())
        self._row = re.compile(f'r="[A-Z]+({row}){_HOLDS_VALUE}'.encode())
        # a row whose first cell has no reference of its own: calamine places it by the row's number
        self._bare_row = re.compile(f'row r="({row})"[^>]*(?<!/)>\\s*<(?:\\w+:)?c(?=[\\s>/])(?![^>]*\\sr=")'.encode())

    def feed(self, data: bytes) -> None:
        if any(odd in data for odd in _ODD_REF_BYTES) or _LOWER_REF.search(data):
            data = _ODD_REF.sub(lambda m: b'r="' + m.group(1).upper() + b'"', data)  # as calamine reads them
        # Rows come in order and the header row is the widest, so the cells near the end of the
        # chunk usually hold its maximum already: taken first, they leave the scans nothing.
        near_end = _VALUE_REF.findall(data, max(0, len(data) - (1 << 14)))
        self._raise(max((c for c, _r in near_end), key=lambda c: (len(c), c), default=b"A").decode(),
                    max((r for _c, r in near_end), key=lambda r: (len(r), r), default=b"1").decode())
        for which in ("_col", "_row", "_bare_row"):
            at = 0
            while (m := getattr(self, which).search(data, at)) is not None:  # rebuilt by each new maximum
                found = m.group(1).decode()
                self._raise(found, self.row) if which == "_col" else self._raise(self.column, found)
                at = m.end()

    def _raise(self, column: str, row: str) -> None:
        column = max(self.column, column, key=lambda c: (len(c), c))
        row = max(self.row, row.lstrip("0") or "0", key=lambda r: (len(r), r))
        if (column, row) != (self.column, self.row):
            self.column, self.row = column, row
            self._compile()


# References written otherwise than r="A1" (calamine reads them too): lower-case letters, single
# quotes, space around '='. Rare, so looked for with byte searches and rewritten only when present.
_ODD_REF_BYTES = (b"r='", b"r =", b"r= ", b"r\t", b"r\n", b"r\r")
_LOWER_REF = re.compile(rb'r="[a-z]')
_ODD_REF = re.compile(rb"""(?<![\w:.-])r\s*=\s*["']([A-Za-z]*\d+)["']""")
_VALUE_REF = re.compile(f'r="([A-Z]+)(\\d+){_HOLDS_VALUE}'.encode())


def _xlsx_sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (e.g. 'xl/worksheets/sheet1.xml') -> the sheet's name, for messages."""
    try:
        book = z.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]*)"', rel), re.search(r'\bTarget="([^"]*)"', rel)
        if rid and target:
            t = target.group(1)
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else posixpath.normpath("xl/" + t)
    names = {}
    for sheet in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', sheet), re.search(r'\br:id="([^"]*)"', sheet)
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = name.group(1)
    return names


def _xlsx_extents(z: zipfile.ZipFile):
    """(sheet, rows, columns, where) of each worksheet of an .xlsx: the largest row and column of
    its cells with a value. The `<dimension ref>` is not taken at its word either way: calamine
    lays out the cells it finds (a declared A1:XFD1048576 over one cell reads as one cell), so the
    cells are what is checked."""
    names = _xlsx_sheet_names(z)
    for info in z.infolist():  # the usual place, and wherever the workbook's relationships point
        part = info.filename
        if part not in names and not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        extent, tail = _XlsxExtent(), b""
        with z.open(info) as f:
            while chunk := f.read(_CHUNK):
                data = tail + chunk
                extent.feed(data)
                tail = data[-256:]  # a cell cut in two by the chunk boundary is whole here
        yield names.get(part, part), int(extent.row), column_number(extent.column), f"{extent.column}{extent.row}"


_ODS_TABLE = re.compile(rb'<table:table[\s>/]')
_ODS_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)["']""")
_ODS_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["'](\d+)["']""")
_ODS_COLUMNS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["'](\d+)["']""")
_ODS_VALUE = (b":value", b"-value", b"table:formula")  # office:value(-type), office:date-value, ...


def _ods_row_width(cells: bytes, marks=_ODS_VALUE, covered: bool = True) -> int:
    """Columns a row's cells take up to its last cell with a value (repeats counted), 0 for a row
    with none: the trailing empty cells LibreOffice writes (`number-columns-repeated="1010"`)
    cost a reader nothing and do not count. ``marks`` and ``covered``: what the chunk holds at
    all, so that a row is not searched for what its chunk lacks."""
    last = cells.rfind(marks[0]) if marks and marks[0] == b":value" else -1  # office:value-type, nearly always
    start = max(last, 0)  # the others are looked for only after it, where the row is short
    for mark in marks:
        if mark != b":value":
            last = max(last, cells.rfind(mark, start))
    if last < 0:
        return 0
    end = cells.find(b">", last)
    head = cells[:end + 1 if end >= 0 else len(cells)]
    width = head.count(b"<table:table-cell") + (head.count(b"<table:covered-table-cell") if covered else 0)
    if b"columns-repeated" in head:
        width += sum(int(r) - 1 for r in _ODS_COLUMNS_REPEATED.findall(head) if int(r) > 1)
    return width


def _ods_extents(z: zipfile.ZipFile):
    """(sheet, rows, columns, where) of each table of an .ods: rows down to the last row with a
    value, repeats counted (`number-rows-repeated`), and the widest such row's columns; the
    trailing empty rows LibreOffice repeats to the sheet's end do not count. content.xml is
    read in chunks and split at row ends (bytes.split, in C): one Python step per row."""
    try:
        info = z.getinfo("content.xml")
    except KeyError:
        return
    sheets: list[list] = []  # [name, rows so far, last row with a value, widest such row]
    tail = b""
    with z.open(info) as f:
        while True:
            chunk = f.read(_CHUNK)
            data = tail + chunk
            marks = tuple(v for v in _ODS_VALUE if v in data)
            covered = b"<table:covered-table-cell" in data
            pieces = data.split(b"</table:table-row>")
            tail = pieces.pop() if chunk else b""
            del data
            for piece in pieces:
                start = piece.rfind(b"<table:table-row")
                if start < 0:
                    continue
                for table in _ODS_TABLE.finditer(piece, 0, start):
                    name = _ODS_NAME.search(piece, table.start(), piece.find(b">", table.start()) + 1)
                    sheets.append([name.group(1).decode("utf-8", "replace") if name else f"table {len(sheets) + 1}",
                                   0, 0, 0])
                if not sheets:
                    sheets.append(["table 1", 0, 0, 0])
                sheet = sheets[-1]
                tag_end = piece.find(b">", start)
                repeated = _ODS_ROWS_REPEATED.search(piece, start, tag_end)
                sheet[1] += int(repeated.group(1)) if repeated else 1
                width = _ods_row_width(piece[tag_end + 1:], marks, covered) if marks else 0
                if width:
                    sheet[2], sheet[3] = sheet[1], max(sheet[3], width)
            if not chunk:
                break
    for name, _rows, last, widest in sheets:
        yield name, last, widest, f"{column_letters(widest)}{last}" if last else "A1"


def check_sheet_extent(path: Path, raw: bytes) -> None:
    """Refuse a workbook whose sheets would lay out more rows, columns or cells than the limits
    allow, judged from the cell references and repeat counts its XML declares, before a reader
    allocates the grid: a 2 KB .xlsx with cells at A1 and XFD1048576, or an 800-byte .ods whose
    one row is repeated a million times across 16,384 columns, would otherwise ask the reader
    for billions of cells and abort the process. The XML is inflated in chunks and scanned as
    bytes (no parse tree, no object per cell)."""
    if not raw.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            names = set(z.namelist())
            extents = _ods_extents(z) if "content.xml" in names else _xlsx_extents(z)
            for sheet, rows, columns, where in extents:
                sheet = display_name(sheet)
                found = f"the sheet reaches cell {where}"
                if rows > limits.SHEET_ROWS.value:
                    raise _over(path, f"{found}: {rows:,} rows", limits.SHEET_ROWS, sheet)
                if columns > limits.SHEET_COLUMNS.value:
                    raise _over(path, f"{found}: {columns:,} columns", limits.SHEET_COLUMNS, sheet)
                if rows * columns > limits.SHEET_CELLS.value:
                    raise _over(path, f"{found}: {rows:,} rows x {columns:,} columns = {rows * columns:,} cells",
                                limits.SHEET_CELLS, sheet)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise InputError(path, f"the spreadsheet could not be opened (a damaged zip container: {exc})",
                         expected="a complete .xlsx or .ods workbook") from None


# Byte-order marks, longest first (UTF-32's begins with UTF-16's).
_BOMS = [(b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]


def _decode(path: Path, raw: bytes) -> tuple[bytes, str]:
    """The CSV's bytes in an ASCII-compatible encoding and that encoding's name, for the parser.

    UTF-8 (with or without a byte-order mark), Windows-1252 (Excel's "CSV" on Windows), else
    latin-1; UTF-16 with a byte-order mark (Excel's "Unicode text") is re-encoded as UTF-8. Text
    in UTF-32, UTF-16 without a mark, or binary data is refused, naming what was found."""
    if not raw or raw.isspace():  # no stripped copy of a national file to find it empty
        raise InputError(path, "the file is empty", expected="a header row and data rows")
    bom = next((name for mark, name in _BOMS if raw.startswith(mark)), None)
    if bom == "UTF-32":
        raise InputError(path, "this text file is encoded as UTF-32, which is not read",
                         expected="CSV saved as UTF-8 (Excel: CSV UTF-8)")
    if bom == "utf-16":
        try:
            return raw.decode("utf-16").encode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            raise InputError(path, f"this UTF-16 text file has a malformed character at byte {exc.start}",
                             expected="CSV saved as UTF-8 (Excel: CSV UTF-8)") from None
    head = raw[:4096]
    if b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            raise InputError(path, "this looks like UTF-16 text without a byte-order mark",
                             expected="CSV saved as UTF-8 (Excel: CSV UTF-8), or UTF-16 with its byte-order mark")
        raise InputError(path, "this is not a text CSV file (it contains binary data)",
                         expected="comma-separated text")
    if bom:
        return raw, bom
    if raw.isascii():  # a C scan, where decoding a national file would copy it
        return raw, "utf-8"
    for encoding in ("utf-8", "cp1252"):
        try:
            raw.decode(encoding)
            return raw, encoding
        except UnicodeDecodeError:
            continue
    return raw, "latin-1"


def _separator(data: bytes) -> str:
    """Comma, or tab when the first line has tabs and no commas (Excel's "Unicode text", TSV)."""
    end = data.find(b"\n")
    first = data[:end if end >= 0 else len(data)].lstrip(b"\xef\xbb\xbf")  # the first line, not the file, copied
    return "\t" if b"\t" in first and b"," not in first else ","


def _csv_shape(path: Path, data: bytes, sep: str) -> tuple[int, bool]:
    """The most fields in one record, refusing a file over the row or column limits, and whether
    some byte beside a cell boundary outside quotes (a separator, a line end, a quote) is
    whitespace: if none is, no unquoted cell begins or ends with a space (`_edge_space_in_csv`).

    Lines are counted with bytes.count (no copy); fields by position search in chunks of 4 MB:
    separators outside quotes (an even number of quote characters before them, carried from chunk
    to chunk) between line ends outside quotes. Memory stays a few tens of MB whatever the file.
    The width is -1 when the quotes do not balance (the csv module counts those)."""
    lines = max(data.count(b"\n"), data.count(b"\r"))
    if lines > limits.CSV_ROWS.value:
        raise _over(path, f"the CSV has {lines:,} lines", limits.CSV_ROWS)
    max_fields, chunk = limits.CSV_COLUMNS.value, 1 << 22
    whole = np.frombuffer(data, dtype=np.uint8)
    widest, run, in_quotes, spaced = 0, 0, False, False  # run: separators since the last line end
    for start in range(0, len(data), chunk):
        a = whole[start:start + chunk]
        quotes = np.flatnonzero(a == ord('"'))
        seps = np.flatnonzero(a == ord(sep))
        ends = np.flatnonzero((a == ord("\n")) | (a == ord("\r")))
        if len(quotes):  # keep what an even number of quotes (counting earlier chunks) precede
            seps = seps[(np.searchsorted(quotes, seps) + in_quotes) % 2 == 0]
            ends = ends[(np.searchsorted(quotes, ends) + in_quotes) % 2 == 0]
            in_quotes ^= bool(len(quotes) % 2)
        elif in_quotes:
            continue
        if not spaced:  # the bytes either side of every boundary outside quotes, and of every quote
            bounds = np.concatenate([seps, ends, quotes]) + start
            spaced = bool(_SPACE_BYTE[whole[bounds[bounds > 0] - 1]].any()
                          or _SPACE_BYTE[whole[bounds[bounds + 1 < len(data)] + 1]].any())
        if len(ends):
            before = np.searchsorted(seps, ends)  # separators before each line end
            widest = max(widest, run + int(before[0]), int(np.diff(before).max(initial=0)))
            run = len(seps) - int(before[-1])
        else:
            run += len(seps)
        if max(widest, run) + 1 > max_fields:
            raise _over(path, f"a CSV record has more than {max_fields:,} fields", limits.CSV_COLUMNS)
    return (-1, True) if in_quotes else (max(widest, run) + 1, spaced)


# str.isspace's ASCII characters but the line ends (which are boundaries themselves).
_SPACE_BYTE = np.zeros(256, dtype=bool)
_SPACE_BYTE[[0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True


def _exact_csv_width(path: Path, text: str, sep: str) -> int:
    import csv

    try:
        width = max((len(r) for r in csv.reader(io.StringIO(text), delimiter=sep)), default=1)
    except csv.Error as exc:
        raise InputError(path, f"the CSV could not be split into columns ({exc})",
                         expected="comma-separated values with quoted text") from None
    if width > limits.CSV_COLUMNS.value:
        raise _over(path, f"a CSV record has {width:,} fields", limits.CSV_COLUMNS)
    return width


def _parse_csv(data: bytes, encoding: str, sep: str, width: int) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), header=None, names=range(width), index_col=False, sep=sep,
                       encoding=encoding, dtype=object, na_filter=False, keep_default_na=False,
                       skip_blank_lines=False, engine="c")


# Every character `str.strip` removes (str.isspace), so that Arrow's trim agrees with Python's.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _arrow_csv(path: Path, data: bytes, encoding: str, sep: str):
    """A UTF-8 CSV as an Arrow table of string columns, null for blank cells (empty or whitespace
    only), read by Arrow's multi-threaded reader; and whether no cell begins or ends with
    whitespace (`Sheet.clean_text`). Every record must be as wide as the second, except the first
    line, which may be wider or narrower (a Fingertips export's header has one name more than its
    rows; a title line has one cell): the grid is padded with blanks to the wider, as the pandas
    reader pads it. None for anything else: another encoding, ragged rows, quotes Arrow cannot
    split, a file over the row or column limits. Those go to the pandas reader (`_read_csv`), which
    pads short rows and names what is wrong, so this path changes speed, never what is read."""
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    import pyarrow as pa

    shape = _first_records(data, sep)
    if shape is None:
        return None
    first, width, first_line_only = shape
    try:
        table = _arrow_read(data, sep, width, skip_first=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        table = None
    if table is None and first_line_only:  # the first line's width differs from the rest's
        end = data.find(b"\n") + 1
        second = _first_records(data[end:end + (1 << 16)], sep) if end else None
        try:
            rest = _arrow_read(data, sep, second[1], skip_first=True) if second else None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
            rest = None
        if rest is not None:
            wide = max(len(first), rest.num_columns)
            head = pa.table([pa.array([first[j] or None if j < len(first) else None], pa.string())
                             for j in range(wide)], names=[f"c{j}" for j in range(wide)])
            for j in range(rest.num_columns, wide):
                rest = rest.append_column(f"c{j}", pa.nulls(rest.num_rows, pa.string()))
            table = pa.concat_tables([head, rest])
    if table is None or table.num_rows > limits.CSV_ROWS.value:
        return None
    return _blank_cells_as_nulls(table, data)


def _first_records(data: bytes, sep: str) -> tuple[list[str], int, bool] | None:
    """The first record's cells (a UTF-8 BOM aside), its width, and whether it is the whole first
    line (no quoted line break); None when there is none or it is over the column limit."""
    import csv

    head = data[:1 << 16].decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        first = next(csv.reader(io.StringIO(head), delimiter=sep), [])
        line = next(csv.reader(io.StringIO(head.split("\n", 1)[0]), delimiter=sep), [])
    except csv.Error:
        return None
    if not 0 < len(first) <= limits.CSV_COLUMNS.value:
        return None
    return first, len(first), line == first


def _arrow_read(data: bytes, sep: str, width: int, *, skip_first: bool):
    import pyarrow as pa
    import pyarrow.csv as pv

    names = [f"c{j}" for j in range(width)]
    return pv.read_csv(
        io.BytesIO(data),
        read_options=pv.ReadOptions(column_names=names, block_size=1 << 22, skip_rows=int(skip_first)),
        parse_options=pv.ParseOptions(delimiter=sep, newlines_in_values=b'"' in data, ignore_empty_lines=False),
        # Empty cells (quoted or not) are null as the parser meets them; whitespace-only ones later.
        convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                          strings_can_be_null=True, quoted_strings_can_be_null=True))


def _blank_cells_as_nulls(table, data: bytes):
    """The table with null for each blank cell, and whether no cell has whitespace at an edge."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # In an ASCII file with none of the rarer whitespace bytes, a cell can begin or end only with a
    # space, or (inside quotes) a line end: each cell's two ends are compared with those, in C.
    edge_chars = None
    if _ascii_after_bom(data) and not any(c in data for c in _OTHER_SPACE_BYTES):
        edge_chars = [" "]
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            edge_chars.append("\r")  # a carriage return that does not end a line is inside a cell
        if b'"' in data and table.num_rows != data.count(b"\n") + (not data.endswith(b"\n")):
            edge_chars += ["\n", "\r"]  # fewer records than lines: a quoted cell holds a line break
    columns, clean = [], True
    for col in table.columns:
        if edge_chars:
            spaced = any(pc.any(pc.or_(pc.starts_with(col, c), pc.ends_with(col, c))).as_py() for c in edge_chars)
        else:
            spaced = pc.any(pc.not_equal(pc.utf8_trim(col, characters=WHITESPACE), col)).as_py()
        clean = clean and not spaced
        if spaced:  # a cell of whitespace only is blank, as the pandas reader has it
            blank = pc.equal(pc.utf8_trim(col, characters=WHITESPACE), "")
            col = pc.if_else(blank, pa.scalar(None, pa.string()), col) if pc.any(blank).as_py() else col
        columns.append(col)
    return pa.table(columns, names=table.column_names), clean


# Whitespace other than the space and line ends, each looked for with one byte search.
_OTHER_SPACE_BYTES = (b"\t", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")


def _read_csv(path: Path, raw: bytes | None = None, decoded: tuple[bytes, str] | None = None
              ) -> tuple[pd.DataFrame, bool]:
    """A CSV as a grid of raw text cells (None for blank cells), parsed by pandas' C reader, and
    whether no cell can begin or end with whitespace (`Sheet.clean_text`).

    Publishers' CSVs are often ragged (title rows with one cell): short rows are padded, never
    rejected. Quoted cells may hold commas and line breaks; CRLF and a UTF-8 BOM are handled. The
    bytes are parsed where they lie (no decoded copy), except UTF-16, which is re-encoded once."""
    data, encoding = decoded or _decode(path, read_input(path) if raw is None else raw)
    sep = _separator(data)
    width, spaced = _csv_shape(path, data, sep)

    def exact():
        return _exact_csv_width(path, data.decode(encoding, errors="replace"), sep)

    try:
        frame = _parse_csv(data, encoding, sep, width if width > 0 else exact())
    except pd.errors.ParserError:  # stray quotes fooled the count: count the fields exactly
        try:
            frame = _parse_csv(data, encoding, sep, exact())
        except pd.errors.ParserError as exc:
            raise InputError(path, f"the CSV could not be split into columns ({exc})",
                             expected="comma-separated values with quoted text") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"the CSV is not valid {encoding} text ({exc.reason} at byte {exc.start})",
                         expected="CSV saved as UTF-8") from None
    spaced = _edge_space_in_csv(data, sep, len(frame), spaced)
    cells = pd.DataFrame({j: _blank_to_none(frame[j].to_numpy(dtype=object), spaced) for j in frame.columns},
                         columns=frame.columns, dtype=object)
    return cells, not spaced


def _edge_space_in_csv(data: bytes, sep: str, records: int, spaced: bool) -> bool:
    """Whether any cell of the CSV could begin or end with whitespace, judged once from the bytes
    (``spaced`` from `_csv_shape`'s scan): usually none can, and then no column needs its own
    scan. A file that is not ASCII (whose spaces a byte scan cannot see), tab-separated (the
    separator is itself a space), with a line break inside a cell (fewer records than lines) or a
    lone carriage return, or with whitespace at either end answers True, which only means each
    column is checked as before."""
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if spaced or sep != "," or records != lines or not _ascii_after_bom(data):
        return True
    if data.count(b"\r") != data.count(b"\r\n"):
        return True
    first = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # the first cell begins after a BOM
    return len(data) <= first or bool(_SPACE_BYTE[data[first]] or _SPACE_BYTE[data[-1]])


def _ascii_after_bom(data: bytes) -> bool:
    """Whether the text is ASCII, a UTF-8 byte-order mark aside (Fingertips exports begin with
    one), scanned where it lies rather than copied."""
    if data.isascii():
        return True
    if not data.startswith(b"\xef\xbb\xbf"):
        return False
    return len(data) == 3 or int(np.frombuffer(data, dtype=np.uint8, offset=3).max()) < 0x80


def _blank_to_none(cells: np.ndarray, spaced: bool = True) -> np.ndarray:
    """A CSV column's cells with None for blank ones (empty or whitespace only); the strip that
    finds whitespace-only cells runs only when some cell has whitespace at an edge (``spaced``
    False: the file's bytes showed that none can)."""
    if spaced and has_edge_space(cells):
        blank = pd.Series(cells, dtype=object).str.strip().eq("").to_numpy(dtype=bool)
    else:
        blank = cells == ""
    return np.where(blank, None, cells) if blank.any() else cells


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


# --------------------------------------------------------------------------- headers

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


# --------------------------------------------------------------------------- values

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


def load_lookup(name: str, lookups_dir: Path) -> pd.DataFrame:
    path = Path(lookups_dir) / name
    if not path.exists():
        raise InputError(path, "a lookup table is missing", expected=f"{name} in {lookups_dir}")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(path, f"the lookup table could not be read ({exc})",
                         expected="a CSV with quoted text where it contains commas") from None


# --------------------------------------------------------------------------- Arrow columns
# National files read by Arrow (`Sheet.arrow`) are validated column by column in bulk. Each helper
# answers None (or raises nothing) where a cell would fail: the loader then reads the file cell by
# cell through the object grid, whose errors name the file, row and column.

def arrow_body(sheet: Sheet, header_index: int):
    """`body_below` for an Arrow sheet: its columns below the header row, blank rows dropped, and
    each kept row's number in the file (columns stay in the reader's chunks: not copied)."""
    import pyarrow.compute as pc

    table = sheet.arrow.slice(header_index + 1)
    rows = np.arange(header_index + 1, header_index + 1 + table.num_rows, dtype=np.int64) + sheet.first_row
    filled = None
    for col in table.columns:  # a national file's first column is always filled: one pass
        present = pc.is_valid(col)
        filled = present if filled is None else pc.or_(filled, present)
        if pc.all(filled).as_py():
            return table, rows
    if filled is None:
        return table, rows
    keep = filled.to_numpy(zero_copy_only=False)
    return table.filter(filled), rows[keep]


def arrow_map_distinct(values, fn):
    """``fn`` of each distinct non-blank cell of an Arrow string column, called once per distinct
    cell, as (Arrow string column, each row's code of its mapped value); None when a cell is blank
    or ``fn`` answers None for one (the cell-by-cell path names it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.null_count:
        return None
    encoded = pc.dictionary_encode(_one_chunk(values))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    mapped = [fn(v) for v in encoded.dictionary.to_pylist()]
    if any(m is None for m in mapped):
        return None
    distinct = list(dict.fromkeys(mapped))
    code_of = np.array([distinct.index(m) for m in mapped], dtype=np.int64)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return pc.take(pa.array(mapped, type=pa.string()), encoded.indices), code_of[indices]


def arrow_counts(values) -> np.ndarray | None:
    """An Arrow string column of whole numbers >= 0 as int64, or None if any cell is blank or is
    not one (`12`, not `1,234`, `12.0` or `-1`): those are for `parse_number`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.null_count:
        return None
    try:
        numbers = pc.cast(values, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    out = numbers.to_numpy(zero_copy_only=False)
    return None if len(out) and out.min() < 0 else out


def arrow_text(values) -> pd.Series:
    """An Arrow string column as pandas text with no copy per cell (missing: NaN)."""
    return values.to_pandas().astype("str")


def constant_text(value: str | None, n: int) -> pd.Series:
    """``n`` rows of one text (a file's name on each of its rows), held by Arrow as one dictionary."""
    import pyarrow as pa

    if value is None:
        return pa.nulls(n, pa.string()).to_pandas().astype("str")
    column = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value]))
    return column.cast(pa.string()).to_pandas().astype("str")


def arrow_numbers(values) -> np.ndarray | None:
    """`plain_numbers` of an Arrow string column: float64 (NaN for blanks) when every cell is a
    plain finite number, else None (for `parse_numbers`, cell by cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        numbers = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    out = numbers.to_numpy(zero_copy_only=False)
    if not np.isfinite(out[~np.isnan(out)]).all() or np.isnan(out).sum() != values.null_count:
        return None  # `nan` or `inf` written in a cell: what `parse_numbers` makes of it decides
    return out


def arrow_map_text(values, fn) -> pd.Series:
    """``fn`` of every cell of an Arrow string column (None for a blank), called once per distinct
    cell and once for blanks, as pandas text (``fn`` answers text or None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(_one_chunk(values))
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()] + [fn(None)], type=pa.string())
    indices = pc.fill_null(encoded.indices, len(encoded.dictionary))  # blanks: fn(None), last
    return arrow_text(pc.take(mapped, indices))


def _one_chunk(values):
    """An Arrow column as one array (one dictionary when it is encoded)."""
    import pyarrow as pa

    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
