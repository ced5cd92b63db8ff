"""The MPS tables of DESIGN.md's export contract, built once per store version and cached.

Pages and exports both read these, so a figure on screen and in a download is the same number.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import demand, gaps, kpis, neighbourhoods, opportunities, supply
from domain.vocabulary import CLIENT_GROUPS
from .disclosure import apply_suppression
from .store import Store

CONTRACT = {
    "demand": ["client_group", "measure", "area_code", "area_name", "area_type", "sex", "age_band",
               "year", "value", "source_file"],
    "supply": ["client_group", "service", "measure", "area_code", "area_type", "year", "value", "source_file"],
    "gaps": ["client_group", "metric", "area_code", "area_type", "year", "numerator", "denominator",
             "value", "benchmark", "polarity"],
    "care_homes": ["type", "homes", "beds", "pct_beds", "avg_beds_per_home"],
    "neighbourhoods": ["neighbourhood", "registered_patients", "dn_cases", "dn_pct", "asc_cases",
                       "asc_pct", "joint_cases", "joint_pct", *CLIENT_GROUPS],
    "kpis": ["indicator_id", "indicator_name", "area_code", "area_name", "sex", "age", "period", "value",
             "lower_ci", "upper_ci", "compared_to_england", "polarity"],
    "contracts": ["reference", "title", "supplier", "client_group", "service", "start_date", "end_date",
                  "total_value", "annual_value"],
    "finance": ["organisation", "item", "period", "value_gbp"],
    "sources": ["path", "kind", "table", "sha256", "rows_read", "rows_kept", "ingested_at"],
}
NEIGHBOURHOOD_COUNTS = ["registered_patients", "dn_cases", "asc_cases", "joint_cases", *CLIENT_GROUPS]


def mps_tables(store: Store) -> dict[str, pd.DataFrame]:
    """Every export table for the store (cached per store path and version)."""
    return dict(_cached(str(store.path), store.version))


@lru_cache(maxsize=4)
def _cached(path: str, version: str) -> tuple:
    store = Store(path)
    t: dict[str, pd.DataFrame] = {}
    t["demand"] = demand.demand(store)
    t["supply"] = supply.supply_rows(store)
    t["gaps"] = gaps.all_gaps(store)
    t["care_homes"] = supply.care_home_table(store)
    hood = neighbourhoods.neighbourhood_table(store)
    if len(hood):
        hood[list(CLIENT_GROUPS)] = hood[list(CLIENT_GROUPS)].astype(float).round(0)
        hood = apply_suppression(hood.set_index("neighbourhood"), NEIGHBOURHOOD_COUNTS,
                                 total_row="total").reset_index()
    t["neighbourhoods"] = hood
    t["kpis"] = kpis.kpi_table(store)
    c = opportunities.contracts(store)
    if len(c):
        c = c.assign(start_date=c["start_date"].dt.strftime("%Y-%m-%d"),
                     end_date=c["end_date"].dt.strftime("%Y-%m-%d"))
    t["contracts"] = c
    t["finance"] = store.table("finance")
    t["sources"] = pd.DataFrame([vars(f) for f in store.manifest.files])
    t["beds_needed"] = gaps.beds_needed(store)
    t["ownership"] = supply.ownership_table(store)
    t["opportunities"] = opportunities.opportunities_table(store)
    t["practices"] = neighbourhoods.suppressed_practice_table(store)
    t["neighbourhood_supply"] = neighbourhoods.supply_by_neighbourhood(store)
    out = {}
    for name, frame in t.items():
        cols = CONTRACT.get(name)
        if cols is not None:
            frame = frame.reindex(columns=cols) if len(frame) else pd.DataFrame(columns=cols)
        out[name] = frame
    return tuple(out.items())
