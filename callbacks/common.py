"""Helpers every page's callbacks share: the chart block's outputs, its CSV download, and keeping
the URL's query string in step with the selections (so any view can be bookmarked)."""
from __future__ import annotations

from contextvars import ContextVar
from functools import wraps
from urllib.parse import urlencode

import pandas as pd
from dash import Dash, Input, Output, State, dcc, no_update

from layouts import context, ids
from layouts.components import data_table


def store():
    return context.store()


class PageCallbacks:
    """The callbacks of one page, declared when its module is imported and bound to each app by
    `bind(app)` through Dash's public `app.callback`, so every app made by `create_app` gets its
    own copy and Dash's global registry is never used.

        page = PageCallbacks("demand")

        @page.callback(Output(...), Input(...))
        def update_demand(...): ...

        page.download(ids.DEMAND_CHART, "demand-projections")   # the chart's CSV button
        page.url_sync()                                        # selections -> address bar
    """

    def __init__(self, name: str):
        self.name = name
        self._server: list[tuple[tuple, dict, object]] = []
        self._clientside: list[tuple[str, tuple, dict]] = []

    def callback(self, *args, **kwargs):
        def declare(fn):
            self._server.append((args, kwargs, fn))
            return fn  # the plain function stays importable and testable
        return declare

    def server_callbacks(self) -> list:
        """The page's server callbacks (their functions), as declared: what `bind` gives each app."""
        return [fn for _args, _kwargs, fn in self._server]

    def clientside(self, script: str, *args, **kwargs) -> None:
        self._clientside.append((script, args, kwargs))

    def download(self, prefix: str, file_stem: str) -> None:
        """The chart's CSV button: the rows are built again on the server, from the store and the
        page's selection (the chart callback's inputs, read as State), by the same callback that
        drew the chart. Nothing the browser sends is written into the file, so a forged request
        can neither fill a download with its own content nor make the server echo megabytes."""
        target = Output(ids.data(prefix), "data")
        chart = next(((args, fn) for args, _kwargs, fn in self._server if target in args), None)
        if chart is None:
            raise ValueError(f"page {self.name!r}: no callback declares {target} before download({prefix!r})")
        args, fn = chart
        outputs = [a for a in args if isinstance(a, Output)]
        selection = [State(a.component_id, a.component_property) if isinstance(a, Input) else a
                     for a in args if isinstance(a, (Input, State))]
        at = outputs.index(target)
        self.callback(Output(ids.download(prefix), "data"), Input(ids.download_button(prefix), "n_clicks"),
                      *selection, prevent_initial_call=True)(
            lambda n_clicks, *values: _download(n_clicks, fn, values, at, len(outputs) > 1, file_stem))

    def url_sync(self) -> None:
        """Write the page's selections into the address bar without reloading the page."""
        self.clientside(_URL_SYNC, Output(ids.query(self.name) + "-sink", "children"),
                        Input(ids.query(self.name), "data"))

    def bind(self, app: Dash) -> None:
        # Every server callback also declares the page address's search (State, the last value):
        # `_in_view` makes the view it names (`?authority=`, `?comparators=`) this call's store and
        # calls the page's function without it, so the page's functions keep their signatures.
        for args, kwargs, fn in self._server:
            app.callback(*args, State(ids.URL, "search"), **kwargs)(_in_view(fn))
        for script, args, kwargs in self._clientside:
            app.clientside_callback(script, *args, **kwargs)


def _in_view(fn):
    """`fn` answering for the view its last argument (the page address's search) names:
    `context.use_search(search)`, then `fn` with the other values."""
    @wraps(fn)
    def call(*values):
        context.use_search(values[-1])
        return fn(*values[:-1])
    return call


def chart_outputs(prefix: str) -> list[Output]:
    return [Output(ids.graph(prefix), "figure"), Output(ids.table(prefix), "children"),
            Output(ids.source(prefix), "children"), Output(ids.data(prefix), "data")]


_KEEP_FRAMES: ContextVar[bool] = ContextVar("keep_frames", default=False)
"""Set while a download re-runs a chart callback: chart_result then hands back the frame itself."""


def chart_result(frame: pd.DataFrame, figure, caption: str, source: str,
                 empty_message: str = "No data for this selection") -> tuple:
    """(figure, table twin, source line, a note of what is shown). The rows themselves stay on the
    server: the CSV download builds them again (see `PageCallbacks.download`). A figure that would
    be bare axes (no rows, or only blanks) is replaced by ``empty_message``, which should name the
    file that would give the data."""
    from layouts import figures
    if figures.draws_nothing(figure):
        figure = figures.empty(empty_message)
    frame = frame.reset_index(drop=True)
    shown = {"name": caption, "rows": len(frame)}
    if _KEEP_FRAMES.get():
        shown["frame"] = frame
    return figure, data_table(frame, caption), source, shown


def _download(n_clicks, chart, selection, at: int, several: bool, file_stem: str):
    if not n_clicks:
        return no_update
    keep = _KEEP_FRAMES.set(True)
    try:
        result = chart(*selection)
    except (KeyError, ValueError, TypeError, IndexError):  # a selection no page control offers
        return no_update
    finally:
        _KEEP_FRAMES.reset(keep)
    shown = result[at] if several else result
    if not isinstance(shown, dict) or "frame" not in shown:
        return no_update
    from exports.csv_export import LINE_END, safe_frame
    from exports.downloads import area_prefix
    return dcc.send_data_frame(safe_frame(shown["frame"]).to_csv, f"{area_prefix(store())}{file_stem}.csv", index=False,
                                 lineterminator=LINE_END)


_URL_SYNC = """function(query) {
            if (query === undefined || query === null) { return window.dash_clientside.no_update; }
            var s = query ? '?' + query : '';
            // ?authority= and ?comparators= are the header pickers', not the page's selection: keep them.
            var here = new URLSearchParams(window.location.search);
            ['authority', 'comparators'].forEach(function(name) {
                var value = here.get(name);
                if (value) { s = (s ? s + '&' : '?') + name + '=' + encodeURIComponent(value); }
            });
            if (window.location.search !== s) {
                window.history.replaceState(null, '', window.location.pathname + s);
            }
            return s;
        }"""


def query_string(**selections) -> str:
    return urlencode({k: v for k, v in selections.items() if v not in (None, "", [])})


def _dated(file: str) -> str:
    """A file name with the version or date its publisher states (from the store's manifest)."""
    from metrics.summary.overview import stated_version
    entry = store().manifest.file(file)
    version = stated_version(entry.meta) if entry else ""
    return f"{file} ({version})" if version else file


def source_line(frame: pd.DataFrame, extra: str = "") -> str:
    """Which files (with their stated version or date) and rows a chart shows."""
    if frame is None or frame.empty or "source_file" not in frame:
        return "Source: " + extra if extra else ""
    files = sorted(frame["source_file"].dropna().astype(str).unique())
    text = "Source: " + "; ".join(_dated(f) for f in files[:4]) + (f" and {len(files) - 4} more" if len(files) > 4 else "")
    if "source_row" in frame and frame["source_row"].notna().any() and len(files) == 1:
        rows = frame["source_row"].dropna().astype(int)
        text += f", rows {rows.min()}-{rows.max()}" if rows.min() != rows.max() else f", row {rows.min()}"
    return text + (f". {extra}" if extra else "")
