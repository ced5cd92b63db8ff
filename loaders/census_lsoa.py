"""The files NHS England's peer-group method reads, at LSOA level, and a peers list a user already has.

- **Nomis bulk CSVs** of Census 2021 topic summaries, the `-lsoa` file of each zip
  (`census2021-ts007a-lsoa.csv` age, `ts021` ethnic group, `ts029` proficiency in English, `ts054`
  tenure, `ts062` NS-SEC, `ts067` highest qualification), read by `loaders.nomis_bulk`; only the
  categories the method uses are kept, as `census_lsoa` measures (`MEASURES`).
- **ONS Standard Area Measurements** for LSOAs 2021 (`SAM_LSOA_DEC_2021_EW_in_KM.csv`): each
  LSOA's area, as `area_sq_km` (the extent of the realm, in km2; a file in hectares is divided by 100).
- **Distance to the sea** by LSOA (NHS England's supplementary file): `distance_to_sea_km`.
- **The ONS LSOA 2021 -> upper-tier authority best-fit lookup** (`LSOA21CD, LSOA21NM, UTLA22CD,
  UTLA22NM`, any UTLA year): `lsoa_authorities`.
- **A peers list** (the method's `peers.csv`: the authority's name under `UTLA22NM` or the like,
  then columns `1` to `k` holding its peers' names): `peer_groups`, codes found from the names
  in the areas lookup.

This module knows the layouts; what the counts mean for the method is metrics/comparators/peers.py's.
"""
from __future__ import annotations

import re

import pandas as pd

from .errors import InputError
from .cells import cell_text
from .sheets import LoadResult, Sheet, load_lookup, normalise_header
from .nomis_bulk import is_nomis_bulk, nomis_bulk_frame

KIND = "census_lsoa"
KINDS = ["census_lsoa", "lsoa_areas", "distance_to_sea", "lsoa_authority_lookup", "peers_list"]
TABLE = "census_lsoa"
DESCRIPTION = ("Census 2021 LSOA files for peer groups (Nomis bulk ts007a/ts021/ts029/ts054/ts062/ts067, LSOA "
               "areas, distance to sea, the LSOA -> authority lookup) or a peers list")

# topic (lower case) -> {category (lower case) -> measure}; age bands are summed (see _ages)
MEASURES: dict[str, dict[str, str]] = {
    "age": {"total": "population_total", "aged 85 years and over": "age_85_plus"},
    "ethnic group": {
        "total: all usual residents": "ethnic_total",
        "black, black british, black welsh, caribbean or african: african": "ethnic_black_african",
        "black, black british, black welsh, caribbean or african: caribbean": "ethnic_black_caribbean",
        "asian, asian british or asian welsh: bangladeshi": "ethnic_bangladeshi",
        "asian, asian british or asian welsh: chinese": "ethnic_chinese",
        "asian, asian british or asian welsh: indian": "ethnic_indian",
        "asian, asian british or asian welsh: pakistani": "ethnic_pakistani"},
    "proficiency in english language": {
        "total: all usual residents aged 3 years and over": "english_total",
        "main language is not english (english or welsh in wales): cannot speak english well": "english_not_well",
        "main language is not english (english or welsh in wales): cannot speak english": "english_not_at_all"},
    "tenure of household": {"total: all households": "tenure_total", "social rented": "tenure_social_rented"},
    "national statistics socio-economic classification (ns-sec)": {
        "total: all usual residents aged 16 years and over": "nssec_total",
        "l15 full-time students": "nssec_students"},
    "highest level of qualification": {
        "total: all usual residents aged 16 years and over": "qualification_total",
        "level 4 qualifications and above": "qualification_level4"},
}
TABLES = {"age": "TS007A", "ethnic group": "TS021", "proficiency in english language": "TS029",
          "tenure of household": "TS054", "national statistics socio-economic classification (ns-sec)": "TS062",
          "highest level of qualification": "TS067"}
AGE_BAND = re.compile(r"^aged (\d+) (?:to \d+ years|years and over)$")
LSOA = re.compile(r"^[EW]01\d{6}$")
LSOA_CODE = re.compile(r"^lsoa21cd$")
UTLA_CODE = re.compile(r"^utla\d{2}cd$")
UTLA_NAME = re.compile(r"^utla\d{2}nm$")
AREA_KM2 = "extent of the realm (area in km2)"
AREA_HECTARES = "areaehect"
SEA = "distance to sea km"


def _header(sheet: Sheet) -> list[str]:
    head = sheet.head_text(1)
    return [normalise_header(c) for c in head[0]] if head else []


def _layout(sheet: Sheet) -> str | None:
    names = _header(sheet)
    if not names:
        return None
    raw = sheet.head_text(2)
    if is_nomis_bulk(sheet.head_text(1)[0]):
        topic = names[3].partition(": ")[0] if len(names) > 3 else ""
        first = cell_text(raw[1][2]).strip() if len(raw) > 1 and len(raw[1]) > 2 else ""
        return "census_lsoa" if topic in MEASURES and LSOA.match(first) else None
    if UTLA_NAME.match(names[0]) and len(names) > 1 and names[1:] == [str(i) for i in range(1, len(names))]:
        return "peers_list"
    if not any(LSOA_CODE.match(n) for n in names):
        return None
    if any(UTLA_CODE.match(n) for n in names) and any(UTLA_NAME.match(n) for n in names):
        return "lsoa_authority_lookup"
    if AREA_KM2 in names or AREA_HECTARES in names:
        return "lsoa_areas"
    if SEA in names:
        return "distance_to_sea"
    return None


def sniff(sheets) -> bool:
    return len(sheets) == 1 and _layout(sheets[0]) is not None


def load(sheets, ctx) -> LoadResult:
    sheet = sheets[0]
    layout = _layout(sheet)
    if layout == "census_lsoa":
        return _census(sheet)
    if layout == "peers_list":
        return _peers(sheet, ctx)
    names = _header(sheet)
    header = sheet.head_text(1)[0]
    body = sheet.cells.iloc[1:]
    body = body[body.notna().any(axis=1)]
    rows = body.index.to_numpy() + sheet.first_row
    col = {n: j for j, n in enumerate(names)}
    code_j = next(j for n, j in col.items() if LSOA_CODE.match(n))
    codes = body[code_j].map(lambda v: cell_text(v).strip().upper())
    bad = ~codes.str.match(LSOA.pattern)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(sheet.file, f"'{codes.iloc[i]}' is not an LSOA 2021 code", row=int(rows[i]),
                         column=header[code_j], expected="E01 or W01 and six digits")
    if layout == "lsoa_authority_lookup":
        code = body[next(j for n, j in col.items() if UTLA_CODE.match(n))].map(lambda v: cell_text(v).strip().upper())
        name = body[next(j for n, j in col.items() if UTLA_NAME.match(n))].map(lambda v: cell_text(v).strip())
        frame = pd.DataFrame({"lsoa_code": codes.to_numpy(), "authority_code": code.to_numpy(),
                              "authority_name": name.to_numpy(), "source_file": sheet.file.name})
        return LoadResult(kind="lsoa_authority_lookup", table="lsoa_authorities", frame=frame, rows_read=len(body))
    if layout == "lsoa_areas":
        j, factor = (col[AREA_KM2], 1.0) if AREA_KM2 in col else (col[AREA_HECTARES], 0.01)
        measure = "area_sq_km"
    else:
        j, factor, measure = col[SEA], 1.0, "distance_to_sea_km"
    values = pd.to_numeric(body[j].map(lambda v: cell_text(v).strip().replace(",", "")), errors="coerce")
    bad = values.isna() | (values < 0) | ((values <= 0) & (measure == "area_sq_km"))
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(sheet.file, f"'{cell_text(body[j].iloc[i])}' is not a {measure.replace('_', ' ')}",
                         row=int(rows[i]), column=header[j],
                         expected="a number above 0" if measure == "area_sq_km" else "a number of km, 0 or more")
    frame = pd.DataFrame({"lsoa_code": codes.to_numpy(), "measure": measure,
                          "value": (values * factor).to_numpy(float), "source_file": sheet.file.name})
    return LoadResult(kind=layout, table="census_lsoa", frame=frame, rows_read=len(body))


def _census(sheet: Sheet) -> LoadResult:
    long = nomis_bulk_frame(sheet)
    topic = str(long["topic"].iloc[0]).lower()
    wanted = MEASURES[topic]
    category = long["category"].str.lower()
    found = set(category.unique())
    missing = [c for c in wanted if c not in found]
    if missing:
        raise InputError(sheet.file, f"the {TABLES[topic]} file lacks a category the peer-group method uses",
                         row=sheet.first_row, column=f"{long['topic'].iloc[0]}: {missing[0]}",
                         expected=f"the Nomis {TABLES[topic]} LSOA file's columns")
    measure = category.map(wanted)
    warnings: list[str] = []
    if topic == "age":
        lower = category.str.extract(AGE_BAND, expand=False).astype(float)
        over15 = long[lower >= 15].groupby(["geography_code", "source_row"], sort=False)["value"].sum()
        if over15.empty:
            raise InputError(sheet.file, "the TS007A file has no five-year age bands from 15", row=sheet.first_row,
                             expected="columns 'Age: Aged 15 to 19 years' ... 'Age: Aged 85 years and over'")
        extra = over15.reset_index().assign(measure="age_15_plus")
        kept = long[measure.notna()].assign(measure=measure[measure.notna()])
        frame = pd.concat([kept[["geography_code", "measure", "value"]],
                           extra[["geography_code", "measure", "value"]]], ignore_index=True)
    else:
        kept = long[measure.notna()].assign(measure=measure[measure.notna()])
        frame = kept[["geography_code", "measure", "value"]]
    frame = frame.rename(columns={"geography_code": "lsoa_code"}).assign(source_file=sheet.file.name)
    frame["value"] = frame["value"].astype(float)
    return LoadResult(kind="census_lsoa", table="census_lsoa", frame=frame.reset_index(drop=True),
                      rows_read=int(long["source_row"].nunique()), warnings=warnings,
                      meta={"census_table": TABLES[topic], "census_year": int(long["date"].iloc[0])})


def _peers(sheet: Sheet, ctx) -> LoadResult:
    header = sheet.head_text(1)[0]
    body = sheet.cells.iloc[1:]
    body = body[body.notna().any(axis=1)]
    rows = body.index.to_numpy() + sheet.first_row
    areas = load_lookup("areas.csv", ctx.lookups_dir)
    areas = areas[~areas["area_type"].isin(["england", "region"])]
    by_name = {str(n).strip().lower(): str(c) for c, n in zip(areas["area_code"], areas["area_name"])}
    out, unknown = [], set()
    for row, values in zip(rows, body.itertuples(index=False)):
        name = cell_text(values[0]).strip()
        if not name:
            raise InputError(sheet.file, "the authority's name is blank", row=int(row), column=header[0],
                             expected="an upper-tier authority's name")
        for rank in range(1, len(header)):
            peer = cell_text(values[rank]).strip() if rank < len(values) else ""
            if not peer:
                continue
            out.append((by_name.get(name.lower()), name, by_name.get(peer.lower()), peer, rank))
            unknown |= {n for n in (name, peer) if n.lower() not in by_name}
    frame = pd.DataFrame(out, columns=["authority_code", "authority_name", "peer_code", "peer_name", "rank"])
    frame["source_file"] = sheet.file.name
    warnings = [f"{len(unknown)} name(s) not in the areas lookup, kept without a code: "
                + ", ".join(sorted(unknown)[:5])] if unknown else []
    return LoadResult(kind="peers_list", table="peer_groups", frame=frame, rows_read=len(body), warnings=warnings)
