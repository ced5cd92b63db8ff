"""KPIs: Fingertips indicators for the authority against England and its region, benchmarked by
confidence interval and polarity. Where a file gives counts but no interval, the interval is
computed (Wilson for proportions, Byar for rates)."""
from __future__ import annotations

import pandas as pd

from .statistics import compare_to_benchmark, rate_interval, wilson_interval
from .store import Store, per_store_version

ENGLAND = "E92000001"


def _polarity(store: Store) -> dict[int, str]:
    lk = store.table("lookup_indicator_polarity")
    return {int(r.indicator_id): r.polarity for r in lk.itertuples()} if len(lk) else {}


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
    ind = store.table("indicators")
    area = store.authority.area_code
    cols = ["indicator_id", "indicator_name", "area_code", "area_name", "sex", "age", "period",
            "year", "value", "lower_ci", "upper_ci", "england_value", "region_value",
            "compared_to_england", "compared_to_region", "polarity", "source_file", "source_row"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    head = ind[~ind["is_breakdown"]]
    la = head[head["area_code"] == area]
    key = ["indicator_id", "sex", "age", "period"]
    eng = head[head["area_code"] == ENGLAND].set_index(key)["value"]
    parent_codes = la["parent_code"].dropna().unique()
    reg = head[head["area_code"].isin(parent_codes)].set_index(key)["value"]
    pol = _polarity(store)
    rows = []
    for r in la.itertuples():
        k = (r.indicator_id, r.sex, r.age, r.period)
        lo, hi = _fill_interval(r)
        e = eng.get(k)
        g = reg.get(k)
        polarity = pol.get(int(r.indicator_id))
        rows.append({"indicator_id": int(r.indicator_id), "indicator_name": r.indicator_name,
                     "area_code": r.area_code, "area_name": r.area_name, "sex": r.sex, "age": r.age,
                     "period": r.period, "year": r.year, "value": r.value, "lower_ci": lo, "upper_ci": hi,
                     "england_value": e, "region_value": g,
                     "compared_to_england": compare_to_benchmark(r.value, lo, hi, e, polarity),
                     "compared_to_region": compare_to_benchmark(r.value, lo, hi, g, polarity),
                     "polarity": polarity or "unknown", "source_file": r.source_file,
                     "source_row": r.source_row})
    return pd.DataFrame(rows, columns=cols).sort_values(["indicator_id", "year", "sex"]).reset_index(drop=True)


@per_store_version
def latest_kpis(store: Store) -> pd.DataFrame:
    t = kpi_table(store)
    if t.empty:
        return t
    return t.sort_values("year").groupby(["indicator_id", "sex", "age"], as_index=False).tail(1)
