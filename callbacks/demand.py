"""Demand page callbacks: thin — parse selections, call metrics, build figures."""
from dash import Input, Output, html

from layouts import figures, ids
from metrics import demand
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
        sentences = [html.Li(t) for t in demand.rationale_sentences(s, int(from_year), int(to_year), client_group)]
    return (*main, *compare, sentences or [html.Li("No projections for this selection.")],
            query_string(client_group=client_group, from_year=from_year, to_year=to_year))


page.download(ids.DEMAND_CHART, "demand-projections")
page.download(ids.DEMAND_COMPARE_CHART, "demand-rates")
page.url_sync()
