"""Opportunities for providers: contracts ending within 6, 12 and 24 months, by client group,
with their annual value, set beside that group's projected demand growth."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .demand import change_between, headline
from .store import Store, per_store_version

WINDOWS_MONTHS = (6, 12, 24)


@per_store_version
def reference_date(store: Store) -> dt.date:
    """The data's "today": the CQC directory's as-at date when present, else the latest GP
    extract, else the ingest date. Keeps a 2017 sample meaningful when opened years later."""
    cp = store.table("care_providers")
    if len(cp) and cp["as_at"].notna().any():
        return pd.Timestamp(cp["as_at"].dropna().max()).date()
    reg = store.table("registrations")
    if len(reg) and reg["extract_date"].notna().any():
        return pd.Timestamp(reg["extract_date"].max()).date()
    return pd.Timestamp(store.version[:10] or dt.date.today()).date()


@per_store_version
def contracts(store: Store) -> pd.DataFrame:
    c = store.table("contracts")
    if c.empty:
        return c
    c = c.copy()
    for col in ["start_date", "end_date"]:
        c[col] = pd.to_datetime(c[col], errors="coerce")
    return c


@per_store_version
def ending_within(store: Store, months: int, as_of: dt.date | None = None) -> pd.DataFrame:
    if months <= 0:
        raise ValueError("months must be positive")
    c = contracts(store)
    if c.empty:
        return c
    start = pd.Timestamp(as_of or reference_date(store))
    end = start + pd.DateOffset(months=months)
    return c[(c["end_date"] >= start) & (c["end_date"] < end)].sort_values("end_date")


@per_store_version
def growth_by_client_group(store: Store) -> pd.DataFrame:
    h = headline(store)
    if h.empty:
        return pd.DataFrame(columns=["client_group", "measure", "change_pct"])
    years = sorted(h["year"].unique())
    if len(years) < 2:
        return pd.DataFrame(columns=["client_group", "measure", "change_pct"])
    ch = change_between(h, int(years[0]), int(years[1]))
    return ch[["client_group", "measure", "age_band", "from_year", "to_year", "value_from", "value_to", "change_pct"]]


@per_store_version
def opportunities_table(store: Store, as_of: dt.date | None = None) -> pd.DataFrame:
    """Per client group: contracts and annual value ending within each window, and the largest
    projected demand growth among the group's measures."""
    c = contracts(store)
    growth = growth_by_client_group(store)
    top = growth.sort_values("change_pct", ascending=False).groupby("client_group").head(1) if len(growth) else growth
    groups = sorted(set(c["client_group"].dropna()) if len(c) else set()) + []
    rows = []
    for g in sorted(set(groups) | set(top["client_group"]) if len(top) else set(groups)):
        row = {"client_group": g}
        for m in WINDOWS_MONTHS:
            e = ending_within(store, m, as_of)
            e = e[e["client_group"] == g] if len(e) else e
            row[f"contracts_ending_{m}m"] = int(len(e))
            row[f"annual_value_ending_{m}m"] = float(e["annual_value"].sum()) if len(e) else 0.0
        t = top[top["client_group"] == g] if len(top) else top
        row["demand_growth_pct"] = float(t["change_pct"].iloc[0]) if len(t) else None
        row["growth_measure"] = t["measure"].iloc[0] if len(t) else None
        rows.append(row)
    return pd.DataFrame(rows)
