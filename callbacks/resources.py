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
    shown = shown.sort_values(["period", "value_gbp"], ascending=[True, False], kind="stable")
    shown = shown.assign(amount=shown["value_gbp"].map(figures.money),
                         bar=shown["item"] + " (" + shown["period"].astype(str) + ")")
    fig = figures.money_bars(shown, "bar", "value_gbp", f"{organisation}: budgets and savings")
    shown = shown.drop(columns="bar")
    source = source_line(shown, figures.MONEY_ROUNDING)
    return (*chart_result(shown, fig, f"{organisation}: budgets and savings", source),
            query_string(organisation=organisation))


page.download(ids.RES_CHART, "finance")
page.url_sync()
