"""CQC's weekly directory in its simple layout, `CQC_directory.csv` (e.g.
`16_September_2026_CQC_directory.csv`): a couple of title lines ("CQC Locations data", "This data
was produced on 16 September 2026"), then `Name, Also known as, Address, Postcode, Phone number,
Service's website (if available), Service types, Date of latest check, Specialisms/services,
Provider name, Local authority, Region, Location URL, CQC Location ID (for office use only),
CQC Provider ID (for office use only)`: one row per registered location of every kind (dentists,
GPs and hospitals too).

An edition of it is a CQC directory edition like the "care directory with filters" workbook
(loaders/cqc.py; loaders/editions.py places editions by date), and it fills the same tables where
its columns allow:

- only adult social care locations are kept (their service types: nursing and residential homes,
  homecare agencies, supported living, extra care housing, shared lives); the others are counted
  in a warning;
- `Service types` (`|`-separated) become the workbook's `service_type` flags (`Nursing homes` ->
  `Care home service with nursing`, ...) and decide `care_home`; `Specialisms/services` become
  `specialism` flags as written and, where one matches, the workbook's `service_user_band`
  (`Caring for adults over 65 yrs` -> `Older People`, ...);
- what the layout does not give is missing, never 0, and said in a warning: registered beds, the
  overall rating and its date, dormancy, coordinates, brand, ownership type, registration date;
- the edition date is the title line's "produced on" date, else the file name's.

The columns not used (`Also known as`, `Phone number`, the website, `Date of latest check`,
`Location URL`) are named in a warning.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import parse_date, text_or_none
from .sheets import LoadResult, Sheet, body_below, find_header_row, header_cells, normalise_header, positions
from .cqc import SERVICES_TABLE, TABLE

KIND = "cqc_directory"
DESCRIPTION = "CQC directory, simple layout (CQC_directory.csv)"
HEADER_ROWS = 10
SIGNATURE = ["Name", "Service types", "Specialisms/services", "CQC Location ID (for office use only)"]
FIELDS = {
    "location_name": "Name", "address": "Address", "postcode": "Postcode", "service_types": "Service types",
    "specialisms": "Specialisms/services", "provider_name": "Provider name", "local_authority": "Local authority",
    "region": "Region", "location_id": "CQC Location ID (for office use only)",
    "provider_id": "CQC Provider ID (for office use only)",
}
NOT_GIVEN = ("registered beds", "overall rating and its publication date", "dormancy", "coordinates", "brand",
             "ownership type", "registration date")
# Service types as the simple layout writes them -> the workbook's `Service type - ...` flag.
SERVICE_TYPES = {"nursing homes": "Care home service with nursing",
                 "residential homes": "Care home service without nursing",
                 "homecare agencies": "Domiciliary care service",
                 "supported living": "Supported living service",
                 "extra care housing": "Extra Care housing services",
                 "shared lives": "Shared Lives"}
CARE_HOME_TYPES = {"Care home service with nursing", "Care home service without nursing"}
# Specialisms -> the workbook's `Service user band - ...` flag, where one means the same.
USER_BANDS = {"caring for adults over 65 yrs": "Older People", "caring for adults under 65 yrs": "Younger Adults",
              "dementia": "Dementia", "learning disabilities": "Learning disabilities or autistic spectrum disorder",
              "mental health conditions": "Mental Health", "physical disabilities": "Physical Disability",
              "sensory impairments": "Sensory Impairment", "substance misuse problems": "Substance misuse problems",
              "eating disorders": "Eating Disorders", "caring for children": "Children 0-18 years"}
PRODUCED = re.compile(r"produced on\s+(\d{1,2}\s+[A-Za-z]+\s+\d{4})", re.I)
NAME_DATE = re.compile(r"(\d{1,2})[_\s-]+([A-Za-z]{3,9})[_\s-]+(\d{4})[_\s-]+CQC[_\s-]*directory", re.I)


def sniff(sheets: list[Sheet]) -> bool:
    return bool(sheets) and find_header_row(sheets[0], SIGNATURE, max_rows=HEADER_ROWS) is not None


def _as_at(sheet: Sheet, h: int) -> str | None:
    for row in sheet.head_text(h):
        for cell in row:
            if (m := PRODUCED.search(cell)):
                d = parse_date(m.group(1), file=sheet.file)
                return d.isoformat() if d else None
    m = NAME_DATE.search(Path(sheet.file).name)
    if m:
        try:
            d = parse_date(f"{m.group(1)} {m.group(2)} {m.group(3)}", file=sheet.file)
        except InputError:
            return None
        return d.isoformat() if d else None
    return None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet = sheets[0]
    h = find_header_row(sheet, SIGNATURE, max_rows=HEADER_ROWS)
    header = header_cells(sheet, h)
    at = positions(header)
    missing = [name for name in FIELDS.values() if normalise_header(name) not in at]
    if missing:
        raise InputError(sheet.file, "required column(s) missing: " + ", ".join(f"'{m}'" for m in missing),
                         row=sheet.row_number(h), expected="the CQC_directory.csv header: " + ", ".join(FIELDS.values()))
    body, rows = body_below(sheet, h)
    text = {f: text_or_none(body[at[normalise_header(name)]]) for f, name in FIELDS.items()}
    no_id = text["location_id"].isna()
    types = text["service_types"].fillna("").map(_service_types)
    social = types.map(bool)
    warnings = ["column(s) not used: " + ", ".join(f"'{c}'" for c in header
                                                   if c and normalise_header(c) not in
                                                   {normalise_header(n) for n in FIELDS.values()})]
    left = int((~social | no_id).sum())
    if left:
        warnings.append(f"{left:,} location(s) that are not adult social care by their service types (dentists, GPs, "
                        "hospitals, ...) or have no location ID left out")
    keep = (social & ~no_id).to_numpy()
    as_at = _as_at(sheet, h)
    frame = _locations({f: v[keep].reset_index(drop=True) for f, v in text.items()},
                       types[keep].reset_index(drop=True), rows[keep], sheet, as_at)
    services = _flags(frame["location_id"], types[keep].reset_index(drop=True),
                      text["specialisms"][keep].reset_index(drop=True), rows[keep], sheet)
    warnings.append("not in this layout, so missing (never 0): " + ", ".join(NOT_GIVEN)
                    + "; the care directory with filters (HSCA_Active_Locations) gives them")
    meta = {"as_at": as_at, "locations": int(len(frame)), "care_homes": int(frame["care_home"].eq(True).sum()),
            "care_home_beds": None, "flag_families": sorted(set(services["family"])), "sheet": None}
    return LoadResult(KIND, TABLE, frame, len(body), warnings, meta, extra_tables={SERVICES_TABLE: services},
                      headers={f: name for f, name in FIELDS.items()})


def _service_types(cell: str) -> list[str]:
    return [SERVICE_TYPES[t] for t in (p.strip().lower() for p in cell.split("|")) if t in SERVICE_TYPES]


def _locations(text: dict, types: pd.Series, rows: np.ndarray, sheet: Sheet, as_at: str | None) -> pd.DataFrame:
    n = len(rows)
    out = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in store_table(TABLE).names})
    for f in ("location_id", "location_name", "address", "postcode", "provider_name", "local_authority", "region",
              "provider_id"):
        out[f] = text[f].to_numpy(dtype=object)
    out["care_home"] = types.map(lambda t: bool(CARE_HOME_TYPES & set(t))).astype(object).to_numpy()
    out["beds"] = pd.array([pd.NA] * n, dtype="Int64")
    out["latitude"] = np.nan
    out["longitude"] = np.nan
    out["as_at"] = as_at
    out["source_file"], out["source_sheet"], out["source_row"] = sheet.file.name, None, rows
    return out


def _flags(ids: pd.Series, types: pd.Series, specialisms: pd.Series, rows: np.ndarray, sheet: Sheet) -> pd.DataFrame:
    """Service types and specialisms, long: one row per location x flag."""
    records = []
    for i, (loc, kinds, spec) in enumerate(zip(ids, types, specialisms.fillna(""))):
        for flag in dict.fromkeys(kinds):
            records.append((loc, "service_type", flag, int(rows[i])))
        for s in dict.fromkeys(p.strip() for p in spec.split("|") if p.strip()):
            records.append((loc, "specialism", s, int(rows[i])))
            if s.lower() in USER_BANDS:
                records.append((loc, "service_user_band", USER_BANDS[s.lower()], int(rows[i])))
    frame = pd.DataFrame(records, columns=["location_id", "family", "flag", "source_row"])
    frame = frame.drop_duplicates(["location_id", "family", "flag"])
    frame["source_file"], frame["source_sheet"] = sheet.file.name, None
    return frame[store_table(SERVICES_TABLE).names]
