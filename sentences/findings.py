"""The findings in words: each ranked finding's title, its one sentence (its number, its comparator
and its trend), the meaning of its red/amber/green mark, and the scrutiny question the profile
suggests. The figures, the marks and the ranking are metrics.summary.findings'."""
from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from domain.labels import age_phrase, client_group_label, measure_phrase
from domain.vocabulary import DEFAULT_OCCUPANCY, HIGH_IS_GOOD, LOW_IS_GOOD
from store import Store, per_store_version
from metrics.summary.findings import GROWTH_PRESSURE_PCT, MAX_FINDINGS, Candidate, ranked_findings, worsening

RANKING_RULE = ("Findings are ranked by direction against polarity (red first, then amber, green and "
                "context), within each the adult social care outcomes framework (ASCOF) measures first, "
                "then by the size of the gap from the comparator as a share of the comparator "
                "(for growth with no comparator, the growth itself), largest first, then by the change "
                "since the previous period, worsening first.")

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "context": "Context"}
FINDING_COLUMNS = ["rank", "finding_key", "client_group", "title", "sentence", "rag", "rag_meaning", "value",
                   "unit", "year", "comparator", "comparator_value", "region_value", "england_value",
                   "comparators_value", "previous_value", "previous_period", "gap_pct", "trend", "question",
                   "source"]
NO_EARLIER = "no earlier period in the data"
AGAINST_ENGLAND = {"red": ("worse than England (95% interval)", "worse than England"),
                   "green": ("better than England (95% interval)", "better than England"),
                   "amber": ("no clear difference from England (95% interval)", "no clear difference from England")}
CONTEXT_ONLY = "no good or bad direction: context only"


def _fmt(x: float, unit: str = "") -> str:
    if unit == "%":
        return f"{x:,.1f}%"
    if float(x).is_integer() or abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def _trend_words(value: float, previous: float | None, period: str, polarity: str, unit: str) -> str:
    if previous is None:
        return NO_EARLIER
    change = value - previous
    if abs(change) < 1e-9:
        return f"unchanged since {period}"
    direction = "up" if change > 0 else "down"
    judged = ""
    if polarity in (HIGH_IS_GOOD, LOW_IS_GOOD):
        judged = ", worsening" if worsening(change, polarity) else ", improving"
    return f"{direction} from {_fmt(previous, unit)} in {period}{judged}"


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


def _against_england(store: Store, f: Candidate, unit: str) -> tuple[str, str]:
    """(the mark's meaning, the comparators in words) of an ASCOF measure or an indicator."""
    region = store.authority.region_name or "the region"
    if f.rag in AGAINST_ENGLAND:
        meaning = AGAINST_ENGLAND[f.rag][0]
    elif f.facts["polarity"] in (HIGH_IS_GOOD, LOW_IS_GOOD) and f.kind == "ascof":
        meaning = "no interval or no good or bad direction: context only"
    else:
        meaning = CONTEXT_ONLY
    parts = []
    if f.england_value is not None:
        parts.append(f"England {_fmt(f.england_value, unit)}")
    if f.region_value is not None:
        parts.append(f"{region} {_fmt(f.region_value, unit)}")
    parts.append(f"comparator authorities {_fmt(f.comparators_value, unit)}" if f.comparators_value is not None
                 else "comparator authorities not in the data loaded")
    return meaning, "; ".join(parts)


def _worded(store: Store, f: Candidate) -> dict:
    """title, sentence, rag_meaning, comparator and trend of one finding."""
    x = f.facts
    if f.kind in ("kpi", "ascof"):
        unit = f.unit or ""
        if f.kind == "kpi":
            name = x["name"]
            title = f"{name}{_who(x['sex'], x['age'], name)}"
            amount = _fmt(f.value, "%" if unit == "%" else "")
            trend = _trend_words(f.value, f.previous_value, f.previous_period, x["polarity"], "")
            meaning, parts = _against_england(store, f, "")
        else:
            who = "" if x["disaggregation"] is None else f" ({x['disaggregation']})"
            title = f"{x['name']} (ASCOF {x['code']}){who}"
            amount = _fmt(f.value, unit)
            trend = _trend_words(f.value, f.previous_value, f.previous_period, x["polarity"], unit)
            meaning, parts = _against_england(store, f, unit)
        amount += f" {unit}" if unit and unit != "%" else ""
        judgement = AGAINST_ENGLAND.get(f.rag, ("", "compared with England"))[1]
        sentence = f"{title}: {amount} in {f.year}, {judgement} ({parts}); {trend}."
        return {"title": title, "sentence": sentence, "rag_meaning": meaning, "comparator": "England",
                "trend": trend}
    if f.kind == "gap":
        what = "national target" if x["metric"] == "dementia_diagnosis_rate" else "target"
        sentence = (f"{x['label']}: {_fmt(f.value, f.unit)} in {f.year} against a {what} of "
                    f"{_fmt(f.comparator_value, f.unit)} ({_fmt(x['numerator'])} of {_fmt(x['denominator'])}); "
                    f"{NO_EARLIER}.")
        meaning = "short of the target" if f.rag == "red" else "meets or beats the target"
        return {"title": x["label"], "sentence": sentence, "rag_meaning": meaning, "comparator": what,
                "trend": NO_EARLIER}
    if f.kind == "beds":
        year, base, need, now = x["year"], x["base_year"], f.value, f.comparator_value
        gap = need - now
        at = (f"{x['occupancy']:.1%} occupancy, {pd.Timestamp(x['month']):%B %Y}" if x["month"]
              else f"{DEFAULT_OCCUPANCY:.0%} occupancy")
        sentence = (f"Holding today's ratio of care home beds to people aged 75 and over (at "
                    f"{at}), {need:,.0f} beds would be needed in {year}: "
                    f"{abs(gap):,.0f} {'more' if gap > 0 else 'fewer'} than the {now:,.0f} registered in {base} "
                    f"({gap / now * 100:+.0f}%).")
        return {"title": f"Care home beds needed in {year}", "sentence": sentence,
                "rag_meaning": "short of projected need" if gap > 0 else "enough for projected need",
                "comparator": f"beds registered in {base}",
                "trend": f"people aged 75 and over projected to grow from {x['population_from']:,.0f} "
                         f"to {x['population_to']:,.0f}"}
    if f.kind == "growth":
        who = f"{measure_phrase(x['measure'])} {age_phrase(x['age_band'])}"
        eng, reg, pct = f.england_value, f.region_value, f.value
        a, b, y0, y1 = x["from"], x["to"], x["from_year"], x["to_year"]
        parts = [f"England {eng:+.0f}%" if eng is not None else "England not in the data loaded"]
        if store.authority.region_name:
            parts.append(f"{store.authority.region_name} {reg:+.0f}%" if reg is not None
                         else f"{store.authority.region_name} not in the data loaded")
        if eng is not None:
            meaning = ("a growing pressure: faster than England" if pct > eng
                       else "context: growth no faster than England's")
        else:
            meaning = (f"a growing pressure: {GROWTH_PRESSURE_PCT:.0f}% or more" if f.rag == "amber"
                       else "context: growth to plan for")
        sentence = (f"The number of {who} is projected to grow from {a:,.0f} in {y0} to {b:,.0f} in {y1} "
                    f"({pct:+.0f}%; {', '.join(parts)}).")
        return {"title": f"Growth in {who}", "sentence": sentence, "rag_meaning": meaning,
                "comparator": "England's growth", "trend": f"{a:,.0f} in {y0} to {b:,.0f} in {y1}"}
    raise ValueError(f"no words for a finding of kind {f.kind!r}")


def _questions(store: Store) -> dict[str, str]:
    q = store.table("lookup_scrutiny_questions")
    if q.empty:
        return {}
    return {str(r.finding_key).strip(): str(r.question).strip() for r in q.itertuples()
            if isinstance(r.question, str) and r.question.strip()}


@per_store_version
def findings(store: Store, limit: int = MAX_FINDINGS) -> pd.DataFrame:
    """The ranked findings (at most ``limit``), one row each, in words, with a suggested scrutiny question.

    Units: as each finding states. Method: metrics.summary.findings.ranked_findings (RANKING_RULE);
    a store with fewer candidates gives fewer rows (never invented ones). Reference: the committee
    brief's summary (README, Refreshed MPS outputs)."""
    questions = _questions(store)
    rows = []
    for i, f in enumerate(ranked_findings(store, limit), start=1):
        d = asdict(f)
        for dropped in ("trend_worse", "facts", "kind"):
            d.pop(dropped)
        d.update(_worded(store, f))
        d["rank"] = i
        d["client_group"] = client_group_label(f.client_group) if f.client_group else ""
        d["question"] = (questions.get(f.finding_key) or questions.get("demand_growth" if
                         f.finding_key.startswith("demand_growth_") else "") or questions.get(f"any_{f.rag}", ""))
        rows.append(d)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
