"""CQC care directory with filters: the monthly `HSCA_Active_Locations` file (.ods or .xlsx).

One row per registered location. The core columns are found by name (older files lack some of
them; only `Location ID`, `Location Name`, `Care home?`, `Care homes beds` and
`Location Local Authority` are required). The flag families `Regulated activity - ...`,
`Service type - ...` and `Service user band - ...` are discovered by prefix, so a file with a
different flag set loads unchanged; they become long rows in `care_provider_services`, one per
location x flag that is `Y`.

The national file is ~50k rows x ~120 columns, so everything after reading is column-wise
(no per-cell Python loop over the flag block).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, parse_date, parse_dates, parse_numbers, text_or_none, text_values
from .sheets import LoadResult, Sheet, body_below, find_header_row, header_cells, normalise_header, positions
from .plausible import screen

KIND = "cqc_locations"
TABLE = "care_providers"
SERVICES_TABLE = "care_provider_services"
DESCRIPTION = "CQC care directory with filters (HSCA_Active_Locations)"

DATA_SHEET = "hsca_active_locations"
HEADER_ROWS = 10  # the header is in row 1; tolerate a few title rows above it

# The directory's own columns before its flag families, in the publisher's order
# (HSCA_Active_Locations, 2017 to now): the one list of them. The sample generator
# (tools/make_sample/cqc.py), the national-size benchmark files (benchmarks/national.py) and the tests
# write this header; FIELDS below maps each (and the names other editions use) to a store column.
HEADER_COLUMNS = ["Location ID", "Location HSCA start date", "Dormant (Y/N)", "Care home?", "Location Name",
                  "Care homes beds", "Location Type/Sector", "Location Inspection Directorate",
                  "Location Primary Inspection Category", "Location Latest Overall Rating", "Publication Date",
                  "Location Region", "Location Local Authority", "Location ONSPD CCG Code", "Location ONSPD CCG",
                  "Location Street Address", "Location City", "Location Postal Code", "Location Latitude",
                  "Location Longitude", "Brand ID", "Brand Name", "Provider ID", "Provider Name",
                  "Provider Ownership Type"]

# field -> accepted header names (first found wins); matched case- and space-insensitively.
FIELDS: dict[str, list[str]] = {
    "location_id": ["Location ID"],
    "location_name": ["Location Name"],
    "care_home": ["Care home?", "Care home"],
    "dormant": ["Dormant (Y/N)", "Dormant"],
    "beds": ["Care homes beds", "Care home beds", "Care homes beds at location"],
    "type_sector": ["Location Type/Sector"],
    "directorate": ["Location Inspection Directorate"],
    "primary_category": ["Location Primary Inspection Category"],
    "rating": ["Location Latest Overall Rating", "Location Overall Rating"],
    "publication_date": ["Publication Date", "Location Publication Date"],
    "region": ["Location Region"],
    "local_authority": ["Location Local Authority"],
    "ccg_code": ["Location ONSPD CCG Code", "Location ONSPD Sub ICB Location Code",
                 "Location Commissioning CCG Code"],
    "ccg_name": ["Location ONSPD CCG", "Location ONSPD Sub ICB Location",
                 "Location Commissioning CCG Name", "Location Commissioning CCG"],
    "address": ["Location Street Address"],
    "city": ["Location City"],
    "postcode": ["Location Postal Code", "Location Postcode"],
    "latitude": ["Location Latitude"],
    "longitude": ["Location Longitude"],
    "brand_id": ["Brand ID"],
    "brand_name": ["Brand Name"],
    "provider_id": ["Provider ID"],
    "provider_name": ["Provider Name"],
    "ownership_type": ["Provider Ownership Type"],
    "hsca_start_date": ["Location HSCA start date"],
}
REQUIRED = ["location_id", "location_name", "care_home", "beds", "local_authority"]
TEXT = ["location_id", "location_name", "type_sector", "directorate", "primary_category", "rating",
        "region", "local_authority", "ccg_code", "ccg_name", "address", "city", "postcode",
        "brand_id", "brand_name", "provider_id", "provider_name", "ownership_type"]
DATES = ["publication_date", "hsca_start_date"]
YES_NO = ["care_home", "dormant"]

# Flag family prefixes -> family key. `Regulated activity - Personal care` -> ("regulated_activity", "Personal care").
_FLAG = re.compile(r"^\s*(regulated activit(?:y|ies)|service types?|service user bands?)\s*[-\u2013:]\s*(.+?)\s*$",
                   re.IGNORECASE)
_FAMILY = {"regulated activit": "regulated_activity", "service user band": "service_user_band",
           "service type": "service_type"}
_AS_AT = re.compile(r"(\d{1,2})[_\s-]+([A-Za-z]{3,9})[_\s-]+(\d{4})[_\s-]+HSCA[_\s-]*Active[_\s-]*Locations",
                    re.IGNORECASE)
_YES = {"Y": True, "YES": True, "N": False, "NO": False, "": None}


def _family(prefix: str) -> str:
    p = prefix.lower()
    return next(v for k, v in _FAMILY.items() if p.startswith(k))


def _header_index(sheet: Sheet, needed: list[str]) -> int | None:
    return find_header_row(sheet, needed, max_rows=HEADER_ROWS)


def sniff(sheets: list[Sheet]) -> bool:
    return any(_header_index(s, ["Location ID", "Care home?"]) is not None for s in sheets)


def _pick_sheet(sheets: list[Sheet]) -> tuple[Sheet, int]:
    """The data sheet: the one named HSCA_Active_Locations if it has the header, else any sheet
    whose header row holds `Location ID` (README and other sheets are ignored)."""
    ordered = sorted(sheets, key=lambda s: normalise_header(s.name or "").replace(" ", "_") != DATA_SHEET)
    for needed in (["Location ID", "Care home?"], ["Location ID"]):
        for s in ordered:
            h = _header_index(s, needed)
            if h is not None:
                return s, h
    file = sheets[0].file if sheets else ""
    names = ", ".join(f"'{s.name}'" for s in sheets if s.name) or "(none)"
    raise InputError(file, f"no sheet has a CQC header row in its first {HEADER_ROWS} rows "
                     f"(sheets: {names})",
                     expected="a sheet 'HSCA_Active_Locations' whose header includes 'Location ID' "
                              "and 'Care home?'")


def _body(sheet: Sheet, h: int) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """Header names (as written), the data cells below the header, and each row's file row
    number. Blank rows are dropped. Column-wise only: fast on the national file."""
    body, rows = body_below(sheet, h)
    return header_cells(sheet, h), body, rows


def _summarise_notes(notes: list[str], warnings: list[str], column: str) -> None:
    if notes:
        warnings.append(f"{len(notes)} suppressed or placeholder value(s) in column '{column}' kept "
                        f"as missing, e.g. {notes[0]}")


def _as_at(file: Path) -> str | None:
    m = _AS_AT.search(Path(file).name)
    if not m:
        return None
    try:
        d = parse_date(f"{m.group(1)} {m.group(2)} {m.group(3)}", file=file)
    except InputError:
        return None
    return d.isoformat() if d else None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    """Read -> map headers -> validate and type each core column -> the flag block, long."""
    sheet, h = _pick_sheet(sheets)
    header, body, rows = _body(sheet, h)
    found = _map_headers(sheet, h, header)
    warnings: list[str] = []
    out = _core_columns(sheet, body, rows, found, warnings)
    as_at = _as_at(sheet.file)
    out["as_at"] = as_at
    out["source_file"] = sheet.file.name
    out["source_sheet"] = sheet.name
    out["source_row"] = rows
    # A Location ID written twice is refused by ingest (loaders.plausible: the table's key), rows named.
    services = _services(sheet, header, body, rows, out["location_id"].to_numpy(dtype=object))
    families = sorted(services.pop("__families__"))
    if not families:
        warnings.append("no 'Regulated activity - ', 'Service type - ' or 'Service user band - ' "
                        "columns found: service flags are empty for this file")
    care = out["care_home"].eq(True)
    meta = {"as_at": as_at, "locations": int(len(body)), "care_homes": int(care.sum()),
            "care_home_beds": int(out.loc[care, "beds"].sum()), "flag_families": families,
            "sheet": sheet.name}
    return LoadResult(KIND, TABLE, out[store_table(TABLE).names], len(body), warnings, meta,
                      extra_tables={SERVICES_TABLE: services["frame"]},
                      headers={fld: name for fld, (_, name) in found.items()})


def _map_headers(sheet: Sheet, h: int, header: list[str]) -> dict[str, tuple[int, str]]:
    """field -> (column position, header as written), the first accepted name found; a missing
    required column is named with the columns that are there."""
    by_norm = positions(header)
    found: dict[str, tuple[int, str]] = {}
    for fld, names in FIELDS.items():
        j = next((by_norm[normalise_header(n)] for n in names if normalise_header(n) in by_norm), None)
        if j is not None:
            found[fld] = (j, header[j])
    missing = [FIELDS[f][0] for f in REQUIRED if f not in found]
    if missing:
        raise InputError(sheet.file, "required column(s) missing: " + ", ".join(f"'{m}'" for m in missing),
                         sheet=sheet.name, row=sheet.row_number(h),
                         expected="the CQC HSCA_Active_Locations header; columns present were: "
                                  + ", ".join(n for n in header if n))
    return found


def _core_columns(sheet: Sheet, body: pd.DataFrame, rows: np.ndarray,
                  found: dict[str, tuple[int, str]], warnings: list[str]) -> pd.DataFrame:
    """The core fields, validated and typed column by column (absent optional ones empty)."""
    n = len(body)
    where = {"file": sheet.file, "sheet": sheet.name}

    def col(fld):
        return body[found[fld][0]] if fld in found else None

    out = pd.DataFrame(index=range(n))
    for fld in TEXT:
        out[fld] = text_or_none(col(fld)) if fld in found else pd.Series([None] * n, dtype=object)
    for fld in ("brand_id", "brand_name"):
        out[fld] = out[fld].where(out[fld] != "-", None).astype(object)
    if out["location_id"].isna().any():
        i = int(np.flatnonzero(out["location_id"].isna().to_numpy())[0])
        raise InputError(sheet.file, "a location has no Location ID", sheet=sheet.name, row=int(rows[i]),
                         column=found["location_id"][1], expected="an ID such as 1-1000210669")
    for fld in YES_NO:
        out[fld] = (_yes_no(col(fld), rows, where, found[fld][1]) if fld in found
                    else pd.Series([None] * n, dtype=object))
    out["beds"] = _beds(col("beds"), rows, where, found["beds"][1], warnings)
    for fld in ("latitude", "longitude"):
        if fld not in found:
            out[fld] = np.nan
            continue
        notes: list[str] = []
        numbers = parse_numbers(col(fld), rows, **where, column=found[fld][1], allow_negative=True, notes=notes)
        _summarise_notes(notes, warnings, found[fld][1])
        out[fld] = screen(numbers, rows, table=TABLE, column=fld, **where, header=found[fld][1],
                          warnings=warnings).to_numpy()
    for fld in DATES:
        out[fld] = (screen(parse_dates(col(fld), rows, **where, column=found[fld][1]), rows, table=TABLE,
                           column=fld, **where, header=found[fld][1], warnings=warnings) if fld in found
                    else pd.Series([None] * n, dtype=object))
    return out


def _yes_no(values: pd.Series, rows: np.ndarray, where: dict, column: str) -> pd.Series:
    """Y / N (or YES / NO, blank) -> True / False / None; anything else is a located error."""
    text = text_values(values).str.upper()
    bad = ~text.isin(list(_YES))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(where["file"], f"found '{cell_text(values.iloc[i])}' where Y or N belongs",
                         sheet=where["sheet"], row=int(rows[i]), column=column, expected="Y or N")
    mapped = text.map(_YES)
    return mapped.astype(object).where(mapped.notna(), None)


def _beds(values: pd.Series, rows: np.ndarray, where: dict, column: str,
          warnings: list[str]) -> pd.Series:
    """Registered beds: a whole count, blank allowed (suppressed cells missing, with a note)."""
    notes: list[str] = []
    beds = pd.array(parse_numbers(values, rows, **where, column=column, notes=notes), dtype="Float64")
    _summarise_notes(notes, warnings, column)
    frac = (beds % 1 != 0).fillna(False).to_numpy(dtype=bool)
    if frac.any():
        i = int(np.flatnonzero(frac)[0])
        raise InputError(where["file"], f"found {beds[i]:g} beds", sheet=where["sheet"], row=int(rows[i]),
                         column=column, expected="a whole number of beds")
    # Out of range (10,000,000 or 1e308 beds) kept out before the whole-number cast, which would wrap.
    beds = screen(pd.Series(beds), rows, table=TABLE, column="beds", **where, header=column, warnings=warnings)
    return pd.Series(beds.astype("Int64"))


def _services(sheet: Sheet, header: list[str], body: pd.DataFrame, rows: np.ndarray,
              ids: np.ndarray) -> dict:
    """The flag block, long: one row per location x flag that is Y (column-wise, no cell loop
    over the blanks, which are the vast majority)."""
    positions, families, flags = [], [], []
    for j, name in enumerate(header):
        m = _FLAG.match(name) if name else None
        if m:
            positions.append(j)
            families.append(_family(m.group(1)))
            flags.append(m.group(2))
    cols = store_table(SERVICES_TABLE).names
    if not positions:
        return {"frame": pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}),
                "__families__": set()}
    block = body[positions].to_numpy(dtype=object)
    ri, ci = np.nonzero(pd.notna(block))
    values = text_values(pd.Series(block[ri, ci], dtype=object)).str.upper().to_numpy(dtype=object)
    yes = np.isin(values, ["Y", "YES"])
    ok = yes | np.isin(values, ["N", "NO", ""])
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        raise InputError(sheet.file, f"found '{cell_text(block[ri[k], ci[k]])}' in a flag column",
                         sheet=sheet.name, row=int(rows[ri[k]]), column=header[positions[ci[k]]],
                         expected="Y or blank")
    ri, ci = ri[yes], ci[yes]
    frame = pd.DataFrame({
        "location_id": ids[ri],
        "family": np.asarray(families, dtype=object)[ci],
        "flag": np.asarray(flags, dtype=object)[ci],
        "source_file": sheet.file.name,
        "source_sheet": sheet.name,
        "source_row": rows[ri],
    })
    return {"frame": frame[cols], "__families__": set(families)}
