"""Demand: prevalence estimates by client group, area, sex, age band and year; change between
years; rates per 1,000 of the matching population; comparison with London and England; and the
MPS's rationale-for-change sentences.
"""
from __future__ import annotations

import pandas as pd

from domain.labels import age_phrase, measure_phrase
from domain.vocabulary import bands_covering
from .store import Store, per_store_version

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
    to_year = to_year or int(next((y for y in years if y > from_year), years[-1]))
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


@per_store_version
def group_series(store: Store, client_group: str) -> pd.DataFrame:
    """The authority's totals for each measure of a client group, over the projection years."""
    from domain.labels import measure_label

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
    """Rate per 1,000 for each area with a table (authority, region, England) for a group."""
    from domain.labels import measure_label

    d = demand(store)
    measures = d.loc[d["client_group"] == client_group, "measure"].unique()
    frames = [rate_per_1000(store, m, year) for m in measures]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["measure_label", "area_name", "year", "cases", "population", "rate_per_1000"])
    out = pd.concat(frames, ignore_index=True)
    out = out[out["area_code"].map(lambda c: True)].copy()
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
