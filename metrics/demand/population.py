"""Population: ONS projections by broad age group, and the age profile of an area."""
from __future__ import annotations

import pandas as pd

from domain.vocabulary import band_limits, band_share
from store import Store, per_store_version

BROAD_GROUPS = {"All ages": (0, 200), "Aged 18-64": (18, 64), "Aged 65 and over": (65, 200),
                "Aged 85 and over": (85, 200)}


def snpp(store: Store) -> pd.DataFrame:
    pop = store.table("population")
    if pop.empty:
        return pop
    projected = pop[pop["dataset"] == "ons_snpp"]
    return projected if len(projected) else pop


@per_store_version
def areas(store: Store) -> list[tuple[str, str]]:
    p = snpp(store)
    if p.empty:
        return []
    order = {"la": 0, "region": 1, "england": 2}
    a = p[["area_code", "area_name", "area_type"]].drop_duplicates()
    a = a.assign(o=a["area_type"].map(order).fillna(3)).sort_values(["o", "area_name"])
    return list(zip(a["area_code"], a["area_name"]))


@per_store_version
def broad_groups(store: Store, area_code: str) -> pd.DataFrame:
    """Persons by broad age group and year. 18-64 uses the 15-19 band's 18-19 share (2/5): ONS
    publishes single years but the store keeps five-year bands."""
    p = snpp(store)
    if p.empty:
        return pd.DataFrame(columns=["age_group", "year", "value", "source_file"])
    p = p[(p["area_code"] == area_code) & (p["sex"] == "persons") & (p["age_band"] != "all")]
    if p.empty:  # an area the projections do not hold (e.g. a bookmarked view of another authority)
        return pd.DataFrame(columns=["age_group", "year", "value", "source_file"])
    rows = []
    for name, (lo, hi) in BROAD_GROUPS.items():
        w = p["age_band"].map(lambda band: band_share(band, lo, hi))
        g = (p.assign(value=p["value"] * w).groupby("year")["value"].sum().reset_index())
        g["age_group"] = name
        g["source_file"] = p["source_file"].iloc[0] if len(p) else None
        rows.append(g)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    out["value"] = out["value"].round(0)
    return out[["age_group", "year", "value", "source_file"]]


@per_store_version
def age_profile(store: Store, area_code: str, years: list[int]) -> pd.DataFrame:
    p = snpp(store)
    if p.empty:
        return pd.DataFrame(columns=["age_band", "year", "value", "source_file"])
    p = p[(p["area_code"] == area_code) & (p["sex"] == "persons") & (p["age_band"] != "all")
          & (p["year"].isin(years))].copy()
    p["order"] = p["age_band"].map(lambda b: band_limits(b)[0])
    p = p.sort_values(["year", "order"])
    p["year"] = p["year"].astype(str)
    return p[["age_band", "year", "value", "source_file"]]


def indexed(groups: pd.DataFrame, base_year: int | None = None) -> pd.DataFrame:
    """Each age group's population as an index, base year = 100 (default: the first year shown),
    so groups of very different size can be compared by growth. Adds ``base_year``, ``base_value``
    and ``index`` (one decimal); a group with no or zero base value gets no index."""
    cols = ["age_group", "year", "value", "base_year", "base_value", "index", "source_file"]
    if groups.empty:
        return pd.DataFrame(columns=cols)
    years = sorted(groups["year"].unique())
    base = base_year if base_year in years else years[0]
    base_values = groups[groups["year"] == base].set_index("age_group")["value"]
    out = groups.assign(base_year=base, base_value=groups["age_group"].map(base_values))
    out["index"] = (100 * out["value"] / out["base_value"].where(out["base_value"] > 0)).round(1)
    return out.reindex(columns=cols)
