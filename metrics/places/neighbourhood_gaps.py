"""Demand against supply where people live: client group x neighbourhood (x ward).

Demand: the authority's POPPI/PANSI age-band rates applied to the patients registered at each
neighbourhood's GP practices (metrics.places.neighbourhoods.neighbourhood_demand); for a ward, its
neighbourhood's estimate shared by the ward's census residents. Supply: CQC locations registered
for the group's service user bands (data/lookups/client_group_bands.csv), placed in wards and
neighbourhoods by metrics.places.areas.place_locations: care home beds by type, domiciliary care,
supported living and extra care services; and adult social care caseloads by neighbourhood.
Each cell's benchmark is the borough rate: the supply placed anywhere in the authority per 1,000
of the authority's demand at the same level.
"""
from __future__ import annotations

import pandas as pd

from domain.labels import client_group_label
from metrics.disclosure import apply_suppression
from metrics.places.areas import census_by_ward, place_locations, wards
from metrics.places.neighbourhoods import (
    NEIGHBOURHOOD_MEASURES,
    _nearest_extract,
    caseload_table,
    neighbourhood_demand,
    neighbourhood_names,
)
from store import Store, per_store_version

SERVICES = {  # service key -> (CQC service type, unit, phrase)
    "nursing_beds": ("Care home service with nursing", "beds", "nursing home beds"),
    "residential_beds": ("Care home service without nursing", "beds", "residential home beds"),
    "domiciliary_care": ("Domiciliary care service", "services", "domiciliary care services"),
    "supported_living": ("Supported living service", "services", "supported living services"),
    "extra_care": ("Extra Care housing services", "services", "extra care schemes"),
}
CASELOAD_SERVICE = "social_care_cases"
CASELOAD_GROUP = "all_patients"
PHRASES = {**{k: v[2] for k, v in SERVICES.items()}, CASELOAD_SERVICE: "adult social care cases"}
MIN_EXPECTED = 1.0  # a shortfall is ranked only where the borough rate would give at least one bed/service/case
COLUMNS = ["level", "area_code", "area_name", "neighbourhood_code", "client_group", "demand_measure",
           "population_basis", "demand", "service", "supply_unit", "supply", "per_1000", "benchmark_per_1000",
           "expected", "supply_gap", "shortfall_pct", "gap_rank", "sentence"]


def gap_matrix(demand: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """Supply per 1,000 of demand in each area against the borough rate.

    ``demand``: level, area_code, client_group, demand (people). ``supply``: level, area_code,
    client_group, service, supply (beds, services or cases). Every area with demand gets a row for
    every service the group has anywhere at its level (0 where it has none).

    Method: per_1000 = supply / demand x 1,000; benchmark_per_1000 = sum of supply / sum of demand
    x 1,000 over the level's areas; expected = demand x benchmark / 1,000; gap = supply - expected;
    shortfall_pct = -gap / expected x 100. Rank 1 is the largest shortfall_pct (ties: the larger
    shortfall) among cells short of the benchmark with expected >= MIN_EXPECTED."""
    for name, frame, cols in (("demand", demand, ["level", "area_code", "client_group", "demand"]),
                              ("supply", supply, ["level", "area_code", "client_group", "service", "supply"])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}")
    if (pd.to_numeric(demand["demand"], errors="coerce") < 0).any() or (pd.to_numeric(supply["supply"]) < 0).any():
        raise ValueError("demand and supply must not be negative")
    keys = ["level", "client_group", "service"]
    services = supply[keys].drop_duplicates()
    cells = demand.merge(services, on=["level", "client_group"], how="left")
    totals = supply.groupby(["level", "area_code", "client_group", "service"])["supply"].sum()
    cells["supply"] = [totals.get((r.level, r.area_code, r.client_group, r.service), 0.0) if pd.notna(r.service)
                       else None for r in cells.itertuples()]
    cells["supply"] = pd.to_numeric(cells["supply"], errors="coerce")
    held = cells["service"].notna()
    borough = cells[held].groupby(keys)[["supply", "demand"]].sum()
    rate = (borough["supply"] / borough["demand"] * 1000).where(borough["demand"] > 0)
    cells["benchmark_per_1000"] = [rate.get((r.level, r.client_group, r.service)) if h else None
                                   for r, h in zip(cells.itertuples(), held)]
    cells["benchmark_per_1000"] = pd.to_numeric(cells["benchmark_per_1000"], errors="coerce")
    cells["per_1000"] = (cells["supply"] / cells["demand"] * 1000).where(cells["demand"] > 0)
    cells["expected"] = cells["demand"] * cells["benchmark_per_1000"] / 1000
    cells["supply_gap"] = cells["supply"] - cells["expected"]
    cells["shortfall_pct"] = (-cells["supply_gap"] / cells["expected"] * 100).where(cells["expected"] > 0)
    short = cells[(cells["supply_gap"] < 0) & (cells["expected"] >= MIN_EXPECTED)]
    order = short.assign(_short=-short["supply_gap"]).sort_values(["level", "shortfall_pct", "_short"],
                                                            ascending=[True, False, False])
    cells["gap_rank"] = order.groupby("level").cumcount().add(1).reindex(cells.index).astype("Int64")
    return cells


def sentence(r) -> str:
    """One cell's gap in words (needs area_name, client_group, service, supply, expected, per_1000,
    benchmark_per_1000, gap)."""
    if pd.isna(r.service) or r.service is None:
        return f"{r.area_name}: no supply for {client_group_label(r.client_group).lower()} is held by area in the inputs."
    if pd.isna(r.expected):
        return ""
    short = -r.supply_gap
    where = "short of" if short > 0 else "above"
    return (f"{r.area_name}: {r.supply:,.0f} {PHRASES.get(r.service, r.service)} for "
            f"{client_group_label(r.client_group).lower()} against {r.expected:,.0f} at the borough rate "
            f"({_fmt(r.per_1000)} per 1,000 estimated people, borough {_fmt(r.benchmark_per_1000)}): "
            f"{abs(short):,.0f} {where} it.")


def _fmt(v) -> str:
    return "n/a" if v is None or pd.isna(v) else f"{v:,.1f}"


@per_store_version
def demand_by_area(store: Store) -> pd.DataFrame:
    """level, area_code, neighbourhood_code, client_group, demand_measure, population_basis,
    demand: neighbourhoods from registrations; wards sharing their neighbourhood's estimate by
    census residents where the store has census residents by ward."""
    d = neighbourhood_demand(store)
    if d.empty:
        return pd.DataFrame(columns=["level", "area_code", "neighbourhood_code", "client_group",
                                     "demand_measure", "population_basis", "demand"])
    basis = f"GP registered patients ({_nearest_extract(store, None)})"
    rows = []
    for group, measure in NEIGHBOURHOOD_MEASURES.items():
        part = d[(d["client_group"] == group) & (d["measure"] == measure)]
        for hood, value in part.groupby("neighbourhood_code")["estimated_cases"].sum().items():
            rows.append(("neighbourhood", hood, hood, group, measure, basis, value))
    cases = caseload_table(store)
    for r in cases[cases["neighbourhood"] != "total"].itertuples() if len(cases) else []:
        rows.append(("neighbourhood", r.neighbourhood, r.neighbourhood, CASELOAD_GROUP, "registered_patients",
                     f"GP registered patients ({r.as_at})", r.registered_patients))
    out = pd.DataFrame(rows, columns=["level", "area_code", "neighbourhood_code", "client_group",
                                      "demand_measure", "population_basis", "demand"])
    wards = census_by_ward(store)
    if len(wards) and "residents" in wards and wards["neighbourhood_code"].notna().any():
        share = wards.dropna(subset=["neighbourhood_code"]).assign(
            share=lambda w: w["residents"] / w.groupby("neighbourhood_code")["residents"].transform("sum"))
        hood = out[out["client_group"] != CASELOAD_GROUP]
        ward_rows = share[["ward_code", "neighbourhood_code", "share"]].merge(hood, on="neighbourhood_code")
        ward_rows = ward_rows.assign(level="ward", area_code=ward_rows["ward_code"],
                                     demand=ward_rows["demand"] * ward_rows["share"],
                                     population_basis=ward_rows["population_basis"]
                                     + " shared among the neighbourhood's wards by census residents")
        ward_rows = _census_carers(ward_rows, wards)
        out = pd.concat([out, ward_rows[out.columns]], ignore_index=True)
    return out


CENSUS_CARERS = "census_unpaid_carers"


def _census_carers(ward_rows: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """Carers' demand by ward is the census's own count of residents providing unpaid care where
    the census tables give it (not the neighbourhood's estimate shared out)."""
    if "unpaid_carers" not in wards or wards["unpaid_carers"].isna().all():
        return ward_rows
    carers = wards.set_index("ward_code")["unpaid_carers"]
    year = wards["census_year"].iloc[0]
    mine = (ward_rows["client_group"] == "carers") & ward_rows["ward_code"].map(carers).notna()
    ward_rows = ward_rows.copy()
    ward_rows.loc[mine, "demand"] = ward_rows.loc[mine, "ward_code"].map(carers)
    ward_rows.loc[mine, "demand_measure"] = CENSUS_CARERS
    ward_rows.loc[mine, "population_basis"] = f"Census {year} residents providing unpaid care"
    return ward_rows


@per_store_version
def supply_by_area(store: Store) -> pd.DataFrame:
    """level, area_code, client_group, service, supply: each placed CQC location counted for
    every client group its service user bands serve (beds for care homes, 1 per service), and
    adult social care caseloads by neighbourhood."""
    bands = store.table("lookup_client_group_bands")
    groups_of: dict[str, set] = {}
    for r in bands.itertuples():
        groups_of.setdefault(r.service_user_band, set()).add(r.client_group)
    loc = place_locations(store)
    rows = []
    for r in loc.itertuples() if len(loc) else []:
        groups = set().union(*[groups_of.get(b, set()) for b in r.user_bands]) if r.user_bands else set()
        services = _services(r)
        for level, area in (("neighbourhood", r.neighbourhood_code), ("ward", r.ward_code)):
            if not isinstance(area, str):
                continue
            rows += [(level, area, g, service, value) for service, value in services for g in groups]
    cases = caseload_table(store)
    for r in cases[cases["neighbourhood"] != "total"].itertuples() if len(cases) else []:
        rows.append(("neighbourhood", r.neighbourhood, CASELOAD_GROUP, CASELOAD_SERVICE, r.asc_cases))
    return pd.DataFrame(rows, columns=["level", "area_code", "client_group", "service", "supply"])


def _services(location) -> list[tuple[str, float]]:
    """(service key, amount) of one location: a care home's beds under its type (nursing if it is
    registered for both, as the MPS counts it), 1 for each community service type it carries."""
    types = location.service_types
    out = []
    if location.care_home:
        kind = "nursing_beds" if SERVICES["nursing_beds"][0] in types else (
            "residential_beds" if SERVICES["residential_beds"][0] in types else None)
        if kind and pd.notna(location.beds):
            out.append((kind, float(location.beds)))
    for key in ("domiciliary_care", "supported_living", "extra_care"):
        if SERVICES[key][0] in types:
            out.append((key, 1.0))
    return out


@per_store_version
def gap_table(store: Store) -> pd.DataFrame:
    """The matrix for every client group and area with names, units and sentences (numbers,
    not yet suppressed). Client groups with no supply held by area keep one row with no service."""

    demand = demand_by_area(store)
    if demand.empty:
        return pd.DataFrame(columns=COLUMNS)
    cells = gap_matrix(demand, supply_by_area(store))
    names = {**neighbourhood_names(store), **dict(zip(wards(store)["ward_code"], wards(store)["ward_name"]))}
    cells["area_name"] = cells["area_code"].map(names).fillna(cells["area_code"])
    cells["supply_unit"] = cells["service"].map({**{k: v[1] for k, v in SERVICES.items()}, CASELOAD_SERVICE: "cases"})
    cells["sentence"] = [sentence(r) for r in cells.itertuples()]
    level_order = {"neighbourhood": 0, "ward": 1}
    cells = cells.sort_values(["level", "area_code", "client_group", "service"],
                              key=lambda s: s.map(level_order) if s.name == "level" else s).reset_index(drop=True)
    return cells[COLUMNS]


@per_store_version
def suppressed_gap_table(store: Store) -> pd.DataFrame:
    """gap_table for pages and exports: estimated people and caseloads below 5 shown as `<5`, and
    the figures that would reveal them (rate, expected, gap, shortfall) hidden with them; rounded."""
    t = gap_table(store)
    if t.empty:
        return t
    t = t.assign(demand=t["demand"].round(0), per_1000=t["per_1000"].round(1),
                 benchmark_per_1000=t["benchmark_per_1000"].round(1), expected=t["expected"].round(1),
                 supply_gap=t["supply_gap"].round(1), shortfall_pct=t["shortfall_pct"].round(1))
    people = t["supply_unit"] == "cases"
    shown = apply_suppression(t, ["demand"]).astype({"supply": object})
    cases = apply_suppression(t[people], ["supply"]) if people.any() else t[people]
    shown.loc[people, "supply"] = cases["supply"]
    hidden = shown["demand"].eq("<5") | (people & shown["supply"].astype(str).eq("<5"))
    for col in ["per_1000", "expected", "supply_gap", "shortfall_pct"]:
        shown[col] = shown[col].astype(object).where(~hidden, None)
    shown["sentence"] = shown["sentence"].astype(object)
    shown["gap_rank"] = shown["gap_rank"].astype(object)
    shown.loc[hidden, "sentence"] = shown.loc[hidden, "area_name"] + ": fewer than 5 people; not shown."
    shown.loc[hidden, "gap_rank"] = pd.NA
    return shown


def top_gaps(table: pd.DataFrame, level: str = "neighbourhood", n: int = 10) -> pd.DataFrame:
    """The ``n`` largest ranked shortfalls at ``level``, rank order."""
    if level not in ("neighbourhood", "ward"):
        raise ValueError(f"unknown level {level!r}")
    if table.empty:
        return table
    t = table[(table["level"] == level) & table["gap_rank"].notna()]
    return t.assign(_r=pd.to_numeric(t["gap_rank"])).sort_values("_r").head(n).drop(columns="_r")


MAP_SERVICES = ("demand", *SERVICES, CASELOAD_SERVICE)


def map_values(store: Store, client_group: str, service: str, level: str) -> pd.DataFrame:
    """The map's and its table twin's rows: one per area at ``level`` for ``client_group``,
    indexed by area code, with name, value (supply per 1,000 of demand, or estimated people when
    ``service`` is 'demand'), display text (suppressed where the export suppresses) and the
    borough benchmark. Units: per 1,000 of demand, or people."""
    if level not in ("neighbourhood", "ward"):
        raise ValueError(f"unknown level {level!r}")
    if service not in MAP_SERVICES:
        raise ValueError(f"unknown service {service!r}")
    t = suppressed_gap_table(store)
    if t.empty:
        return pd.DataFrame(columns=["name", "value", "display", "benchmark"], index=pd.Index([], name="area_code"))
    t = t[(t["level"] == level) & (t["client_group"] == client_group)]
    if service == "demand":
        t = t.drop_duplicates("area_code")
        value, benchmark = t["demand"], None
    else:
        t = t[t["service"] == service]
        value, benchmark = t["per_1000"], t["benchmark_per_1000"]
    numeric = pd.to_numeric(value, errors="coerce")
    display = [("<5" if str(v) == "<5" else "n/a" if pd.isna(n) else f"{n:,.1f}" if service != "demand" else f"{n:,.0f}")
               for v, n in zip(value, numeric)]
    out = pd.DataFrame({"area_code": t["area_code"].values, "name": t["area_name"].values, "value": numeric.values,
                        "display": display,
                        "benchmark": pd.to_numeric(benchmark, errors="coerce").values if benchmark is not None else None})
    return out.set_index("area_code")
