"""Findings: the few figures a committee member must read first, ranked by a stated rule.

Each candidate is a figure with its comparator (England, the region, the comparator authorities, a
target or today's supply), its previous value and a red/amber/green mark judged by the measure's
polarity. Candidates come from the ASCOF outcomes (DHSC's CSV, against England by 95% interval and
the declared polarity), the indicators (Fingertips, against England and the region by 95% interval),
the gap measures with a benchmark or target, the care home beds needed to hold today's ratio, and
the fastest-growing demand. The words (title, sentence, the mark's meaning, the trend, the scrutiny
question) are sentences.findings'.

Ranking rule (sentences.findings.RANKING_RULE, printed in the brief): first by direction against
polarity (red, then amber, then green, then context), within each the ASCOF measures first, then by
the size of the gap from the comparator as a percentage of the comparator (largest first), then by
the change since the previous period against polarity (worsening first).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from domain.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD
from metrics.demand.demand import headline, mps_horizon
from metrics.performance import ascof, kpis
from store import Store
from metrics.supply import gaps

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "context": 3}
MIN_FINDINGS, MAX_FINDINGS = 5, 8
GROWTH_PRESSURE_PCT = 20.0  # growth with no comparator counts as a pressure (amber) from here


@dataclass
class Candidate:
    """One finding's figures. `kind` says which facts it carries: "ascof", "kpi", "gap", "beds" or
    "growth"; `facts` holds that kind's own figures and names (what the sentence gives)."""
    finding_key: str
    kind: str
    client_group: str
    rag: str
    value: float
    unit: str
    year: str
    comparator_value: float | None
    region_value: float | None = None
    england_value: float | None = None
    comparators_value: float | None = None
    previous_value: float | None = None
    previous_period: str = ""
    gap_pct: float = 0.0
    trend_worse: bool = False
    source: str = ""
    facts: dict = field(default_factory=dict)


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _gap_pct(value: float, comparator: float | None) -> float:
    if comparator is None or not comparator:
        return 0.0
    return abs(value - comparator) / abs(comparator) * 100


def worsening(change: float, polarity: str) -> bool:
    """Whether a change is for the worse under the measure's polarity (False without one)."""
    return (polarity == HIGH_IS_GOOD and change < 0) or (polarity == LOW_IS_GOOD and change > 0)


def _trend_worse(value: float, previous: float | None, polarity: str) -> bool:
    if previous is None or abs(value - previous) < 1e-9:
        return False
    return worsening(value - previous, polarity)


def _judged(compared, polarity: str) -> str:
    """The mark against England: red worse, green better, amber similar (95% interval); context
    without an interval or a good or bad direction."""
    if polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
        return "context"
    return {"worse": "red", "better": "green", "similar": "amber"}.get(compared, "context")


def declared_indicators(store: Store) -> dict[str, dict]:
    """The declared indicators (data/lookups/indicator_polarity.csv) by id: short name, unit and
    whether it is an adult social care indicator. Only those are findings: a national Fingertips
    file also holds food poisoning and smoking, which are not this market's business."""
    lk = store.table("lookup_indicator_polarity")
    if lk.empty:
        return {}
    out = {}
    for r in lk.itertuples():
        out[str(r.indicator_id)] = {
            "short": r.short_name if isinstance(r.short_name, str) and r.short_name else None,
            "unit": getattr(r, "unit", None) if isinstance(getattr(r, "unit", None), str) else "",
            "care": str(getattr(r, "care_related", "")).strip().lower() == "yes"}
    return out


def _latest_candidate(key: str, kind: str, group: pd.DataFrame, described) -> Candidate | None:
    """The finding of one indicator's or measure's rows (`kpi_table` and `ascof_table` share these
    columns): its latest year judged against England by interval and polarity, beside the region,
    the comparators' mean and the year before. ``described(row)`` gives (unit, facts) of the latest
    row. None when the latest value is blank."""
    group = group.sort_values("year")
    r = group.iloc[-1]
    value = _num(r["value"])
    if value is None:
        return None
    eng, reg, comp = _num(r["england_value"]), _num(r["region_value"]), _num(r["comparators_value"])
    polarity = r["polarity"]
    prev = group.iloc[-2] if len(group) > 1 else None
    previous = _num(prev["value"]) if prev is not None else None
    unit, facts = described(r)
    return Candidate(
        key, kind, "", _judged(r["compared_to_england"], polarity), value, unit, str(r["period"]), eng, reg, eng,
        comp, previous, str(prev["period"]) if prev is not None else "", _gap_pct(value, eng),
        _trend_worse(value, previous, polarity), f"{r['source_file']}, row {int(r['source_row'])}",
        {**facts, "polarity": polarity, "compared": r["compared_to_england"]})


def _kpi_findings(store: Store) -> list[Candidate]:
    table = kpis.kpi_table(store)  # comparators_value: metrics.performance.kpis.comparators_mean
    if table.empty:
        return []
    declared = declared_indicators(store)
    out = []
    for _, group in table.groupby(["indicator_id", "sex", "age"]):
        latest = group.sort_values("year").iloc[-1]
        info = declared.get(str(int(latest["indicator_id"])))
        if not info or not info["care"]:
            continue  # not a declared adult social care indicator
        found = _latest_candidate(
            f"kpi_{int(latest['indicator_id'])}", "kpi", group,
            lambda r, info=info: (info["unit"], {"name": info["short"] or str(r["indicator_name"]),
                                                 "sex": r["sex"], "age": r["age"]}))
        if found is not None:
            out.append(found)
    return out


def _ascof_findings(store: Store) -> list[Candidate]:
    """One finding per ASCOF measure: its latest Total row (or, for a measure published without a
    Total, its first disaggregation), judged against England by 95% interval and declared polarity
    (metrics.performance.ascof.ascof_table); a measure without an interval (a score) or a polarity is context."""
    table = ascof.ascof_table(store)
    if table.empty:
        return []
    out = []
    for code, group in table.groupby("measure_code", sort=False):
        total = group[group["disaggregation"].str.strip().str.lower() == ascof.HEADLINE]
        group = total if len(total) else group[group["disaggregation"] == group["disaggregation"].iloc[0]]

        def described(r, code=code):
            headline_row = str(r["disaggregation"]).strip().lower() == ascof.HEADLINE
            return r["unit"] or "", {"name": r["measure_name"], "code": code,
                                     "disaggregation": None if headline_row else r["disaggregation"]}
        found = _latest_candidate(f"ascof_{code}", "ascof", group, described)
        if found is not None:
            out.append(found)
    return out


def _gap_findings(store: Store) -> list[Candidate]:
    """Gap measures with a benchmark or target (dementia diagnosis, carers' contacts): red when short
    of it under the measure's polarity, else green."""
    g = gaps.all_gaps(store)
    out = []
    for r in g.itertuples() if len(g) else []:
        value, bench = _num(r.value), _num(r.benchmark)
        if value is None or bench is None or r.polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
            continue
        short = (value < bench) if r.polarity == HIGH_IS_GOOD else (value > bench)
        out.append(Candidate(r.metric, "gap", r.client_group, "red" if short else "green", value, r.unit,
                             str(int(r.year)), bench, gap_pct=_gap_pct(value, bench), source=r.source,
                             facts={"label": r.label, "metric": r.metric, "numerator": r.numerator,
                                    "denominator": r.denominator}))
    return out


def _beds_finding(store: Store) -> list[Candidate]:
    beds = gaps.beds_needed(store)
    if beds.empty or not float(beds["beds_now"].iloc[0]) > 0:
        return []  # no care homes loaded: today's ratio says nothing
    year = mps_horizon(store, beds["year"])[1]
    if year is None:
        return []
    row = beds[beds["year"] == year].iloc[0]
    now, need = float(row["beds_now"]), float(row["beds_needed"])
    base = int(beds["year"].min())
    basis = gaps.occupancy_basis(store)
    return [Candidate("beds_needed", "beds", "older_people", "red" if need - now > 0 else "green", need, "beds",
                      str(year), now, gap_pct=_gap_pct(need, now), source="CQC care directory; POPPI",
                      facts={"year": year, "base_year": base, "occupancy": basis.occupancy, "month": basis.month,
                             "population_from": float(beds["population"].iloc[0]),
                             "population_to": float(row["population"])})]


def _area_growth(store: Store, measure: str, age_band: str, y0: int, y1: int, area_code: str) -> float | None:
    h = headline(store, area_code)
    rows = h[(h["measure"] == measure) & (h["age_band"] == age_band)]
    a, b = rows[rows["year"] == y0]["value"], rows[rows["year"] == y1]["value"]
    if a.empty or b.empty or not float(a.iloc[0]):
        return None
    return (float(b.iloc[0]) / float(a.iloc[0]) - 1) * 100


def _area_code_named(store: Store, name: str) -> str | None:
    areas = store.table("lookup_areas")
    if areas.empty or not name:
        return None
    match = areas[areas["area_name"] == name]
    return str(match["area_code"].iloc[0]) if len(match) else None


def _growth_findings(store: Store) -> list[Candidate]:
    """The fastest-growing demand to the target year and, when it differs, the fastest-growing
    demand that England's POPPI/PANSI file also covers, each against England's and the region's
    growth for the same measure. Amber when faster than England (or, with no comparator, at least
    GROWTH_PRESSURE_PCT), otherwise context."""
    h = headline(store)
    if h.empty:
        return []
    years = sorted(int(y) for y in h["year"].unique())
    y1 = mps_horizon(store, years)[1]
    if y1 is None:
        return []
    y0 = years[0]
    region_code = store.authority.region_code or _area_code_named(store, store.authority.region_name or "")
    candidates = []
    for (measure, band), rows in h.groupby(["measure", "age_band"]):
        a, b = rows[rows["year"] == y0]["value"], rows[rows["year"] == y1]["value"]
        if a.empty or b.empty or float(a.iloc[0]) < 100:
            continue  # very small counts grow by rounding
        pct = (float(b.iloc[0]) / float(a.iloc[0]) - 1) * 100
        eng = _area_growth(store, measure, band, y0, y1, "E92000001")
        reg = _area_growth(store, measure, band, y0, y1, region_code) if region_code else None
        candidates.append((pct, measure, band, float(a.iloc[0]), float(b.iloc[0]), rows["client_group"].iloc[0],
                           str(rows["source_file"].iloc[0]), eng, reg))
    if not candidates:
        return []
    chosen = [max(candidates)]
    compared = [c for c in candidates if c[7] is not None]
    if compared and max(compared) is not chosen[0]:
        chosen.append(max(compared))
    out = []
    for pct, measure, band, a, b, group, src, eng, reg in chosen:
        if eng is not None:
            rag = "amber" if pct > eng else "context"
        else:
            rag = "amber" if pct >= GROWTH_PRESSURE_PCT else "context"
        out.append(Candidate(f"demand_growth_{measure}", "growth", group, rag, pct, "%", f"{y0}-{y1}", eng, reg, eng,
                             gap_pct=_gap_pct(pct, eng) if eng else pct, source=src,
                             facts={"measure": measure, "age_band": band, "from": a, "to": b,
                                    "from_year": y0, "to_year": y1}))
    return out


def ranked_findings(store: Store, limit: int = MAX_FINDINGS) -> list[Candidate]:
    """The ranked candidates (at most ``limit``), one per finding key (cached where they are worded:
    sentences.findings.findings).

    Method: the ranking rule (module docstring) over every candidate the store supports; a store with
    fewer candidates gives fewer (never invented ones). Reference: the committee brief's summary
    (README, Refreshed MPS outputs)."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 20:
        raise ValueError(f"limit must be a whole number from 1 to 20, got {limit!r}")
    candidates = (_ascof_findings(store) + _beds_finding(store) + _growth_findings(store) + _gap_findings(store)
                  + _kpi_findings(store))
    # One finding per indicator: the worst-ranked sex/age row already carries the story. Within a
    # mark, the national outcomes framework's measures (ASCOF) come first.
    candidates.sort(key=lambda f: (RAG_ORDER[f.rag], not f.finding_key.startswith("ascof_"), -f.gap_pct,
                                   not f.trend_worse))
    seen, ranked = set(), []
    for f in candidates:
        if f.finding_key in seen:
            continue
        seen.add(f.finding_key)
        ranked.append(f)
    return ranked[:limit]
