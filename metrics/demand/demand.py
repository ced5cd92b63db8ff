"""Demand: prevalence estimates by client group, area, sex, age band and year; change between
years; rates per 1,000 of the matching population; comparison with London and England; and the
MPS's rationale-for-change sentences.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from domain.labels import measure_label
from domain.vocabulary import ALL_AGES, MPS_TARGET_YEAR, band_limits, bands_covering
from store import Store, per_store_version

DEMAND_COLUMNS = ["client_group", "measure", "area_code", "area_name", "area_type", "sex",
                  "age_band", "year", "value", "is_total", "source_file", "source_row"]


@per_store_version
def demand(store: Store) -> pd.DataFrame:
    """Every prevalence estimate (not the population rows), tidy, one value per row."""
    prev = store.table("prevalence")
    if prev.empty:
        return pd.DataFrame(columns=DEMAND_COLUMNS)
    rows = prev[prev["measure"] != "population"]
    return rows[DEMAND_COLUMNS].reset_index(drop=True)


EXPORT_COLUMNS = ["client_group", "measure", "dataset", "area_code", "area_name", "area_type", "sex", "age_band",
                  "year", "value", "is_total", "source_file", "source_row"]


@per_store_version
def demand_export(store: Store) -> pd.DataFrame:
    """The `demand` export: every prevalence estimate and every population row the rates are built
    on (measure `population`, no client group): the POPPI/PANSI population tables (dataset POPPI or
    PANSI) and the ONS projections and estimates (dataset ons_snpp or ons_mid_year_estimates), each with every age band,
    sex, area and year the inputs hold. Rows of different datasets overlap: never sum across them."""
    parts = []
    prev = store.table("prevalence")
    if len(prev):
        p = prev.assign(dataset=prev["tool"])
        p.loc[p["measure"] == "population", "client_group"] = None
        parts.append(p[EXPORT_COLUMNS])
    pop = store.table("population")
    if len(pop):
        o = pop.assign(client_group=None, measure="population", is_total=pop["age_band"] == "all")
        parts.append(o[EXPORT_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    return pd.concat(parts, ignore_index=True)


@per_store_version
def headline(store: Store, area_code: str | None = None) -> pd.DataFrame:
    """Totals for persons (the row a POPPI/PANSI table labels `Total population ...`)."""
    d = demand(store)
    area_code = area_code or store.authority.area_code
    return d[d["is_total"] & (d["sex"] == "persons") & (d["area_code"] == area_code)]


def mps_horizon(store: Store, years) -> tuple[int | None, int | None]:
    """The MPS horizon over the given projection years: (base year, target year). The base is the
    first year; the target is the profile's [horizon] target_year (else MPS_TARGET_YEAR, 2030) when
    the projections reach it, else their last year. One setting, read by every page, export and the
    brief, so a figure "to 2030" means the same years everywhere."""
    years = sorted(int(y) for y in years)
    if not years:
        return None, None
    wanted = store.manifest.horizon.get("target_year", MPS_TARGET_YEAR)
    try:
        wanted = int(wanted)
    except (TypeError, ValueError):
        wanted = MPS_TARGET_YEAR
    later = [y for y in years if y > years[0]]
    return years[0], (wanted if wanted in later else (later[-1] if later else None))


def change_between(frame: pd.DataFrame, from_year: int, to_year: int) -> pd.DataFrame:
    """Change in ``value`` from one year to another, as a number and a percentage (0-100).

    ``frame`` is tidy demand rows; rows are matched on every column except year/value/provenance.
    """
    if from_year == to_year:
        raise ValueError("from_year and to_year must differ")
    keys = [c for c in ["client_group", "measure", "area_code", "area_name", "area_type", "sex",
                        "age_band"] if c in frame.columns]
    a = frame[frame["year"] == from_year].set_index(keys)["value"].rename("value_from")
    b = frame[frame["year"] == to_year].set_index(keys)["value"].rename("value_to")
    out = pd.concat([a, b], axis=1, join="inner").reset_index()
    out["from_year"], out["to_year"] = from_year, to_year
    out["change"] = out["value_to"] - out["value_from"]
    out["change_pct"] = (out["change"] / out["value_from"] * 100).where(out["value_from"] > 0)
    return out


@per_store_version
def population_for(store: Store, area_code: str, age_band: str, year: int,
                   sex: str = "persons") -> float | None:
    """The population matching an estimate, from the tables the estimates themselves use: the
    POPPI/PANSI population row for the band, else the sum of their five-year bands inside it
    (e.g. 75+ = 75-79 + 80-84 + 85-89 + 90+), else ONS bands summed over it."""
    if year is None:
        return None
    prev = store.table("prevalence")
    if not prev.empty:
        p = prev[(prev["measure"] == "population") & (prev["area_code"] == area_code)
                 & (prev["sex"] == sex) & (prev["year"] == year)]
        exact = p[p["age_band"] == age_band]
        if len(exact):
            return float(exact["value"].iloc[0])
        summed = _sum_inside(p[~p["is_total"]], age_band)
        if summed is not None:
            return summed
    pop = store.table("population")
    if pop.empty:
        return None
    p = pop[(pop["area_code"] == area_code) & (pop["sex"] == sex) & (pop["year"] == year)
            & (pop["age_band"] != "all")]
    return _sum_inside(p, age_band)


def _sum_inside(bands: pd.DataFrame, age_band: str) -> float | None:
    """Sum of the rows whose age band lies inside ``age_band``, when they start at its lower age."""
    if bands.empty:
        return None
    covering = bands_covering(bands["age_band"].unique(), age_band)
    if not covering:
        return None
    return float(bands.loc[bands["age_band"].isin(covering), "value"].sum())


@per_store_version
def rate_per_1000(store: Store, measure: str, year: int, area_codes: list[str] | None = None) -> pd.DataFrame:
    """Estimated cases per 1,000 people of the matching age band, for each area with a table.

    Units: cases per 1,000 population. Method: POPPI/PANSI total / population of the same age
    band (POPPI/PANSI population table, else ONS) x 1,000.
    """
    d = demand(store)
    rows = d[(d["measure"] == measure) & d["is_total"] & (d["sex"] == "persons") & (d["year"] == year)]
    if area_codes:
        rows = rows[rows["area_code"].isin(area_codes)]
    out = []
    for r in rows.itertuples():
        pop = population_for(store, r.area_code, r.age_band, year)
        out.append({"measure": measure, "area_code": r.area_code, "area_name": r.area_name,
                    "area_type": r.area_type, "age_band": r.age_band, "year": year,
                    "cases": r.value, "population": pop,
                    "rate_per_1000": (r.value / pop * 1000) if pop else None})
    return pd.DataFrame(out)


@per_store_version
def group_series(store: Store, client_group: str) -> pd.DataFrame:
    """The authority's totals for each measure of a client group, over the projection years."""
    if client_group == "older_people":
        h = older_population(store)
    else:
        h = headline(store)
        h = h[h["client_group"] == client_group].copy()
    h["measure_label"] = h["measure"].map(measure_label) + " (" + h["age_band"] + ")"
    return h[["measure_label", "measure", "age_band", "year", "value", "source_file", "source_row"]]


@per_store_version
def older_population(store: Store) -> pd.DataFrame:
    """Older people's demand is first their number: POPPI's population aged 65+ and 85+ (MPS s3.2)."""
    prev = store.table("prevalence")
    if prev.empty:
        return pd.DataFrame(columns=DEMAND_COLUMNS)
    p = prev[(prev["measure"] == "population") & (prev["tool"] == "POPPI") & (prev["sex"] == "persons")
             & (prev["area_code"] == store.authority.area_code)]
    total = p[p["is_total"]]
    over85 = p[~p["is_total"] & p["age_band"].isin(["85-89", "90+"])].groupby("year", as_index=False).agg(
        value=("value", "sum"), source_file=("source_file", "first"), source_row=("source_row", "min"))
    over85 = over85.assign(age_band="85+", measure="population")
    out = pd.concat([total.assign(measure="population"), over85], ignore_index=True)
    out["client_group"] = "older_people"
    return out


@per_store_version
def group_comparison(store: Store, client_group: str, year: int) -> pd.DataFrame:
    """Rate per 1,000 for the authority, its region and England, where each has a table, for a group.
    Another authority's POPPI/PANSI tables in the store (the profile authority's) are never shown
    as this authority's comparison."""
    d = demand(store)
    a = store.authority
    areas = [c for c in (a.area_code, a.region_code, "E92000001") if c]
    measures = d.loc[d["client_group"] == client_group, "measure"].unique()
    frames = [rate_per_1000(store, m, year, areas) for m in measures]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["measure_label", "area_name", "year", "cases", "population", "rate_per_1000"])
    out = pd.concat(frames, ignore_index=True)
    out["measure_label"] = out["measure"].map(measure_label)
    return out[["measure_label", "area_name", "area_type", "year", "cases", "population", "rate_per_1000"]]


def client_groups_present(store: Store) -> list[str]:
    h = headline(store)
    groups = set(h["client_group"].dropna().unique()) if len(h) else set()
    if len(older_population(store)):
        groups.add("older_people")
    return sorted(groups)


def years_present(store: Store) -> list[int]:
    h = headline(store)
    return sorted(int(y) for y in h["year"].unique()) if len(h) else []


OLDER_AGE_GROUPS = ("65+", "75+", "85+")
GROWTH_COLUMNS = ["area_code", "area_name", "area_role", "age_group", "from_year", "to_year", "residents_from",
                  "residents_to", "change_pct", "source_file"]


def ons_years(store: Store) -> list[int]:
    """The years of the ONS projections (SNPP) the store holds for this authority."""
    pop = store.table("population")
    pop = pop[(pop["dataset"] == "ons_snpp") & (pop["area_code"] == store.authority.area_code)]
    return sorted(int(y) for y in pop["year"].unique())


@per_store_version
def older_growth_comparison(store: Store, from_year: int, to_year: int) -> pd.DataFrame:
    """Projected growth of older residents (65+, 75+, 85+) in the authority beside its region,
    England, each comparator authority and the comparators' median, all from the same national
    ONS projection rows.

    Units: residents (persons) and per cent. Method: each age group is the sum of the SNPP's
    five-year bands inside it (65+ = 65-69 ... 90+); change % = (to - from) / from x 100; the
    comparators' median is the median of their change %. Every area's rows come from one
    projection: the latest-based file that holds the authority's (an area another file holds
    is left out rather than mixed in). Comparators: the profile's, else the
    other upper-tier authorities of the region (`Store.for_authority`). Reference: ONS subnational
    population projections for England (SNPP), persons, by local authority."""
    if not isinstance(from_year, (int, np.integer)) or not isinstance(to_year, (int, np.integer)):
        raise TypeError("from_year and to_year must be whole years")
    if from_year >= to_year:
        raise ValueError(f"from_year ({from_year}) must be before to_year ({to_year})")
    a = store.authority
    pop = store.table("population")
    pop = pop[(pop["dataset"] == "ons_snpp") & (pop["sex"] == "persons") & pop["year"].isin([from_year, to_year])
              & (pop["age_band"] != ALL_AGES)]
    mine = pop[pop["area_code"] == a.area_code]
    if mine.empty:
        return pd.DataFrame(columns=GROWTH_COLUMNS)
    # One projection for every area: the latest-based file holding the authority's rows for both
    # years (a 2014-based England beside a 2022-based authority would compare two projections).
    both = mine.groupby("source_file")["year"].nunique()
    files = [f for f in both.index if both[f] == 2] or list(both.index)
    bases = store.table("population").groupby("source_file")["year"].min()
    latest = max(files, key=lambda f: (bases.get(f, 0), f))
    pop = pop[pop["source_file"] == latest]
    lower = pop["age_band"].map(lambda b: band_limits(b)[0])
    roles = {a.area_code: "authority", a.region_code: "region", "E92000001": "england",
             **{c: "comparator" for c in a.comparators if c != a.area_code}}
    rows = []
    for group in OLDER_AGE_GROUPS:
        inside = pop[lower >= band_limits(group)[0]]
        sums = inside.groupby(["area_code", "year"])["value"].sum().unstack("year")
        if from_year not in sums.columns or to_year not in sums.columns:
            continue
        names = inside.drop_duplicates("area_code").set_index("area_code")
        for code, role in roles.items():
            if code not in sums.index or pd.isna(sums.at[code, from_year]):
                continue
            start, end = float(sums.at[code, from_year]), float(sums.at[code, to_year])
            rows.append({"area_code": code, "area_name": names.at[code, "area_name"], "area_role": role,
                         "age_group": group, "from_year": from_year, "to_year": to_year, "residents_from": start,
                         "residents_to": end, "change_pct": (end - start) / start * 100 if start else None,
                         "source_file": names.at[code, "source_file"]})
    out = pd.DataFrame(rows, columns=GROWTH_COLUMNS)
    comp = out[out["area_role"] == "comparator"]
    medians = [{"area_code": None, "area_name": f"Comparator authorities (median of {len(part)})",
                "area_role": "comparators_median", "age_group": group, "from_year": from_year, "to_year": to_year,
                "residents_from": None, "residents_to": None, "change_pct": float(part["change_pct"].median()),
                "source_file": None} for group, part in comp.groupby("age_group", sort=False)]
    order = {"authority": 0, "region": 1, "england": 2, "comparators_median": 3, "comparator": 4}
    out = pd.concat([out, pd.DataFrame(medians, columns=GROWTH_COLUMNS)], ignore_index=True) if medians else out
    return out.sort_values(["age_group", "area_role"], key=lambda c: c.map(order) if c.name == "area_role" else c,
                           kind="stable").reset_index(drop=True)


def growth_years(years: list[int], from_year=None, to_year=None) -> tuple[int | None, int | None]:
    """The comparison's years among the projection's: the chosen ones where it has them, else its
    first year and ten years on (or its last)."""
    if not years:
        return None, None
    start = int(from_year) if str(from_year).isdigit() and int(from_year) in years else years[0]
    later = [y for y in years if y > start]
    if not later:
        return None, None
    if str(to_year).isdigit() and int(to_year) in later:
        return start, int(to_year)
    return start, start + 10 if start + 10 in later else later[-1]


def older_growth_export(store: Store) -> pd.DataFrame:
    """`older_growth_comparison` over the projection's default years (first year, ten years on)."""
    start, end = growth_years(ons_years(store))
    return older_growth_comparison(store, start, end) if start else pd.DataFrame(columns=GROWTH_COLUMNS)
