"""CSV files: encodings, separators and shape, read by Arrow's multi-threaded reader when the grid
is rectangular UTF-8 (else by pandas, giving the same cells), and the `arrow_*` helpers with which
the national loaders work on whole Arrow columns.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING
from pathlib import Path

import numpy as np
import pandas as pd

from . import limits
from .cells import has_edge_space
from .errors import InputError
from .reading import _over, read_input

if TYPE_CHECKING:  # the annotation of arrow_body only: sheets reads CSVs through this module
    from .sheets import Sheet


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
