"""The Dash server: `create_app(store)` builds the multi-page dashboard on one Parquet store.

Each app owns its store (on its Flask config, read by `layouts.context.store()`) and gets its own
copy of every page's callbacks through Dash's public `app.callback`, so several apps on different
stores can live in one process and each answers from its own.

`python app.py` serves $MPS_STORE (default data/store) on 127.0.0.1:$PORT (default 8050).
"""
from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

import flask
from dash import Dash

from layouts import context, shell
from layouts.pages import page_names
from metrics.store import Store

HERE = Path(__file__).resolve().parent
DEFAULT_STORE = HERE / "data" / "store"

INDEX = """<!DOCTYPE html>
<html lang="en-GB">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def create_app(store: str | Path | Store = DEFAULT_STORE) -> Dash:
    store = store if isinstance(store, Store) else Store(store)
    app = Dash(__name__, use_pages=True, pages_folder="", assets_folder=str(HERE / "assets"),
               title="Market Position Statement", suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.server.config[context.STORE_KEY] = store
    app.index_string = INDEX
    _add_pages(app)
    app.layout = shell.layout

    from exports import downloads
    downloads.register(app.server, context.store)

    @app.server.route("/branding/logo")
    def branding_logo():  # the authority's logo, copied into the store by `mps ingest`
        s = context.store()
        name = s.manifest.branding.get("logo")
        if not name or not (s.path / name).is_file():
            flask.abort(404)
        return flask.send_file(s.path / name)
    return app


def _add_pages(app: Dash) -> None:
    """Import each page (its `dash.register_page` runs once per process, after the first app
    exists, as Dash Pages requires) and bind the page's callbacks, if it has any, to this app."""
    for name in page_names():
        importlib.import_module(f"layouts.pages.{name}")
        if importlib.util.find_spec(f"callbacks.{name}") is not None:
            importlib.import_module(f"callbacks.{name}").page.bind(app)


if __name__ == "__main__":
    create_app(os.environ.get("MPS_STORE", DEFAULT_STORE)).run(
        host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
