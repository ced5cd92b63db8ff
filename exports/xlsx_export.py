"""`mps export --format xlsx`: the export tables as one formatted workbook.

A README sheet first (authority, data as-at dates, sources with versions, definitions, the
suppression rule), then one sheet per table with a styled, frozen header row, number formats
(thousands, percentages, pounds), sensible column widths and a note on every suppressed cell.
Values are exactly the CSV export's; text a spreadsheet would run as a formula is neutralised.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.contract import EXPORT_TABLES
from domain.labels import column_label
from domain.vocabulary import SUPPRESSION_THRESHOLD
from metrics.opportunities import reference_date
from metrics.overview import stated_version
from metrics.store import Store
from metrics.tables import mps_tables
from .csv_export import neutralise

HEADER_FILL = PatternFill("solid", fgColor="0B0C0C")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MONEY = '"£"#,##0'
THOUSANDS = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = '0.0"%"'  # values are 0-100, as in the CSV export
README_HEADINGS = {"Sheet", "Source file", "Column"}
COUNT_UNITS = {"people", "beds", "homes"}  # counts show as whole numbers


def _format_for(table: str, column: str) -> str:
    """The number format a column's declared unit asks for (domain.contract.EXPORT_TABLES)."""
    try:
        c = EXPORT_TABLES[table].column(column)
    except KeyError:  # a table's open columns (practices' age bands) are counts
        return THOUSANDS
    if c.unit == "year" or c.name.endswith("_id") or c.name == "source_row":
        return "0"  # years and identifiers: no thousands separator
    if c.unit == "£":
        return MONEY
    if c.unit == "%":
        return PERCENT
    if c.dtype == "float" and c.unit not in COUNT_UNITS:
        return DECIMAL
    return THOUSANDS


def _readme_rows(store: Store) -> list[tuple[str, str]]:
    m = store.manifest
    authority = m.authority
    rows = [("Market Position Statement tables", ""),
            ("Authority", f"{authority.area_name or 'not named (no mps.toml)'} ({authority.area_code or 'no code'})"),
            ("Store built", m.ingested_at),
            ("Data as at", reference_date(store).isoformat() + " (latest CQC directory or GP extract in the store)"),
            ("Workbook written", dt.datetime.now().replace(microsecond=0).isoformat()),
            ("", ""),
            ("Suppression", f"Counts below {SUPPRESSION_THRESHOLD} at neighbourhood or practice level are shown "
                            f"as <{SUPPRESSION_THRESHOLD}; where a total would reveal a hidden cell, the next "
                            "smallest cell is hidden too. Suppressed cells carry a note."),
            ("Units", "Percentages are 0-100; money is in pounds; dates are yyyy-mm-dd."),
            ("", ""), ("Sheet", "What it holds")]
    rows += [(name, table.description) for name, table in EXPORT_TABLES.items()]
    rows += [("", ""), ("Source file", "Kind, version or date, SHA-256")]
    for f in m.files:
        rows.append((f.path, f"{f.kind}; {stated_version(f.meta)}; {f.sha256[:16]}…"))
    rows += [("", ""), ("Column", "Meaning (unit), by sheet")]
    for name, table in EXPORT_TABLES.items():
        for c in table.all_columns:
            unit = f" ({c.unit})" if c.unit else ""
            rows.append((f"{name}.{c.name}", f"{column_label(c.name)}: {c.description}{unit}"))
        if table.open_columns:
            rows.append((f"{name}.*", f"Further columns: {table.open_columns}"))
    return rows


def _write_readme(readme, store: Store) -> None:
    """The README sheet: authority, dates, suppression rule, sheets, sources and column glossary."""
    readme.title = "README"
    for r in _readme_rows(store):
        readme.append([neutralise(v) for v in r])
    readme["A1"].font = Font(bold=True, size=14)
    for row in readme.iter_rows():  # the headings of the README's three lists
        if row[0].value in README_HEADINGS:
            for cell in row:
                cell.font = Font(bold=True)
    readme.column_dimensions["A"].width = 42
    readme.column_dimensions["B"].width = 110
    for row in readme.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_workbook(store: Store, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    _write_readme(wb.active, store)

    marker = f"<{SUPPRESSION_THRESHOLD}"
    for name, frame in mps_tables(store).items():
        ws = wb.create_sheet(name[:31])
        columns = list(frame.columns)
        ws.append(columns)
        for cell in ws[1]:
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for record in frame.itertuples(index=False):
            ws.append([_cell_value(v) for v in record])
        for j, col in enumerate(columns, start=1):
            letter = get_column_letter(j)
            fmt = _format_for(name, col)
            numeric = pd.api.types.is_numeric_dtype(frame[col]) or frame[col].map(
                lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).any()
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
            ws.column_dimensions[letter].width = min(max(width, 8), 60)
            for cell in ws[letter][1:]:
                if cell.value == marker:
                    cell.comment = Comment(f"Suppressed: fewer than {SUPPRESSION_THRESHOLD}, or hidden so a "
                                           "total cannot reveal a small count.", "mps")
                    cell.alignment = Alignment(horizontal="right")
                elif numeric and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
        if len(frame):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    for ws in wb.worksheets:  # printable: landscape A4, one page wide
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1" if ws.title != "README" else None
    wb.save(path)
    return path


def _cell_value(v):
    if v is None:
        return None
    if not isinstance(v, (str, list, dict, set, tuple)) and pd.isna(v):
        return None
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar -> Python
        v = v.item()
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return v.isoformat()[:10]
    if isinstance(v, (list, dict, set, tuple)):
        return str(v)
    return neutralise(v)
