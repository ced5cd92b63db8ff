"""Downloads: the workbook, a zip of the CSV tables and the briefing pack, made from the current store."""
import dash
from dash import html

from domain.contract import EXPORT_TABLES, sheet_title
from exports.downloads import FILES, file_name, href, published, published_href
from .. import context
from ..components import empty_store_notice

DESCRIPTIONS = {
    "workbook": ("The MPS tables (Excel workbook)", "One sheet per table for reading and printing: human column "
                 "headers, names beside codes (client group, service, area), counts as whole numbers, real dates "
                 "and £ and % formats. The README sheet lists every sheet and column (header, machine name, unit, "
                 "meaning), the sources, the dates and the suppression rule."),
    "csv": ("The MPS tables (CSV files, zipped)", "One CSV per table for analysts: machine column names and full "
            "precision, codes as codes, dates as yyyy-mm-dd text; README.txt lists every file's columns. The "
            "values are the workbook's."),
    "brief-pdf": ("Committee briefing pack (PDF, A4)", "Key facts, demand and supply by client group, gaps, "
                  "neighbourhoods, opportunities, indicators and sources, with page numbers."),
    "brief-html": ("Committee briefing pack (web page)", "The same pack as a single HTML file."),
}


def _tables() -> html.Details:
    """What the workbook's sheets and the zip's CSV files hold: one line per export table."""
    return html.Details([
        html.Summary(f"The {len(EXPORT_TABLES)} tables in the workbook and the CSV files"),
        html.Dl([part for name, t in EXPORT_TABLES.items() for part in (
            html.Dt(f"{sheet_title(name)} (sheet; {name}.csv)"), html.Dd(t.description))], id="downloads-tables"),
    ], className="downloads-tables")


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
    record = published(store)
    if record is not None:  # the MPS `mps publish` wrote from this very store version
        items.insert(0, html.Li([
            html.A(f"Market position statement (website), published {record['published']}",
                   href=published_href(store), className="download-link", id="download-published-site",
                   target="_blank"),
            " and ",
            html.A("the same statement as one PDF", href=published_href(store, record["pdf"]),
                   className="download-link", id="download-published-pdf", download=record["pdf"]),
            html.P("The published statement, written by `mps publish` from the data these pages show."),
        ]))
    return html.Div([
        html.H1("Downloads"),
        html.P("Each file is made from the current store when you ask for it, so it always matches the pages.",
               className="lead"),
        html.Ul(items, className="downloads", id="downloads-list"),
        _tables(),
    ])


dash.register_page(__name__, path="/downloads", name="Downloads", title="Downloads - Market Position Statement",
                   order=85, layout=layout)
