"""KPIs: Fingertips indicators for the authority against England and its region.

The publisher's own judgement comes first: a Fingertips export says how each value compares with
England (and with the parent region) and, through the words it uses, the indicator's polarity
("Better"/"Worse" for an indicator with a direction, "Higher"/"Lower" for one without). Only where
the file gives no judgement is one computed here, by confidence interval and polarity, as
Fingertips does; each row says which was used. Where a file gives counts but no interval, the
interval is computed (Wilson for proportions, Byar for rates)."""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from metrics.performance.statistics import compare_to_benchmark, rate_interval, wilson_interval
from store.reading import Store, per_store_version, register_cache

ENGLAND = "E92000001"


JUDGEMENTS = ("better", "similar", "worse", "higher", "lower")


def publisher_judgement(text) -> str | None:
    """Fingertips' comparison text ("Better 95%", "Similar", "Lower", "Not compared") as one of
    better, similar, worse, higher, lower; None where the publisher made no comparison."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    m = re.match(r"\s*([a-z]+)", str(text).lower())
    return m.group(1) if m and m.group(1) in JUDGEMENTS else None


def publisher_polarity(indicators: pd.DataFrame) -> dict[int, str]:
    """Each indicator's polarity as the publisher's judgements imply it, from every area's row:
    "Better" above England (or "Worse" below) means high_is_good, the reverse low_is_good;
    "Higher"/"Lower" means the publisher makes no judgement (no_judgement). Indicators whose rows
    are all "Similar" or not compared are left out (their polarity is not in the file)."""
    if indicators.empty:
        return {}
    # On whole columns (a national export has ~600k rows): each distinct comparison text is
    # parsed once, England's value joined on the key, the votes counted by a grouped count.
    head = indicators[~indicators["is_breakdown"].astype(bool)]
    key = ["indicator_id", "sex", "age", "period"]
    england = (head.loc[head["area_code"] == ENGLAND, key + ["value"]].drop_duplicates(key)
               .rename(columns={"value": "england"}))
    texts = head["compared_to_england"]
    parsed = {t: publisher_judgement(t) for t in texts.dropna().unique()}
    judgement = texts.map(parsed)
    rows = head[key + ["value"]].assign(judgement=judgement)
    rows = rows[rows["judgement"].notna() & (rows["judgement"] != "similar")]
    if rows.empty:
        return {}
    rows = rows.reset_index(drop=True).merge(england, on=key, how="left", sort=False)
    undirected = rows["judgement"].isin(["higher", "lower"]).to_numpy()
    value = pd.to_numeric(rows["value"], errors="coerce").astype("float64").to_numpy()
    eng = pd.to_numeric(rows["england"], errors="coerce").astype("float64").to_numpy()
    comparable = ~np.isnan(value) & ~np.isnan(eng) & (value != eng)
    above = value > eng
    better = (rows["judgement"] == "better").to_numpy()
    vote = np.where(undirected, "no_judgement", np.where(above == better, "high_is_good", "low_is_good"))
    keep = undirected | comparable
    votes = pd.DataFrame({"indicator_id": rows["indicator_id"].to_numpy()[keep].astype("int64"),
                          "vote": vote[keep], "order": np.arange(len(rows))[keep]})
    if votes.empty:
        return {}
    # The most votes; a tie goes to the vote seen first in the file (as a dict's max over
    # votes counted in row order would).
    tally = votes.groupby(["indicator_id", "vote"], sort=False).agg(n=("order", "size"), first=("order", "min"))
    tally = tally.reset_index().sort_values(["indicator_id", "n", "first"], ascending=[True, False, True])
    best = tally.drop_duplicates("indicator_id")
    return {int(i): str(v) for i, v in zip(best["indicator_id"], best["vote"])}


def _polarity(store: Store) -> tuple[dict[int, str], dict[int, str]]:
    """(polarity by indicator, where it came from): the publisher's where the file implies it,
    else the lookup (data/lookups/indicator_polarity.csv). The same for every authority, so
    worked out once per store version (reading every area's rows), not once per authority."""
    return _polarity_of(str(store.path), store.version)


@lru_cache(maxsize=8)
def _polarity_of(path: str, version: str) -> tuple[dict[int, str], dict[int, str]]:
    store = Store(path)
    lk = store.table("lookup_indicator_polarity")
    lookup = {int(r.indicator_id): r.polarity for r in lk.itertuples()} if len(lk) else {}
    published = publisher_polarity(store.every_area("indicators", [  # every area's judgements
        "indicator_id", "area_code", "sex", "age", "period", "is_breakdown", "value", "compared_to_england"]))
    polarity = {**lookup, **published}
    source = {i: ("publisher" if i in published else "lookup") for i in polarity}
    return polarity, source


register_cache(_polarity_of)  # cleared with the metric caches (clear_caches)


def _judged(published, value, lo, hi, benchmark, polarity) -> tuple[str, str]:
    """(comparison, source): the publisher's comparison when it made one, else ours by 95% CI."""
    judgement = publisher_judgement(published)
    if judgement is not None:
        return judgement, "publisher"
    computed = compare_to_benchmark(value, lo, hi, benchmark, polarity)
    return computed, ("computed (95% CI)" if computed != "not_compared" else "not compared")


def _fill_interval(r) -> tuple[float | None, float | None]:
    """The row's 95% interval: the publisher's when given; otherwise computed from Count and
    Denominator, with the unit inferred from Value / (Count / Denominator): about 100 means a
    percentage (Wilson), a larger round scale a crude rate per that many people (Byar). Directly
    standardised rates always come with Fingertips' own intervals, so they never reach here."""
    if pd.notna(r.lower_ci_95) and pd.notna(r.upper_ci_95):
        return r.lower_ci_95, r.upper_ci_95
    if pd.isna(r.count) or pd.isna(r.denominator) or not r.denominator:
        return None, None
    implied = r.count / r.denominator
    if r.value is not None and pd.notna(r.value) and r.count <= r.denominator:
        scale = r.value / implied if implied else None
        if scale and abs(scale - 100) < 1:  # a percentage
            return wilson_interval(r.count, r.denominator)
        if scale and scale > 100:  # a rate per `scale` population
            return rate_interval(r.count, r.denominator, per=round(scale, -2) or scale)
    return None, None


@per_store_version
def kpi_table(store: Store) -> pd.DataFrame:
    area = store.authority.area_code
    # Only the authority's, its region's and England's rows: a national file holds every area's.
    ind = store.rows_where("indicators", "area_code", [area])
    cols = ["indicator_id", "indicator_name", "area_code", "area_name", "sex", "age", "period",
            "year", "value", "lower_ci", "upper_ci", "region_code", "region_value", "england_value",
            "comparators_value", "comparators_n",
            "compared_to_england", "compared_to_region", "comparison_source", "polarity", "polarity_source",
            "source_file", "source_row"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    la = ind[~ind["is_breakdown"]]
    key = ["indicator_id", "sex", "age", "period"]
    parent_codes = list(la["parent_code"].dropna().unique())
    # England's and the region's values only: their other columns are not read.
    others = store.rows_where("indicators", "area_code", [ENGLAND, *parent_codes],
                              columns=[*key, "area_code", "is_breakdown", "value"])
    head = others[~others["is_breakdown"]]
    eng = _first_values(head[head["area_code"] == ENGLAND], key)
    reg = _first_values(head[head["area_code"].isin(parent_codes)], key)
    comparators = comparators_mean(store, key)
    pol, pol_source = _polarity(store)
    rows = []
    for r in la.itertuples():
        k = (r.indicator_id, r.sex, r.age, r.period)
        lo, hi = _fill_interval(r)
        e = eng.get(k)
        g = reg.get(k)
        polarity = pol.get(int(r.indicator_id))
        england, source = _judged(r.compared_to_england, r.value, lo, hi, e, polarity)
        region, _ = _judged(r.compared_to_parent, r.value, lo, hi, g, polarity)
        rows.append({"indicator_id": int(r.indicator_id), "indicator_name": r.indicator_name,
                     "area_code": r.area_code, "area_name": r.area_name, "sex": r.sex, "age": r.age,
                     "period": r.period, "year": r.year, "value": r.value, "lower_ci": lo, "upper_ci": hi,
                     "region_code": r.parent_code, "region_value": g, "england_value": e,
                     **dict(zip(("comparators_value", "comparators_n"), comparators.get(k, (None, 0)))),
                     "compared_to_england": england, "compared_to_region": region, "comparison_source": source,
                     "polarity": polarity or "unknown", "polarity_source": pol_source.get(int(r.indicator_id), "none"),
                     "source_file": r.source_file, "source_row": r.source_row})
    return pd.DataFrame(rows, columns=cols).sort_values(["indicator_id", "year", "sex"]).reset_index(drop=True)


def comparators_mean(store: Store, key: list[str]) -> dict[tuple, tuple[float, int]]:
    """The comparator authorities' mean value and how many gave one, per (indicator, sex, age,
    period), from the same Fingertips rows as the authority's (headline rows, not breakdowns).

    Units: the indicator's own. Method: arithmetic mean of the comparators' published values
    (not re-weighted by population: the comparison the MPS draws is with typical similar
    authorities). Comparators: the profile's (`[authority] comparators`), else the other
    upper-tier authorities of the authority's region (`Store.for_authority`). Reference: the
    CIPFA-nearest-neighbours practice of benchmarking against a set of similar authorities."""
    codes = [c for c in (store.authority.comparators or ()) if c]
    if not codes:
        return {}
    rows = store.rows_where("indicators", "area_code", codes, columns=[*key, "area_code", "is_breakdown", "value"])
    rows = rows[~rows["is_breakdown"] & rows["value"].notna()].drop_duplicates(["area_code", *key])
    if rows.empty:
        return {}
    grouped = rows.groupby(key, sort=False)["value"].agg(["mean", "count"])
    return {k: (float(m), int(n)) for k, m, n in zip(grouped.index, grouped["mean"], grouped["count"])}


def _first_values(frame: pd.DataFrame, key: list[str]) -> dict:
    """Each key's value, the first where a file repeats a row: one dictionary built per call, so
    an authority's ~100 rows are matched by hashing rather than by a label lookup each."""
    first = frame.drop_duplicates(key, keep="first")
    # Columns as lists: the same values as iterating rows gives (text's missing is NaN in both), in a
    # fraction of the time for text held by Arrow.
    return dict(zip(zip(*(first[c].tolist() for c in key)), first["value"].tolist()))


@per_store_version
def latest_kpis(store: Store) -> pd.DataFrame:
    t = kpi_table(store)
    if t.empty:
        return t
    return t.sort_values("year").groupby(["indicator_id", "sex", "age"], as_index=False).tail(1)
