"""Resources page callbacks."""
from dash import Input, Output

from layouts import figures, ids
from .common import chart_outputs, chart_result, query_string, PageCallbacks, source_line, store

page = PageCallbacks("resources")


@page.callback(*chart_outputs(ids.RES_CHART), Output(ids.query("resources"), "data"), Input(ids.RES_ORG, "value"))
def update_resources(organisation):
    fin = store().table("finance")
    f = fin[fin["organisation"] == organisation] if len(fin) else fin
    shown = f.reindex(columns=["organisation", "item", "period", "value_gbp", "note", "source_file", "source_row"])
    shown = shown.assign(value_millions=(shown["value_gbp"] / 1e6).round(3))
    fig = figures.bars(shown, "period", "value_millions", f"{organisation}: budgets and savings (£ million)",
                       series="item", y_title="£ million")
    return (*chart_result(shown, fig, f"{organisation}: budgets and savings", source_line(shown)),
            query_string(organisation=organisation))


page.download(ids.RES_CHART, "finance")
page.url_sync()
