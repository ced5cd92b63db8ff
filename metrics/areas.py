"""Places below the authority: wards and neighbourhoods. Where each CQC location is (ward and
neighbourhood), census measures by ward against the authority, and resident against registered
population by neighbourhood.

A location's ward comes from the authority's postcode-to-ward lookup (exact) when its profile
supplies one, else from the CQC directory's coordinates inside the ward boundaries (exact where the
coordinates are); its neighbourhood is its ward's, else its postcode district's (approximate: a
district can straddle a boundary).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .store import _CACHED_METRICS, Store, per_store_version

PLACED_BY_POSTCODE = "postcode lookup"
PLACED_BY_COORDINATES = "coordinates in ward boundary"
PLACED_BY_DISTRICT = "postcode district (approximate)"
CARER_MEASURES = ("unpaid_care_1_19", "unpaid_care_20_49", "unpaid_care_50_plus")


@per_store_version
def wards(store: Store) -> pd.DataFrame:
    """Every ward the store knows (ward_code, ward_name, neighbourhood_code): the boundaries'
    wards with the neighbourhood they were matched to at ingest, else the profile's wards lookup."""
    b = store.table("boundaries")
    if len(b):
        return b.drop_duplicates("ward_code")[["ward_code", "ward_name", "neighbourhood_code"]].reset_index(drop=True)
    w = store.table("lookup_wards")
    return w[["ward_code", "ward_name", "neighbourhood_code"]].drop_duplicates("ward_code").reset_index(drop=True)


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


_CACHED_METRICS.append(_ward_shapes)  # metrics.store.clear_caches forgets it too


def _postcode(text) -> str:
    s = "".join(str(text or "").upper().split())
    return f"{s[:-3]} {s[-3:]}" if len(s) > 3 else s


def _district(text) -> str:
    return _postcode(text).split(" ")[0]


@per_store_version
def place_locations(store: Store) -> pd.DataFrame:
    """Every active CQC location in the authority with ward_code, neighbourhood_code and
    placed_by (which of the three methods placed it; missing when none could)."""
    from .supply import locations

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


@per_store_version
def census_long(store: Store) -> pd.DataFrame:
    """Census rows with the carers total (the three unpaid-care bands summed) added per area."""
    c = store.table("census")
    if c.empty:
        return c
    carers = c[c["measure"].isin(CARER_MEASURES)].groupby(
        ["area_code", "area_type", "census_year"], dropna=False)["value"].sum(min_count=len(CARER_MEASURES))
    extra = carers.reset_index().assign(measure="unpaid_carers", topic="unpaid_care")
    return pd.concat([c, extra], ignore_index=True)


WARD_MEASURES = ["residents", "limited_a_lot", "limited_a_little", "bad_health", "very_bad_health",
                 "unpaid_carers", "unpaid_care_50_plus"]


@per_store_version
def census_by_ward(store: Store) -> pd.DataFrame:
    """One row per ward of the authority's census: residents and, for each measure, its count and
    its share of the ward's residents (%), with the authority's share (the `la` row of the
    references file, else the wards' sum) as the benchmark. Units: people and % of residents."""
    c = census_long(store)
    if c.empty or not (c["area_type"] == "ward").any():
        return pd.DataFrame()
    w = c[c["area_type"] == "ward"].pivot_table(index="area_code", columns="measure", values="value", aggfunc="sum")
    names = wards(store).set_index("ward_code")
    out = pd.DataFrame({"ward_code": w.index, "ward_name": w.index.map(names["ward_name"]),
                        "neighbourhood_code": w.index.map(names["neighbourhood_code"])}).set_index("ward_code")
    borough = _authority_census(store)
    # A table without its total (residents) keeps its counts; their shares have no denominator.
    residents = w["residents"] if "residents" in w.columns else pd.Series(float("nan"), index=w.index)
    out["residents"] = residents
    for m in [m for m in WARD_MEASURES if m in w.columns and m != "residents"]:
        out[m] = w[m]
        out[f"{m}_pct"] = w[m] / residents * 100
        out[f"{m}_borough_pct"] = borough.get(m, float("nan")) / borough.get("residents", float("nan")) * 100
    return out.reset_index().sort_values("ward_name", na_position="last").reset_index(drop=True)


def _authority_census(store: Store) -> pd.Series:
    """The authority's census values by measure: its own row where a references file gave one,
    else the sum of its wards."""
    c = census_long(store)
    la = c[(c["area_type"] == "la") & (c["area_code"] == store.authority.area_code)]
    if len(la):
        return la.groupby("measure")["value"].sum()
    return c[c["area_type"] == "ward"].groupby("measure")["value"].sum()


@per_store_version
def census_reconciliation(store: Store) -> pd.DataFrame:
    """Each census measure summed over the wards against the authority's own row in the
    references file: ward_sum, authority, difference (people). Empty without both."""
    c = census_long(store)
    if c.empty:
        return pd.DataFrame(columns=["measure", "ward_sum", "authority", "difference"])
    ward_sum = c[c["area_type"] == "ward"].groupby("measure")["value"].sum()
    la = c[(c["area_type"] == "la") & (c["area_code"] == store.authority.area_code)].groupby("measure")["value"].sum()
    out = pd.DataFrame({"ward_sum": ward_sum, "authority": la}).dropna(how="any")
    out["difference"] = out["ward_sum"] - out["authority"]
    return out.rename_axis("measure").reset_index()


@per_store_version
def resident_vs_registered(store: Store) -> pd.DataFrame:
    """Per neighbourhood: residents (census ward counts summed over its wards, where the
    authority gives them) and registered patients (GP practices in it), the difference and
    registered per 100 residents; a total row. Units: people."""
    from .neighbourhoods import neighbourhood_names, registered_by_neighbourhood

    names = neighbourhood_names(store)
    reg = registered_by_neighbourhood(store) if len(store.table("registrations")) else pd.Series(dtype=float)
    cw = census_by_ward(store)
    res = (cw.groupby("neighbourhood_code")["residents"].sum(min_count=1).dropna() if len(cw)
           else pd.Series(dtype=float))
    hoods = sorted(set(names) | set(reg.index) | set(res.index))
    if not hoods:
        return pd.DataFrame()
    out = pd.DataFrame({"neighbourhood": hoods, "name": [names.get(h, h) for h in hoods],
                        "residents": [res.get(h) for h in hoods], "registered": [reg.get(h) for h in hoods]})
    total = {"neighbourhood": "total", "name": "Total",
             "residents": out["residents"].sum(min_count=1), "registered": out["registered"].sum(min_count=1)}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["residents"] = pd.to_numeric(out["residents"], errors="coerce")
    out["registered"] = pd.to_numeric(out["registered"], errors="coerce")
    out["difference"] = out["registered"] - out["residents"]
    out["registered_per_100_residents"] = out["registered"] / out["residents"] * 100
    return out


def resident_sentence(store: Store) -> str:
    """One sentence explaining why registered and resident counts differ, with the totals."""
    t = resident_vs_registered(store)
    if t.empty:
        return ""
    total = t[t["neighbourhood"] == "total"].iloc[0]
    census_year = _census_year(store)
    reg_date = _registration_date(store)
    if pd.isna(total["residents"]):
        return (f"Neighbourhood populations are patients registered at their GP practices ({reg_date}): the authority "
                "gives no ward-level resident estimates, and registered lists include people living outside the "
                "borough and people who have moved away but not yet left their practice's list.")
    if pd.isna(total["registered"]):
        return f"Neighbourhood populations are Census {census_year} residents summed over each neighbourhood's wards."
    return (f"Registered patients ({reg_date}: {total['registered']:,.0f}) exceed Census {census_year} residents "
            f"({total['residents']:,.0f}) by {total['difference']:,.0f} ({total['registered_per_100_residents'] - 100:+.1f}%): "
            "lists include people living outside the borough and people who have moved away but not left their "
            "practice, the two counts are years apart, and practices are placed by neighbourhood while residents "
            "are counted where they live.")


def _census_year(store: Store):
    c = store.table("census")
    return int(c["census_year"].max()) if len(c) else None


def _registration_date(store: Store) -> str:
    from .neighbourhoods import extract_dates
    dates = extract_dates(store)
    return dates[-1] if dates else "no extract"


@per_store_version
def borough_residents(store: Store) -> float | None:
    """The authority's census residents (references row, else the wards' sum), or None."""
    value = _authority_census(store).get("residents") if len(store.table("census")) else None
    return float(value) if value is not None and pd.notna(value) else None


def carers_reach_sentence(store: Store) -> str:
    """Carers supported by the council (all ages, latest year) against census unpaid carers in the
    borough, in one sentence: support is not recorded by ward in the inputs, so a ward's carers are
    read against the borough's share of residents who care. Unit: % of census carers."""
    census = _authority_census(store) if len(store.table("census")) else pd.Series(dtype=float)
    carers = census.get("unpaid_carers")
    act = store.table("activity")
    act = act[(act["setting"] == "carers_supported") & (act["age_band"] == "all")] if len(act) else act
    if carers is None or pd.isna(carers) or act.empty:
        return ""
    latest = act[act["year"] == act["year"].max()]
    supported = float(latest["clients"].sum())
    return (f"The council supported {supported:,.0f} carers in {latest['period'].iloc[0]}: "
            f"{supported / carers * 100:.1f}% of the {carers:,.0f} residents providing unpaid care at Census "
            f"{_census_year(store)}. Support is not recorded by ward, so each ward's carers are read against the "
            "borough's share of residents who care.")
