"""One ward's or neighbourhood's profile: population (registered and resident), demand by client
group, supply and the gaps against the borough, care services and GP practices in it, and census
indicators against the borough. Every figure comes from the same metrics the Neighbourhoods page
and the exports use, so the profile and the matrix agree."""
from __future__ import annotations

import pandas as pd

from domain.labels import CENSUS_MEASURE_LABELS, client_group_label
from metrics.places.areas import census_by_ward, census_ward_table, place_locations, wards
from metrics.places.neighbourhood_gaps import suppressed_gap_table
from metrics.places.neighbourhoods import neighbourhood_names, practice_populations, resident_vs_registered
from store import Store


def areas(store: Store) -> pd.DataFrame:
    """Every area a profile can be opened for: code, name, level, neighbourhood_code."""
    hoods = neighbourhood_names(store)
    rows = [(c, n, "neighbourhood", c) for c, n in sorted(hoods.items())]
    w = wards(store)
    rows += [(r.ward_code, r.ward_name, "ward", r.neighbourhood_code) for r in w.sort_values("ward_name").itertuples()]
    return pd.DataFrame(rows, columns=["code", "name", "level", "neighbourhood_code"])


def find_area(store: Store, code: str | None) -> dict | None:
    """The area with this code (neighbourhood or ward), or None."""
    if not code:
        return None
    a = areas(store)
    row = a[a["code"] == code]
    return row.iloc[0].to_dict() if len(row) else None


def population(store: Store, area: dict) -> pd.DataFrame:
    """Registered patients (neighbourhoods only: practices are placed by neighbourhood) and census
    residents (wards, or the neighbourhood's wards summed)."""
    if area["level"] == "neighbourhood":
        t = resident_vs_registered(store)
        t = t[t["neighbourhood"] == area["code"]]
        return t[["name", "registered", "residents", "difference", "registered_per_100_residents"]]
    cw = census_by_ward(store)
    row = cw[cw["ward_code"] == area["code"]] if "residents" in cw else pd.DataFrame(columns=["residents"])
    return pd.DataFrame({"name": [area["name"]], "residents": row["residents"].tolist() or [None]})


def gaps(store: Store, area: dict) -> pd.DataFrame:
    """The area's rows of the matrix (suppressed as in the export)."""
    t = suppressed_gap_table(store)
    if t.empty:
        return t
    return t[(t["level"] == area["level"]) & (t["area_code"] == area["code"])]


def demand(store: Store, area: dict) -> pd.DataFrame:
    g = gaps(store, area)
    if g.empty:
        return g
    d = g.drop_duplicates("client_group")
    return pd.DataFrame({"client_group": d["client_group"].map(client_group_label), "demand_measure": d["demand_measure"],
                         "demand": d["demand"], "population_basis": d["population_basis"]})


def services(store: Store, area: dict) -> pd.DataFrame:
    """CQC locations placed in the area: name, kind, beds, rating and how each was placed."""
    loc = place_locations(store)
    if loc.empty:
        return pd.DataFrame(columns=["location_name", "service", "beds", "rating", "placed_by"])
    key = "ward_code" if area["level"] == "ward" else "neighbourhood_code"
    mine = loc[loc[key] == area["code"]]
    kinds = mine["service_types"].map(lambda t: "; ".join(sorted(t)))
    return pd.DataFrame({"location_name": mine["location_name"], "service": kinds, "beds": mine["beds"],
                         "rating": mine["rating"].fillna("Not yet rated"), "placed_by": mine["placed_by"]}).sort_values(
        "location_name").reset_index(drop=True)


def practices(store: Store, area: dict) -> pd.DataFrame:
    """GP practices of the neighbourhood (a ward shows its neighbourhood's) with registered patients."""
    p = practice_populations(store)
    if p.empty:
        return p
    p = p[p["neighbourhood_code"] == area["neighbourhood_code"]]
    return p[["practice_code", "practice_name", "patients"]].sort_values("practice_name").reset_index(drop=True)


def indicators(store: Store, area: dict) -> pd.DataFrame:
    """Every census measure the authority's tables give (unpaid care by band, disability, general
    health) as a share of the area's base population (a ward's own; a neighbourhood's wards summed)
    against the authority's share: census_year, indicator, people, area_pct, borough_pct,
    difference_pts. Units: people, %, percentage points."""
    columns = ["census_year", "indicator", "people", "area_pct", "borough_pct", "difference_pts"]
    t = census_ward_table(store)
    t = t[(t["area_type"] == "ward") & ~t["measure"].str.startswith("total_") & (t["measure"] != "residents")]
    key = "area_code" if area["level"] == "ward" else "neighbourhood_code"
    mine = t[t[key] == area["code"]]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    order = {m: i for i, m in enumerate(CENSUS_MEASURE_LABELS)}
    sums = mine.groupby("measure").agg(value=("value", lambda v: v.sum(min_count=1)),
                                       base=("base", lambda v: v.sum(min_count=1)),
                                       borough_pct=("authority_share_pct", "first"))
    sums = sums.loc[sorted(sums.index, key=lambda m: (order.get(m, len(order)), m))]
    sums = sums[sums["base"].notna()]  # an age group's count with no total to be a share of
    pct = sums["value"] / sums["base"] * 100
    return pd.DataFrame({"census_year": int(mine["census_year"].iloc[0]),
                         "indicator": [CENSUS_MEASURE_LABELS.get(m, m) for m in sums.index],
                         "people": sums["value"].to_numpy(), "area_pct": pct.to_numpy(),
                         "borough_pct": sums["borough_pct"].to_numpy(),
                         "difference_pts": (pct - sums["borough_pct"]).to_numpy()})
