"""Adult social care finance return (ASC-FR) unit costs: gross weekly cost of long-term residential
and nursing care by age band, and the home care average standard hourly rate, per council, region
and England.

The published data file's exact layout is **guessed** (docs/market_health.md): a long table, one row
per area x year x setting x age band, columns found by name through synonyms (NHS Digital's
upper-case names such as `GEOGRAPHY_CODE` / `ITEMVALUE`, or plain words). The setting is read from
its words: "nursing", "residential", or "home care" / "hourly rate"; any other setting is left out
with a note, so a fuller file loads too.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table
from domain.vocabulary import parse_age_band

from .errors import InputError
from .cells import cell_text, parse_number, year_from_period
from .sheets import LoadResult, Sheet
from .council_tables import locate, read_table

KIND = "asc_finance_unit_costs"
TABLE = "unit_costs"
DESCRIPTION = "Adult social care finance return (ASC-FR) unit costs"

FIELDS = {
    "area_code": ["GEOGRAPHY_CODE", "ONS code", "Area code", "Geography code"],
    "area_name": ["GEOGRAPHY_NAME", "Area name", "Geography name", "Council"],
    "level": ["GEOGRAPHY_LEVEL", "Geography level", "Level"],
    "period": ["YEAR", "Year", "Period", "Financial year"],
    "setting": ["SUPPORT_SETTING", "SupportSetting", "Support setting", "Setting", "Service"],
    "age_band": ["AGE_BAND", "AgeBand", "Age band", "Age"],
    "value": ["ITEMVALUE", "Unit cost (£)", "Unit cost", "Value"],
}
SIGNATURE_SETS = [["GEOGRAPHY_CODE", "ITEMVALUE"], ["ONS code", "Unit cost (£)"], ["Area code", "Unit cost"]]
LEVELS = {"england": "england", "national": "england", "region": "region", "regional": "region"}
_HOME_CARE = re.compile(r"home care|homecare|domiciliary|hourly rate", re.IGNORECASE)


def _signature(sheets: list[Sheet]):
    return next((sig for sig in SIGNATURE_SETS if locate(sheets, sig) is not None), None)


def sniff(sheets: list[Sheet]) -> bool:
    return _signature(sheets) is not None


def service_of(setting: str) -> str | None:
    """residential, nursing or home_care from the setting's words (None for any other)."""
    if _HOME_CARE.search(setting):
        return "home_care"
    text = setting.lower()
    if "nursing" in text:
        return "nursing"
    if "residential" in text:
        return "residential"
    return None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet, body = read_table(sheets, _signature(sheets), FIELDS, optional={"level", "area_name"})
    notes: list[str] = []
    skipped: dict[str, int] = {}
    records = []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        where = {"file": sheet.file, "sheet": sheet.name, "row": row}
        setting = cell_text(rec["setting"])
        service = service_of(setting)
        if service is None:
            skipped[setting] = skipped.get(setting, 0) + 1
            continue
        period = cell_text(rec["period"])
        year = year_from_period(period)
        if year is None:
            raise InputError(sheet.file, f"found '{period}' where a year belongs", sheet=sheet.name, row=row,
                             column=FIELDS["period"][0], expected="a financial year such as 2016-17")
        age = "all" if service == "home_care" and not cell_text(rec["age_band"]) else parse_age_band(rec["age_band"])
        if age is None:
            raise InputError(sheet.file, f"found '{cell_text(rec['age_band'])}' where an age band belongs",
                             sheet=sheet.name, row=row, column=FIELDS["age_band"][0], expected="18-64, 65+ or All")
        code = cell_text(rec["area_code"])
        level = LEVELS.get(cell_text(rec["level"]).lower(), "la")
        if code == "E92000001":
            level = "england"
        elif code.startswith("E12"):
            level = "region"
        value = parse_number(rec["value"], **where, column=FIELDS["value"][0], notes=notes)
        if value is None:
            continue
        records.append({"period": period, "year": year, "area_code": code, "area_name": cell_text(rec["area_name"]),
                        "area_type": level, "service": service, "age_band": age,
                        "measure": "hourly_rate" if service == "home_care" else "gross_weekly_cost",
                        "value_gbp": value, "source_file": sheet.file.name, "source_sheet": sheet.name,
                        "source_row": row})
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    warnings = [f"{len(notes)} suppressed value(s) kept as missing, e.g. {notes[0]}"] if notes else []
    if skipped:
        warnings.append("rows for other settings not kept: " + ", ".join(f"{k or '(blank)'} ({n})"
                                                                         for k, n in skipped.items()))
    if frame.empty:
        raise InputError(sheet.file, "no residential, nursing or home care unit cost rows", sheet=sheet.name,
                         expected="a support setting naming residential or nursing care, or home care")
    return LoadResult(KIND, TABLE, frame, len(body), warnings, {})
