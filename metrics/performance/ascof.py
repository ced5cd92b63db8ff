"""ASCOF outcomes: the authority's, beside its region, England and its comparator authorities.

Every figure comes from the ASCOF CSV rows in the store (`ascof`, loaders.ascof); the measures'
polarity, plain names, units and the interval their numerator and denominator allow are declared
in data/lookups/ascof_measures.csv (a sub-measure such as 1C(1A) falls back to its stem, 1C).
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import EXPORT_TABLES
from metrics.performance.statistics import compare_to_benchmark, rate_interval, wilson_interval
from store import Store, per_store_version

ENGLAND = "E92000001"
COLUMNS = EXPORT_TABLES["ascof"].names
HEADLINE = "total"  # the disaggregation a finding is drawn from


def declared_measures(store: Store) -> dict[str, dict]:
    """The declared ASCOF measures by code: polarity, short name, unit and interval."""
    lk = store.table("lookup_ascof_measures")
    return {str(r.measure_code).strip(): {"polarity": r.polarity, "short": r.short_name, "unit": r.unit,
                                          "interval": r.interval} for r in lk.itertuples()}


def measure_info(declared: dict[str, dict], code: str) -> dict:
    """A measure's declaration: its own, else its stem's (1C(1A) -> 1C, 2A(2) -> 2A), else unknown."""
    stem = re.sub(r"\(.*$", "", code).strip()
    return declared.get(code) or declared.get(stem) or {"polarity": "unknown", "short": "", "unit": "",
                                                        "interval": "none"}


def interval(numerator, denominator, value, kind: str) -> tuple[float | None, float | None]:
    """The outcome's 95% interval from its numerator and denominator, where they allow one.

    Units: the outcome's. Method: Wilson score interval (metrics.performance.statistics.wilson_interval) for a
    declared proportion, Byar's (rate_interval) for a declared rate per 100,000, when the numerator
    and denominator are given, the numerator is not above the denominator, and they reproduce the
    published outcome (within 0.5 of its unit, so a survey's weighted estimate whose counts do not
    give it is left without an interval rather than given a wrong one). None otherwise.
    Reference: Wilson (1927); Breslow and Day (1987); as PHEindicatormethods."""
    if kind not in ("wilson", "byar") or any(pd.isna(x) for x in (numerator, denominator, value)):
        return None, None
    if denominator <= 0 or numerator < 0 or numerator > denominator:
        return None, None
    per = 100 if kind == "wilson" else 100_000
    if abs(numerator / denominator * per - value) > 0.5:
        return None, None
    if kind == "wilson":
        return wilson_interval(numerator, denominator)
    return rate_interval(numerator, denominator, per=per)


def _values(frame: pd.DataFrame, key: list[str]) -> dict:
    first = frame.drop_duplicates(key)
    return dict(zip(first[key].itertuples(index=False, name=None), first["outcome"]))


@per_store_version
def ascof_table(store: Store) -> pd.DataFrame:
    """Every ASCOF outcome of the authority (each year, measure and disaggregation its files give),
    with its 95% interval (`interval`), its region's, England's and the comparator authorities' mean
    outcome for the same year, measure and disaggregation, and the comparison with England and the
    region by interval and declared polarity (as Fingertips compares: better or worse only when the
    interval excludes the benchmark). Comparators: the profile's, else the region's other
    authorities (`Store.for_authority`); their mean is arithmetic, over those with an outcome."""
    a = store.authority
    rows = store.table("ascof")
    if rows.empty or not a.area_code:
        return pd.DataFrame(columns=COLUMNS)
    own = rows[rows["area_code"] == a.area_code]
    if own.empty:
        return pd.DataFrame(columns=COLUMNS)
    key = ["period", "measure_code", "disaggregation"]
    england = _values(rows[rows["area_code"] == ENGLAND], key)
    region = _values(rows[rows["area_code"] == a.region_code], key) if a.region_code else {}
    codes = [c for c in (a.comparators or ()) if c and c != a.area_code]
    comp = rows[rows["area_code"].isin(codes) & rows["outcome"].notna()].drop_duplicates(["area_code", *key])
    means = comp.groupby(key)["outcome"].agg(["mean", "count"]) if len(comp) else pd.DataFrame()
    comparators = {k: (float(m), int(n)) for k, m, n in zip(means.index, means["mean"], means["count"])} \
        if len(means) else {}
    declared = declared_measures(store)
    out = []
    for r in own.itertuples():
        k = (r.period, r.measure_code, r.disaggregation)
        info = measure_info(declared, r.measure_code)
        lo, hi = interval(r.numerator, r.denominator, r.outcome, info["interval"])
        polarity = info["polarity"] if info["polarity"] in ("high_is_good", "low_is_good", "no_judgement") else None
        e, g = england.get(k), region.get(k)
        cv, cn = comparators.get(k, (None, 0))
        out.append({"period": r.period, "year": r.year, "measure_code": r.measure_code,
                    "measure_name": info["short"] or r.measure_code, "unit": info["unit"],
                    "disaggregation": r.disaggregation, "area_code": r.area_code, "area_name": r.area_name,
                    "numerator": r.numerator, "denominator": r.denominator, "value": r.outcome,
                    "lower_ci": lo, "upper_ci": hi, "region_code": a.region_code, "region_value": g,
                    "england_value": e, "comparators_value": cv, "comparators_n": cn,
                    "compared_to_england": compare_to_benchmark(_num(r.outcome), lo, hi, _num(e), polarity),
                    "compared_to_region": compare_to_benchmark(_num(r.outcome), lo, hi, _num(g), polarity),
                    "polarity": polarity or "unknown", "source_file": r.source_file, "source_row": r.source_row})
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.sort_values(["measure_code", "disaggregation", "year"], kind="stable").reset_index(drop=True)


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


@per_store_version
def latest_ascof(store: Store) -> pd.DataFrame:
    """The latest year of each measure and disaggregation (`ascof_table`)."""
    t = ascof_table(store)
    if t.empty:
        return t
    return t.sort_values("year", kind="stable").groupby(["measure_code", "disaggregation"], as_index=False).tail(1)\
        .sort_values(["measure_code", "disaggregation"], kind="stable").reset_index(drop=True)
