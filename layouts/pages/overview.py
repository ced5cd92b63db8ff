"""Overview: key facts with as-at dates and sources, and the rationale for change."""
import dash
from dash import dcc, html

from metrics.demand import rationale_sentences
from metrics.market import change_sentences
from metrics.overview import key_facts
from .. import context, ids
from ..components import empty_store_notice


def layout(**query):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    area = store.authority.area_name or "the authority"
    cards = [html.Li([
        html.Span(fact.display, className="fact-value"),
        html.Span(fact.label, className="fact-label"),
        html.Span(f"{fact.as_at} · source: {fact.source}", className="fact-source"),
    ], className="fact") for fact in key_facts(store)]
    sentences = rationale_sentences(store)
    changes = change_sentences(store)
    return html.Div([
        html.H1(f"{area}: market position statement"),
        html.P("What care the population will need, and what exists today, refreshed from the "
               "spreadsheets commissioners already download.", className="lead"),
        html.H2("Key facts"),
        html.Ul(cards, className="facts", id="key-facts"),
        html.H2("Demand: rationale for change"),
        html.Ul([html.Li(s) for s in sentences], id="rationale") if sentences else html.P("No projections in the store."),
        html.H2("What changed since the last refresh"),
        html.Div([html.P(changes[0]), html.Ul([html.Li(s) for s in changes[1:]], className="changes-since"),
                  html.P(["Ratings per market segment and the evidence: ",
                          dcc.Link("Market health", href="/market-health"), "."])]
                 if changes else html.P("The store holds one CQC directory edition: add an earlier month's file "
                                        "to see what changed."), id=ids.OVERVIEW_CHANGES),
        html.P(["Explore by client group on ", dcc.Link("Demand", href="/demand"), ", where supply falls short on ",
                dcc.Link("Demand vs supply", href="/gaps"), ", and contracts ending on ",
                dcc.Link("Opportunities", href="/opportunities"), "."]),
    ])


# Registered after `layout` exists: pages are imported by create_app, not from a pages folder.
dash.register_page(__name__, path="/", name="Overview", title="Overview - Market Position Statement", order=0, layout=layout)
