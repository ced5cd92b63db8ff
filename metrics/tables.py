"""The MPS tables of the export contract (domain.contract.EXPORT_TABLES), built once per store version and cached.

Pages and exports both read these, so a figure on screen and in a download is the same number.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import demand, gaps, kpis, neighbourhood_gaps, neighbourhoods, opportunities, supply
from domain.vocabulary import CLIENT_GROUPS
from domain.contract import EXPORT_TABLES

from .disclosure import apply_suppression
from .store import Store

NEIGHBOURHOOD_COUNTS = ["registered_patients", "dn_cases", "asc_cases", "joint_cases", *CLIENT_GROUPS]


def mps_tables(store: Store) -> dict[str, pd.DataFrame]:
    """Every export table for the store (cached per store path, version and authority)."""
    return dict(_cached(str(store.path), store.version, store.authority.area_code))


@lru_cache(maxsize=4)
def _cached(path: str, version: str, authority: str | None = None) -> tuple:
    store = Store(path).for_authority(authority)
    t: dict[str, pd.DataFrame] = {}
    t["demand"] = demand.demand_export(store)
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
    t["neighbourhood_gaps"] = neighbourhood_gaps.suppressed_gap_table(store)
    t.update(market_tables(store))
    return tuple((name, _declared(name, frame)) for name, frame in t.items())


def market_tables(store: Store) -> dict[str, pd.DataFrame]:
    """The market health tables (changes, concentration, quality, workforce, prices, ratings)."""
    from . import market, segments, workforce
    return {"market_changes": market.market_changes(store), "concentration": market.concentration(store),
            "quality": market.quality(store), "workforce": workforce.workforce_comparison(store),
            "prices": segments.prices(store), "segment_ratings": segments.segment_ratings(store)}


def _declared(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with exactly its declared columns in declared order; a table with open columns
    (practices' age bands) keeps the order its metric built, with any declared column it lacks."""
    table = EXPORT_TABLES[name]
    if not len(frame):
        return pd.DataFrame(columns=table.names)
    if table.open_columns:
        return frame.reindex(columns=list(frame.columns) + [c for c in table.names if c not in frame.columns])
    return frame.reindex(columns=table.names)
