"""Findings: the few statements a committee member must read first, ranked by a stated rule.

Each finding is one sentence with its number, its comparator (England, the region, the comparator
authorities, a target or today's supply) and its trend, and a red/amber/green mark judged by the
measure's polarity, with the mark's meaning in words. Candidates come from the ASCOF outcomes
(DHSC's CSV, against England by 95% interval and the declared polarity), the indicators
(Fingertips, against England and the region by 95% interval), the gap measures with a benchmark
or target, the care home beds needed to hold today's ratio, and the fastest-growing demand.

Ranking rule (RANKING_RULE, printed in the brief): first by direction against polarity (red, then
amber, then green, then context), within each the ASCOF measures first, then by the size of the
gap from the comparator as a percentage of the comparator (largest first), then by the change since
the previous period against polarity (worsening first).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from domain.labels import age_phrase, client_group_label, measure_phrase
from domain.vocabulary import DEFAULT_OCCUPANCY, HIGH_IS_GOOD, LOW_IS_GOOD
from metrics.demand.demand import headline, mps_horizon
from metrics.performance import ascof, kpis
from metrics.store import Store, per_store_version
from metrics.supply import gaps

RANKING_RULE = ("Findings are ranked by direction against polarity (red first, then amber, green and "
                "context), within each the adult social care outcomes framework (ASCOF) measures first, "
                "then by the size of the gap from the comparator as a share of the comparator "
                "(for growth with no comparator, the growth itself), largest first, then by the change "
                "since the previous period, worsening first.")

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "context": 3}
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "context": "Context"}
FINDING_COLUMNS = ["rank", "finding_key", "client_group", "title", "sentence", "rag", "rag_meaning", "value",
                   "unit", "year", "comparator", "comparator_value", "region_value", "england_value",
                   "comparators_value", "previous_value", "previous_period", "gap_pct", "trend", "question",
                   "source"]
MIN_FINDINGS, MAX_FINDINGS = 5, 8


@dataclass
class Finding:
    finding_key: str
    client_group: str
    title: str
    sentence: str
    rag: str
    rag_meaning: str
    value: float
    unit: str
    year: str
    comparator: str
    comparator_value: float | None
    region_value: float | None = None
    england_value: float | None = None
    comparators_value: float | None = None
    previous_value: float | None = None
    previous_period: str = ""
    gap_pct: float = 0.0
    trend: str = ""
    trend_worse: bool = False
    source: str = ""


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _fmt(x: float, unit: str = "") -> str:
    if unit == "%":
        return f"{x:,.1f}%"
    if float(x).is_integer() or abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def _gap_pct(value: float, comparator: float | None) -> float:
    if comparator is None or not comparator:
        return 0.0
    return abs(value - comparator) / abs(comparator) * 100


def _worsening(change: float, polarity: str) -> bool:
    return (polarity == HIGH_IS_GOOD and change < 0) or (polarity == LOW_IS_GOOD and change > 0)


def _trend_words(value: float, previous: float | None, period: str, polarity: str, unit: str) -> tuple[str, bool]:
    if previous is None:
        return "no earlier period in the data", False
    change = value - previous
    if abs(change) < 1e-9:
        return f"unchanged since {period}", False
    direction = "up" if change > 0 else "down"
    judged = ""
    if polarity in (HIGH_IS_GOOD, LOW_IS_GOOD):
        judged = ", worsening" if _worsening(change, polarity) else ", improving"
    return f"{direction} from {_fmt(previous, unit)} in {period}{judged}", _worsening(change, polarity)


def _who(sex, age, name: str = "") -> str:
    """Whose value a finding gives, where it is not everyone and the name does not already say:
    " (male)", " (0-9)", " (female, 65+)". A national file holds an indicator for several sexes and
    ages; a figure without them would read as the whole population's. Fingertips' " yrs" is dropped,
    and an age the name carries ("Hip fractures (65+)") is not said twice."""
    parts = [] if str(sex).lower() == "persons" else [str(sex).lower()]
    band = str(age).strip().replace(" yrs", "").replace(" yr", "")
    if band.lower() not in ("all ages", "", "nan", "none") and band not in name:
        parts.append(band)
    return f" ({', '.join(parts)})" if parts else ""


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


def _kpi_findings(store: Store) -> list[Finding]:
    table = kpis.kpi_table(store)
    if table.empty:
        return []
    region = store.authority.region_name or "the region"
    declared = declared_indicators(store)
    out = []
    for _, group in table.groupby(["indicator_id", "sex", "age"]):
        group = group.sort_values("year")
        r = group.iloc[-1]
        info = declared.get(str(int(r["indicator_id"])))
        if not info or not info["care"]:
            continue  # not a declared adult social care indicator
        value = _num(r["value"])
        if value is None:
            continue
        eng, reg = _num(r["england_value"]), _num(r["region_value"])
        polarity = r["polarity"]
        prev = group.iloc[-2] if len(group) > 1 else None
        trend, worse = _trend_words(value, _num(prev["value"]) if prev is not None else None,
                                    str(prev["period"]) if prev is not None else "", polarity, "")
        cmp_ = r["compared_to_england"]
        rag, meaning = {
            "worse": ("red", "worse than England (95% interval)"),
            "better": ("green", "better than England (95% interval)"),
            "similar": ("amber", "no clear difference from England (95% interval)"),
        }.get(cmp_, ("context", "no good or bad direction: context only"))
        if polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
            rag, meaning = "context", "no good or bad direction: context only"
        comp = _num(r["comparators_value"])  # metrics.performance.kpis.comparators_mean
        parts = []
        if eng is not None:
            parts.append(f"England {_fmt(eng)}")
        if reg is not None:
            parts.append(f"{region} {_fmt(reg)}")
        parts.append(f"comparator authorities {_fmt(comp)}" if comp is not None
                     else "comparator authorities not in the data loaded")
        title = info["short"] or str(r["indicator_name"])
        who = _who(r["sex"], r["age"], title)
        unit = info["unit"]
        judgement = {"red": "worse than England", "green": "better than England",
                     "amber": "no clear difference from England"}.get(rag, "compared with England")
        amount = f"{_fmt(value, '%' if unit == '%' else '')}" + (f" {unit}" if unit and unit != "%" else "")
        sentence = (f"{title}{who}: {amount} in {r['period']}, {judgement} "
                    f"({'; '.join(parts)}); {trend}.")
        out.append(Finding(f"kpi_{int(r['indicator_id'])}", "", f"{title}{who}", sentence, rag,
                           meaning, value, unit, str(r["period"]), "England", eng, reg, eng, comp,
                           _num(prev["value"]) if prev is not None else None,
                           str(prev["period"]) if prev is not None else "", _gap_pct(value, eng), trend, worse,
                           f"{r['source_file']}, row {int(r['source_row'])}"))
    return out


def _ascof_findings(store: Store) -> list[Finding]:
    """One finding per ASCOF measure: its latest Total row (or, for a measure published without a
    Total, its first disaggregation), judged against England by 95% interval and declared polarity
    (metrics.performance.ascof.ascof_table); a measure without an interval (a score) or a polarity is context."""
    table = ascof.ascof_table(store)
    if table.empty:
        return []
    region = store.authority.region_name or "the region"
    out = []
    for code, group in table.groupby("measure_code", sort=False):
        total = group[group["disaggregation"].str.strip().str.lower() == ascof.HEADLINE]
        group = total if len(total) else group[group["disaggregation"] == group["disaggregation"].iloc[0]]
        group = group.sort_values("year")
        r = group.iloc[-1]
        value = _num(r["value"])
        if value is None:
            continue
        eng, reg, comp = _num(r["england_value"]), _num(r["region_value"]), _num(r["comparators_value"])
        polarity, unit = r["polarity"], r["unit"] or ""
        prev = group.iloc[-2] if len(group) > 1 else None
        trend, worse = _trend_words(value, _num(prev["value"]) if prev is not None else None,
                                    str(prev["period"]) if prev is not None else "", polarity, unit)
        rag, meaning = {
            "worse": ("red", "worse than England (95% interval)"),
            "better": ("green", "better than England (95% interval)"),
            "similar": ("amber", "no clear difference from England (95% interval)"),
        }.get(r["compared_to_england"], ("context", "no interval or no good or bad direction: context only"))
        if polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
            rag, meaning = "context", "no good or bad direction: context only"
        parts = []
        if eng is not None:
            parts.append(f"England {_fmt(eng, unit)}")
        if reg is not None:
            parts.append(f"{region} {_fmt(reg, unit)}")
        parts.append(f"comparator authorities {_fmt(comp, unit)}" if comp is not None
                     else "comparator authorities not in the data loaded")
        judgement = {"red": "worse than England", "green": "better than England",
                     "amber": "no clear difference from England"}.get(rag, "compared with England")
        who = "" if str(r["disaggregation"]).strip().lower() == ascof.HEADLINE else f" ({r['disaggregation']})"
        title = f"{r['measure_name']} (ASCOF {code}){who}"
        amount = _fmt(value, unit) + (f" {unit}" if unit and unit != "%" else "")
        sentence = f"{title}: {amount} in {r['period']}, {judgement} ({'; '.join(parts)}); {trend}."
        out.append(Finding(f"ascof_{code}", "", title, sentence, rag, meaning, value, unit, str(r["period"]),
                           "England", eng, reg, eng, comp, _num(prev["value"]) if prev is not None else None,
                           str(prev["period"]) if prev is not None else "", _gap_pct(value, eng), trend, worse,
                           f"{r['source_file']}, row {int(r['source_row'])}"))
    return out


def _gap_findings(store: Store) -> list[Finding]:
    """Gap measures with a benchmark or target (dementia diagnosis, carers' contacts)."""
    g = gaps.all_gaps(store)
    out = []
    for r in g.itertuples() if len(g) else []:
        value, bench = _num(r.value), _num(r.benchmark)
        if value is None or bench is None or r.polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
            continue
        short = (value < bench) if r.polarity == HIGH_IS_GOOD else (value > bench)
        rag = "red" if short else "green"
        meaning = "short of the target" if short else "meets or beats the target"
        what = "national target" if r.metric == "dementia_diagnosis_rate" else "target"
        sentence = (f"{r.label}: {_fmt(value, r.unit)} in {int(r.year)} against a {what} of "
                    f"{_fmt(bench, r.unit)} ({_fmt(r.numerator)} of {_fmt(r.denominator)}); "
                    f"no earlier period in the data.")
        out.append(Finding(r.metric, r.client_group, r.label, sentence, rag, meaning, value, r.unit,
                           str(int(r.year)), f"{what}", bench, gap_pct=_gap_pct(value, bench),
                           trend="no earlier period in the data", source=r.source))
    return out


def _beds_finding(store: Store) -> list[Finding]:
    beds = gaps.beds_needed(store)
    if beds.empty or not float(beds["beds_now"].iloc[0]) > 0:
        return []  # no care homes loaded: today's ratio says nothing
    year = mps_horizon(store, beds["year"])[1]
    if year is None:
        return []
    row = beds[beds["year"] == year].iloc[0]
    now, need = float(row["beds_now"]), float(row["beds_needed"])
    base = int(beds["year"].min())
    gap = need - now
    rag = "red" if gap > 0 else "green"
    meaning = "short of projected need" if gap > 0 else "enough for projected need"
    basis = gaps.occupancy_basis(store)
    at = (f"{basis.occupancy:.1%} occupancy, {pd.Timestamp(basis.month):%B %Y}" if basis.month
          else f"{DEFAULT_OCCUPANCY:.0%} occupancy")
    sentence = (f"Holding today's ratio of care home beds to people aged 75 and over (at "
                f"{at}), {need:,.0f} beds would be needed in {year}: "
                f"{abs(gap):,.0f} {'more' if gap > 0 else 'fewer'} than the {now:,.0f} registered in {base} "
                f"({gap / now * 100:+.0f}%).")
    return [Finding("beds_needed", "older_people", f"Care home beds needed in {year}", sentence, rag, meaning,
                    need, "beds", str(year), f"beds registered in {base}", now, gap_pct=_gap_pct(need, now),
                    trend=f"people aged 75 and over projected to grow from {float(beds['population'].iloc[0]):,.0f} "
                    f"to {float(row['population']):,.0f}", source="CQC care directory; POPPI")]


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


GROWTH_PRESSURE_PCT = 20.0  # growth with no comparator counts as a pressure (amber) from here


def _growth_findings(store: Store) -> list[Finding]:
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
        who = f"{measure_phrase(measure)} {age_phrase(band)}"
        parts = [f"England {eng:+.0f}%" if eng is not None else "England not in the data loaded"]
        if store.authority.region_name:
            parts.append(f"{store.authority.region_name} {reg:+.0f}%" if reg is not None
                         else f"{store.authority.region_name} not in the data loaded")
        if eng is not None:
            rag = "amber" if pct > eng else "context"
            meaning = ("a growing pressure: faster than England" if pct > eng
                       else "context: growth no faster than England's")
        else:
            rag = "amber" if pct >= GROWTH_PRESSURE_PCT else "context"
            meaning = (f"a growing pressure: {GROWTH_PRESSURE_PCT:.0f}% or more" if rag == "amber"
                       else "context: growth to plan for")
        sentence = (f"The number of {who} is projected to grow from {a:,.0f} in {y0} to {b:,.0f} in {y1} "
                    f"({pct:+.0f}%; {', '.join(parts)}).")
        out.append(Finding(f"demand_growth_{measure}", group, f"Growth in {who}", sentence, rag, meaning, pct, "%",
                           f"{y0}-{y1}", "England's growth", eng, reg, eng,
                           gap_pct=_gap_pct(pct, eng) if eng else pct,
                           trend=f"{a:,.0f} in {y0} to {b:,.0f} in {y1}", source=src))
    return out


def _questions(store: Store) -> dict[str, str]:
    q = store.table("lookup_scrutiny_questions")
    if q.empty:
        return {}
    return {str(r.finding_key).strip(): str(r.question).strip() for r in q.itertuples()
            if isinstance(r.question, str) and r.question.strip()}


@per_store_version
def findings(store: Store, limit: int = MAX_FINDINGS) -> pd.DataFrame:
    """The ranked findings (at most ``limit``), one row each, with a suggested scrutiny question.

    Units: as each finding states. Method: RANKING_RULE over every candidate the store supports;
    a store with fewer candidates gives fewer rows (never invented ones). Reference: the committee
    brief's summary (README, Refreshed MPS outputs)."""
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
    ranked = ranked[:limit]
    questions = _questions(store)
    rows = []
    for i, f in enumerate(ranked, start=1):
        d = asdict(f)
        d.pop("trend_worse")
        d["rank"] = i
        d["client_group"] = client_group_label(f.client_group) if f.client_group else ""
        d["question"] = (questions.get(f.finding_key) or questions.get("demand_growth" if
                         f.finding_key.startswith("demand_growth_") else "") or questions.get(f"any_{f.rag}", ""))
        rows.append(d)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
