"""A rating per market segment: where the council wants the market to grow, hold or shrink, and why.

Five criteria, each a mark from a rule written once here (docs/market_health.md prints the same
rules) with the evidence beside it; the direction follows from supply and demand; the authority
may override it in its profile ([segment_overrides.<segment>] in profile.toml), with a reason, and the derived
direction stays on show beside the override.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.labels import SEGMENT_LABELS
from domain.vocabulary import DIRECTIONS, MARKET_SEGMENTS
from metrics.coverage import directory_missing_short
from metrics.demand import demand
from store import Store, per_store_version
from metrics.supply import market
from metrics.supply.gaps import carers_gaps
from metrics.supply.supply import council_funded_care_home_places

QUALITY_MARGIN_POINTS = 5.0
"""Quality is below (above) its comparator when the share rated Good or Outstanding is at least this
many percentage points lower (higher)."""
OUT_OF_AREA_SHORT_PCT = 25.0
"""Supply is short of demand when at least this share of the council-funded people in the setting
are placed outside the authority (seed 000 s4.2 reads 68% out of area as a shortage)."""
CARERS_REACHED_SHORT_PCT = 50.0
"""Carers' support is short when fewer than this share of the estimated unpaid carers aged 65+ are
supported by the council."""
DEMAND_CHANGE_PCT = 5.0
"""Demand is growing (falling) when its driver is projected to change by at least this much (%)
between the first and last projection years."""
VACANCY_MARGIN_POINTS = 1.0
"""Workforce pressure is high when the vacancy rate is at least this many points above England's
(the region's where England is absent)."""

# Segment -> (activity setting, activity age band) for the out-of-area supply rule.
SUPPLY_SETTINGS = {"care_homes_65": ("residential", "65+"), "nursing_65": ("nursing", "65+"),
                   "supported_living": ("supported_living", None), "extra_care": ("extra_care", None),
                   "shared_lives": ("shared_lives", None), "day_opportunities": ("day_care", None)}
# Segment -> the demand driver: (measure, age band) from POPPI/PANSI.
DEMAND_DRIVERS = {"care_homes_65": ("dementia", "65+"), "nursing_65": ("dementia", "65+"),
                  "home_care": ("population", "65+"), "extra_care": ("population", "65+"),
                  "supported_living": ("learning_disability", "18-64"),
                  "shared_lives": ("learning_disability", "18-64"),
                  "day_opportunities": ("learning_disability", "18-64"),
                  "carers_support": ("unpaid_carers", "65+")}
# Segment -> Skills for Care service rows, most specific first ("All services" is the fallback).
WORKFORCE_SERVICES = {"care_homes_65": "Care home services without nursing",
                      "nursing_65": "Care home services with nursing",
                      "home_care": "Domiciliary care services", "supported_living": "Domiciliary care services",
                      "extra_care": "Domiciliary care services", "shared_lives": "Domiciliary care services",
                      "day_opportunities": "Day care services"}
# Segment -> (unit cost service, age band) for the price rule.
PRICE_SERVICES = {"care_homes_65": ("residential", "65+"), "nursing_65": ("nursing", "65+"),
                  "home_care": ("home_care", "all")}

MARK_LABELS = {
    "quality": {"below": "Below comparators", "similar": "Similar to comparators", "above": "Above comparators"},
    "supply": {"short": "Short of demand", "met": "Met locally"},
    "demand": {"growing": "Growing", "stable": "Stable", "falling": "Falling"},
    "workforce": {"high": "High pressure", "normal": "No more than elsewhere"},
    "price": {"below_lower_quartile": "Below cost of care (lower quartile)",
              "below_median": "Below median cost of care", "at_or_above_median": "At or above median cost of care"},
}
NO_DATA = "no_data"
CRITERIA = tuple(MARK_LABELS)

RULES = {
    "quality": f"Share of rated locations Good or Outstanding against the comparator (England, else the region, "
               f"else the whole file): below or above when {QUALITY_MARGIN_POINTS:g} points or more apart.",
    "supply": f"Short when {OUT_OF_AREA_SHORT_PCT:g}% or more of council-funded people in the setting are placed "
              f"out of area (carers: when fewer than {CARERS_REACHED_SHORT_PCT:g}% of estimated carers aged 65+ "
              f"are supported).",
    "demand": f"Growing (falling) when the segment's POPPI/PANSI driver is projected to rise (fall) by "
              f"{DEMAND_CHANGE_PCT:g}% or more from the first to the last projection year.",
    "workforce": f"High when the Skills for Care vacancy rate for the service is {VACANCY_MARGIN_POINTS:g} "
                 f"point(s) or more above England's (else the region's).",
    "price": "The council's unit cost (finance return) against its own cost-of-care quartiles: below the lower "
             "quartile, below the median, or at or above it.",
    "direction": "Grow when supply is short, or demand is growing and supply is unknown; shrink when demand is "
                 "falling and supply is met locally; otherwise hold. The authority's override, with its reason, "
                 "wins and the derived direction stays on show.",
}


@dataclass
class Mark:
    key: str
    evidence: str

    def label(self, criterion: str) -> str:
        return MARK_LABELS[criterion].get(self.key, "No data")


def _pct(x) -> str:
    return f"{x:.0f}%"


def quality_mark(store: Store, segment: str) -> Mark:
    if segment in ("day_opportunities", "carers_support"):
        return Mark(NO_DATA, "Not a service the CQC registers: the directory says nothing about its quality.")
    missing = directory_missing_short(store)
    if missing:  # no directory for the authority: say that, not "no rated locations"
        return Mark(NO_DATA, missing)
    q = market.quality(store)
    q = q[q["segment"] == segment]
    own = q[q["area_type"] == "la"]
    if len(own) and pd.isna(own["rated"].iloc[0]):
        return Mark(NO_DATA, "The latest CQC care directory in the store gives no ratings (it has no "
                             "'Location Latest Overall Rating' column).")
    if own.empty or own["rated"].iloc[0] == 0:
        return Mark(NO_DATA, "No rated locations in the latest CQC directory.")
    versus = next((q[q["area_type"] == t] for t in ("england", "region", "file") if (q["area_type"] == t).any()), None)
    mine = float(own["pct_locations_good"].iloc[0])
    text = f"{_pct(mine)} of {int(own['rated'].iloc[0])} rated locations Good or Outstanding"
    if versus is None or pd.isna(versus["pct_locations_good"].iloc[0]):
        return Mark(NO_DATA, text + "; no comparator in the directory.")
    theirs = float(versus["pct_locations_good"].iloc[0])
    key = ("below" if mine <= theirs - QUALITY_MARGIN_POINTS else
           "above" if mine >= theirs + QUALITY_MARGIN_POINTS else "similar")
    return Mark(key, f"{text}, against {_pct(theirs)} in {versus['area_name'].iloc[0]}.")


def supply_mark(store: Store, segment: str) -> Mark:
    if segment == "carers_support":
        gap = next((g for g in carers_gaps(store) if g.metric == "carers_reached_pct"), None)
        if gap is None or gap.value is None:
            return Mark(NO_DATA, "No carers supported or POPPI carers estimate in the store.")
        key = "short" if gap.value < CARERS_REACHED_SHORT_PCT else "met"
        return Mark(key, f"{_pct(gap.value)} of estimated unpaid carers aged 65+ supported ({gap.year}).")
    if segment not in SUPPLY_SETTINGS:
        return Mark(NO_DATA, "The council's activity table has no in-area / out-of-area split for this service.")
    setting, age = SUPPLY_SETTINGS[segment]
    if setting in ("residential", "nursing") and age:
        # Older people's care homes: the one definition of council-funded places (metrics.supply.supply).
        f = council_funded_care_home_places(store, age)
        f = f[f["setting"] == setting]
        if f.empty or not f["total"].iloc[0]:
            return Mark(NO_DATA, "No council-funded placements in this setting with an in-area / out-of-area split.")
        total, out, period = float(f["total"].iloc[0]), float(f["out_of_area"].iloc[0]), f["period"].iloc[0]
    else:
        a = store.table("activity")
        a = a[(a["setting"] == setting) & a["location"].isin(["in_area", "out_of_area"])]
        if age:
            a = a[a["age_band"] == age]
        if a.empty or a["clients"].sum() == 0:
            return Mark(NO_DATA, "No council-funded placements in this setting with an in-area / out-of-area split.")
        latest = a[a["year"] == a["year"].max()]
        total = float(latest["clients"].sum())
        out = float(latest.loc[latest["location"] == "out_of_area", "clients"].sum())
        period = latest["period"].iloc[0]
    share = 100 * out / total
    key = "short" if share >= OUT_OF_AREA_SHORT_PCT else "met"
    return Mark(key, f"{out:,.0f} of {total:,.0f} council-funded people ({_pct(share)}) placed out of area, "
                     f"{period}.")


def _driver_series(store: Store, measure: str, age_band: str) -> pd.DataFrame:
    return _driver_frames(store)[(measure, age_band)]


@per_store_version
def _driver_frames(store: Store) -> dict[tuple[str, str], pd.DataFrame]:
    """Each demand driver's projection (DEMAND_DRIVERS' measure and age band), by year: the
    demand tables read once for every segment, not once a segment."""
    older, headline = demand.older_population(store), demand.headline(store)
    out = {}
    for measure, age_band in DEMAND_DRIVERS.values():
        d = older if measure == "population" else headline[headline["measure"] == measure]
        out[(measure, age_band)] = d[d["age_band"] == age_band].sort_values("year")
    return out


def demand_mark(store: Store, segment: str) -> Mark:
    measure, age = DEMAND_DRIVERS[segment]
    s = _driver_series(store, measure, age)
    if len(s) < 2:
        return Mark(NO_DATA, f"No projection of {measure.replace('_', ' ')} ({age}) in the store.")
    first, last = s.iloc[0], s.iloc[-1]
    change = 100 * (float(last["value"]) / float(first["value"]) - 1)
    key = "growing" if change >= DEMAND_CHANGE_PCT else "falling" if change <= -DEMAND_CHANGE_PCT else "stable"
    what = "people aged 65+" if measure == "population" else f"{measure.replace('_', ' ')} ({age})"
    return Mark(key, f"{what}: {float(first['value']):,.0f} in {int(first['year'])} to "
                     f"{float(last['value']):,.0f} in {int(last['year'])} ({change:+.1f}%).")


def _workforce_value(w: pd.DataFrame, area_type: str, service: str) -> tuple[float, str, str] | None:
    rows = w[(w["area_type"] == area_type) & (w["measure"] == "vacancy_rate")]
    for svc in (service, "All services"):
        hit = rows[rows["service"] == svc]
        if len(hit):
            return float(hit["value"].iloc[0]), str(hit["area_name"].iloc[0]), svc
    return None


@per_store_version
def _vacancy_rates(store: Store) -> pd.DataFrame:
    """Skills for Care's vacancy rates (all sectors, all job roles) of the authority and of every
    region and England row: the workforce table filtered once for every segment."""
    w = store.table("workforce")
    w = w[(w["sector"] == "All sectors") & (w["job_role"] == "All job roles")]
    w = w[(w["area_type"] != "la") | (w["area_name"].str.lower() == (store.authority.area_name or "").lower())]
    return w[w["measure"] == "vacancy_rate"]


def workforce_mark(store: Store, segment: str) -> Mark:
    service = WORKFORCE_SERVICES.get(segment)
    if service is None:
        return Mark(NO_DATA, "Skills for Care publishes no workforce estimates for this service.")
    w = _vacancy_rates(store)
    mine = _workforce_value(w, "la", service)
    if mine is None:
        return Mark(NO_DATA, "No Skills for Care workforce estimates for the authority in the store.")
    versus = _workforce_value(w, "england", service) or _workforce_value(w, "region", service)
    text = f"vacancy rate {mine[0]:.1f}% ({mine[2]})"
    if versus is None:
        return Mark(NO_DATA, text + "; no England or region figure to compare.")
    key = "high" if mine[0] >= versus[0] + VACANCY_MARGIN_POINTS else "normal"
    return Mark(key, f"{text}, against {versus[0]:.1f}% in {versus[1]}.")


def price_mark(store: Store, segment: str) -> Mark:
    if segment not in PRICE_SERVICES:
        return Mark(NO_DATA, "No unit cost or cost-of-care figure for this service.")
    p = prices(store)
    service, age = PRICE_SERVICES[segment]
    row = p[(p["service"] == service) & (p["age_band"] == age) & p["council_rate"].notna()
            & p["cost_of_care_median"].notna()]
    if row.empty:
        return Mark(NO_DATA, "The store lacks the council's unit cost or its cost-of-care figures for this service.")
    r = row.iloc[-1]
    rate, lq, med = float(r["council_rate"]), float(r["cost_of_care_lower_quartile"]), float(r["cost_of_care_median"])
    key = "below_lower_quartile" if rate < lq else "below_median" if rate < med else "at_or_above_median"
    return Mark(key, f"£{rate:,.2f} a {r['unit']} ({r['period']}) against a cost-of-care median of £{med:,.2f} "
                     f"(lower quartile £{lq:,.2f}).")


def derived_direction(marks: dict[str, Mark]) -> str:
    """The direction the rule gives (RULES['direction'])."""
    supply, trend = marks["supply"].key, marks["demand"].key
    if supply == NO_DATA and trend == NO_DATA:
        return "not_rated"
    if supply == "short" or (trend == "growing" and supply == NO_DATA):
        return "grow"
    if trend == "falling" and supply == "met":
        return "shrink"
    return "hold"


RATING_COLUMNS = ["segment", "direction", "derived_direction", "override_reason",
                  *(f"{c}_{part}" for c in CRITERIA for part in ("mark", "reason"))]


@per_store_version
def segment_ratings(store: Store) -> pd.DataFrame:
    """One row per market segment: the direction (the authority's override where it gives one,
    else the derived one), the derived direction, the override's reason, and for each criterion its
    mark (label) and reason (the evidence, then the rule)."""
    overrides = _overrides(store)
    rows = []
    for seg in MARKET_SEGMENTS:
        marks = {"quality": quality_mark(store, seg), "supply": supply_mark(store, seg),
                 "demand": demand_mark(store, seg), "workforce": workforce_mark(store, seg),
                 "price": price_mark(store, seg)}
        derived = derived_direction(marks)
        override = overrides.get(seg)
        row = {"segment": seg, "direction": override[0] if override else derived, "derived_direction": derived,
               "override_reason": override[1] if override else None}
        for c, m in marks.items():
            row[f"{c}_mark"] = m.label(c)
            row[f"{c}_reason"] = f"{m.evidence[:1].upper()}{m.evidence[1:]} Rule: {RULES[c]}"
        rows.append(row)
    return pd.DataFrame(rows, columns=RATING_COLUMNS)


def _overrides(store: Store) -> dict[str, tuple[str, str]]:
    """The authority's overrides from its profile: segment -> (direction, reason)."""
    out = {}
    for seg, given in store.manifest.segment_overrides.items():
        given = given if isinstance(given, dict) else {}
        direction, reason = str(given.get("direction", "")).strip().lower(), str(given.get("reason", "")).strip()
        if seg not in MARKET_SEGMENTS or direction not in DIRECTIONS:
            raise ValueError(f"profile [segment_overrides.{seg}]: '{seg}' / '{direction}' is not a segment and "
                             f"direction (segments: {', '.join(MARKET_SEGMENTS)}; directions: {', '.join(DIRECTIONS)})")
        if not reason:
            raise ValueError(f"profile [segment_overrides.{seg}]: the override gives no reason")
        out[seg] = (direction, reason)
    return out


# ------------------------------------------------------------------------------------------ prices

PRICE_COLUMNS = ["period", "service", "age_band", "unit", "council_rate", "cost_of_care_lower_quartile",
                 "cost_of_care_median", "cost_of_care_upper_quartile", "rate_vs_median_pct", "comparator_median"]


@per_store_version
def prices(store: Store) -> pd.DataFrame:
    """The council's unit costs (ASC finance return: gross weekly cost of residential and nursing
    care by age band, home care hourly rate) beside its own cost-of-care quartiles (profile) and the
    median of its comparators' unit costs (profile comparators found in the file). rate_vs_median_pct
    is the council's rate as a percentage of its cost-of-care median. Latest period per row."""
    u = store.table("unit_costs")
    coc = store.table("lookup_cost_of_care")
    area = store.authority.area_code
    mine = u[u["area_code"] == area]
    comparators = set(store.authority.comparators)
    rows = []
    keys = set(zip(mine["service"], mine["age_band"])) | set(zip(coc["service"], coc["age_band"]))
    for service, age in sorted(keys):
        m = mine[(mine["service"] == service) & (mine["age_band"] == age)].sort_values("year")
        c = coc[(coc["service"] == service) & (coc["age_band"] == age)]
        rate = float(m["value_gbp"].iloc[-1]) if len(m) else None
        period = str(m["period"].iloc[-1]) if len(m) else (str(c["period"].iloc[-1]) if len(c) else None)
        comp = u[u["area_code"].isin(comparators) & (u["service"] == service) & (u["age_band"] == age)]
        if len(m):
            comp = comp[comp["year"] == m["year"].iloc[-1]]
        med = float(c["median"].iloc[-1]) if len(c) else None
        rows.append({"period": period, "service": service, "age_band": age,
                     "unit": "hour" if service == "home_care" else "week", "council_rate": rate,
                     "cost_of_care_lower_quartile": float(c["lower_quartile"].iloc[-1]) if len(c) else None,
                     "cost_of_care_median": med,
                     "cost_of_care_upper_quartile": float(c["upper_quartile"].iloc[-1]) if len(c) else None,
                     "rate_vs_median_pct": 100 * rate / med if rate is not None and med else None,
                     "comparator_median": float(comp["value_gbp"].median()) if len(comp) else None})
    return pd.DataFrame(rows, columns=PRICE_COLUMNS)


def segment_label(key: str) -> str:
    return SEGMENT_LABELS.get(key, key)


FEE_COLUMNS = ["period", "service", "age_band", "unit", "council_fee", "region_fee", "england_fee",
               "comparator_median", "comparators_n", "cost_of_care_median", "fee_vs_cost_of_care_pct",
               "source_file", "source_row"]


@per_store_version
def fee_rates(store: Store) -> pd.DataFrame:
    """The authority's average fees to external providers (DHSC MSIF provider fee reporting), the
    latest year of each service and age band, beside its region, England, the median of its
    comparators and its own cost-of-care median (profile).

    Units: pounds a week (care homes) or an hour (home care, supported living). Method: the region's
    and England's fee are their own rows where the file has them, else the arithmetic mean of the
    authorities of the region (lookup_areas) / of every authority in the file that year, unweighted;
    the comparators' median is over those with a fee; fee_vs_cost_of_care_pct = fee / cost-of-care
    median x 100. Reference: DHSC, MSIF provider fee reporting; the authority's cost-of-care exercise."""
    f = store.table("fee_rates")
    a = store.authority
    mine = f[(f["area_code"] == a.area_code) & f["fee_gbp"].notna()] if len(f) and a.area_code else f.iloc[0:0]
    if mine.empty:
        return pd.DataFrame(columns=FEE_COLUMNS)
    areas = store.table("lookup_areas")
    in_region = set(areas.loc[areas["parent_code"] == a.region_code, "area_code"]) if a.region_code else set()
    coc = store.table("lookup_cost_of_care")
    rows = []
    every = None  # every authority's fees, read only where a region or England row is missing
    for (service, age), group in mine.groupby(["service", "age_band"], sort=True):
        r = group.sort_values("year").iloc[-1]
        pick = f[(f["period"] == r["period"]) & (f["service"] == service) & (f["age_band"] == age) & f["fee_gbp"].notna()]
        if not {a.region_code, "E92000001"} <= set(pick["area_code"]):
            every = store.every_area("fee_rates") if every is None else every
            pick = every[(every["period"] == r["period"]) & (every["service"] == service) & (every["age_band"] == age)
                         & every["fee_gbp"].notna()]
        same = pick

        def own_or_mean(code, members):
            own = same[same["area_code"] == code]
            if len(own):
                return float(own["fee_gbp"].iloc[0])
            pool = same[(same["area_type"] == "la") & same["area_code"].isin(members)] if members is not None else \
                same[same["area_type"] == "la"]
            return float(pool["fee_gbp"].mean()) if len(pool) else None

        comp = same[same["area_code"].isin([c for c in a.comparators if c != a.area_code])]
        c = coc[(coc["service"] == service) & (coc["age_band"] == age)] if len(coc) else coc
        med = float(c["median"].iloc[-1]) if len(c) else None
        fee = float(r["fee_gbp"])
        rows.append({"period": r["period"], "service": service, "age_band": age, "unit": r["unit"],
                     "council_fee": fee, "region_fee": own_or_mean(a.region_code, in_region) if a.region_code else None,
                     "england_fee": own_or_mean("E92000001", None),
                     "comparator_median": float(comp["fee_gbp"].median()) if len(comp) else None,
                     "comparators_n": int(len(comp)), "cost_of_care_median": med,
                     "fee_vs_cost_of_care_pct": 100 * fee / med if med else None,
                     "source_file": r["source_file"], "source_row": int(r["source_row"])})
    return pd.DataFrame(rows, columns=FEE_COLUMNS)


FEE_FIGURES = ("council_fee", "region_fee", "comparator_median", "cost_of_care_median")
"""The fees of `fee_rates` set against England's in `fees_against_england`."""


def fees_against_england(store: Store) -> pd.DataFrame:
    """Each fee of `fee_rates` (the council's, the region's, the comparators' median, the cost-of-care
    median) as a percentage of England's average fee for the same service and age band: one row per
    (service, age band, figure), so weekly and hourly fees can share one scale.

    Method: pct_of_england = 100 x pounds / England's fee. A fee the store lacks, or a service with no
    England fee, is left out (never 0)."""
    f = fee_rates(store)
    shown = f[f["england_fee"].notna()]
    long = shown.melt(id_vars=["service", "age_band", "unit", "england_fee"], value_vars=list(FEE_FIGURES),
                      var_name="figure", value_name="pounds").dropna(subset=["pounds"])
    return long.assign(pct_of_england=100 * long["pounds"] / long["england_fee"]).reset_index(drop=True)
