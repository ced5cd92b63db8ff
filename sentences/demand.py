"""The words about demand: the MPS's "rationale for change" sentences over the authority's projected
totals (metrics.demand.demand), read on the Overview and Demand pages and in the brief."""
from __future__ import annotations

import pandas as pd

from domain.labels import age_phrase, measure_phrase
from metrics.demand.demand import change_between, headline, mps_horizon, older_population
from store import Store, per_store_version


@per_store_version
def rationale_sentences(store: Store, from_year: int | None = None, to_year: int | None = None,
                        client_group: str | None = None) -> list[str]:
    """The MPS's "rationale for change" sentences, generated from the authority's totals, e.g.
    "The number of adults aged 18-64 with a learning disability is projected to rise from 1,120
    in 2017 to 1,190 in 2020 (+6%)."
    """
    h = pd.concat([older_population(store).query("age_band == '65+'"), headline(store)], ignore_index=True)
    if client_group:
        h = h[h["client_group"] == client_group]
    if h.empty:
        return []
    years = sorted(h["year"].unique())
    from_year = from_year or int(years[0])
    to_year = to_year or mps_horizon(store, [y for y in years if y >= from_year])[1] or int(years[-1])
    ch = change_between(h, from_year, to_year)
    sentences = []
    for r in ch.sort_values(["client_group", "measure"]).itertuples():
        phrase = measure_phrase(r.measure)
        if r.measure == "population":
            who = f"residents {age_phrase(r.age_band)}"
        else:
            who = phrase.replace("people", ("adults " if r.age_band == "18-64" else "people ")
                                 + age_phrase(r.age_band), 1)
        if r.change > 0:
            verb = "rise"
        elif r.change < 0:
            verb = "fall"
        else:
            sentences.append(f"The number of {who} is projected to stay at {r.value_from:,.0f} "
                             f"from {from_year} to {to_year}.")
            continue
        pct = f" ({r.change_pct:+.0f}%)" if pd.notna(r.change_pct) else ""
        sentences.append(f"The number of {who} is projected to {verb} from {r.value_from:,.0f} in "
                         f"{from_year} to {r.value_to:,.0f} in {to_year}{pct}.")
    return sentences
