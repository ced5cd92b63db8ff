"""Downloads: the workbook, a zip of the CSV tables and the briefing pack, made from the current store."""
import dash
from dash import html

from exports.downloads import FILES, file_name, href
from .. import context
from ..components import empty_store_notice

DESCRIPTIONS = {
    "workbook": ("The MPS tables (Excel workbook)", "One sheet per table with a README sheet of sources, "
                 "dates, definitions and the suppression rule."),
    "csv": ("The MPS tables (CSV files, zipped)", "Tidy tables, one value per row, for analysts."),
    "brief-pdf": ("Committee briefing pack (PDF, A4)", "Key facts, demand and supply by client group, gaps, "
                  "neighbourhoods, opportunities, indicators and sources, with page numbers."),
    "brief-html": ("Committee briefing pack (web page)", "The same pack as a single HTML file."),
}


def layout(**_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    items = [html.Li([
        html.A(DESCRIPTIONS[k][0], href=href(store, k), download=file_name(store, k), className="download-link",
               id=f"download-{k}"),
        html.Span(f" — {file_name(store, k)}", className="hint"),
        html.P(DESCRIPTIONS[k][1]),
    ]) for k in FILES]
    return html.Div([
        html.H1("Downloads"),
        html.P("Each file is made from the current store when you ask for it, so it always matches the pages.",
               className="lead"),
        html.Ul(items, className="downloads", id="downloads-list"),
    ])


dash.register_page(__name__, path="/downloads", name="Downloads", title="Downloads - Market Position Statement",
                   order=85, layout=layout)
