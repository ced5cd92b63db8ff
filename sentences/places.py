"""Sentences about places: resident against registered population by neighbourhood, and the carers the
council supports against the census's unpaid carers."""
from __future__ import annotations

import pandas as pd

from metrics.places.areas import carers_reach, census_year
from metrics.places.neighbourhoods import extract_dates, resident_vs_registered
from store import Store


def resident_sentence(store: Store) -> str:
    """One sentence explaining why registered and resident counts differ, with the totals."""
    t = resident_vs_registered(store)
    if t.empty:
        return ""
    total = t[t["neighbourhood"] == "total"].iloc[0]
    year = census_year(store)
    reg_date = _registration_date(store)
    if pd.isna(total["residents"]):
        return (f"Neighbourhood populations are patients registered at their GP practices ({reg_date}): the authority "
                "gives no ward-level resident estimates, and registered lists include people living outside the "
                "borough and people who have moved away but not yet left their practice's list.")
    if pd.isna(total["registered"]):
        return f"Neighbourhood populations are Census {year} residents summed over each neighbourhood's wards."
    return (f"Registered patients ({reg_date}: {total['registered']:,.0f}) exceed Census {year} residents "
            f"({total['residents']:,.0f}) by {total['difference']:,.0f} ({total['registered_per_100_residents'] - 100:+.1f}%): "
            "lists include people living outside the borough and people who have moved away but not left their "
            "practice, the two counts are years apart, and practices are placed by neighbourhood while residents "
            "are counted where they live.")


def _registration_date(store: Store) -> str:
    dates = extract_dates(store)
    return dates[-1] if dates else "no extract"


def carers_reach_sentence(store: Store) -> str:
    """metrics.places.areas.carers_reach in one sentence ("" when the store lacks it)."""
    r = carers_reach(store)
    if r is None:
        return ""
    return (f"The council supported {r['supported']:,.0f} carers in {r['period']}: "
            f"{r['pct']:.1f}% of the {r['census_carers']:,.0f} residents providing unpaid care at Census "
            f"{r['census_year']}. Support is not recorded by ward, so each ward's carers are read against the "
            "borough's share of residents who care.")
