"""Contracts registers (Local Government Transparency Code 2015; NHS/CCG registers).

There are no fixed header strings: every header is mapped to a field through the synonym table
`data/lookups/contract_headers.csv` (`field,synonym`), compared after normalising case, spacing,
underscores, punctuation and bracketed notes (`Total Contract Value (£)` -> `total contract value`).
Within a field the first synonym listed wins, so the more specific names are listed first.
The header row is found by content anywhere in the first 30 rows (registers often have title
rows above it). Every sheet with a header row is read; other sheets (notes, README) are ignored.

`client_group` and `service` come from `data/lookups/contract_services.csv`
(`pattern,client_group,service`): a case-insensitive regex on title + description + the
register's service category (where it has one), first match wins. A contract with a service is a
care contract (the Opportunities page and exports show those; the rest are counted and listed).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from domain.contract import store_table

from . import DEFAULT_LOOKUPS
from .errors import InputError
from .cells import cell_text, parse_date, parse_number, text_or_none
from .sheets import LoadResult, Sheet, body_below, header_cells, load_lookup
from .plausible import screen

KIND = "contracts_register"
TABLE = "contracts"
DESCRIPTION = "Contracts register (Transparency Code / NHS register)"

HEADERS_LOOKUP = "contract_headers.csv"
SERVICES_LOOKUP = "contract_services.csv"
HEADER_ROWS = 30
FIELDS = ["organisation", "reference", "title", "department", "description", "supplier",
          "start_date", "end_date", "total_value", "annual_value", "sme", "vcse", "procurement_route",
          "service_category"]
REQUIRED = ["reference", "title", "supplier", "start_date", "end_date"]
SNIFF_FIELDS = ["reference", "title", "supplier"]

# Value cells that say "no figure" in words: missing with a note, never zero, never an error.
_NO_VALUE = {"tbc", "tba", "tbd", "various", "variable", "unknown", "not known", "n/k", "nk",
             "none", "see description", "call off", "call-off", "framework", "ongoing", "rolling",
             "open ended", "open-ended", "not applicable", "n/a", "na", "-", ""}
_MONEY = re.compile(r"^\(?£?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.?\d+)\s*(k|m|mn|million|bn|billion)?\)?$",
                    re.IGNORECASE | re.ASCII)  # commas only between groups of three digits
_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_TRUE = {"y", "yes", "true", "1", "sme", "vcse", "small", "medium", "micro"}
_FALSE = {"n", "no", "false", "0", "non-sme", "non sme", "not sme", "large", "non-vcse", "not vcse"}
_CCG = [re.compile(r"\b(NHS\s+[A-Z][\w&',-]*(?:\s+(?:and\s+|&\s+)?[A-Z][\w&',-]*)*?\s+"
                   r"(?:CCG|Clinical Commissioning Group))\b"),
        re.compile(r"\b([A-Z][\w&',-]*(?:\s+(?:and\s+|&\s+)?[A-Z][\w&',-]*)*?\s+"
                   r"(?:CCG|Clinical Commissioning Group))\b")]
_AS_AT = re.compile(r"(?:as at|updated|last updated|published|as of)\s*:?\s*(.+)$", re.IGNORECASE)


def norm(text) -> str:
    """`Total Contract Value (£)` -> `total contract value`; `CONTRACT_START_DATE` -> `contract start date`."""
    t = cell_text(text).lower().replace("_", " ")
    t = re.sub(r"\([^)]*\)", " ", t)
    t = re.sub(r"[^a-z0-9&/]+", " ", t).replace("/", " ")
    return re.sub(r"\s+", " ", t).strip()


def _lookup_path(name: str, ctx) -> Path:
    own = Path(getattr(ctx, "lookups_dir", None) or DEFAULT_LOOKUPS)
    return own if (own / name).exists() or not (DEFAULT_LOOKUPS / name).exists() else DEFAULT_LOOKUPS


_SYNONYM_CACHE: dict[Path, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}


def _synonym_table(lookups_dir: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    key = Path(lookups_dir).resolve()
    if key not in _SYNONYM_CACHE:
        table = load_lookup(HEADERS_LOOKUP, key)
        for c in ("field", "synonym"):
            if c not in table.columns:
                raise InputError(key / HEADERS_LOOKUP, f"the lookup has no '{c}' column",
                                 expected="columns field,synonym")
        normed: dict[str, list[str]] = {f: [] for f in FIELDS}
        labels: dict[str, list[str]] = {f: [] for f in FIELDS}
        for i, rec in enumerate(table.itertuples(index=False), start=2):
            fld, syn = rec.field.strip(), norm(rec.synonym)
            if fld not in normed:
                raise InputError(key / HEADERS_LOOKUP, f"unknown field '{fld}'", row=i, column="field",
                                 expected="one of " + ", ".join(FIELDS))
            if syn and syn not in normed[fld]:
                normed[fld].append(syn)
                labels[fld].append(rec.synonym.strip())
        _SYNONYM_CACHE[key] = (normed, labels)
    return _SYNONYM_CACHE[key]


def synonyms(lookups_dir: Path = DEFAULT_LOOKUPS) -> dict[str, list[str]]:
    """field -> normalised synonyms in the order listed (first listed wins)."""
    return _synonym_table(lookups_dir)[0]


def synonym_labels(lookups_dir: Path = DEFAULT_LOOKUPS) -> dict[str, list[str]]:
    """field -> synonyms as written in the lookup (for messages)."""
    return _synonym_table(lookups_dir)[1]


def _match(header: list[str], syn: dict[str, list[str]]) -> dict[str, int]:
    """field -> column position, the best (earliest-listed) synonym present, each column used once."""
    position: dict[str, int] = {}
    for j, h in enumerate(header):
        position.setdefault(norm(h), j)
    found, used = {}, set()
    for fld in FIELDS:
        for s in syn[fld]:
            j = position.get(s)
            if j is not None and j not in used:
                found[fld] = j
                used.add(j)
                break
    return found


def _header_index(sheet: Sheet, syn: dict[str, list[str]]) -> int | None:
    wanted = {f: set(syn[f]) for f in SNIFF_FIELDS}
    for i, row in enumerate(sheet.head_text(HEADER_ROWS)):
        names = {norm(c) for c in row if c}
        if all(names & wanted[f] for f in SNIFF_FIELDS):
            return i
    return None


def sniff(sheets: list[Sheet]) -> bool:
    try:
        syn = synonyms()
    except InputError:
        return False
    return any(_header_index(s, syn) is not None for s in sheets)


def _ccg_name(lines: list[str]) -> str | None:
    text = " ".join(lines)
    if "CCG" not in text and "clinical commissioning group" not in text.lower():
        return None
    for pattern in _CCG:
        m = pattern.search(text)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    return None


def _title_date(lines: list[str], file) -> str | None:
    for line in lines:
        m = _AS_AT.search(line)
        if m:
            try:
                d = parse_date(m.group(1).strip().rstrip("."), file=file)
            except InputError:
                continue
            if d:
                return d.isoformat()
    return None


def _money(v, notes, **where):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, str):
        t = v.strip()
        if t.lower() in _NO_VALUE:
            if t:
                notes.append(f"row {where['row']} column '{where['column']}': '{t}' kept as missing")
            return None
        m = _MONEY.match(t.replace(" ", ""))
        if m and m.group(2):
            neg = t.startswith("(") and t.endswith(")")
            number = float(m.group(1).replace(",", "")) * _SCALE[m.group(2).lower()]
            v = -number if neg else number
    return parse_number(v, **where, notes=notes)


def _flag(v, unknown: list):
    t = cell_text(v).lower()
    if t == "":
        return None
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    unknown.append(t)
    return None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    lookups = _lookup_path(HEADERS_LOOKUP, ctx)
    syn, labels = synonyms(lookups), synonym_labels(lookups)
    found_any = [(s, _header_index(s, syn)) for s in sheets]
    found_any = [(s, h) for s, h in found_any if h is not None]
    if not found_any:
        s = sheets[0]
        examples = {f: labels[f][:3] for f in SNIFF_FIELDS}
        raise InputError(s.file, f"no header row found in the first {HEADER_ROWS} rows of any sheet",
                         sheet=s.name if len(sheets) == 1 else None,
                         expected="a row naming a reference, a title and a supplier column, e.g. "
                                  + "; ".join(f"{f}: " + ", ".join(v) for f, v in examples.items()))
    warnings: list[str] = []
    frames, rows_read, lines_all, headers = [], 0, [], {}
    for sheet, h in found_any:
        frame, n, lines, colname = _load_sheet(sheet, h, syn, labels, ctx, warnings)
        headers = {**colname, **headers}
        frames.append(frame)
        rows_read += n
        lines_all.extend(lines)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    _classify(out, ctx)
    meta = {"contracts": int(len(out)),
            "organisation": sorted(set(out["organisation"].dropna()))[:5] or None}
    as_at = _title_date(lines_all, sheets[0].file)
    if as_at:
        meta["as_at"] = as_at
    return LoadResult(KIND, TABLE, out[store_table(TABLE).names].reset_index(drop=True), rows_read,
                      warnings, meta, headers=headers)


def _load_sheet(sheet: Sheet, h: int, syn, labels, ctx, warnings: list[str]):
    """One sheet's register: map headers -> keep contract rows -> dates, money, flags -> derive
    the missing one of total and annual value -> organisation. Returns (rows, rows read, title lines)."""
    header = header_cells(sheet, h)
    found = _map_headers(sheet, h, header, syn, labels)
    colname = {f: header[j] for f, j in found.items()}
    lines = [" ".join(r) for r in sheet.head_text(h) if any(r)]
    body, rows = body_below(sheet, h)
    rows_read = len(body)
    body, out, rows = _contract_rows(sheet, body, rows, found, warnings)
    where = {"file": sheet.file, "sheet": sheet.name}
    notes: list[str] = []
    for f in ("start_date", "end_date"):
        out[f] = _dates(body[found[f]], rows, where, colname[f], notes)
    for f in ("total_value", "annual_value"):
        out[f] = (pd.array([_money(v, notes, **where, row=int(r), column=colname[f])
                            for v, r in zip(body[found[f]], rows)], dtype="Float64").astype("float64")
                  if f in found else np.nan)
    if notes:
        warnings.append(f"{sheet.file.name}{_sheet_label(sheet)}: {len(notes)} value(s) in words or "
                        f"suppressed kept as missing, e.g. {notes[0]}")
    for f in ("start_date", "end_date", "total_value", "annual_value"):  # before any value is derived
        if f in found:
            out[f] = screen(out[f], rows, table=TABLE, column=f, **where, header=colname[f], warnings=warnings)
    _derive_values(out, found, rows, sheet, warnings)
    for f in ("start_date", "end_date"):
        out[f] = out[f].map(lambda d: d.isoformat() if d is not None else None).astype(object)
    for f in ("sme", "vcse"):
        out[f] = _flags(body, found, f, colname, sheet, warnings, len(out))
    fallback = _ccg_name(lines) or getattr(ctx, "area_name", None)
    out["organisation"] = out["organisation"].where(out["organisation"].notna(), fallback).astype(object)
    out["source_file"] = sheet.file.name
    out["source_sheet"] = sheet.name
    out["source_row"] = rows
    return out, rows_read, lines, colname


def _map_headers(sheet: Sheet, h: int, header: list[str], syn, labels) -> dict[str, int]:
    """field -> column position through the synonym table; a missing required field is named
    with example synonyms and the columns that are there."""
    found = _match(header, syn)
    missing = [f for f in REQUIRED if f not in found]
    if "total_value" not in found and "annual_value" not in found:
        missing.append("total_value or annual_value")
    if missing:
        def example(f):
            names = [s for part in f.split(" or ") for s in labels.get(part, [])[:3]]
            return f"{f} (e.g. " + ", ".join(f"'{n}'" for n in names) + ")"
        raise InputError(sheet.file, "required column(s) missing: " + "; ".join(example(f) for f in missing),
                         sheet=sheet.name, row=sheet.row_number(h),
                         expected="columns present were: " + ", ".join(f"'{c}'" for c in header if c))
    return found


def _contract_rows(sheet: Sheet, body: pd.DataFrame, rows: np.ndarray, found: dict[str, int],
                   warnings: list[str]):
    """The text fields, and only the rows with a title or supplier (others are notes or totals)."""
    out = pd.DataFrame({f: text_or_none(body[found[f]]) if f in found else pd.Series([None] * len(body), dtype=object)
                        for f in ["reference", "title", "department", "description", "supplier", "organisation",
                                  "procurement_route", "service_category"]})
    keep = (out["title"].notna() | out["supplier"].notna()).to_numpy()
    if (~keep).any():
        warnings.append(f"{sheet.file.name}{_sheet_label(sheet)}: {int((~keep).sum())} row(s) with no title "
                        f"or supplier skipped (notes or totals), e.g. row {int(rows[~keep][0])}")
    return body.loc[keep].reset_index(drop=True), out.loc[keep].reset_index(drop=True), rows[keep]


def _dates(values: pd.Series, rows: np.ndarray, where: dict, column: str, notes: list[str]) -> pd.Series:
    """Dates as `datetime.date` (None for blanks and words such as 'TBC', which get a note)."""
    out = []
    for v, r in zip(values, rows):
        t = cell_text(v)
        if isinstance(v, str) and t.lower() in _NO_VALUE:
            if t:
                notes.append(f"row {int(r)} column '{column}': '{t}' kept as missing")
            out.append(None)
            continue
        out.append(parse_date(v, **where, row=int(r), column=column))
    return pd.Series(out, dtype=object)


def _derive_values(out: pd.DataFrame, found: dict[str, int], rows: np.ndarray, sheet: Sheet,
                   warnings: list[str]) -> None:
    """Derive the missing one of total / annual from the contract's length (at least a year)."""
    start = pd.to_datetime(out["start_date"], errors="coerce")
    end = pd.to_datetime(out["end_date"], errors="coerce")
    days = (end - start).dt.days + 1  # both dates inclusive: 01/04/2017-31/03/2020 is 3 years
    backwards = (days < 1).fillna(False).to_numpy(dtype=bool)
    if backwards.any():
        warnings.append(f"{sheet.file.name}{_sheet_label(sheet)}: {int(backwards.sum())} contract(s) end "
                        f"before they start, e.g. row {int(rows[backwards][0])}; values not derived")
    years = (days / 365.25).clip(lower=1).where(days >= 1)
    for target, source, op, word in (("annual_value", "total_value", "div", "total / contract years"),
                                     ("total_value", "annual_value", "mul", "annual x contract years")):
        need = out[target].isna() & out[source].notna() & years.notna()
        if need.any():
            values = out[source] / years if op == "div" else out[source] * years
            out.loc[need, target] = values[need].round(2)
            why = (f"column for {target} absent" if target not in found
                   else f"{target} blank in {int(need.sum())} row(s)")
            warnings.append(f"{sheet.file.name}{_sheet_label(sheet)}: {target} derived as {word} "
                            f"(at least one year) for {int(need.sum())} row(s) ({why})")


def _flags(body: pd.DataFrame, found: dict[str, int], f: str, colname: dict[str, str], sheet: Sheet,
           warnings: list[str], n: int) -> pd.Series:
    """SME / VCSE yes-no column; words that are neither are missing, with a warning."""
    if f not in found:
        return pd.Series([None] * n, dtype=object)
    unknown: list[str] = []
    values = pd.Series([_flag(v, unknown) for v in body[found[f]]], dtype=object)
    if unknown:
        warnings.append(f"{sheet.file.name}{_sheet_label(sheet)}: {len(unknown)} '{colname[f]}' value(s) "
                        f"not read as yes/no (e.g. '{unknown[0]}') kept as missing")
    return values


def _sheet_label(sheet: Sheet) -> str:
    return f" sheet '{sheet.name}'" if sheet.name else ""


def _classify(out: pd.DataFrame, ctx) -> None:
    """client_group and service from the pattern table; first match wins; unmatched -> None."""
    lookups = _lookup_path(SERVICES_LOOKUP, ctx)
    table = load_lookup(SERVICES_LOOKUP, lookups)
    for c in ("pattern", "client_group", "service"):
        if c not in table.columns:
            raise InputError(lookups / SERVICES_LOOKUP, f"the lookup has no '{c}' column",
                             expected="columns pattern,client_group,service")
    text = (out["title"].fillna("") + " " + out["description"].fillna("") + " "
            + out["service_category"].fillna("")).astype(str)
    group = pd.Series([None] * len(out), dtype=object, index=out.index)
    service = pd.Series([None] * len(out), dtype=object, index=out.index)
    done = pd.Series(False, index=out.index)
    for i, rec in enumerate(table.itertuples(index=False), start=2):
        if not rec.pattern.strip():
            continue
        try:
            pattern = re.compile(rec.pattern, re.IGNORECASE)
        except re.error as exc:
            raise InputError(lookups / SERVICES_LOOKUP, f"the pattern '{rec.pattern}' is not a valid "
                             f"regular expression ({exc})", row=i, column="pattern") from None
        hit = text.map(lambda t: bool(pattern.search(t))).astype(bool) & ~done
        if hit.any():
            group[hit] = rec.client_group.strip() or None
            service[hit] = rec.service.strip() or None
            done |= hit
    out["client_group"] = group
    out["service"] = service
