"""Opportunities for providers: care contracts ending, on a timeline sorted by end date, beside
each client group's projected demand growth; what the data means for providers; the authority's
commissioning intentions and contact."""
import dash
from dash import dcc, html

from domain.labels import CLIENT_GROUP_LABELS, client_group_label
from metrics.supply.opportunities import WINDOWS_MONTHS, reference_date
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select

WINDOWS = [(str(m), f"{m} months") for m in WINDOWS_MONTHS] + [("all", "Any time (all running)")]


def _contacts(store) -> html.Section:
    """The authority's commissioning contacts and intentions, from its profile."""
    contacts = store.manifest.contacts or {}
    intentions = store.manifest.intentions or {}
    items = []
    for key, value in contacts.items():
        label = str(key).replace("_", " ").capitalize()
        text = str(value)
        link = html.A(text, href=f"mailto:{text}") if "@" in text and " " not in text else text
        items.append(html.Li([f"{label}: ", link]))
    return html.Section([
        html.H2("Commissioning intentions and contact", id="opp-intentions-heading"),
        html.Ul([html.Li([html.Strong(client_group_label(g) + ": "), str(t)]) for g, t in intentions.items()])
        if intentions else html.P("The authority's profile states no commissioning intentions by client group "
                                  "yet ([intentions] in its profile.toml)."),
        html.Ul(items) if items else html.P("The authority's profile gives no commissioning contact "
                                            "([contacts] in its profile.toml)."),
    ], className="intentions", **{"aria-labelledby": "opp-intentions-heading"})


def layout(window="12", client_group="all", **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    window = window if window in dict(WINDOWS) else "12"
    groups = [("all", "All client groups")] + list(CLIENT_GROUP_LABELS.items())
    client_group = client_group if client_group in dict(groups) else "all"
    return page(
        "Opportunities for providers",
        f"Care contracts ending soon and where demand is growing, as at {reference_date(store):%d %B %Y} "
        "(the date of the latest care directory in the store).",
        missing_notice(["contracts registers"], store) if not store.has("contracts") else None,
        html.Div([
            select(ids.OPP_WINDOW, "Contracts ending within", WINDOWS, window),
            select(ids.OPP_GROUP, "Client group", groups, client_group),
        ], className="controls"),
        html.Section([
            html.H2("What this means for providers", id="opp-meaning-heading"),
            html.Div(id=ids.OPP_MEANING, **{"aria-live": "polite"}),
        ], **{"aria-labelledby": "opp-meaning-heading"}),
        chart_block(ids.OPP_CONTRACTS_CHART, "Care contracts ending, soonest first",
                    "Each care contract's period, sorted by end date, with its annual value, procurement route "
                    "and SME/VCSE flags where the register gives them, beside its client group's projected "
                    "demand growth (in the table)."),
        html.Div([
            html.P(id=ids.OPP_EXCLUDED_NOTE),
            html.Button("Download the contracts left out (CSV)", id=ids.OPP_EXCLUDED_BUTTON,
                        className="button secondary", n_clicks=0),
            dcc.Download(id=ids.OPP_EXCLUDED_DOWNLOAD),
        ], className="excluded"),
        chart_block(ids.OPP_CHART, "Projected demand growth and care contracts ending, by client group",
                    "Every client group, including those the POPPI/PANSI files do not cover (the table says why)."),
        _contacts(store),
        query_id=ids.query("opportunities"),
    )


dash.register_page(__name__, path="/opportunities", name="Opportunities",
                   title="Opportunities for providers - Market Position Statement", order=60, layout=layout)
