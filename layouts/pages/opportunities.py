"""Opportunities for providers: contracts ending soon beside projected demand growth."""
import dash
from dash import html

from domain.labels import CLIENT_GROUP_LABELS
from metrics.opportunities import WINDOWS_MONTHS, reference_date
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


def layout(window="12", client_group="all", **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    window = window if window in {str(m) for m in WINDOWS_MONTHS} else "12"
    groups = [("all", "All client groups")] + list(CLIENT_GROUP_LABELS.items())
    client_group = client_group if client_group in dict(groups) else "all"
    return page(
        "Opportunities for providers",
        f"Contracts ending soon and where demand is growing, as at {reference_date(store):%d %B %Y} "
        "(the date of the latest care directory in the store).",
        missing_notice(["contracts registers"]) if not store.has("contracts") else None,
        html.Div([
            select(ids.OPP_WINDOW, "Contracts ending within", [(str(m), f"{m} months") for m in WINDOWS_MONTHS], window),
            select(ids.OPP_GROUP, "Client group", groups, client_group),
        ], className="controls"),
        chart_block(ids.OPP_CHART, "Annual value of contracts ending, and demand growth, by client group"),
        chart_block(ids.OPP_CONTRACTS_CHART, "Contracts ending"),
        query_id=ids.query("opportunities"),
    )


dash.register_page(__name__, path="/opportunities", name="Opportunities",
                   title="Opportunities for providers - Market Position Statement", order=60, layout=layout)
