"""What the briefing pack says: its sections in MPS order (which figures, tables, charts and sentences
each holds) and the two-page summary of ranked findings, built from the store through the same
metric tables the dashboard and the exports use. Rendering is `html` and `pdf` beside it."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics.performance import ascof, kpis

from metrics.demand import demand

from metrics.supply import gaps, opportunities, supply
from sentences.coverage import directory_missing_sentence, editions_sentence
from sentences.demand import rationale_sentences
from metrics.summary.findings import MIN_FINDINGS, declared_indicators
from sentences.findings import RANKING_RULE, findings
from domain.labels import CLIENT_GROUP_LABELS, column_label, fmt_date, measure_label
from domain.vocabulary import DEFAULT_OCCUPANCY
from sentences.overview import key_facts
from store import Store
from metrics.tables import mps_tables

from .charts import Chart, _bar_chart, _finding_chart, _grouped_chart


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list = field(default_factory=list)  # Chart or (caption, DataFrame)


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
    demand_sec = Section("Demand by client group", rationale_sentences(store))
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
    from sentences.supply import change_sentences
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


# --- What the HTML and the PDF share --------------------------------------------------------------

def _area(store: Store) -> str:
    """The authority's name, or a plain phrase when the store has no profile (no mps.toml)."""
    return store.authority.area_name or "The authority"


def _heading(column) -> str:
    return column_label(str(column))


def _numeric_column(frame: pd.DataFrame, column) -> bool:
    """Numbers are right-aligned: a column whose values are all numbers (or missing)."""
    col = frame[column]
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
