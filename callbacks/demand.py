"""Demand page callbacks: thin — parse selections, call metrics, build figures."""
import pandas as pd
from dash import Input, Output, html

from layouts import figures, ids
from metrics.places import areas
from metrics.demand import demand
from sentences.demand import rationale_sentences
from domain.labels import CLIENT_GROUP_LABELS
from .common import (chart_outputs, chart_result, query_string, PageCallbacks,
                     source_line, store)

page = PageCallbacks("demand")


@page.callback(*chart_outputs(ids.DEMAND_CHART), *chart_outputs(ids.DEMAND_COMPARE_CHART),
          Output(ids.DEMAND_SENTENCES, "children"), Output(ids.query("demand"), "data"),
          Input(ids.DEMAND_GROUP, "value"), Input(ids.DEMAND_FROM, "value"), Input(ids.DEMAND_TO, "value"))
def update_demand(client_group, from_year, to_year):
    s = store()
    label = CLIENT_GROUP_LABELS.get(client_group, client_group)
    series = demand.group_series(s, client_group)
    fig = figures.lines(series, "year", "value", "measure_label", f"{label}: estimated people, {s.authority.area_name}",
                        "People")
    main = chart_result(series.drop(columns=["measure"]), fig, f"{label}: estimated people by year",
                        source_line(series, "POPPI/PANSI projections"))
    comp = demand.group_comparison(s, client_group, int(from_year))
    cfig = figures.bars(comp, "measure_label", "rate_per_1000", f"{label}: rate per 1,000 in {from_year}",
                        series="area_name", y_title="Per 1,000 of the same age")
    compare = chart_result(comp, cfig, f"{label}: rate per 1,000 population in {from_year}",
                           "Cases from POPPI/PANSI; population from the POPPI/PANSI population tables or ONS projections.")
    if int(from_year) >= int(to_year):
        sentences = [html.Li("Choose a 'to' year after the 'from' year to see the projected change.")]
    else:
        sentences = [html.Li(t) for t in rationale_sentences(s, int(from_year), int(to_year), client_group)]
    return (*main, *compare, sentences or [html.Li("No projections for this selection.")],
            query_string(client_group=client_group, from_year=from_year, to_year=to_year))


@page.callback(*chart_outputs(ids.DEMAND_GROWTH_CHART), Input(ids.DEMAND_FROM, "value"), Input(ids.DEMAND_TO, "value"))
def update_growth(from_year, to_year):
    s = store()
    start, end = demand.growth_years(demand.ons_years(s), from_year, to_year)
    comp = demand.older_growth_comparison(s, start, end) if start else pd.DataFrame(columns=demand.GROWTH_COLUMNS)
    shown = comp[comp["area_role"] != "comparator"]  # the comparators as their median; each in the download
    a = s.authority
    fig = figures.bars(shown, "age_group", "change_pct",
                       f"Older residents: projected change {start}-{end}, {a.area_name} and its comparators",
                       series="area_name", y_title="Change, %", decimals=1)
    wanted = {"region": a.region_name or "the region", "england": "England",
              "comparators_median": "the comparator authorities"}
    absent = [name for role, name in wanted.items() if len(shown) and role not in set(shown["area_role"])]
    note = (" Not in the same projection file, so not shown: " + ", ".join(absent) + ".") if absent else ""
    return chart_result(shown.drop(columns=["area_role"]), fig, f"Projected change in older residents, {start} to {end}",
                        source_line(shown, "ONS subnational population projections, persons." + note))


@page.callback(*chart_outputs(ids.DEMAND_CENSUS_COMPARE_CHART), *chart_outputs(ids.DEMAND_CENSUS_WARDS_CHART),
               Input(ids.DEMAND_CENSUS, "id"))
def update_census(_):
    s = store()
    comp = areas.census_demand_comparison(s)
    year = comp["census_year"].iloc[0] if len(comp) else areas.census_year(s)
    cfig = figures.bars(comp, "measure_label", "share_pct", f"Census {year}: share of residents, "
                        f"{s.authority.area_name} and its comparators", series="area_name", y_title="%", decimals=1)
    shown = comp.drop(columns=["neighbourhood_code"])
    compare = chart_result(shown, cfig, f"Census {year}: unpaid carers, bad health and disability by area",
                           f"Source: Census {year} (ONS), counts as the census tables give them; shares worked out "
                           "here.", "No census rows for the authority, its comparators, region or England: add the "
                           "Nomis census2021-ts037 / ts038 / ts039 tables by local authority")
    wards = areas.census_demand_by_ward(s)
    wards = wards[wards["measure"] != "disabled"]
    wfig = figures.bars(wards, "area_name", "share_pct", f"Census {year}: share of residents by ward",
                        series="measure_label", y_title="%", decimals=1)
    by_ward = chart_result(wards.drop(columns=["area_role"]), wfig, f"Census {year}: unpaid carers and bad health "
                           "by ward", f"Source: Census {year} (ONS) by ward; LSOA tables summed to wards through "
                           "ONS's LSOA (2021) to ward best-fit lookup.", "No census rows by ward: add the Nomis "
                           "census2021 tables by LSOA with ONS's LSOA (2021) to ward lookup, or a census table by ward")
    return (*compare, *by_ward)


page.download(ids.DEMAND_CENSUS_COMPARE_CHART, "demand-census-comparators")
page.download(ids.DEMAND_CENSUS_WARDS_CHART, "demand-census-wards")
page.download(ids.DEMAND_CHART, "demand-projections")
page.download(ids.DEMAND_GROWTH_CHART, "demand-older-growth")
page.download(ids.DEMAND_COMPARE_CHART, "demand-rates")
page.url_sync()
