"""Demand by client group (MPS s3): projections, comparison with London and England, and the
rationale-for-change sentences."""
import dash
from dash import html

from domain.labels import CLIENT_GROUP_LABELS
from metrics.demand import client_groups_present, years_present
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


def layout(client_group=None, from_year=None, to_year=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    groups = client_groups_present(store)
    years = years_present(store)
    if not groups:
        return page("Demand by client group", "", missing_notice(["POPPI/PANSI tables"], store), query_id=ids.query("demand"))
    if client_group not in groups:  # the URL's, else the profile's, else the first the store holds
        preferred = store.manifest.default_client_group
        client_group = preferred if preferred in groups else groups[0]
    from_year = int(from_year) if str(from_year).isdigit() and int(from_year) in years else years[0]
    to_year = int(to_year) if str(to_year).isdigit() and int(to_year) in years else (years[1] if len(years) > 1 else years[0])
    year_options = [(y, str(y)) for y in years]
    return page(
        "Demand by client group",
        "How many people are estimated to need care and support, and how that is projected to change "
        "(POPPI for people aged 65 and over, PANSI for adults aged 18-64).",
        html.Div([
            select(ids.DEMAND_GROUP, "Client group", [(g, CLIENT_GROUP_LABELS.get(g, g)) for g in groups], client_group),
            select(ids.DEMAND_FROM, "From year", year_options, from_year),
            select(ids.DEMAND_TO, "To year", year_options, to_year),
        ], className="controls", role="group", **{"aria-label": "Choose what to show"}),
        html.Section([html.H2("Rationale for change"), html.Ul(id=ids.DEMAND_SENTENCES)],
                     className="sentences", **{"aria-live": "polite"}),
        chart_block(ids.DEMAND_CHART, "Projected numbers"),
        chart_block(ids.DEMAND_COMPARE_CHART, "Rate per 1,000 compared with London and England",
                    "Shown where the store holds the region's and England's tables for the same measure."),
        query_id=ids.query("demand"),
    )


dash.register_page(__name__, path="/demand", name="Demand", title="Demand by client group - Market Position Statement",
                   order=20, layout=layout)
