"""Overview: key facts with as-at dates and sources, and the rationale for change."""
import dash
from dash import dcc, html

from domain.labels import client_group_label
from domain.vocabulary import CLIENT_GROUPS
from sentences.coverage import editions_sentence
from sentences.demand import rationale_sentences
from sentences.supply import change_sentences
from sentences.findings import RAG_WORDS, RANKING_RULE, findings
from sentences.overview import key_facts
from .. import context, ids
from ..components import empty_store_notice


# Where a finding's evidence is: the page a committee member follows it to.
FINDING_PAGES = [("beds_needed", "/gaps", "Demand vs supply"), ("demand_growth_", "/demand", "Demand"),
                 ("kpi_", "/performance", "Performance"), ("", "/gaps", "Demand vs supply")]


def _finding_item(f) -> html.Li:
    href, name = next((h, n) for prefix, h, n in FINDING_PAGES if str(f["finding_key"]).startswith(prefix))
    group = next((k for k in CLIENT_GROUPS if f["client_group"] and client_group_label(k) == f["client_group"]), None)
    if href == "/demand" and group:  # the Demand page opens on the finding's client group
        href = f"/demand?client_group={group}"
    return html.Li([
        html.Span(f"{RAG_WORDS.get(f['rag'], f['rag'])}: {f['rag_meaning']}", className=f"mark mark-{f['rag']}"),
        " ", html.Span(f["sentence"], className="finding-sentence"), " ",
        dcc.Link(f"See the evidence on {name}", href=href, className="finding-link"),
    ], className="finding")


def _findings_section(store) -> list:
    ranked = findings(store)
    if ranked.empty:
        return [html.H2("Findings for scrutiny"), html.P("The store holds too little to rank any finding.")]
    return [
        html.H2("Findings for scrutiny"),
        html.P(RANKING_RULE, className="hint"),
        html.Ol([_finding_item(f) for _, f in ranked.iterrows()], id="findings", className="findings"),
        html.P(["Take them to committee: ",
                html.A("the briefing pack (PDF)", href="/download/brief-pdf", id="brief-download"), " or ",
                html.A("as a web page", href="/download/brief-html"), "."]),
    ]


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
        *_findings_section(store),
        html.H2("Key facts"),
        html.Ul(cards, className="facts", id="key-facts"),
        html.H2("Demand: rationale for change"),
        html.Ul([html.Li(s) for s in sentences], id="rationale") if sentences else html.P("No projections in the store."),
        html.H2("What changed since the last refresh"),
        html.Div([html.P(changes[0]), html.Ul([html.Li(s) for s in changes[1:]], className="changes-since"),
                  html.P(["Ratings per market segment and the evidence: ",
                          dcc.Link("Market health", href="/market-health"), "."])]
                 if changes else html.P(editions_sentence(store)), id=ids.OVERVIEW_CHANGES),
        html.P(["Explore by client group on ", dcc.Link("Demand", href="/demand"), ", where supply falls short on ",
                dcc.Link("Demand vs supply", href="/gaps"), ", and contracts ending on ",
                dcc.Link("Opportunities", href="/opportunities"), "."]),
    ])


# Registered after `layout` exists: pages are imported by create_app, not from a pages folder.
dash.register_page(__name__, path="/", name="Overview", title="Overview - Market Position Statement", order=0, layout=layout)
