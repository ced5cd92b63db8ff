"""About the data, for a person: every source file in the store by the name of its kind, its
edition and when it was loaded in words, what the ingest noticed, and how to refresh the store.
The files' SHA-256 fingerprints are folded away for whoever needs to check a file."""
import dash
import pandas as pd
from dash import html

from domain.labels import FILE_KIND_LABELS, code_label, fmt_date
from metrics.summary.overview import sources
from .. import context
from ..components import data_table, empty_store_notice


def source_files(store) -> pd.DataFrame:
    """The manifest's files as a reader reads them: kind by name, dates in words, no hashes."""
    s = sources(store)
    if s.empty:
        return pd.DataFrame(columns=["file", "kind of file", "edition or date", "rows read", "rows kept", "notes",
                                     "loaded"])
    return pd.DataFrame({
        "file": s["file"], "kind of file": s["kind"].map(lambda k: code_label("kind", k)),
        "edition or date": s["version or date"].map(fmt_date), "rows read": s["rows read"],
        "rows kept": s["rows kept"], "notes": s["warnings"], "loaded": s["ingested"].map(fmt_date)})


def _fingerprints(store) -> html.Details:
    """The full SHA-256 of each file, folded: to check a file against the one loaded, not to read."""
    return html.Details([
        html.Summary("File fingerprints (SHA-256), to check a file is the one loaded"),
        html.Ul([html.Li([html.Span(f.path), ": ", html.Code(f.sha256, className="hash")])
                 for f in store.manifest.files], id="file-fingerprints")], className="fingerprints")


def _refresh(code: str | None = None) -> list:
    """How an officer refreshes the store: the README's steps, in the page a reader already has,
    with the authority's own code in the example (no other council's)."""
    kinds = ", ".join(sorted(FILE_KIND_LABELS.values()))
    example = f'area_code = "{code}"' if code else 'area_code = "<your council\'s GSS code>"'
    return [
        html.H2("How to refresh the data", id="how-to-refresh"),
        html.Ol([
            html.Li(["Download the new files from their publishers and put them in one folder. Leave their names "
                     "and layouts as published: the dashboard recognises each by what it holds. It reads: ",
                     kinds, "."]),
            html.Li(["Say which council the files describe: put ", html.Code(example),
                     " (your council's code) in a file named ", html.Code("mps.toml"), " in the folder, or add ",
                     html.Code("--authority CODE"), " to the commands below."]),
            html.Li(["Check them without changing anything: ", html.Code("mps validate FOLDER"), "."]),
            html.Li(["Load them: ", html.Code("mps ingest FOLDER --store data/store"), ". A folder with only "
                     "some files replaces what those files give and keeps the rest; a file that cannot be read "
                     "is named in one line, with its sheet, row and column, and the data shown here stays as "
                     "it was. ", html.Code("--replace"), " drops what the folder does not give."]),
            html.Li("Reload this page: every page, download and the briefing pack follow the new data."),
        ], id="refresh-steps"),
    ]


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
        return html.Div([empty_store_notice(), *_refresh()])
    m = store.manifest
    return html.Div([
        html.H1("About the data"),
        html.P(f"The data was last loaded on {fmt_date(m.ingested_at)}, from {len(m.files)} files."),
        data_table(source_files(store), "Source files in the store", id="sources-table"),
        _fingerprints(store),
        *_warnings(m),
        *_refresh(store.authority.area_code),
        html.H2("Suppression"),
        html.P("Counts below 5 at neighbourhood or practice level are shown as <5, with further "
               "cells suppressed where a total would reveal them."),
    ])


# Registered after `layout` exists: pages are imported by create_app, not from a pages folder.
dash.register_page(__name__, path="/about", name="About the data",
                   title="About the data - Market Position Statement", order=90, layout=layout)
