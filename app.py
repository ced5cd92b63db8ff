"""The Dash server: `create_app(store)` builds the multi-page dashboard on a Parquet store.

`python app.py` serves the embedded sample's store (data/store) on 127.0.0.1:$PORT (default 8050).
"""
from __future__ import annotations

import os
from pathlib import Path

from dash import Dash

from layouts import shell
from metrics.store import Store

HERE = Path(__file__).resolve().parent
DEFAULT_STORE = HERE / "data" / "store"

INDEX = """<!DOCTYPE html>
<html lang="en-GB">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


_GLOBAL_CALLBACKS: tuple | None = None


def _offer_page_callbacks() -> None:
    """Make the pages' `dash.callback`s available to the app about to start.

    Dash hands its global callback registry to the first app that starts and then empties it, so
    a second app in the same process (tests, benchmarks) would have none. Keep a copy from the
    first import and put it back for every app.
    """
    global _GLOBAL_CALLBACKS
    from dash import _callback

    import callbacks  # noqa: F401  (registers the callbacks on first import)

    if _GLOBAL_CALLBACKS is None:
        _GLOBAL_CALLBACKS = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST),
                             list(_callback.GLOBAL_INLINE_SCRIPTS))
    else:
        _callback.GLOBAL_CALLBACK_MAP.update(_GLOBAL_CALLBACKS[0])
        _callback.GLOBAL_CALLBACK_LIST[:] = list(_GLOBAL_CALLBACKS[1])
        _callback.GLOBAL_INLINE_SCRIPTS[:] = list(_GLOBAL_CALLBACKS[2])


def create_app(store: str | Path = DEFAULT_STORE) -> Dash:
    from layouts import context

    context.set_store(Store(store))
    app = Dash(__name__, use_pages=True, pages_folder="", assets_folder=str(HERE / "assets"),
               title="Market Position Statement", suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.index_string = INDEX
    # Page modules register themselves when imported; import after the app exists.
    from layouts import pages  # noqa: F401
    _offer_page_callbacks()

    app.layout = shell.layout
    from exports import downloads
    downloads.register(app.server, context.store)

    @app.server.route("/branding/logo")
    def branding_logo():  # the authority's logo, copied into the store by `mps ingest`
        import flask
        s = context.store()
        name = s.manifest.branding.get("logo")
        if not name or not (s.path / name).is_file():
            flask.abort(404)
        return flask.send_file(s.path / name)
    return app


if __name__ == "__main__":
    create_app(os.environ.get("MPS_STORE", DEFAULT_STORE)).run(
        host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
