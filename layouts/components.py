"""Small presentational pieces shared by pages."""
from __future__ import annotations

from dash import dcc, html


def empty_store_notice() -> html.Div:
    return html.Div([
        html.H1("No data yet"),
        html.P("The dashboard reads a store built from your downloads. To build it, put the files "
               "in one folder and run:"),
        html.Pre(html.Code("mps ingest path/to/folder --store data/store")),
        html.P(["Or run ", html.Code("make run"), ", which ingests the embedded Lewisham sample."]),
    ], className="notice")


def data_table(frame, caption: str, *, id=None) -> html.Table:
    """A plain semantic HTML table: the accessible twin of a chart."""
    head = html.Thead(html.Tr([html.Th(str(c), scope="col") for c in frame.columns]))
    body = html.Tbody([html.Tr([html.Td("" if v is None else str(v)) for v in row])
                       for row in frame.itertuples(index=False)])
    kwargs = {"id": id} if id else {}
    return html.Table([html.Caption(caption), head, body], className="data-table", **kwargs)
