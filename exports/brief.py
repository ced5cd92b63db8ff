"""`mps brief`: the committee briefing pack, in MPS order, as A4 PDF or a self-contained HTML page.

Made from the store alone (no server, no network): the same metric tables the dashboard and the
exports use, charts drawn as static images with matplotlib, the PDF laid out with reportlab
(page numbers, repeated table headers).
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from metrics.performance import ascof, kpis
from metrics.demand import demand
from metrics.supply import gaps, opportunities, supply
from metrics.coverage import directory_missing_sentence, editions_sentence
from metrics.summary.findings import MIN_FINDINGS, declared_indicators
from domain.labels import CLIENT_GROUP_LABELS, column_label, fmt_cell, fmt_date, measure_label
from domain.vocabulary import DEFAULT_OCCUPANCY
from sentences.findings import RANKING_RULE, RAG_WORDS, findings
from sentences.overview import key_facts
from metrics.store import Store
from metrics.tables import mps_tables

from .staging import staged_file

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]


@dataclass
class Chart:
    png: bytes
    alt: str


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list = field(default_factory=list)  # Chart or (caption, DataFrame)


def _bar_chart(labels, values, title, xlabel, *, colour=OKABE_ITO[0], height=3.2) -> Chart:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, height), dpi=150)
    bars = ax.barh(list(labels)[::-1], list(values)[::-1], color=colour)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in list(values)[::-1]], padding=3, fontsize=8)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_xlabel(xlabel)
    top = max([float(v) for v in values] + [0])
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)  # room for the value labels inside the plot
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = f"{title}: " + "; ".join(f"{label} {v:,.0f}" for label, v in zip(labels, values))
    return Chart(buf.getvalue(), alt)


def _grouped_chart(frame: pd.DataFrame, x: str, series: str, y: str, title: str, ylabel: str) -> Chart:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pivot = frame.pivot_table(index=x, columns=series, values=y, aggfunc="sum").fillna(0)
    fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=150)
    width = 0.8 / max(1, len(pivot.columns))
    hatches = ["", "//", "xx", ".."]
    for i, col in enumerate(pivot.columns):
        ax.bar([j + i * width for j in range(len(pivot))], pivot[col], width, label=str(col),
               color=OKABE_ITO[i % 6], hatch=hatches[i % 4], edgecolor="#0b0c0c", linewidth=0.4)
    ax.set_xticks([j + width * (len(pivot.columns) - 1) / 2 for j in range(len(pivot))])
    ax.set_xticklabels([str(v) for v in pivot.index], fontsize=8, rotation=30, ha="right")
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = f"{title}: " + "; ".join(f"{idx} {col} {v:,.0f}" for idx, row in pivot.iterrows() for col, v in row.items())
    return Chart(buf.getvalue(), alt)


NO_ROWS = "the store holds no data for this table yet."


# --- The two-page summary: ranked findings ----------------------------------------------------

RAG_FILL = {"red": "#D4351C", "amber": "#FFBF47", "green": "#00703C", "context": "#505A5F"}
RAG_INK = {"red": "#FFFFFF", "amber": "#0B0C0C", "green": "#FFFFFF", "context": "#FFFFFF"}
RAG_KEY = [("red", "worse than the comparator, short of a target or of projected need"),
           ("amber", "no clear difference from the comparator, or a growing pressure to plan for"),
           ("green", "better than the comparator or meets the target"),
           ("context", "no good or bad direction: read for context")]


@dataclass
class Summary:
    findings: pd.DataFrame
    charts: list[Chart]
    intro: str


def _finding_bars(row, area: str) -> list[tuple[str, float]]:
    """The bars of a finding's small chart: the authority's value beside each comparator it has."""
    if row["finding_key"] == "beds_needed":
        return [(f"Registered ({row['comparator'].rsplit(' ', 1)[-1]})", row["comparator_value"]),
                (f"Needed ({row['year']})", row["value"])]
    bars = [(area, row["value"])]
    for label, col in [("Region", "region_value"), ("England", "england_value"),
                       ("Comparators", "comparators_value")]:
        v = row[col]
        if v is not None and not pd.isna(v):
            bars.append((label, v))
    cmp_value = row["comparator_value"]
    if row["comparator"] not in ("England", "England's growth") and cmp_value is not None and not pd.isna(cmp_value):
        bars.append((str(row["comparator"]).capitalize(), cmp_value))
    return bars


def _finding_chart(row, area: str, region: str) -> Chart:
    """One small horizontal bar chart: the authority (dark blue) against its comparators (grey),
    every bar labelled with its value, the axis from zero with room for the labels."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = [(region if label == "Region" else label, float(v)) for label, v in _finding_bars(row, area)]
    unit = row["unit"]
    fmt = (lambda v: f"{v:+.0f}%") if row["finding_key"].startswith("demand_growth") else (
        (lambda v: f"{v:.1f}%") if unit == "%" else (lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"))
    fig, ax = plt.subplots(figsize=(2.6, 0.32 * len(bars) + 0.35), dpi=200)
    labels = [b[0] for b in bars][::-1]
    values = [b[1] for b in bars][::-1]
    colours = ["#0072B2" if i == len(bars) - 1 else "#8A8F94" for i in range(len(bars))]
    drawn = ax.barh(labels, values, color=colours, height=0.65)
    ax.bar_label(drawn, labels=[fmt(v) for v in values], padding=2, fontsize=6.5, color="#0B0C0C")
    lo, hi = min(values + [0]), max(values + [0])
    ax.set_xlim(lo * 1.35 if lo < 0 else 0, hi * 1.35 if hi > 0 else 1)
    ax.tick_params(labelsize=6.5, length=0)
    ax.set_xticks([])
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    fig.tight_layout(pad=0.2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = f"{row['title']}: " + "; ".join(f"{label} {fmt(v)}" for label, v in bars)
    return Chart(buf.getvalue(), alt)


def build_summary(store: Store) -> Summary:
    """The ranked findings the brief opens with, each with its small chart."""
    f = findings(store)
    area, region = _area(store), store.authority.region_name or "Region"
    charts = [_finding_chart(row, area if area != "The authority" else "Authority", region)
              for _, row in f.iterrows()]
    fewer = (f" Only {len(f)} can be judged from the files loaded: the CQC care directory, the Fingertips "
             "indicators and the council's activity file give more." if 0 < len(f) < MIN_FINDINGS else "")
    intro = (f"The {len(f)} findings that matter most, from the data held on {fmt_date(store.version[:10])}.{fewer} "
             f"{RANKING_RULE}") if len(f) else (
        "The store holds too little data for ranked findings yet: load the POPPI/PANSI estimates, "
        "the CQC care directory and the Fingertips indicators to see them.")
    return Summary(f, charts, intro)




def build_sections(store: Store) -> list[Section]:
    """The brief's sections in MPS order, each built by its own function from the export tables."""
    tables = mps_tables(store)
    as_at = opportunities.reference_date(store)
    sections = [_key_facts(store, as_at), _demand(store), _supply(store, tables), _gaps(store),
                _neighbourhoods(store, tables), _where_people_live(store, tables), _market_health(store, tables),
                _opportunities(store, as_at), _ascof(store), _indicators(store), _resources(tables), _sources(tables)]
    return [s for s in sections if s is not None]


def _key_facts(store: Store, as_at) -> Section:
    facts = pd.DataFrame([{"fact": f.label, "figure": f.display, "as at": f.as_at, "source": f.source}
                          for f in key_facts(store)])
    return Section("Key facts", [f"{_area(store)}: the market position statement refreshed from the data "
                                 f"held on {store.version[:10]}; data as at {as_at:%d %B %Y}."],
                   [("Figures at a glance", facts)])


def _demand(store: Store) -> Section:
    h = demand.headline(store)
    years = sorted(h["year"].unique()) if len(h) else []
    demand_sec = Section("Demand by client group", demand.rationale_sentences(store))
    y0, y1 = demand.mps_horizon(store, years)  # the MPS horizon, as on the pages and in the exports
    if y1 is not None:
        ch = demand.change_between(h, int(y0), int(y1))
        ch = ch.assign(group=ch["client_group"].map(CLIENT_GROUP_LABELS), measure=ch["measure"].map(measure_label))
        table = ch[["group", "measure", "age_band", "value_from", "value_to", "change", "change_pct"]].rename(
            columns={"value_from": str(y0), "value_to": str(y1), "change_pct": "change %"})
        demand_sec.blocks.append((f"Estimated people, {y0} and {y1}", table.round(1)))
        growth = ch.sort_values("change_pct", ascending=False).head(10)
        demand_sec.blocks.append(_bar_chart(growth["measure"] + " (" + growth["age_band"] + ")", growth["change_pct"],
                                            f"Projected change {y0}-{y1} (%)", "% change", height=3.6))
    older = demand.older_growth_export(store)
    summary = older[older["area_role"] != "comparator"]
    mine = summary[(summary["area_role"] == "authority") & (summary["age_group"] == "85+")]
    if len(mine):
        r = mine.iloc[0]
        others = summary[(summary["age_group"] == "85+") & (summary["area_role"] != "authority")]
        against = "; ".join(f"{o.area_name} {o.change_pct:+.0f}%" for o in others.itertuples())
        demand_sec.paragraphs.append(
            f"Residents aged 85 and over in {r.area_name} are projected to change by {r.change_pct:+.0f}% from "
            f"{r.from_year} to {r.to_year} (ONS)" + (f", against {against}" if against else "")
            + (f"; these ONS figures run from {r.from_year} to {r.to_year}, not over the MPS horizon of "
               f"{y0} to {y1}." if y1 is not None and (r.from_year, r.to_year) != (y0, y1) else "."))
        demand_sec.blocks.append((f"Older residents, projected change {r.from_year}-{r.to_year} (ONS)",
                                  summary[["area_name", "age_group", "residents_from", "residents_to", "change_pct"]]
                                  .rename(columns={"change_pct": "change %"}).round(1)))
    return demand_sec


def _supply(store: Store, tables) -> Section:
    homes = tables["care_homes"]
    missing = directory_missing_sentence(store)
    if missing:  # no directory for the authority: say so, and print no CQC counts (they are unknown, not 0)
        supply_sec = Section("Supply", [missing], [])
    else:
        supply_sec = Section("Supply", ["Older people's care homes registered with the CQC (active, in the authority)."],
                             [("Care homes for older people", homes)])
    own = supply.ownership_table(store)
    if len(own):
        supply_sec.blocks.append(("Ownership: national groups and small independents", own.round(1)))
    if not missing:
        supply_sec.blocks.append(("Community services registered with the CQC", supply.community_services(store)))
    ld = supply.placements_view(store, "learning_disability")
    if len(ld):
        supply_sec.blocks.append(_grouped_chart(ld, "setting_label", "location", "clients",
                                                f"Learning disability: council-funded people, {ld['period'].iloc[0]}",
                                                "People"))
    return supply_sec


def _gaps(store: Store) -> Section:
    gap_sec = Section("Demand versus supply", [], [])
    labels = gaps.all_gaps(store)
    if len(labels):
        gap_sec.blocks.append(("Gap measures", labels[["label", "numerator", "denominator", "value", "unit",
                                                       "benchmark", "polarity", "year"]].round(1)))
    gap_sec.paragraphs += _beds_today(store)
    beds = gaps.beds_needed(store)
    if len(beds):
        # The MPS horizon's year, as the findings and the Demand vs supply page say it (not the last projection).
        target = demand.mps_horizon(store, beds["year"])[1]
        last = beds[beds["year"] == target].iloc[0]
        gap_sec.paragraphs.append(
            f"Holding today's ratio of care home beds to people aged 75 and over, at {DEFAULT_OCCUPANCY:.0%} "
            f"occupancy, would need "
            f"{last['beds_needed']:,.0f} beds in {int(last['year'])}: {last['gap']:,.0f} more than the "
            f"{last['beds_now']:,.0f} registered today.")
        gap_sec.blocks.append(_bar_chart(beds["year"].astype(str), beds["beds_needed"],
                                         "Older people's care home beds needed to hold today's ratio", "Beds"))
    return gap_sec


def _beds_today(store: Store) -> list[str]:
    """Today's older people's care home beds, as the Demand vs supply page states them: registered,
    occupied at the default occupancy, and the places the council funds (metrics.supply.gaps.beds_position,
    whose council-funded places are metrics.supply.supply.council_funded_care_home_places)."""
    position = gaps.beds_position(store, DEFAULT_OCCUPANCY)
    if position.empty:
        return []
    total = position[position["type"] == "all"].iloc[0]
    said = [f"Today {total.registered_beds:,.0f} beds in {int(total.homes)} older people's care homes are registered "
            f"with the CQC; at {DEFAULT_OCCUPANCY:.0%} occupancy about {total.occupied_beds:,.0f} of them are in use."]
    funded = total.council_funded_in_area
    if funded is not None and funded == funded:
        said.append(f"The council funds {funded:,.0f} people aged 65 and over in care homes in the area and "
                    f"{total.council_funded_out_of_area:,.0f} placed outside it, whatever their support reason.")
    else:
        said.append("No council activity file is loaded, so the care home places the council funds are not known.")
    return said


def _neighbourhoods(store: Store, tables) -> Section:
    hood = tables["neighbourhoods"]
    names = store.table("lookup_neighbourhoods")
    if len(hood) and len(names):
        named = dict(zip(names["neighbourhood_code"], names["neighbourhood_name"]))
        hood = hood.assign(neighbourhood=hood["neighbourhood"].map(lambda c: named.get(c, str(c).capitalize())))
    keep = [c for c in ["neighbourhood", "registered_patients", "dn_cases", "asc_cases", "joint_cases",
                        "older_people", "dementia", "learning_disability"] if c in hood.columns]
    dated = ""
    if "registered_as_at" in hood.columns and hood["registered_as_at"].notna().any():
        dated = f" (GP extract of {fmt_date(str(hood['registered_as_at'].dropna().iloc[0])[:10])})"
    return Section("Neighbourhoods", [
        f"Registered patients{dated} and caseloads by neighbourhood, with demand estimated from the authority's "
        "age-specific rates (estimated people by client group); the Downloads page has every column. "
        "Counts below 5 are shown as <5."], [("Neighbourhoods", hood[keep].round(1) if keep else hood)])


def _market_health(store: Store, tables) -> Section:
    """Market health: segment ratings first, then what changed, quality, concentration, workforce, prices."""
    from metrics.supply.market import change_sentences
    from domain.labels import CHANGE_LABELS, DIRECTION_LABELS, SEGMENT_LABELS

    sec = Section("Market health", ["Where the council wants each market segment to grow, hold or shrink. Each mark "
                                    "comes from a rule stated beside its evidence, the same rules as the "
                                    "dashboard's Market health page."])
    r = tables["segment_ratings"]
    if len(r):
        sec.blocks.append(("Segment ratings", r.assign(
            segment=r["segment"].map(SEGMENT_LABELS), direction=r["direction"].map(DIRECTION_LABELS))[
            ["segment", "direction", "quality_mark", "supply_mark", "demand_mark", "workforce_mark", "price_mark",
             "override_reason"]]))
    sec.paragraphs += change_sentences(store) or [editions_sentence(store)]
    from metrics.supply.market import changes_by_band
    bands = changes_by_band(store)
    if len(bands):
        sec.blocks.append(("Locations and beds opened and closed by service user band (a location counts in "
                           "each of its bands)", bands))
    named = {"market_changes": "Changes between the last two directory editions",
             "quality": "Quality: share rated Good or Outstanding", "concentration": "Ownership concentration",
             "workforce": "Workforce estimates", "prices": "Prices: unit costs against the cost of care",
             "fee_rates": "Fees: average fees paid to providers (MSIF) against the region, England, comparators and "
                          "the cost of care"}
    for key, caption in named.items():
        frame = tables[key]
        if key == "fee_rates" and not len(frame):
            continue  # no MSIF fee report loaded: nothing to set beside the unit costs
        if key == "market_changes" and len(frame):
            frame = frame[["change", "location_name", "segment", "beds_change", "rating_from", "rating_to"]]
        if key == "concentration" and len(frame):
            frame = frame.drop(columns=["total"]).assign(hhi=frame["hhi"].round(0))
        if len(frame) and "segment" in frame:
            frame = frame.assign(segment=frame["segment"].map(SEGMENT_LABELS).fillna(frame["segment"]))
        if len(frame) and "change" in frame:
            frame = frame.assign(change=frame["change"].map(CHANGE_LABELS).fillna(frame["change"]))
        sec.blocks.append((caption, frame.round(1) if len(frame) else frame))
    return sec


def _where_people_live(store: Store, tables) -> Section:
    """Demand against supply by client group and neighbourhood: the largest gaps in words and the
    neighbourhood rows of the `neighbourhood_gaps` export that they come from."""
    from sentences.places import resident_sentence
    from metrics.places.neighbourhood_gaps import PHRASES, top_gaps

    t = tables["neighbourhood_gaps"]
    missing = directory_missing_sentence(store)
    sec = Section("Demand against supply where people live", [
        "Supply per 1,000 of estimated demand in each neighbourhood against the borough rate. Demand: the "
        "authority's POPPI/PANSI age-band rates applied to each neighbourhood's registered patients; supply: "
        + ("social care caseloads only. " + missing if missing else
           "CQC-registered services placed by postcode or by their coordinates in the ward boundaries.")])
    sec.paragraphs += [p for p in [resident_sentence(store)] if p]
    top = top_gaps(t, "neighbourhood", 5) if len(t) else t
    if not len(top):
        sec.paragraphs.append("No neighbourhood is short of the borough rate, or " + NO_ROWS)
        return sec
    sec.paragraphs += [f"{int(r.gap_rank)}. {r.sentence}" for r in top.itertuples()]
    table = top_gaps(t, "neighbourhood", 15)
    table = table.assign(client_group=table["client_group"].map(lambda g: CLIENT_GROUP_LABELS.get(g, g)),
                         service=table["service"].map(PHRASES))
    sec.blocks.append(("The 15 largest shortfalls against the borough rate", table[
        ["area_name", "client_group", "service", "demand", "supply", "per_1000", "benchmark_per_1000",
         "supply_gap"]]))
    return sec


def _opportunities(store: Store, as_at) -> Section:
    ending = opportunities.contract_timeline(store, 12)  # the Opportunities page's list: care contracts only
    opp = Section("Opportunities for providers", [
        f"Care contracts ending within 12 months of {as_at:%d %B %Y}, and where demand is growing."])
    if len(ending):
        opp.blocks.append(("Care contracts ending within 12 months", ending.assign(
            end_date=ending["end_date"].dt.strftime("%Y-%m-%d"),
            client_group=ending["client_group"].map(CLIENT_GROUP_LABELS))[
            ["title", "supplier", "client_group", "end_date", "annual_value"]].round(0)))
    opp.blocks.append(("By client group", opportunities.opportunities_table(store).round(1)))
    return opp


def _ascof(store: Store) -> Section | None:
    a = ascof.latest_ascof(store)
    if not len(a):
        return None
    region = store.authority.region_name or "the region"
    return Section("Adult social care outcomes (ASCOF)", [
        f"DHSC's adult social care outcomes framework: the latest year of each measure, beside {region}, England "
        "and the comparator authorities' mean. Compared with England by 95% interval (Wilson for a proportion, "
        "Byar for a rate) where the numerator and denominator allow one, and the measure's declared direction."],
        [("Latest ASCOF outcomes", a[["measure_code", "measure_name", "disaggregation", "period", "value", "unit",
                                      "lower_ci", "upper_ci", "region_value", "england_value", "comparators_value",
                                      "compared_to_england"]].round(1))])


def _indicators(store: Store) -> Section | None:
    k = kpis.latest_kpis(store)
    if not len(k):
        return None
    # Plain names and units from the declared list (a glossary for the publishers' method labels such as
    # "(Narrow): Old Method"), ages as a reader writes them.
    declared = declared_indicators(store)
    ids = k["indicator_id"].map(lambda i: str(int(i)) if i == i else "")
    k = k.assign(indicator_name=[declared.get(i, {}).get("short") or n for i, n in zip(ids, k["indicator_name"])],
                 unit=[declared.get(i, {}).get("unit", "") for i in ids],
                 age=k["age"].astype(str).str.replace(" yrs", "", regex=False))
    return Section("Indicators", ["Compared with England by 95% confidence interval; the comparator authorities' "
                                  "value is their mean.", f"Comparator authorities: {store.comparators_named()}."],
                   [("Latest indicators", k[["indicator_name", "sex", "age", "period", "value", "unit", "lower_ci",
                                             "upper_ci", "region_value", "england_value", "comparators_value",
                                             "compared_to_england"]].round(1))])


def _resources(tables) -> Section | None:
    fin = tables["finance"]
    return Section("Resources", [], [("Budgets and savings (£)", fin)]) if len(fin) else None


def _sources(tables) -> Section:
    src = tables["sources"]
    return Section("Sources", ["Every figure comes from these files, as loaded into the store."],
                            [("Source files", src[["path", "kind", "rows_read", "rows_kept"]] if len(src) else src)])


def _heading(column) -> str:
    return column_label(str(column))


def render_html(store: Store, sections: list[Section], summary: Summary | None = None) -> str:
    area = html.escape(_area(store))
    parts = [f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{area} market position statement: briefing pack</title>
<style>
@page {{ size: A4; margin: 18mm 15mm; @bottom-center {{ content: "Page " counter(page) " of " counter(pages); }} }}
body {{ font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 190mm; margin: 0 auto; font-size: 11pt; }}
h1 {{ font-size: 20pt; }} h2 {{ font-size: 15pt; border-bottom: 3px solid #005EA5; }}
h2.summary-end {{ break-before: page; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0.5em 0 1em; }}
caption {{ text-align: left; font-weight: bold; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: 2px 4px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }} img {{ max-width: 100%; }}
ol.findings {{ padding-left: 0; list-style: none; }}
ol.findings li {{ display: grid; grid-template-columns: 22mm 1fr 62mm; gap: 3mm; border-bottom: 1px solid #b1b4b6;
  padding: 2mm 0; break-inside: avoid; }}
.mark {{ font-weight: bold; padding: 1mm; text-align: center; align-self: start; }}
.meaning {{ font-size: 9pt; }} .question {{ font-size: 9pt; font-style: italic; }}
ul.key {{ font-size: 9pt; }}
@media screen and (max-width: 600px) {{
  body {{ padding: 0 12px; font-size: 12pt; }}
  ol.findings li {{ grid-template-columns: 1fr; }}
  table {{ display: block; overflow-x: auto; }}
}}
</style></head><body>
<h1>{area}: market position statement — briefing pack</h1>
<p>Prepared {dt.date.today():%d %B %Y} from the store built {html.escape(store.version[:10])}.</p>"""]
    if summary is not None:
        parts.append("<h2>Summary: what matters most</h2>")
        parts.append(f"<p>{html.escape(summary.intro)}</p>")
        parts.append("<ul class='key'>" + "".join(
            f"<li><strong>{RAG_WORDS[k]}</strong>: {html.escape(v)}</li>" for k, v in RAG_KEY) + "</ul>")
        if len(summary.findings):
            parts.append("<ol class='findings'>")
            for (_, row), chart in zip(summary.findings.iterrows(), summary.charts):
                data = base64.b64encode(chart.png).decode()
                question = (f"<p class='question'>Question to ask: {html.escape(row['question'])}</p>"
                            if row["question"] else "")
                parts.append(
                    f"<li><span class='mark' style='background:{RAG_FILL[row['rag']]};color:{RAG_INK[row['rag']]}'>"
                    f"{int(row['rank'])}. {RAG_WORDS[row['rag']]}</span>"
                    f"<div><p><strong>{html.escape(row['title'])}</strong>. {html.escape(row['sentence'])}</p>"
                    f"<p class='meaning'>{RAG_WORDS[row['rag']]}: {html.escape(row['rag_meaning'])}.</p>{question}</div>"
                    f"<img src='data:image/png;base64,{data}' alt='{html.escape(chart.alt)}'></li>")
            parts.append("</ol>")
    for i, s in enumerate(sections):
        cls = " class='summary-end'" if i == 0 and summary is not None else ""
        parts.append(f"<h2{cls}>{html.escape(s.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        for b in s.blocks:
            if isinstance(b, Chart):
                data = base64.b64encode(b.png).decode()
                parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b.alt)}"></figure>')
            else:
                caption, frame = b
                if frame.empty:
                    parts.append(f"<p><strong>{html.escape(caption)}</strong>: {NO_ROWS}</p>")
                    continue
                numeric = [_numeric_column(frame, c) for c in frame.columns]
                num = [" class='num'" if n else "" for n in numeric]
                head = "".join(f"<th scope='col'{k}>{html.escape(_heading(c))}</th>"
                               for c, k in zip(frame.columns, num))
                rows = "".join("<tr>" + "".join(
                    f"<td{k}>{html.escape(fmt_cell(str(c), v))}</td>"
                    for v, c, k in zip(r, frame.columns, num)) + "</tr>" for r in frame.itertuples(index=False))
                parts.append(f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                             f"<tbody>{rows}</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _numeric_column(frame: pd.DataFrame, column) -> bool:
    """Numbers are right-aligned: a column whose values are all numbers (or missing)."""
    col = frame[column]
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


class _BriefDoc:
    """reportlab's SimpleDocTemplate, recording how full each page's frame is when it ends, so a
    test can check that no page but the last is more than half empty."""

    def __new__(cls, *args, **kwargs):
        from reportlab.platypus import SimpleDocTemplate

        class Doc(SimpleDocTemplate):
            def __init__(self, *a, **k):
                super().__init__(*a, **k)
                self.page_fill: list[float] = []
                self.anchors: dict[str, int] = {}

            def afterFlowable(self, flowable):
                anchor = getattr(flowable, "mps_anchor", None)
                if anchor:
                    self.anchors.setdefault(anchor, self.page)

            def handle_pageEnd(self):
                frame = self.frame
                self.page_fill.append(round((frame._y1 + frame._height - frame._y) / frame._height, 3))
                super().handle_pageEnd()
        return Doc(*args, **kwargs)


def render_pdf(store: Store, sections: list[Section], path: Path, summary: Summary | None = None) -> dict:
    """Write the PDF; returns its layout: how full each page is (``page_fill``, 0-1 of the text
    frame's height) and the page each part starts on (``anchors``: "findings" and each section's
    title)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (CondPageBreak, Image, KeepTogether, Paragraph, Spacer, Table,
                                    TableStyle)

    area = _area(store)
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    small_num = small.clone("small_num", alignment=2)
    head = small.clone("head", fontName="Helvetica-Bold", textColor=colors.white)
    head_num = head.clone("head_num", alignment=2)
    body = styles["BodyText"].clone("findings", fontSize=8.5, leading=10.5)
    note = body.clone("note", fontSize=8, leading=9.5)
    section_head = styles["Heading1"].clone("section_head", spaceBefore=14)

    footer = pdf_page_footer(f"{area} market position statement — briefing pack")

    doc = _BriefDoc(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                    bottomMargin=18 * mm, title=f"{area} market position statement: briefing pack",
                    author="mps-dashboard")
    width = A4[0] - 30 * mm
    story = [Paragraph(f"{html.escape(area)}: market position statement — briefing pack", styles["Title"]),
             Paragraph(f"Prepared {dt.date.today():%d %B %Y} from the store built {store.version[:10]}.",
                       styles["BodyText"])]
    if summary is not None:
        story += [Paragraph("Summary: what matters most", styles["Heading1"]),
                  Paragraph(html.escape(summary.intro), body),
                  Paragraph(" ".join(f"<b>{RAG_WORDS[k]}</b>: {html.escape(v)}." for k, v in RAG_KEY), note),
                  Spacer(1, 4)]
        rows = []
        marks = []
        for i, ((_, row), chart) in enumerate(zip(summary.findings.iterrows(), summary.charts)):
            mark_style = body.clone(f"mark{i}", fontName="Helvetica-Bold", alignment=1,
                                    textColor=colors.HexColor(RAG_INK[row["rag"]]))
            text = [Paragraph(f"<b>{html.escape(row['title'])}</b>. {html.escape(row['sentence'])}", body),
                    Paragraph(f"<b>{RAG_WORDS[row['rag']]}</b>: {html.escape(row['rag_meaning'])}.", note)]
            if row["question"]:
                text.append(Paragraph(f"<i>Question to ask:</i> {html.escape(row['question'])}", note))
            img = Image(io.BytesIO(chart.png))
            scale = 60 * mm / img.imageWidth
            img.drawWidth, img.drawHeight = 60 * mm, img.imageHeight * scale
            rows.append([Paragraph(f"{int(row['rank'])}<br/>{RAG_WORDS[row['rag']]}", mark_style), text, img])
            marks.append(("BACKGROUND", (0, i), (0, i), colors.HexColor(RAG_FILL[row["rag"]])))
        if rows:
            t = Table(rows, colWidths=[18 * mm, width - 80 * mm, 62 * mm], hAlign="LEFT")
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                                   *marks]))
            t.mps_anchor = "findings"
            story.append(t)
    for s in sections:
        story.append(CondPageBreak(70 * mm))  # a section starts on a new page only if little room is left
        title = Paragraph(html.escape(s.title), section_head)
        title.mps_anchor = s.title
        story.append(title)
        story += [Paragraph(html.escape(p), styles["BodyText"]) for p in s.paragraphs]
        for b in s.blocks:
            if isinstance(b, Chart):
                img = Image(io.BytesIO(b.png))
                scale = width / img.imageWidth
                img.drawWidth, img.drawHeight = width, img.imageHeight * scale
                story += [Spacer(1, 4), img]
            else:
                caption, frame = b
                if frame.empty:  # reportlab cannot lay out a table with no rows or columns
                    story.append(Paragraph(f"<b>{html.escape(caption)}</b>: {NO_ROWS}", styles["BodyText"]))
                    continue
                story += [Spacer(1, 6), CondPageBreak(30 * mm),
                          KeepTogether([Paragraph(html.escape(caption), styles["Heading3"])]),
                          _pdf_table(frame, width, (head, head_num), (small, small_num))]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return {"page_fill": doc.page_fill, "anchors": doc.anchors}


def _area(store: Store) -> str:
    """The authority's name, or a plain phrase when the store has no profile (no mps.toml)."""
    return store.authority.area_name or "The authority"


PDF_CELL_LIMIT = 400
"""Most characters a table cell of the PDF shows: a row cannot split across pages, so longer text
(a supplier's name pasted with a whole document) is cut, ending with a note of its full length."""


def fit_pdf_cell(text: str) -> str:
    if len(text) <= PDF_CELL_LIMIT:
        return text
    note = f" … [cut at {PDF_CELL_LIMIT} of {len(text):,} characters; the CSV export holds the whole text]"
    return text[:PDF_CELL_LIMIT] + note


PDF_WORD_LIMIT = 30
"""Longest run of characters without a space that the PDF's table columns are sized to hold whole
(a client group, an authority's or a file's name). A longer run (a pasted document, a hostile name)
is not a word: it may break where the column ends rather than widen the table off the page."""

PDF_TABLE_SIZES = (7, 6.5, 6, 5.5, 5)
"""Font sizes (points) a PDF table may use: the largest at which every column holds its longest word."""


def _longest_word(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    return max((stringWidth(w, font, size) for w in text.split() if len(w) <= PDF_WORD_LIMIT), default=0.0)



def pdf_page_footer(label: str):
    """A reportlab page callback drawing `label` at the foot of each A4 page and the page's number
    on the right (the brief and the published statement's PDF share it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(15 * mm, 10 * mm, label)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()
    return footer

def _pdf_table(frame: pd.DataFrame, width: float, heads, smalls):
    """One table for the PDF: labelled header row repeated on each page, cells formatted by column,
    numbers right-aligned. Tables break lines only between words: each column is at least as wide
    as its longest word (measured in the font it is drawn in, header bold), and a table whose words
    cannot all fit the page at 7 pt is set in the largest smaller size at which they do. The width
    left over goes to the columns whose text wraps, by their typical length."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table, TableStyle
    numeric = [_numeric_column(frame, c) for c in frame.columns]
    cells = [[fit_pdf_cell(fmt_cell(str(c), v)) for v, c in zip(r, frame.columns)]
             for r in frame.itertuples(index=False)]
    headers = [_heading(c) for c in frame.columns]
    pad = 12.5  # the cell's padding, 6 pt each side, and a little for rounding

    def least(size: float) -> list[float]:
        """Each column's narrowest width at `size`: its longest word; a number or short code whole."""
        out = []
        for j, h in enumerate(headers):
            words = [_longest_word(h, heads[numeric[j]].fontName, size)]
            words += [_longest_word(row[j], smalls[numeric[j]].fontName, size) for row in cells]
            if numeric[j] or max((len(row[j]) for row in cells), default=0) <= 12:  # never wraps
                words += [stringWidth(row[j], smalls[numeric[j]].fontName, size) for row in cells]
            out.append(max(words) + pad)
        return out

    size = next((s for s in PDF_TABLE_SIZES if sum(least(s)) <= width), PDF_TABLE_SIZES[-1])
    floor = least(size)
    if sum(floor) > width:  # too many columns even at the smallest size: the page's width wins
        floor = [f * width / sum(floor) for f in floor]
    char = 1.45 * mm * size / 7  # 7pt Helvetica: about 1.45 mm a character
    wraps = [not numeric[j] and max((len(row[j]) for row in cells), default=0) > 12 for j in range(len(headers))]
    wish = list(floor)
    for j in (j for j in range(len(headers)) if wraps[j]):
        lengths = sorted(len(row[j]) for row in cells)
        wish[j] = max(floor[j], min(lengths[int(len(lengths) * 0.8)], 40) * char + pad)
    if sum(wish) > width:  # share what is left above the floors by how much more each column wants
        spare, more = max(width - sum(floor), 0.0), [w - f for w, f in zip(wish, floor)]
        wish = [f + spare * m / (sum(more) or 1) for f, m in zip(floor, more)]
    elif any(wraps):  # room to spare: the columns whose text wraps take it, by what they wish for
        spare, wanted = width - sum(wish), sum(w for w, x in zip(wish, wraps) if x)
        wish = [w + spare * w / wanted if x else w for w, x in zip(wish, wraps)]
    if size != PDF_TABLE_SIZES[0]:
        heads = [h.clone(f"{h.name}_{size}", fontSize=size, leading=size * 1.2) for h in heads]
        smalls = [s.clone(f"{s.name}_{size}", fontSize=size, leading=size * 1.2) for s in smalls]
    data = [[Paragraph(html.escape(h), heads[n]) for h, n in zip(headers, numeric)]]
    data += [[Paragraph(html.escape(v), smalls[n]) for v, n in zip(row, numeric)] for row in cells]
    t = Table(data, repeatRows=1, hAlign="LEFT", colWidths=wish)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b0c0c")),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    t.mps_font_size = size
    return t


def write_brief(store: Store, path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in {".pdf", ".html", ".htm"}:
        raise ValueError(f"the briefing pack is written as .pdf or .html, not '{path.suffix or path.name}'")
    path.parent.mkdir(parents=True, exist_ok=True)
    sections = build_sections(store)
    summary = build_summary(store)
    with staged_file(path) as stage:  # never a half-written pack over the previous one
        if path.suffix.lower() == ".pdf":
            render_pdf(store, sections, stage, summary)
        else:
            stage.write_text(render_html(store, sections, summary), encoding="utf-8")
    return path
