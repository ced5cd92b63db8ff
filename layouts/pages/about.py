"""About the data: every source file in the store, with its kind, rows and hash."""
import dash
from dash import html

from metrics.overview import sources
from .. import context
from ..components import data_table, empty_store_notice



def _warnings(manifest) -> list:
    """What the ingest noticed, file by file: rows missing for the authority, practices the profile
    and the registrations disagree about, extracts without age bands, values suppressed."""
    noted = [(f.path, w) for f in manifest.files for w in f.warnings]
    if not noted:
        return [html.H2("What the ingest noticed"), html.P("Nothing: every file loaded without a note.")]
    return [html.H2("What the ingest noticed"),
            html.P("Notes from the last ingest, by file. None stopped it; each may explain a missing or "
                   "surprising figure."),
            html.Ul([html.Li([html.Strong(path), ": ", text]) for path, text in noted], id="ingest-notes")]


def layout(**query):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    m = store.manifest
    return html.Div([
        html.H1("About the data"),
        html.P(f"Store built {m.ingested_at} from {len(m.files)} files."),
        data_table(sources(store), "Source files in the store", id="sources-table"),
        *_warnings(m),
        html.H2("Suppression"),
        html.P("Counts below 5 at neighbourhood or practice level are shown as <5, with further "
               "cells suppressed where a total would reveal them."),
    ])


# Registered after `layout` exists: pages are imported by create_app, not from a pages folder.
dash.register_page(__name__, path="/about", name="About the data",
                   title="About the data - Market Position Statement", order=90, layout=layout)
