"""`mps export --format xlsx`: the export tables as one workbook a person reads.

A README sheet first (authority, data as-at dates, sources with versions, units and rounding, the
suppression rule, and every sheet's columns: the human header, the CSV's machine name, unit and
meaning), then one sheet per table, its tab named in words (`domain.contract.SHEET_TITLES`:
"Contracts", "Beds needed"; the CSV file keeps the machine name). Headers are the label dictionary's human names
(`domain.labels.column_label`); a coded column (client group, measure, service, segment, area
code, ...) is shown by name with its code in the column beside it, so a row reads in words and
still joins to the CSV. Counts are whole numbers ("#,##0"), dates are Excel dates, years plain
integers, money "£" with the rounding stated, percentages and rates name their denominator.
Values are the CSV export's (the code columns' exactly); text a spreadsheet would run as a
formula is neutralised; suppressed cells carry a note.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.contract import EXPORT_TABLES, sheet_title
from domain.labels import COLUMN_LABELS, EXPORT_CODE_LABELS, code_label, column_label
from domain.vocabulary import SUPPRESSION_THRESHOLD
from metrics.supply.opportunities import reference_date
from metrics.summary.overview import stated_version
from store import Store
from metrics.tables import mps_tables
from .csv_export import neutralise
from .staging import staged_file

HEADER_FILL = PatternFill("solid", fgColor="0B0C0C")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MONEY = '"£"#,##0'
MONEY_PENCE = '"£"#,##0.00'
THOUSANDS = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = '0.0"%"'  # values are 0-100, as in the CSV export
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
PLAIN = "0"
README_HEADINGS = {"Sheet", "Source file", "Units and rounding"}
GLOSSARY_HEADING = ("Sheet", "Column header", "Machine name (CSV)", "Unit", "Meaning")
COUNT_UNITS = {"people", "beds", "homes", "rows"}  # counts show as whole numbers
COUNT_COLUMNS = {("supply", "value"), ("concentration", "total"), ("neighbourhood_gaps", "supply")}
DATETIME_COLUMNS = {"ingested_at"}  # ISO 8601 UTC text in the CSV, an Excel date-time here
NAME_MEANING = "The name of the code in the next column (workbook only: the CSV file holds the code)"
FINE_TABLES = {"kpis", "workforce"}  # indicator values (0.43%, £9.05 an hour) keep up to three decimals
FINE_DECIMAL = "#,##0.0##"
# Code columns shown by name when the table has no name column of its own: code -> (name header, name column)
PLACE_CODES = {"area_code": ("Area", "area_name"), "neighbourhood": ("Neighbourhood", "name"),
               "neighbourhood_code": ("Neighbourhood", "name")}


@dataclass(frozen=True)
class SheetColumn:
    """One workbook column: its header, the CSV column it comes from, and how it is shown."""
    header: str
    machine: str        # the CSV column; for a name column, "" (the code column carries the CSV's value)
    source: str         # the frame column the values come from
    kind: str           # a FORMATS key, or text / name (no number format)
    unit: str
    meaning: str


def _declared(table: str, column: str):
    try:
        return EXPORT_TABLES[table].column(column)
    except KeyError:  # a table's open columns (practices' age bands) are counts
        return None


def _kind(table: str, column: str) -> tuple[str, str, str]:
    """(kind, unit, meaning) of a CSV column, from its declaration in domain.contract.EXPORT_TABLES."""
    c = _declared(table, column)
    if c is None:
        return "count", "people", f"Registered patients aged {column}"
    label = COLUMN_LABELS.get(column)
    if c.dtype == "date":
        return "date", "date", c.description
    if column in DATETIME_COLUMNS:
        return "datetime", "date and time (UTC)", c.description
    if c.unit == "year" or c.name.endswith("_id") or c.name == "source_row":
        return "year" if c.unit == "year" else "identifier", c.unit, c.description
    if c.unit == "£" or (label and "(£)" in label.name):
        return ("money_pence" if label and label.decimals == 2 else "money"), "£", c.description
    if c.unit == "%":
        return "percent", "%", c.description
    if c.unit in COUNT_UNITS or (c.dtype == "int" and c.unit == "") or (table, column) in COUNT_COLUMNS:
        return "count", c.unit or "count", c.description
    if c.dtype in ("float", "int"):
        kind = "fine_decimal" if table in FINE_TABLES else "decimal"
        return kind, (label.unit if label and label.unit.startswith("per ") else c.unit), c.description
    return "text", "", c.description


FORMATS = {"count": THOUSANDS, "year": PLAIN, "identifier": PLAIN, "date": DATE, "datetime": DATETIME,
           "money": MONEY, "money_pence": MONEY_PENCE, "percent": PERCENT, "decimal": DECIMAL,
           "fine_decimal": FINE_DECIMAL}


def _area_names(store: Store, tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """GSS code -> name, from the tables that carry both and the store's authority."""
    names: dict[str, str] = {}
    for frame in tables.values():
        if {"area_code", "area_name"} <= set(frame.columns):
            pairs = frame[["area_code", "area_name"]].dropna().drop_duplicates("area_code")
            names.update(zip(pairs["area_code"], pairs["area_name"]))
    a = store.authority
    for code, name in [(a.area_code, a.area_name), (a.region_code, a.region_name), ("E92000001", "England")]:
        if code and name:
            names.setdefault(code, name)
    return names


def _neighbourhood_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Neighbourhood code -> name (N1 -> North Lewisham), from the neighbourhood supply table."""
    frame = tables.get("neighbourhood_supply")
    if frame is None or not {"neighbourhood", "name"} <= set(frame.columns):
        return {}
    pairs = frame[["neighbourhood", "name"]].dropna()
    return {k: v for k, v in zip(pairs["neighbourhood"], pairs["name"]) if k != v}


def _gap_names(store: Store) -> dict[str, str]:
    try:
        from metrics.supply.gaps import all_gaps
        g = all_gaps(store)
        return dict(zip(g["metric"], g["label"])) if {"metric", "label"} <= set(g.columns) else {}
    except Exception:  # a store without the gap inputs: the measure keys made readable instead
        return {}


def sheet_columns(table: str, frame: pd.DataFrame) -> list[SheetColumn]:
    """The workbook's columns for one export table: the CSV's, in order, each coded column
    preceded by its human name."""
    out = []
    for col in frame.columns:
        kind, unit, meaning = _kind(table, col)
        header = column_label(col)
        place = PLACE_CODES.get(col)
        if place and place[1] not in frame.columns and not (col == "neighbourhood_code" and "neighbourhood" in
                                                            frame.columns):
            out.append(SheetColumn(place[0], "", col, "name", "", NAME_MEANING))
            header = f"{place[0]} code"
        elif col in EXPORT_CODE_LABELS:
            out.append(SheetColumn(header, "", col, "name", "", NAME_MEANING))
            header = f"{header} code"
        out.append(SheetColumn(header, col, col, kind, unit, meaning))
    return out


UNITS_AND_ROUNDING = [
    ("Headers", "Each sheet's header row is the human name of the column; the column list below gives each "
                "header's machine name, which is the CSV file's column name."),
    ("Codes", "A coded column (client group, measure, service, segment, area, ...) is shown by name, with the "
              "code in the column beside it headed '... code'; the code column holds the CSV's value."),
    ("Counts", "Whole numbers with thousands separators (people, beds, homes, contracts). A modelled count "
               "(e.g. beds needed) keeps its fraction in the cell and is shown rounded to a whole number."),
    ("Money", "Pounds, shown to the nearest pound (unit costs to the penny); the cell holds the exact value. "
              "The pages and the briefing pack round to £k (nearest thousand) and £m (one decimal place)."),
    ("Percentages", "Held 0-100 and shown to one decimal place with a % sign; the header says of what."),
    ("Rates", "Shown to one decimal place; the header names the denominator (per 1,000 aged 75+, per 1,000 of "
              "demand)."),
    ("Dates", "Excel dates shown yyyy-mm-dd (ingest times yyyy-mm-dd hh:mm:ss, UTC); years are plain numbers."),
    ("CSV files", "The CSV export keeps the machine column names and full precision (up to 10 significant "
                  "figures), codes as codes and dates as ISO 8601 text; its values equal this workbook's."),
]


CELL_LIMIT = 32_767
"""The most characters a spreadsheet cell holds (Excel's limit; LibreOffice cuts there too)."""


def cut_note(length: int) -> str:
    return f" … [cut: {length:,} characters in full; the CSV export holds the whole text]"


def fit_cell(value):
    """Text longer than a cell holds, cut so that it ends with a visible note of how long it was
    (rather than cut silently by the spreadsheet on opening)."""
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        note = cut_note(len(value))
        return value[:CELL_LIMIT - len(note)] + note
    return value


def long_text(tables: dict[str, pd.DataFrame], layouts: dict[str, list[SheetColumn]]) -> list[str]:
    """'sheet: Column header (n cells)' for each column with text longer than a cell holds."""
    found = []
    for name, frame in tables.items():
        for col in frame.columns:
            values = frame[col]
            if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
                continue
            n = int(values.map(lambda v: isinstance(v, str) and len(v) * 1.5 + 1 > CELL_LIMIT
                               and len(neutralise(v)) > CELL_LIMIT).sum())  # as written, apostrophes included
            if n:
                header = next((c.header for c in layouts[sheet_title(name)] if c.machine == col), col)
                found.append(f"{sheet_title(name)}: {header} ({n:,} cell{'s' if n > 1 else ''})")
    return found


def _readme_rows(store: Store, layouts: dict[str, list[SheetColumn]], cut: list[str] = ()) -> list[tuple]:
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
            ("", ""), ("Units and rounding", "")]
    rows += UNITS_AND_ROUNDING
    rows.append(("Long text", f"A cell holds at most {CELL_LIMIT:,} characters: longer text is cut and ends with "
                              f"'{cut_note(1_000_000).strip().replace('1,000,000', 'N')}'. "
                 + (f"Cut in this workbook: {'; '.join(cut)}." if cut else "No cell is cut in this workbook.")))
    rows += [("", ""), ("Sheet", "What it holds")]
    rows += [(sheet_title(name), f"{table.description} (CSV: {name}.csv)") for name, table in EXPORT_TABLES.items()
             if sheet_title(name) in layouts]
    rows += [("", ""), ("Source file", "Kind, version or date, SHA-256")]
    for f in m.files:
        rows.append((f.path, f"{f.kind}; {stated_version(f.meta)}; {f.sha256[:16]}…"))
    rows += [("", ""), GLOSSARY_HEADING]
    for sheet, columns in layouts.items():
        for c in columns:
            rows.append((sheet, c.header, c.machine, c.unit, c.meaning))
    return rows


def readme_glossary(ws) -> dict[str, list[dict]]:
    """The README sheet's column list read back: sheet -> [{header, machine, unit, meaning}], in order."""
    out: dict[str, list[dict]] = {}
    inside = False
    for row in ws.iter_rows(values_only=True):
        if tuple(row[:5]) == GLOSSARY_HEADING:
            inside = True
            continue
        if inside and row[0]:
            out.setdefault(row[0], []).append(dict(zip(("header", "machine", "unit", "meaning"),
                                                       ((v or "") for v in row[1:5]))))
    return out


README_WIDTHS = (30, 40, 26, 14, 60)  # Sheet, Column header, Machine name, Unit, Meaning


def _write_readme(readme, store: Store, layouts: dict[str, list[SheetColumn]], cut: list[str] = ()) -> None:
    """The README sheet: authority, dates, suppression, units and rounding, sheets, sources, columns.
    A two-part row's text spans columns B-E; every row is tall enough for its wrapped text (LibreOffice
    and Excel do not grow a row written by openpyxl on opening)."""
    readme.title = "README"
    for r in _readme_rows(store, layouts, cut):
        readme.append([neutralise(v) for v in r])
    readme["A1"].font = Font(bold=True, size=14)
    readme.row_dimensions[1].height = 22
    for letter, width in zip("ABCDE", README_WIDTHS):
        readme.column_dimensions[letter].width = width
    for row in readme.iter_rows():
        if row[0].value in README_HEADINGS or tuple(c.value for c in row[:5]) == GLOSSARY_HEADING:
            for cell in row:  # the headings of the README's lists
                cell.font = Font(bold=True)
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.coordinate != "A1", vertical="top")
        two_part = len(row) < 3 or all(c.value in (None, "") for c in row[2:])
        if two_part and row[1].value:
            readme.merge_cells(start_row=row[0].row, start_column=2, end_row=row[0].row, end_column=5)
        widths = (README_WIDTHS[0], sum(README_WIDTHS[1:])) if two_part else README_WIDTHS
        lines = max(-(-len(str(c.value or "")) // int(w * 1.2)) for c, w in zip(row, widths))
        if lines > 1:
            readme.row_dimensions[row[0].row].height = 15 * lines


def write_workbook(store: Store, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    readme = wb.active
    tables = mps_tables(store)
    neighbourhoods = _neighbourhood_names(tables)
    extra = {"area_code": _area_names(store, tables), "metric": _gap_names(store),
             "neighbourhood": neighbourhoods, "neighbourhood_code": neighbourhoods}
    layouts = {sheet_title(name): sheet_columns(name, frame) for name, frame in tables.items()}
    _write_readme(readme, store, layouts, long_text(tables, layouts))

    marker = f"<{SUPPRESSION_THRESHOLD}"
    for name, frame in tables.items():
        ws = wb.create_sheet(sheet_title(name))
        columns = layouts[sheet_title(name)]
        ws.append([c.header for c in columns])
        for cell in ws[1]:
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sources = [frame[c.source].tolist() for c in columns]
        for i in range(len(frame)):
            ws.append([fit_cell(_cell_value(c, src[i], extra)) for c, src in zip(columns, sources)])
        for j, col in enumerate(columns, start=1):
            letter = get_column_letter(j)
            fmt = FORMATS.get(col.kind)
            shown = [ws.cell(row=r, column=j).value for r in range(2, min(len(frame), 200) + 2)]
            width = max([min(len(col.header), 24)] + [len(str(v)) for v in shown]) + 2
            ws.column_dimensions[letter].width = min(max(width, 10), 60)
            for cell in ws[letter][1:]:
                if cell.value == marker:
                    cell.comment = Comment(f"Suppressed: fewer than {SUPPRESSION_THRESHOLD}, or hidden so a "
                                           "total cannot reveal a small count.", "mps")
                    cell.alignment = Alignment(horizontal="right")
                elif fmt and isinstance(cell.value, (int, float, dt.date)) and not isinstance(cell.value, bool):
                    whole = isinstance(cell.value, int) and fmt in (DECIMAL, FINE_DECIMAL)
                    cell.number_format = THOUSANDS if whole else fmt
        ws.freeze_panes = "A2"
        if len(frame):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    for ws in wb.worksheets:  # printable: landscape A4, one page wide
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1" if ws.title != "README" else None
    with staged_file(path) as stage:  # never a half-written workbook over the previous one
        wb.save(stage)
    return path


def _cell_value(column: SheetColumn, v, extra: dict[str, dict[str, str]]):
    if v is None:
        return None
    if not isinstance(v, (str, list, dict, set, tuple)) and pd.isna(v):
        return None
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar -> Python
        v = v.item()
    if column.kind == "name":
        return neutralise(code_label(column.source, v, extra.get(column.source)))
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        v = v.isoformat()
    if column.kind in ("date", "datetime") and isinstance(v, str):
        try:
            when = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return neutralise(v)  # not a date after all: the text as the CSV has it
        when = when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
        return when.date() if column.kind == "date" else when
    if isinstance(v, float) and math.isfinite(v):
        # Counts are whole numbers (a modelled count within a millionth of one is that number: 672.0000000000001
        # beds needed, a gap of 1.1e-13 beds); every other number keeps the CSV's 10 significant figures.
        if column.kind in ("count", "year", "identifier") and abs(v - round(v)) < 1e-6:
            return int(round(v))
        v = float(f"{v:.10g}")
        if column.kind in ("decimal", "fine_decimal") and v.is_integer():
            return int(v)  # a whole number in a measure column (a numerator of 672 people) reads as one
    if isinstance(v, (list, dict, set, tuple)):
        return str(v)
    return neutralise(v)
