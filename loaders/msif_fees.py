"""DHSC "Market Sustainability and Improvement Fund (MSIF): provider fee reporting": the average fee
each local authority pays external providers, by service type and financial year.

The report (e.g. 2024 to 2025, published 7 October 2024) names the six service types: home care,
care homes without nursing for clients aged 65 and over, care homes with nursing for 65 and over,
supported living, and care homes without and with nursing for 18 to 64; each authority reported
its average fee for the previous and the current year. The data file's exact headings could not
be seen here, so the layout is **guessed** (docs/formats.md): one row per authority, an area code
column, and one column per service type (and year), recognised by the words of its heading:
"home care", "supported living", "without nursing" / "with nursing" (or "residential" /
"nursing") and the age ("65", "18 to 64"). The year is the heading's (`2024 to 2025`), else the
file's name; a column naming a percentage or an increase is not a fee and is named with the other
unused columns in a warning.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .ascof import financial_year
from .errors import InputError
from .cells import cell_text, parse_number
from .sheets import LoadResult, Sheet, header_names
from .council_tables import locate

KIND = "msif_fee_rates"
TABLE = "fee_rates"
DESCRIPTION = "DHSC MSIF provider fee reporting: average fees by service type"

CODE_HEADERS = ["ONS code", "LA code", "Local authority code", "Area code", "Geography code"]
NAME_HEADERS = ["Local authority", "Local authority name", "LA name", "Area name", "Council"]
_NOT_A_FEE = re.compile(r"%|percent|increase|change|uplift", re.IGNORECASE)


def service_of(header: str) -> tuple[str, str, str] | None:
    """(service, age band, unit) a fee column's heading names, or None."""
    text = " ".join(str(header).lower().replace("-", " ").split())
    if _NOT_A_FEE.search(text):
        return None
    if "home care" in text or "homecare" in text or "domiciliary" in text:
        return "home_care", "all", "hour"
    if "supported living" in text:
        return "supported_living", "all", "hour"
    if "without nursing" in text or "residential" in text:
        service = "residential"
    elif "nursing" in text:
        service = "nursing"
    else:
        return None
    age = "18-64" if re.search(r"18\s*(to)?\s*64", text) else "65+" if "65" in text else "all"
    return service, age, "week"


def _header(sheets: list[Sheet]):
    for code in CODE_HEADERS:
        found = locate(sheets, [code])
        if found is not None:
            sheet, h = found
            names = header_names(sheet, h)
            if any(service_of(n) for n in names):
                return sheet, h, names, code
    return None


def sniff(sheets: list[Sheet]) -> bool:
    found = _header(sheets)
    return found is not None and sum(service_of(n) is not None for n in found[2]) >= 2


def load(sheets: list[Sheet], ctx) -> LoadResult:
    """Read -> the fee columns by their headings -> one row per authority x year x service."""
    sheet, h, names, code_header = _header(sheets)
    cells = sheet.cells.iloc[h + 1:]
    lower = [n.lower() for n in names]
    code_at = lower.index(code_header.lower())
    name_at = next((lower.index(n.lower()) for n in NAME_HEADERS if n.lower() in lower), None)
    fees = {}
    for j, name in enumerate(names):
        what = service_of(name)
        if what is None:
            continue
        period = financial_year(name) or financial_year(sheet.file.stem)
        if period is None:
            raise InputError(sheet.file, f"the column '{name}' names no financial year and neither does the file's "
                             "name", sheet=sheet.name, row=sheet.row_number(h), column=name,
                             expected="a year in the heading (2024 to 2025) or the file's name")
        fees[j] = (name, period, *what)
    unused = [n for j, n in enumerate(names) if j not in fees and j not in (code_at, name_at) and n != "Unnamed"
              and not n.startswith("Unnamed.")]
    warnings = [f"columns not used: {', '.join(unused)}"] if unused else []
    notes: list[str] = []
    records = []
    for i, row in enumerate(cells.itertuples(index=False)):
        code = cell_text(row[code_at])
        if not re.fullmatch(r"E\d{8}", code):
            continue  # a total, note or blank row under the table
        line = sheet.row_number(h + 1 + i)
        for j, (name, period, service, age, unit) in fees.items():
            fee = parse_number(row[j], file=sheet.file, sheet=sheet.name, row=line, column=name, notes=notes)
            records.append({"period": period, "year": int(period[:4]), "area_code": code,
                            "area_name": cell_text(row[name_at]) if name_at is not None else "",
                            "area_type": "england" if code == "E92000001" else "region" if code.startswith("E12")
                            else "la", "service": service, "age_band": age, "unit": unit, "fee_gbp": fee,
                            "source_file": sheet.file.name, "source_sheet": sheet.name, "source_row": line})
    if not records:
        raise InputError(sheet.file, "no rows with an ONS area code under the header", sheet=sheet.name,
                         expected="one row per local authority with its E-code")
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    repeated = frame.duplicated(["period", "area_code", "service", "age_band"])
    if repeated.any():
        r = frame[repeated].iloc[0]
        raise InputError(sheet.file, f"{r['area_code']} {r['service']} {r['age_band']} {r['period']} is given twice",
                         sheet=sheet.name, row=int(r["source_row"]), expected="one fee per authority, service and year")
    if notes:
        warnings.insert(0, f"{len(notes)} suppressed value(s) kept as missing, e.g. {notes[0]}")
    return LoadResult(KIND, TABLE, frame, len(cells), warnings, {}, key_checked=True)
