"""Every input file read once and safely: `read_input` refuses symbolic links and special files
without opening them, and the size, zip and sheet-extent limits of `loaders/limits.py` are checked
(`check_container`, `check_sheet_extent`) before any parser runs.
"""
from __future__ import annotations

import errno
import io
import os
import posixpath
import re
import stat
import zipfile
import zlib
from pathlib import Path

from . import limits
from .errors import InputError, display_name


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
