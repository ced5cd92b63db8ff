"""Opportunities page callbacks."""
from dash import Input, Output

from layouts import figures, ids
from metrics import opportunities
from domain.labels import CLIENT_GROUP_LABELS
from .common import chart_outputs, chart_result, query_string, PageCallbacks, source_line, store

page = PageCallbacks("opportunities")


@page.callback(*chart_outputs(ids.OPP_CHART), *chart_outputs(ids.OPP_CONTRACTS_CHART), Output(ids.query("opportunities"), "data"),
          Input(ids.OPP_WINDOW, "value"), Input(ids.OPP_GROUP, "value"))
def update_opportunities(window, client_group):
    s = store()
    months = int(window)
    table = opportunities.opportunities_table(s)
    cols = ["client_group", f"contracts_ending_{months}m", f"annual_value_ending_{months}m", "demand_growth_pct",
            "growth_measure"]
    shown = table.reindex(columns=cols) if len(table) else table
    if len(shown):
        shown = shown.assign(client_group=shown["client_group"].map(CLIENT_GROUP_LABELS).fillna(shown["client_group"]))
        if client_group != "all":
            shown = shown[shown["client_group"] == CLIENT_GROUP_LABELS.get(client_group)]
    fig = figures.bars(shown, "client_group", f"annual_value_ending_{months}m",
                       f"Annual value (£) of contracts ending within {months} months", horizontal=True, y_title="£ a year")
    summary = chart_result(shown, fig, f"Contracts ending within {months} months and demand growth by client group",
                           "Contracts registers; demand growth: POPPI/PANSI, first to second projection year.")
    ending = opportunities.ending_within(s, months)
    if len(ending) and client_group != "all":
        ending = ending[ending["client_group"] == client_group]
    cols = ["reference", "title", "supplier", "client_group", "service", "end_date", "annual_value", "source_file", "source_row"]
    ending = ending.reindex(columns=cols) if len(ending) else ending.reindex(columns=cols)
    if len(ending):
        ending = ending.assign(end_date=ending["end_date"].dt.strftime("%Y-%m-%d"))
    efig = figures.bars(ending.assign(label=ending["title"].astype(str).str.slice(0, 40)), "label", "annual_value",
                        f"Contracts ending within {months} months (annual value, £)", horizontal=True, y_title="£ a year")
    detail = chart_result(ending, efig, f"Contracts ending within {months} months", source_line(ending))
    return (*summary, *detail, query_string(window=window, client_group=client_group))


page.download(ids.OPP_CHART, "opportunities")
page.download(ids.OPP_CONTRACTS_CHART, "contracts-ending")
page.url_sync()
