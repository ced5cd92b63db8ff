"""The MPS tables of the export contract (domain.contract.EXPORT_TABLES), built once per store version and cached.

Pages and exports both read these, so a figure on screen and in a download is the same number.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from domain.contract import EXPORT_TABLES
from domain.vocabulary import CLIENT_GROUPS
from store import memo
from metrics.comparators import peers
from metrics.demand import demand
from metrics.disclosure import apply_suppression
from metrics.performance import ascof, kpis
from metrics.places import areas, neighbourhood_gaps, neighbourhoods
from store import Store
from metrics.supply import gaps, market, opportunities, segments, supply, workforce

NEIGHBOURHOOD_COUNTS = ["registered_patients", "caseload_list_patients", "dn_cases", "asc_cases", "joint_cases",
                        *CLIENT_GROUPS]


def mps_tables(store: Store) -> Mapping[str, pd.DataFrame]:
    """Every export table for the store, each built when first asked for and cached per store
    path, version and authority: a page that needs one table (the Neighbourhoods map) does not
    build all of them for each authority it is asked about."""
    return _Tables(str(store.path), store.version, store.authority.area_code, store._comparator_set)


def _hood(store: Store) -> pd.DataFrame:
    hood = neighbourhoods.neighbourhood_table(store)
    if len(hood):
        hood[list(CLIENT_GROUPS)] = hood[list(CLIENT_GROUPS)].astype(float).round(0)
        hood = apply_suppression(hood.set_index("neighbourhood"), NEIGHBOURHOOD_COUNTS,
                                 total_row="total").reset_index()
    return hood


def _contracts(store: Store) -> pd.DataFrame:
    c = opportunities.contracts(store)
    if len(c):
        c = c.assign(start_date=c["start_date"].dt.strftime("%Y-%m-%d"),
                     end_date=c["end_date"].dt.strftime("%Y-%m-%d"))
    return c


def _peers(store: Store) -> pd.DataFrame:
    """The authority's own peer group (its rows of metrics.comparators.peers.peer_table)."""
    table, _ = peers.peer_table(store)
    return table[table["authority_code"] == store.authority.area_code]


def _market(name: str):
    def build(store: Store) -> pd.DataFrame:
        return {"market_changes": market.market_changes, "concentration": market.concentration,
                "quality": market.quality, "workforce": workforce.workforce_comparison,
                "prices": segments.prices, "segment_ratings": segments.segment_ratings,
                "fee_rates": segments.fee_rates}[name](store)
    return build


BUILDERS = {
    "demand": lambda s: demand.demand_export(s),
    "supply": lambda s: supply.supply_rows(s),
    "gaps": lambda s: gaps.all_gaps(s),
    "care_homes": lambda s: supply.care_home_table(s),
    "neighbourhoods": _hood,
    "kpis": lambda s: kpis.kpi_table(s),
    "ascof": lambda s: ascof.ascof_table(s),
    "contracts": _contracts,
    "finance": lambda s: s.table("finance"),
    "sources": lambda s: pd.DataFrame([vars(f) for f in s.manifest.files]),
    "beds_needed": lambda s: gaps.beds_needed(s),
    "older_growth": lambda s: demand.older_growth_export(s),
    "ownership": lambda s: supply.ownership_table(s),
    "opportunities": lambda s: opportunities.opportunities_table(s),
    "practices": lambda s: neighbourhoods.suppressed_practice_table(s),
    "neighbourhood_supply": lambda s: neighbourhoods.supply_by_neighbourhood(s),
    "neighbourhood_gaps": lambda s: neighbourhood_gaps.suppressed_gap_table(s),
    "census_wards": lambda s: areas.census_ward_table(s),
    "census_demand": lambda s: areas.census_demand_table(s),
    "peers": lambda s: _peers(s),
    **{name: _market(name) for name in
       ("market_changes", "concentration", "quality", "workforce", "prices", "segment_ratings", "fee_rates")},
}


class _Tables(Mapping):
    def __init__(self, path: str, version: str, authority: str | None, comparators: str | None = None):
        self._key = (path, version, authority, comparators)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in BUILDERS:
            raise KeyError(name)
        return _cached(*self._key, name)

    def __iter__(self):
        return iter(BUILDERS)

    def __len__(self) -> int:
        return len(BUILDERS)


def _cached(path: str, version: str, authority: str | None, comparators: str | None, name: str) -> pd.DataFrame:
    """One MPS table, kept in the metrics' one cache bounded in bytes (`store.memo`)."""
    return memo.cached("mps_tables", (path, version, authority, comparators, name),
                       lambda: _declared(name, BUILDERS[name](Store(path).for_authority(authority)
                                                              .with_comparators(comparators))))


_cached.cache_clear = lambda: memo.METRICS.clear("mps_tables")


def market_tables(store: Store) -> dict[str, pd.DataFrame]:
    """The market health tables (changes, concentration, quality, workforce, prices, ratings)."""
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
