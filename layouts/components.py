"""Presentational pieces shared by pages: the chart block (chart, source line, table twin, CSV
download), select controls, and the empty-store notice."""
from __future__ import annotations

import numpy as np
import pandas as pd
from dash import dcc, html

from domain.labels import column_label, fmt_value

from . import ids


def empty_store_notice() -> html.Div:
    return html.Div([
        html.H1("No data yet"),
        html.P("The dashboard reads a store built from your downloads. To build it, put the files "
               "in one folder and run:"),
        html.Pre(html.Code("mps ingest path/to/folder --store data/store")),
        html.P(["Or run ", html.Code("make run"), ", which ingests the embedded sample."]),
    ], className="notice", id="empty-store")


def missing_notice(kinds: list[str], store=None) -> html.Div:
    """What a page lacks, and how to add it. Seen as another authority than the profile's, it says
    why: the council's own files in the store are the profile authority's, not this one's."""
    if store is not None and not store.is_profile_authority:
        name = store.authority.area_name or store.authority.area_code
        own = store.default_authority.area_name or "the authority whose profile it was built from"
        return html.Div([
            html.H2(f"Some data is not available for {name}"),
            html.P(f"This page needs data the store does not hold for {name}: " + ", ".join(kinds) + ". "
                   f"A council's own files (contracts registers, activity, finance and caseload returns, "
                   f"neighbourhoods) and its commissioning intentions are held here for {own} only; the "
                   f"national files give {name}'s other figures. To see {name}'s own, ingest its files "
                   f"with its profile."),
        ], className="notice missing-data council-files-only")
    return html.Div([
        html.H2("Some data is missing"),
        html.P("This page needs data the store does not hold yet: " + ", ".join(kinds)
               + ". Add the files to your downloads folder and run mps ingest again."),
    ], className="notice missing-data")


def no_neighbourhoods_notice(area_code: str | None) -> html.Div:
    """Neighbourhood views without the authority's neighbourhood lookup: say so, and how to add it."""
    folder = f"data/authorities/{area_code or '<code>'}/"
    return html.Div([
        html.H2("No neighbourhood lookup is loaded"),
        html.P(["Neighbourhoods are the authority's own, so they come from its profile, and this store "
                "has none. To add them, put ", html.Code("neighbourhoods.csv"), " and ", html.Code("practices.csv"),
                " (which GP practice belongs to which neighbourhood) in ", html.Code(folder),
                " and run ", html.Code("mps ingest"), " again. docs/profile.md describes both files. "
                "Authority-wide pages work without them."]),
    ], className="notice missing-data", id="no-neighbourhoods")


def data_table(frame: pd.DataFrame, caption: str, *, id=None) -> html.Table:
    """A plain semantic HTML table: the accessible twin of a chart."""
    columns = list(frame.columns)
    # Numbers right-aligned, headers with them: by the column's type (numpy integers are not ints),
    # and any numeric cell in a mixed column.
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in columns]
    head = html.Thead(html.Tr([html.Th(column_label(str(c)), scope="col", className="num" if n else None)
                               for c, n in zip(columns, numeric)]))

    def is_number(v) -> bool:
        return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
    body = html.Tbody([html.Tr([html.Td(fmt_value(str(c), v), className="num" if n or is_number(v) else None)
                                for v, c, n in zip(row, columns, numeric)]) for row in frame.itertuples(index=False)])
    kwargs = {"id": id} if id else {}
    parts = [html.Caption(caption), head, body]
    # Wide tables scroll inside their own keyboard-focusable region, not the whole page.
    table = html.Div(html.Table(parts, className="data-table", **kwargs), className="table-scroll",
                     tabIndex="0", role="region", **{"aria-label": caption})
    if _has_suppressed(frame):
        return html.Div([table, html.P("<5: fewer than 5; hidden to protect privacy, with further "
                                       "cells hidden where a total would reveal them.", className="note")])
    return table


def with_attributes(component, attributes: dict):
    """`component` with its `aria-*`/`data-*` attributes set one by one in the order given. Passed
    to the constructor, two or more come out in an order Dash takes from a set, which differs from
    one process to the next, so the same page would not be the same bytes in every worker (nor as
    `mps ingest` precomputed it)."""
    for name, value in attributes.items():
        setattr(component, name, value)
    return component


def _has_suppressed(frame: pd.DataFrame) -> bool:
    """Whether any cell reads "<5" (a suppressed count). Only cells that can be text are looked
    at, as they are (a number, a flag or a date never reads "<5"): turning every cell of a table
    into text to find out was a third of the table's time."""
    for i, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_object_dtype(dtype):
            if any(isinstance(v, str) and v == "<5" for v in frame.iloc[:, i]):
                return True
        elif pd.api.types.is_string_dtype(dtype):
            if "<5" in frame.iloc[:, i].tolist():  # text or missing; a list is the quickest to look through
                return True
        elif isinstance(dtype, pd.CategoricalDtype) and frame.iloc[:, i].astype(str).eq("<5").any():
            return True
    return False


def chart_block(prefix: str, title: str, intro: str | None = None) -> html.Section:
    """Chart, source line, table twin and CSV download; filled by the page's callback."""
    return html.Section([
        html.H2(title, id=f"{prefix}-heading"),
        html.P(intro, className="intro") if intro else None,
        # The figure carries its own height (figures._base): a responsive graph in a container
        # without one collapses to 0 px and its plot spills over what follows.
        with_attributes(html.Figure([
            # No plotly toolbar: its ten buttons sat in the Tab order before the page's own controls;
            # the keyboard route to the data is the table twin and the CSV button below.
            dcc.Loading(dcc.Graph(id=ids.graph(prefix), className="chart",
                                  config={"displaylogo": False, "displayModeBar": False, "responsive": "auto"}),
                        type="dot"),
            html.Figcaption(id=ids.source(prefix), className="source"),
        ], className="chart-figure"), {"aria-labelledby": f"{prefix}-heading", "aria-describedby": ids.source(prefix)}),
        html.Details([html.Summary("Show the data as a table"), html.Div(id=ids.table(prefix))],
                     className="table-twin"),
        html.Button("Download this data (CSV)", id=ids.download_button(prefix), className="button secondary",
                    n_clicks=0),
        dcc.Download(id=ids.download(prefix)),
        dcc.Store(id=ids.data(prefix)),
    ], className="chart-block", **{"aria-labelledby": f"{prefix}-heading"})


def select(id: str, label: str, options: list[tuple[str, str]], value, *, clearable=False) -> html.Fieldset:
    """A choice as native radio buttons in a fieldset (the GOV.UK pattern for a handful of
    options): keyboard- and screen-reader-friendly without a custom widget."""
    return html.Fieldset([
        html.Legend(label, className="label"),
        dcc.RadioItems(id=id, options=[{"label": text, "value": v} for v, text in options], value=value,
                       className="radios", inputClassName="radio-input", labelClassName="radio-label"),
    ], className="control")


def number_input(id: str, label: str, value, *, min=None, max=None, step=None, hint=None,
                 error_id: str | None = None) -> html.Div:
    """A labelled number box; ``error_id`` names a message beside it (filled by the page's callback)
    that says when an input is out of range or not a number and what is used instead."""
    return html.Div([
        html.Label(label, htmlFor=id, className="label"),
        html.Span(hint, className="hint", id=f"{id}-hint") if hint else None,
        html.P(id=error_id, className="error-message", role="status") if error_id else None,
        dcc.Input(id=id, type="number", value=value, min=min, max=max, step=step, debounce=True,
                  className="input"),  # assets/a11y.js points its aria-describedby at the hint and message
    ], className="control")


def page(title: str, lead: str, *children, query_id: str) -> html.Div:
    return html.Div([html.H1(title), html.P(lead, className="lead"), *children,
                     dcc.Store(id=query_id), html.Div(id=query_id + "-sink", hidden=True)])
