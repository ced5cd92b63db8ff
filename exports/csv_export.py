"""`mps export --format csv`: one tidy CSV per table of the export contract, and a README.txt.

The CSVs are for analysts: machine column names (domain.contract.EXPORT_TABLES), full precision,
codes as codes, dates as ISO 8601 text. README.txt says so and lists every file's columns with the
human header the workbook gives them."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from store import Store
from metrics.tables import mps_tables

from .staging import staged_folder

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
LINE_END = "\r\n"
"""Every CSV record ends with CR LF (RFC 4180). Python's csv writer quotes a field that holds any
character of the line terminator, so with CR LF a field holding a bare CR or LF is always quoted
and can never end a record; with LF alone a bare CR was written unquoted."""
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets an apostrophe (OWASP CSV injection
    advice): before its first character, and after every line break inside it that is followed by
    one (a reader that splits records on a bare CR or LF then sees no line starting with a
    formula). Numbers, and a cell that is just "-", are left alone."""
    if not isinstance(value, str) or value == "-":
        return value
    if value.startswith(DANGEROUS):
        value = "'" + value
    if "\r" in value or "\n" in value:
        parts = _LINE_BREAK.split(value)  # text, break, text, break, ...
        value = "".join("'" + part if i % 2 == 0 and i and part.startswith(DANGEROUS) else part
                        for i, part in enumerate(parts))
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def write_csv_tables(store: Store, out_dir: Path) -> list[Path]:
    """Every table and README.txt, written to a staging folder and moved into ``out_dir`` only
    once all are written (exports.staging): a table that fails leaves the previous files as they were."""
    out_dir = Path(out_dir)
    names = []
    with staged_folder(out_dir) as stage:
        for name, frame in mps_tables(store).items():
            safe_frame(frame).to_csv(stage / f"{name}.csv", index=False, float_format="%.10g", lineterminator=LINE_END)
            names.append(name)
        write_readme(stage, names)
    return [out_dir / f"{name}.csv" for name in names]


README_NAME = "README.txt"


def write_readme(out_dir: Path, names: list[str]) -> Path:
    """README.txt beside the CSVs: what the files keep, and each file's columns (machine name,
    the workbook's human header, unit, meaning)."""
    from domain.contract import EXPORT_TABLES
    from domain.labels import column_label
    lines = ["Market Position Statement tables: CSV files", "",
             "These files keep the machine column names and full precision (up to 10 significant figures):",
             "codes as codes (client_group, service, area_code ...), dates as ISO 8601 text (yyyy-mm-dd), money",
             "in pounds, percentages 0-100, empty cells for missing values and <5 for suppressed counts. Text a",
             "spreadsheet would run as a formula starts with an apostrophe (so does each line inside a cell that",
             "would); records end with CR LF and a cell holding a line break is quoted. The workbook (.xlsx)",
             "holds the same values with human headers, names beside codes, and number formats.", ""]
    for name in names:
        table = EXPORT_TABLES.get(name)
        if table is None:
            continue
        lines += [f"{name}.csv: {table.description}"]
        for c in table.all_columns:
            unit = f" [{c.unit}]" if c.unit else ""
            lines.append(f"  {c.name} ({column_label(c.name)}){unit}: {c.description}")
        if table.open_columns:
            lines.append(f"  further columns: {table.open_columns}")
        lines.append("")
    path = Path(out_dir) / README_NAME
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
