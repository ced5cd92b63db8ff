"""Shared reading for the council's own tables (activity, finance, caseloads): a header row
found by content, columns by name (with synonyms), and a located error for anything missing."""
from __future__ import annotations

import pandas as pd

from .errors import InputError
from .sheets import Sheet, find_header_row, frame_with_header, normalise_header


def locate(sheets: list[Sheet], signature: list[str]) -> tuple[Sheet, int] | None:
    for sheet in sheets:
        h = find_header_row(sheet, signature, max_rows=10)
        if h is not None:
            return sheet, h
    return None


def read_table(sheets: list[Sheet], signature: list[str], fields: dict[str, list[str]],
               optional: set[str] = frozenset()) -> tuple[Sheet, pd.DataFrame]:
    """Rows under the header with columns renamed to field keys (plus `_row`)."""
    found = locate(sheets, signature)
    if found is None:
        raise InputError(sheets[0].file, "no header row found", sheet=sheets[0].name,
                         expected="a header row with " + ", ".join(signature))
    sheet, h = found
    body = frame_with_header(sheet, h)
    present = {normalise_header(c): c for c in body.columns if c != "_row"}
    rename, missing = {}, []
    for field, synonyms in fields.items():
        col = next((present[normalise_header(s)] for s in synonyms if normalise_header(s) in present), None)
        if col is None:
            if field not in optional:
                missing.append(synonyms[0])
            continue
        rename[col] = field
    if missing:
        raise InputError(sheet.file, "required column(s) missing: " + ", ".join(missing),
                         sheet=sheet.name, row=sheet.row_number(h),
                         expected="columns present were: " + ", ".join(present.values()))
    out = body[list(rename) + ["_row"]].rename(columns=rename)
    for field in fields:
        if field not in out.columns:
            out[field] = None
    return sheet, out
