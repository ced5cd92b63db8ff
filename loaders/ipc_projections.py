"""POPPI (65+) and PANSI (18-64) table exports from the Institute of Public Care.

A table is: a title row, perhaps an area-name row, a header row whose cells are 4-digit years,
label rows (`People aged 65-69 predicted to have dementia`, `Total population aged 65 and over
predicted to have dementia`, `Males aged ...` blocks), then footnotes (prevalence source, version,
copyright). One sheet (or CSV) may hold several tables one after another. Year columns vary by
version, so they are read from the header, never assumed. The label text after the age maps to a
measure key through `data/lookups/ipc_measures.csv`, so a new table needs a lookup row, not code.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table
from domain.vocabulary import band_limits, parse_age_band

from .errors import InputError
from .cells import parse_number
from .sheets import LoadResult, Sheet, load_lookup

KIND = "poppi_pansi"
TABLE = "prevalence"
DESCRIPTION = "POPPI / PANSI projection table (Institute of Public Care)"

_YEAR = re.compile(r"^(19|20)\d{2}$")
_LABEL = re.compile(
    r"^(?P<total>total\s+)?(?P<who>population|people|persons|males|females|men|women)?\s*"
    r"(?:aged\s+)?(?P<age>\d+\s*-\s*\d+|\d+\s*(?:and over|and older|or over|\+))\s*(?P<rest>.*)$",
    re.IGNORECASE)
_VERSION = re.compile(r"\b(POPPI|PANSI)\s+v?(?:ersion\s*)?([\d.]+)?\s*(.*)$", re.IGNORECASE)


def _year_columns(row: list[str]) -> dict[int, int]:
    return {i: int(c) for i, c in enumerate(row) if _YEAR.match(c)}


def _is_header(row: list[str]) -> bool:
    """At least two year cells and no row label: a data row whose counts happen to look like
    years (1996, 2077, ...) carries a label such as `People aged 18-24 ...`."""
    if len(_year_columns(row)) < 2:
        return False
    others = [c for c in row if c and not _YEAR.match(c)]
    return not any(_LABEL.match(c) for c in others)


def _label_of(row: list[str], year_cols: dict[int, int]) -> str:
    first_year_col = min(year_cols)
    texts = [c for c in row[:first_year_col] if c]
    return " ".join(texts).strip()


def sniff(sheets: list[Sheet]) -> bool:
    for sheet in sheets:
        rows = sheet.head_text(60)
        for i, row in enumerate(rows):
            if _is_header(row):
                below = [r for r in rows[i + 1:i + 6] if any(r)]
                for r in below:
                    label = " ".join(c for c in r if c and not _looks_numeric(c))
                    if _LABEL.match(label):
                        return True
    return False


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[£\-\d,.\s]+", text)) and any(ch.isdigit() for ch in text)


def _age_band(text: str, sheet, i: int) -> str:
    """The label's age ("65-69", "85 and over", "90+") in the vocabulary's form."""
    band = parse_age_band(text)
    if band is None:
        raise InputError(sheet.file, f"the row label's age '{text}' is not an age band",
                         sheet=sheet.name, row=sheet.row_number(i), column="A",
                         expected="an age band such as 65-69 or 85 and over")
    return band


def _measure_lookup(lookups_dir):
    table = load_lookup("ipc_measures.csv", lookups_dir)
    return [(re.compile(r["pattern"], re.IGNORECASE), r["measure"], r["client_group"] or None)
            for _, r in table.iterrows()]


def _areas(lookups_dir) -> dict[str, tuple[str, str]]:
    table = load_lookup("areas.csv", lookups_dir)
    return {r["area_name"].lower(): (r["area_code"], r["area_type"]) for _, r in table.iterrows()}


def load(sheets: list[Sheet], ctx) -> LoadResult:
    measures = _measure_lookup(ctx.lookups_dir)
    areas = _areas(ctx.lookups_dir)
    if ctx.area_name:
        areas.setdefault(ctx.area_name.lower(), (ctx.area_code, "la"))
    records: list[dict] = []
    rows_read = 0
    warnings: list[str] = []
    meta: dict = {"tables": []}
    for sheet in sheets:
        text_rows = sheet.head_text(len(sheet.cells))
        raw = sheet.cells
        headers = [i for i, r in enumerate(text_rows) if _is_header(r)]
        for n, h in enumerate(headers):
            end = headers[n + 1] if n + 1 < len(headers) else len(text_rows)
            start = headers[n - 1] + 1 if n else 0
            rows_read += _parse_table(sheet, text_rows, raw, h, start, end, measures, areas, ctx,
                                      records, warnings, meta)
    if not records:
        raise InputError(sheets[0].file, "no projection rows were found under the year header",
                         sheet=sheets[0].name,
                         expected="label rows such as 'People aged 65-69 predicted to have dementia'")
    frame = pd.DataFrame.from_records(records)
    return LoadResult(KIND, TABLE, frame[store_table(TABLE).names], rows_read, warnings, meta)


def _parse_table(sheet, text_rows, raw, h, start, end, measures, areas, ctx, records, warnings,
                 meta) -> int:
    """One table: its year header (row ``h``), title and area above it, label rows below it
    until the footnotes. Appends its records; returns the label rows read."""
    year_cols = _year_columns(text_rows[h])
    _check_years(sheet, h, year_cols)
    title, area_text = _title_and_area(text_rows, start, h)
    area = _resolve_area(area_text, title, areas, ctx, sheet, h)
    table_records: list[dict] = []
    rows_read, footnotes = _label_rows(sheet, text_rows, raw, h, end, year_cols, measures, area,
                                       title, table_records, warnings)
    tool, version = _tool_and_version(footnotes, table_records)
    for r in table_records:
        r["tool"] = tool
        r["source_version"] = version
    _check_totals(table_records, sheet.file, sheet, warnings)
    records.extend(table_records)
    meta["tables"].append({"title": title, "area": area[1], "tool": tool, "version": version,
                           "years": list(year_cols.values()), "footnotes": footnotes,
                           "sheet": sheet.name})
    return rows_read


def _check_years(sheet, h, year_cols: dict[int, int]) -> None:
    """Each year once in the header row."""
    years = list(year_cols.values())
    repeated = sorted({y for y in years if years.count(y) > 1})
    if repeated:
        col = [i for i, y in year_cols.items() if y == repeated[0]][1]
        raise InputError(sheet.file, f"the year {repeated[0]} appears twice in the header row",
                         sheet=sheet.name, row=sheet.row_number(h), column=_col_letter(col),
                         expected="each year column once")


def _title_and_area(text_rows, start: int, h: int) -> tuple[str, str]:
    """Title and area: the non-blank rows between the previous table's footnotes and the header."""
    above = [(i, " ".join(c for c in text_rows[i] if c)) for i in range(start, h) if any(text_rows[i])]
    above = [(i, t) for i, t in above if not _is_footnote(t)]
    title = above[-2][1] if len(above) >= 2 else (above[-1][1] if above else "")
    area_text = above[-1][1] if len(above) >= 2 else ""
    if len(above) == 1 and not re.search(r"predicted|aged|population", title, re.I):
        area_text, title = title, ""
    return title, area_text


def _label_rows(sheet, text_rows, raw, h, end, year_cols, measures, area, title, records,
                warnings) -> tuple[int, list[str]]:
    """The label rows under the header (one record per row x year), then the footnotes: the
    first row that is not a label row with values ends the table. Returns (rows read, footnotes)."""
    area_code, area_name, area_type = area
    footnotes: list[str] = []
    rows_read = 0
    for i in range(h + 1, end):
        row = text_rows[i]
        if not any(row):
            continue
        label = _label_of(row, year_cols)
        match = _LABEL.match(label) if label else None
        has_values = any(row[c] if c < len(row) else "" for c in year_cols)
        if not footnotes and match and has_values:
            rows_read += 1
            measure, client_group = _measure_of(_measure_text(match), measures, sheet.file, sheet, i)
            who = (match["who"] or "").lower()
            sex = "male" if who in {"males", "men"} else "female" if who in {"females", "women"} else "persons"
            base = {"tool": None, "area_code": area_code, "area_name": area_name,
                    "area_type": area_type, "measure": measure, "client_group": client_group,
                    "sex": sex, "age_band": _age_band(match["age"], sheet, i), "is_total": bool(match["total"]),
                    "table_title": title, "source_version": None, "source_file": sheet.file.name,
                    "source_sheet": sheet.name, "source_row": sheet.row_number(i)}
            for c, y in year_cols.items():
                cell = raw.iat[i, c] if c < raw.shape[1] else None
                value = parse_number(cell, file=sheet.file, sheet=sheet.name,
                                     row=sheet.row_number(i), column=str(y), notes=warnings)
                records.append({**base, "year": y, "value": value})
        else:  # footnotes: the table has ended; keep the text as metadata
            footnotes.append(" ".join(c for c in row if c))
    return rows_read, footnotes


def _measure_text(match) -> str:
    """The label's words after the age, without 'predicted to have'."""
    return re.sub(r"^(who are\s+)?predicted to (have|be)\s+", "", match["rest"].strip(),
                  flags=re.I).strip().rstrip(".")


def _tool_and_version(footnotes: list[str], records: list[dict]) -> tuple[str, str | None]:
    """POPPI or PANSI and the version line, from the last footnote naming one; without one, the
    ages decide (POPPI's tables start at 65)."""
    tool, version = None, None
    for text in footnotes:
        m = _VERSION.search(text)
        if m:
            tool, version = m.group(1).upper(), text.strip()
    if tool is None:
        ages = {r["age_band"] for r in records}
        tool = "POPPI" if any(band_limits(a)[0] >= 65 for a in ages) else "PANSI"
    return tool, version


def _check_totals(records: list[dict], file, sheet, warnings: list[str]) -> None:
    """Warn when a total row differs from the sum of its age bands by more than rounding could
    explain (the publisher notes figures may not sum: allow 1% or 10 people per band)."""
    groups: dict = {}
    for r in records:
        key = (r["measure"], r["sex"], r["year"])
        g = groups.setdefault(key, {"total": None, "bands": [], "row": None})
        if r["is_total"]:
            g["total"], g["row"] = r["value"], r["source_row"]
        elif r["value"] is not None:
            g["bands"].append(r["value"])
    for (_measure, sex, year), g in groups.items():
        if g["total"] is None or not g["bands"]:
            continue
        summed = sum(g["bands"])
        if abs(g["total"] - summed) > max(0.01 * g["total"], 10 * len(g["bands"])):
            warnings.append(f"{file.name}{f' sheet {sheet.name!r}' if sheet.name else ''} row {g['row']}: "
                            f"the {sex} total for {year} is {g['total']:,.0f} but its age bands add up to "
                            f"{summed:,.0f}")


def _is_footnote(text: str) -> bool:
    return bool(_VERSION.search(text)) or bool(re.search(r"copyright|may not sum|source", text, re.I))


def _measure_of(rest: str, measures, file, sheet, i):
    if not rest:
        return "population", None
    for pattern, measure, client_group in measures:
        if pattern.search(rest):
            return measure, client_group
    raise InputError(file, f"the row label's measure '{rest}' is not in the measure lookup",
                     sheet=sheet.name, row=sheet.row_number(i), column="A",
                     expected="a measure listed in data/lookups/ipc_measures.csv (add a row there)")


def _resolve_area(area_text, title, areas, ctx, sheet, h):
    candidates = [area_text]
    m = re.search(r"\bin ([A-Z][\w ,&'-]+?)(?:,| by | projected|$)", title)
    if m:
        candidates.append(m.group(1))
    for c in candidates:
        key = c.strip().lower()
        if key in areas:
            code, kind = areas[key]
            return code, c.strip(), kind
    if ctx.area_code:
        return ctx.area_code, ctx.area_name, "la"
    raise InputError(sheet.file, f"the table's area '{area_text or title}' is not a known area",
                     sheet=sheet.name, row=sheet.row_number(max(h - 1, 0)),
                     expected="an area named in data/lookups/areas.csv, or area_code/area_name in mps.toml")


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
