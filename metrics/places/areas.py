"""Places below the authority: wards and neighbourhoods. Where each CQC location is (ward and
neighbourhood), and census measures by ward against the authority (resident against registered population by
neighbourhood is metrics.places.neighbourhoods'.

A location's ward comes from the authority's postcode-to-ward lookup (exact) when its profile
supplies one, else from the CQC directory's coordinates inside the ward boundaries (exact where the
coordinates are); its neighbourhood is its ward's, else its postcode district's (approximate: a
district can straddle a boundary).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from store.reading import Store, per_store_version, register_cache
from metrics.supply.supply import locations

PLACED_BY_POSTCODE = "postcode lookup"
PLACED_BY_COORDINATES = "coordinates in ward boundary"
PLACED_BY_DISTRICT = "postcode district (approximate)"


@per_store_version
def wards(store: Store) -> pd.DataFrame:
    """Every ward the store knows (ward_code, ward_name, neighbourhood_code): the boundaries'
    wards with the neighbourhood they were matched to at ingest, else the profile's wards lookup,
    else (no profile, no boundaries) the census tables' wards, without neighbourhoods."""
    b = store.table("boundaries")
    if len(b):
        return b.drop_duplicates("ward_code")[["ward_code", "ward_name", "neighbourhood_code"]].reset_index(drop=True)
    w = store.table("lookup_wards")
    if len(w):
        return w[["ward_code", "ward_name", "neighbourhood_code"]].drop_duplicates("ward_code").reset_index(drop=True)
    c = store.table("census")  # no boundaries, no profile: the census tables' own wards
    c = c[c["area_type"] == "ward"].drop_duplicates("area_code")
    return pd.DataFrame({"ward_code": c["area_code"], "ward_name": c["area_name"].fillna(c["area_code"]),
                         "neighbourhood_code": None}).reset_index(drop=True)


def ward_shapes(store: Store) -> dict:
    """Ward code -> shapely geometry, rebuilt once per store version from the simplified rings
    stored at ingest (shared, not copied: geometries are immutable)."""
    return _ward_shapes(str(store.path), store.version)


@lru_cache(maxsize=4)
def _ward_shapes(path: str, version: str) -> dict:
    from shapely.geometry import MultiPolygon, Polygon

    b = Store(path).table("boundaries")
    out = {}
    for code, ward in b.sort_values(["ward_code", "polygon", "ring", "point"]).groupby("ward_code", sort=False):
        polygons = []
        for _p, poly in ward.groupby("polygon", sort=True):
            rings = [list(zip(r["lon"], r["lat"])) for _r, r in poly.groupby("ring", sort=True)]
            polygons.append(Polygon(rings[0], rings[1:]))
        out[code] = MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    return out


register_cache(_ward_shapes)  # store.clear_caches forgets it too


def _postcode(text) -> str:
    s = "".join(str(text or "").upper().split())
    return f"{s[:-3]} {s[-3:]}" if len(s) > 3 else s


def _district(text) -> str:
    return _postcode(text).split(" ")[0]


@per_store_version
def place_locations(store: Store) -> pd.DataFrame:
    """Every active CQC location in the authority with ward_code, neighbourhood_code and
    placed_by (which of the three methods placed it; missing when none could)."""
    loc = locations(store)
    if loc.empty:
        return loc.assign(ward_code=None, neighbourhood_code=None, placed_by=None)
    loc = loc.copy()
    lookup = store.table("lookup_postcode_wards")
    by_postcode = dict(zip(lookup["postcode"].map(_postcode), lookup["ward_code"])) if len(lookup) else {}
    ward = loc["postcode"].map(_postcode).map(by_postcode).astype(object)
    placed_by = pd.Series(None, index=loc.index, dtype=object).mask(ward.notna(), PLACED_BY_POSTCODE)
    shapes = ward_shapes(store)
    todo = ward.isna() & loc["latitude"].notna() & loc["longitude"].notna()
    if shapes and todo.any():
        import shapely

        codes = list(shapes)
        tree = shapely.STRtree([shapes[c] for c in codes])
        points = shapely.points(loc.loc[todo, "longitude"].to_numpy(), loc.loc[todo, "latitude"].to_numpy())
        hit_point, hit_ward = tree.query(points, predicate="within")
        found = pd.Series([codes[w] for w in hit_ward], index=loc.index[todo][hit_point], dtype=object)
        found = found[~found.index.duplicated()]
        ward.loc[found.index] = found
        placed_by.loc[found.index] = PLACED_BY_COORDINATES
    hood_of_ward = dict(zip(wards(store)["ward_code"], wards(store)["neighbourhood_code"]))
    districts = store.table("lookup_postcode_districts")
    hood_of_district = dict(zip(districts["postcode_district"].str.upper(), districts["neighbourhood_code"]))
    hood = ward.map(hood_of_ward)
    by_district = hood.isna() & ward.isna()
    hood = hood.where(~by_district, loc["postcode"].map(_district).map(hood_of_district))
    placed_by = placed_by.where(~(by_district & hood.notna()), PLACED_BY_DISTRICT)
    return loc.assign(ward_code=ward, neighbourhood_code=hood, placed_by=placed_by)


CARER_SETS = (("unpaid_care_9_or_less", "unpaid_care_10_19", "unpaid_care_20_34", "unpaid_care_35_49",
               "unpaid_care_50_plus"),  # Census 2021 (TS039)
              ("unpaid_care_1_19", "unpaid_care_20_49", "unpaid_care_50_plus"))  # Census 2011 (QS301), 2021 5 bands
AGE_GROUP_MEASURES = ("limited_a_lot_16_64", "limited_a_little_16_64", "not_limited_16_64")
"""Counts of one age group whose total the tables do not give: no share of all residents is made."""
CENSUS_COLUMNS = ["area_code", "area_name", "area_type", "measure", "topic", "census_year", "value", "base"]


def census_year(store: Store) -> int | None:
    """The census the views show: the latest year the store holds by ward (else any row's)."""
    c = store.table("census")
    if c.empty:
        return None
    w = c[c["area_type"] == "ward"]
    return int((w if len(w) else c)["census_year"].max())


@per_store_version
def census_long(store: Store) -> pd.DataFrame:
    """Census rows of one census (`census_year`), one per area x measure, with two measures added
    per area where the file lacks them: `residents` (all usual residents: the file's total, else
    the total of general health, else of long-term illness or disability, each the sum of all its
    categories) and `unpaid_carers` (people providing any unpaid care: the unpaid-care total less
    those providing none, else the sum of a full set of hour bands). `base` is the population
    each measure is a share of: its topic's total (for unpaid care in 2021, residents aged 5+),
    else residents. Missing stays missing (no sum of nothing is 0). Units: people."""
    c = store.table("census")
    if c.empty:
        return pd.DataFrame(columns=CENSUS_COLUMNS)
    c = c[c["census_year"] == census_year(store)]
    wide = c.groupby(["area_code", "measure"])["value"].sum(min_count=1).unstack()

    def col(name: str) -> pd.Series:
        return wide[name] if name in wide.columns else pd.Series(float("nan"), index=wide.index)

    residents = col("residents").fillna(col("total_general_health")).fillna(col("total_long_term_illness"))
    carers = col("total_unpaid_care") - col("no_unpaid_care")
    for bands in CARER_SETS:
        if all(b in wide.columns for b in bands):
            carers = carers.fillna(wide[list(bands)].sum(axis=1, min_count=len(bands)))
    areas = c.drop_duplicates("area_code").set_index("area_code")[["area_name", "area_type", "census_year"]]
    extra = pd.concat([pd.DataFrame({"measure": "residents", "topic": "population", "value": residents}),
                       pd.DataFrame({"measure": "unpaid_carers", "topic": "unpaid_care", "value": carers})])
    extra = extra.rename_axis("area_code").reset_index().dropna(subset=["value"]).join(areas, on="area_code")
    have = set(zip(c["area_code"], c["measure"]))
    extra = extra[[(a, m) not in have for a, m in zip(extra["area_code"], extra["measure"])]]
    out = pd.concat([c, extra], ignore_index=True)
    totals = {t: col(f"total_{t}").fillna(residents) for t in ("general_health", "long_term_illness", "unpaid_care")}
    out["base"] = [totals[t].get(a) if t in totals and not m.startswith("total_") and m not in AGE_GROUP_MEASURES
                   else None
                   for a, m, t in zip(out["area_code"], out["measure"], out["topic"])]
    out["base"] = pd.to_numeric(out["base"], errors="coerce")
    return out[CENSUS_COLUMNS].reset_index(drop=True)


WARD_MEASURES = ["residents", "unpaid_carers", "unpaid_care_1_19", "unpaid_care_9_or_less", "unpaid_care_10_19",
                 "unpaid_care_20_34", "unpaid_care_20_49", "unpaid_care_35_49", "unpaid_care_50_plus",
                 "limited_a_lot", "limited_a_little", "not_limited", "not_limited_with_condition",
                 "no_long_term_condition", "very_good_health", "good_health", "fair_health", "bad_health",
                 "very_bad_health"]
"""The census measures shown by ward, in order (each where the tables give it)."""


@per_store_version
def census_by_ward(store: Store) -> pd.DataFrame:
    """One row per ward of the authority's census: census_year, residents where the tables give
    them and, for each measure the tables give, its count and its share of the ward's base
    population (%; `census_long`), with the authority's share (its own row, else the wards' sum)
    as the benchmark. Units: people and %."""
    c = census_long(store)
    if c.empty or not (c["area_type"] == "ward").any():
        return pd.DataFrame()
    ward_rows = c[c["area_type"] == "ward"]
    w = ward_rows.groupby(["area_code", "measure"])["value"].sum(min_count=1).unstack()
    base = ward_rows.groupby(["area_code", "measure"])["base"].sum(min_count=1).unstack()
    names = wards(store).set_index("ward_code")
    given = ward_rows.drop_duplicates("area_code").set_index("area_code")["area_name"]
    codes = pd.Series(w.index, index=w.index)
    out = pd.DataFrame({"ward_code": w.index,
                        "ward_name": codes.map(names["ward_name"]).fillna(codes.map(given)),
                        "neighbourhood_code": codes.map(names["neighbourhood_code"]),
                        "census_year": census_year(store)}).set_index("ward_code")
    borough = _authority_census(store)
    # A table without its total (residents) keeps its counts, each a share of its own topic's base;
    # residents is a column only where a table gives them (2021 unpaid care alone counts people aged 5+).
    if "residents" in w.columns:
        out["residents"] = w["residents"]
    for m in [m for m in WARD_MEASURES if m in w.columns and m != "residents"]:
        out[m] = w[m]
        if m != "residents":
            out[f"{m}_pct"] = w[m] / base[m] * 100
            out[f"{m}_borough_pct"] = borough["value"].get(m, float("nan")) / borough["base"].get(m, float("nan")) * 100
    return out.reset_index().sort_values("ward_name", na_position="last").reset_index(drop=True)


def _authority_census(store: Store) -> pd.DataFrame:
    """The authority's census value and base by measure: its own row where a file gave one, else
    the sum of its wards."""
    c = census_long(store)
    la = c[(c["area_type"] == "la") & (c["area_code"] == store.authority.area_code)]
    rows = la if len(la) else c[c["area_type"] == "ward"]
    return rows.groupby("measure")[["value", "base"]].sum(min_count=1)


@per_store_version
def census_reconciliation(store: Store) -> pd.DataFrame:
    """Each census measure summed over the wards against the authority's own row: ward_sum,
    authority, difference (people). Empty without both."""
    c = census_long(store)
    if c.empty:
        return pd.DataFrame(columns=["measure", "ward_sum", "authority", "difference"])
    ward_sum = c[c["area_type"] == "ward"].groupby("measure")["value"].sum(min_count=1)
    la = c[(c["area_type"] == "la") & (c["area_code"] == store.authority.area_code)].groupby("measure")["value"].sum()
    out = pd.DataFrame({"ward_sum": ward_sum, "authority": la}).dropna(how="any")
    out["difference"] = out["ward_sum"] - out["authority"]
    return out.rename_axis("measure").reset_index()


CENSUS_WARD_COLUMNS = ["census_year", "area_type", "area_code", "area_name", "neighbourhood_code", "topic", "measure",
                       "value", "base", "share_pct", "authority_share_pct", "difference"]


@per_store_version
def census_ward_table(store: Store) -> pd.DataFrame:
    """The census by ward as the export gives it, long: one row per ward x measure (every measure
    the tables give, with residents and unpaid carers added as `census_long` defines them), its
    share of the ward's base population and the authority's share; then per measure the wards'
    sum (`area_type` wards_total) and the authority's own row (`la`, where a file gives it), the
    wards' sum less the authority's row in `difference` (census counts are perturbed, so a few
    people either way is expected). Published census counts are not suppressed. Units: people, %."""
    c = census_long(store)
    if c.empty or not (c["area_type"] == "ward").any():
        return pd.DataFrame(columns=CENSUS_WARD_COLUMNS)
    names = wards(store).set_index("ward_code")
    code = store.authority.area_code
    rows = c[(c["area_type"] == "ward") | ((c["area_type"] == "la") & (c["area_code"] == code))].copy()
    rows["area_name"] = rows["area_code"].map(names["ward_name"]).fillna(rows["area_name"])
    rows["neighbourhood_code"] = rows["area_code"].map(names["neighbourhood_code"])
    rows["share_pct"] = rows["value"] / rows["base"] * 100
    borough = _authority_census(store)
    rows["authority_share_pct"] = rows["measure"].map(borough["value"] / borough["base"] * 100)
    ward = rows[rows["area_type"] == "ward"]
    sums = ward.groupby(["measure", "topic"], sort=False)[["value", "base"]].sum(min_count=1).reset_index()
    la = rows[rows["area_type"] == "la"].set_index("measure")["value"]
    sums = sums.assign(census_year=census_year(store), area_type="wards_total", area_code=code,
                       area_name=f"{ward['area_code'].nunique()} wards", neighbourhood_code=None,
                       share_pct=sums["value"] / sums["base"] * 100,
                       authority_share_pct=sums["measure"].map(rows.drop_duplicates("measure").set_index("measure")[
                           "authority_share_pct"]),
                       difference=sums["value"] - sums["measure"].map(la))
    order = {"ward": 0, "wards_total": 1, "la": 2}
    out = pd.concat([ward, sums, rows[rows["area_type"] == "la"]], ignore_index=True)
    out = out.assign(_o=out["area_type"].map(order)).sort_values(["_o", "area_name", "topic", "measure"],
                                                               na_position="last")
    return out.reindex(columns=CENSUS_WARD_COLUMNS).reset_index(drop=True)


@per_store_version
def borough_residents(store: Store) -> float | None:
    """The authority's census residents (references row, else the wards' sum), or None."""
    value = _authority_census(store)["value"].get("residents") if len(store.table("census")) else None
    return float(value) if value is not None and pd.notna(value) else None


def carers_reach(store: Store) -> dict | None:
    """Carers supported by the council (all ages, latest year) against census unpaid carers in the
    borough: {supported, period, census_carers, census_year, pct} (pct: % of census carers), or None
    when the store lacks either. Support is not recorded by ward in the inputs, so a ward's carers
    are read against the borough's share (sentences.places.carers_reach_sentence says so)."""
    census = _authority_census(store)["value"] if len(store.table("census")) else pd.Series(dtype=float)
    carers = census.get("unpaid_carers")
    act = store.table("activity")
    act = act[(act["setting"] == "carers_supported") & (act["age_band"] == "all")] if len(act) else act
    if carers is None or pd.isna(carers) or act.empty:
        return None
    latest = act[act["year"] == act["year"].max()]
    supported = float(latest["clients"].sum())
    return {"supported": supported, "period": latest["period"].iloc[0], "census_carers": float(carers),
            "census_year": census_year(store), "pct": supported / carers * 100}


CENSUS_DEMAND = (("unpaid_carers", "People giving unpaid care", ("unpaid_carers",)),
                 ("bad_or_very_bad_health", "People in bad or very bad health", ("bad_health", "very_bad_health")),
                 ("disabled", "Disabled under the Equality Act", ("limited_a_lot", "limited_a_little")))
"""The census demand measures (key, label, the categories summed where the file gives no row of
its own): unpaid carers of all hours (share of residents aged 5+ in 2021), bad or very bad
general health and disability (shares of all usual residents)."""
CENSUS_DEMAND_COLUMNS = ["census_year", "area_role", "area_code", "area_name", "neighbourhood_code", "measure",
                         "measure_label", "value", "base", "share_pct", "authority_share_pct", "source_file",
                         "source_row"]
ROLE_ORDER = {"authority": 0, "comparator": 1, "region": 2, "england": 3, "ward": 4}


def _demand_rows(c: pd.DataFrame) -> pd.DataFrame:
    """`census_long` rows as the CENSUS_DEMAND measures: a measure the file gives is read as
    given, else the sum of its categories where every one is given (missing stays missing)."""
    out = []
    for key, label, parts in CENSUS_DEMAND:
        own = c[c["measure"] == key]
        summed = c[c["measure"].isin(parts)].groupby("area_code").agg(
            value=("value", lambda v: v.sum(min_count=len(parts)) if len(v) == len(parts) else float("nan")),
            base=("base", "first"))
        summed = summed[~summed.index.isin(own["area_code"])].dropna(subset=["value"]).reset_index()
        rows = pd.concat([own[["area_code", "value", "base"]], summed], ignore_index=True)
        out.append(rows.assign(measure=key, measure_label=label))
    rows = pd.concat(out, ignore_index=True)
    rows["share_pct"] = rows["value"] / rows["base"] * 100
    return rows


def _census_sources(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """Each row's file and row in it: the measure's own row, else its first category's, else (unpaid
    carers, worked out from the table) its total's; for a ward summed from LSOAs, the first LSOA's row."""
    c = store.table("census")
    c = c[c["census_year"] == census_year(store)]
    at = c.drop_duplicates(["area_code", "measure"]).set_index(["area_code", "measure"])[["source_file", "source_row"]]
    first = {key: (key, *parts, "total_unpaid_care") for key, _label, parts in CENSUS_DEMAND}  # carers: worked out
    files, lines = [], []
    for code, measure in zip(rows["area_code"], rows["measure"]):
        hit = next(((code, m) for m in first[measure] if (code, m) in at.index), None)
        files.append(at.loc[hit, "source_file"] if hit else None)
        lines.append(at.loc[hit, "source_row"] if hit else None)
    return rows.assign(source_file=files, source_row=pd.array(lines, dtype="Int64"))


@per_store_version
def census_demand_comparison(store: Store) -> pd.DataFrame:
    """Census unpaid carers, people in bad or very bad health and disabled people as a share of
    their base population: the authority, each comparator, its region and England, where the
    store holds their rows (the census year `census_year`). Units: people, %."""
    c = census_long(store)
    if c.empty:
        return pd.DataFrame(columns=CENSUS_DEMAND_COLUMNS)
    a = store.authority
    roles = {**{code: "comparator" for code in a.comparators}, a.region_code: "region", "E92000001": "england",
             a.area_code: "authority"}
    c = c[c["area_code"].isin([k for k in roles if k])]
    rows = _demand_rows(c)
    names = c.drop_duplicates("area_code").set_index("area_code")["area_name"]
    rows = rows.assign(census_year=census_year(store), area_role=rows["area_code"].map(roles),
                       area_name=rows["area_code"].map(names), neighbourhood_code=None)
    own = rows[rows["area_role"] == "authority"].set_index("measure")["share_pct"]
    rows["authority_share_pct"] = rows["measure"].map(own)
    rows = _census_sources(store, rows)
    rows = rows.assign(_o=rows["area_role"].map(ROLE_ORDER)).sort_values(["measure", "_o", "area_name"])
    return rows.reindex(columns=CENSUS_DEMAND_COLUMNS).reset_index(drop=True)


@per_store_version
def census_demand_by_ward(store: Store) -> pd.DataFrame:
    """The same census demand measures by ward, each with the authority's share (its own row, else
    the wards' sum) beside it. Published census counts, not suppressed. Units: people, %."""
    c = census_long(store)
    if c.empty or not (c["area_type"] == "ward").any():
        return pd.DataFrame(columns=CENSUS_DEMAND_COLUMNS)
    ward_rows = c[c["area_type"] == "ward"]
    rows = _demand_rows(ward_rows)
    names = wards(store).set_index("ward_code")
    given = ward_rows.drop_duplicates("area_code").set_index("area_code")["area_name"]
    rows["area_name"] = rows["area_code"].map(names["ward_name"]).fillna(rows["area_code"].map(given))
    rows["neighbourhood_code"] = rows["area_code"].map(names["neighbourhood_code"])
    la = c[(c["area_type"] == "la") & (c["area_code"] == store.authority.area_code)]
    whole = _demand_rows(la if len(la) else ward_rows.assign(area_code="all"))
    whole = whole.groupby("measure")[["value", "base"]].sum(min_count=1)
    rows["authority_share_pct"] = rows["measure"].map(whole["value"] / whole["base"] * 100)
    rows = _census_sources(store, rows.assign(census_year=census_year(store), area_role="ward"))
    return rows.sort_values(["measure", "area_name"]).reindex(columns=CENSUS_DEMAND_COLUMNS).reset_index(drop=True)


@per_store_version
def census_demand_table(store: Store) -> pd.DataFrame:
    """The export: the authority, its comparators, region and England, then its wards (the measure
    by its code; the workbook names it)."""
    columns = [c for c in CENSUS_DEMAND_COLUMNS if c != "measure_label"]
    parts = [t for t in (census_demand_comparison(store), census_demand_by_ward(store)) if len(t)]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
