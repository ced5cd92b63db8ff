"""Opportunities for providers: contracts ending within 6, 12 and 24 months, by client group,
with their annual value, set beside that group's projected demand growth."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.vocabulary import CLIENT_GROUPS
from metrics.demand.demand import headline, mps_horizon, population_for
from store import Store, per_store_version

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
def opportunities_table(store: Store, as_of: dt.date | None = None) -> pd.DataFrame:
    """Per client group: care contracts and their annual value ending within each window and all
    those still running, beside the group's projected demand growth. The same definitions as the
    Opportunities page: care contracts only (`care_contracts`) and the growth of
    `demand_growth_by_group`, with the years it runs between."""
    growth = demand_growth_by_group(store)
    known = store.has("contracts")  # without a contracts register the counts are unknown, not 0
    rows = []
    for g in growth.itertuples():
        row = {"client_group": g.client_group}
        for m in (*WINDOWS_MONTHS, None):
            e = contract_timeline(store, m, g.client_group, as_of)
            suffix = f"ending_{m}m" if m else "running"
            row[f"contracts_{suffix}"] = int(len(e)) if known else None
            row[f"annual_value_{suffix}"] = (float(e["annual_value"].sum()) if len(e) else 0.0) if known else None
        row.update(demand_growth_pct=g.demand_growth_pct, growth_measure=g.measure, from_year=g.from_year,
                   to_year=g.to_year)
        rows.append(row)
    return pd.DataFrame(rows)


# --- Care contracts, the timeline and what the data means for providers (issue 12) -------------

TIMELINE_COLUMNS = ["reference", "title", "supplier", "organisation", "client_group", "service", "service_category",
                    "start_date", "end_date", "annual_value", "total_value", "procurement_route", "sme", "vcse",
                    "demand_growth_pct", "growth_measure", "source_file", "source_row"]
GROWTH_COLUMNS = ["client_group", "measure", "age_band", "from_year", "to_year", "value_from", "value_to",
                  "demand_growth_pct", "note"]
MIN_BASE = 100  # estimates below this many people are left out of the fastest-growth choice
GROWING_PCT = 10.0  # projected growth at or above this reads as "growing" in the providers' sentence


@per_store_version
def care_contracts(store: Store) -> pd.DataFrame:
    """Contracts for care: those the register's service category or their title and description
    place in a care service (`data/lookups/contract_services.csv`). Grounds maintenance, library
    kiosks or acute hospital contracts are not the care market and are left out."""
    c = contracts(store)
    return c[c["service"].notna()].reset_index(drop=True) if len(c) else c


@per_store_version
def excluded_contracts(store: Store) -> pd.DataFrame:
    """The contracts left out of the care market (no care service recognised), for the count and
    the download that say what was excluded."""
    c = contracts(store)
    return c[c["service"].isna()].reset_index(drop=True) if len(c) else c


@per_store_version
def demand_growth_by_group(store: Store) -> pd.DataFrame:
    """Every client group's projected demand growth from the first projection year to 2030 (or
    the last year), by its fastest-growing POPPI/PANSI measure; older people by the population
    aged 65 and over. A group with no estimate keeps its row, with a note saying why.

    Units: percent (0-100). Method: (value in the later year / value in the first - 1) x 100."""
    h = headline(store)
    years = sorted(int(y) for y in h["year"].unique()) if len(h) else []
    prev = store.table("prevalence")
    if not years and len(prev):
        years = sorted(int(y) for y in prev["year"].unique())
    y1 = mps_horizon(store, years)[1]
    rows = []
    for group in CLIENT_GROUPS:
        row = {"client_group": group, "measure": None, "age_band": None, "from_year": years[0] if years else None,
               "to_year": y1, "value_from": None, "value_to": None, "demand_growth_pct": None, "note": ""}
        if y1 is None:
            row["note"] = "no POPPI/PANSI projections are loaded"
            rows.append(row)
            continue
        if group == "older_people":
            a = population_for(store, store.authority.area_code, "65+", years[0])
            b = population_for(store, store.authority.area_code, "65+", y1)
            if a and b:
                row.update(measure="population", age_band="65+", value_from=a, value_to=b,
                           demand_growth_pct=(b / a - 1) * 100, note="people aged 65 and over (POPPI population)")
            else:
                row["note"] = "no population aged 65 and over is loaded (POPPI population table or ONS projections)"
            rows.append(row)
            continue
        g = h[h["client_group"] == group]
        best = None
        for (measure, band), m in g.groupby(["measure", "age_band"]):
            a, b = m[m["year"] == years[0]]["value"], m[m["year"] == y1]["value"]
            if a.empty or b.empty or float(a.iloc[0]) < MIN_BASE:
                continue  # very small estimates grow by rounding
            pct = (float(b.iloc[0]) / float(a.iloc[0]) - 1) * 100
            if best is None or pct > best[0]:
                best = (pct, measure, band, float(a.iloc[0]), float(b.iloc[0]))
        if best is None:
            row["note"] = ("no POPPI/PANSI table for this group is loaded (add its POPPI or PANSI export)"
                           if g.empty else f"its estimates are all below {MIN_BASE} people")
        else:
            pct, measure, band, a, b = best
            row.update(measure=measure, age_band=band, value_from=a, value_to=b, demand_growth_pct=pct,
                       note="fastest-growing estimate in the group")
        rows.append(row)
    return pd.DataFrame(rows, columns=GROWTH_COLUMNS)


@per_store_version
def contract_timeline(store: Store, months: int | None = None, client_group: str | None = None,
                      as_of: dt.date | None = None) -> pd.DataFrame:
    """Care contracts still running at the reference date (ending within ``months`` of it when
    given), sorted by end date, each beside its client group's projected demand growth."""
    if months is not None and (not isinstance(months, int) or isinstance(months, bool) or months <= 0):
        raise ValueError(f"months must be a positive whole number or None, got {months!r}")
    c = care_contracts(store)
    if c.empty:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    start = pd.Timestamp(as_of or reference_date(store))
    c = c[c["end_date"] >= start]
    if months is not None:
        c = c[c["end_date"] < start + pd.DateOffset(months=months)]
    if client_group:
        c = c[c["client_group"] == client_group]
    growth = demand_growth_by_group(store).set_index("client_group")
    c = c.assign(demand_growth_pct=c["client_group"].map(growth["demand_growth_pct"]),
                 growth_measure=c["client_group"].map(growth["measure"]))
    return c.sort_values(["end_date", "title"]).reindex(columns=TIMELINE_COLUMNS).reset_index(drop=True)


OUTLOOK_COLUMNS = ["client_group", "demand_growth_pct", "measure", "from_year", "to_year", "note", "growing",
                   "contracts_known", "contracts_ending", "annual_value_ending", "intention"]


@per_store_version
def provider_outlook(store: Store, months: int | None = 24, as_of: dt.date | None = None) -> pd.DataFrame:
    """For every client group, the figures behind what the data means for providers: projected
    demand growth (percent, its measure and years, or the note saying why there is none), whether
    it counts as growing (>= GROWING_PCT; None when unknown), the care contracts ending within
    ``months`` (None: every contract still running) and their annual value (both None when no
    contracts register is loaded: unknown, never 0), and the authority's commissioning intention
    for the group where its profile states one. sentences.supply.provider_messages words it."""
    if months is not None and (not isinstance(months, int) or isinstance(months, bool) or months <= 0):
        raise ValueError(f"months must be a positive whole number or None, got {months!r}")
    growth = demand_growth_by_group(store)
    ending = contract_timeline(store, months, as_of=as_of)
    intentions = store.manifest.intentions or {}
    known = store.has("contracts")
    rows = []
    for g in growth.itertuples():
        e = ending[ending["client_group"] == g.client_group] if len(ending) else ending
        n, value = len(e), float(e["annual_value"].sum()) if len(e) else 0.0
        unknown_growth = g.demand_growth_pct is None or pd.isna(g.demand_growth_pct)
        rows.append({"client_group": g.client_group, "demand_growth_pct": g.demand_growth_pct,
                     "measure": g.measure, "from_year": g.from_year, "to_year": g.to_year, "note": g.note,
                     "growing": None if unknown_growth else bool(g.demand_growth_pct >= GROWING_PCT),
                     "contracts_known": known, "contracts_ending": n if known else None,
                     "annual_value_ending": value if known else None,
                     "intention": intentions.get(g.client_group, "")})
    return pd.DataFrame(rows, columns=OUTLOOK_COLUMNS)
