"""The Dash server: `create_app(store)` builds the multi-page dashboard on one Parquet store.

Each app owns its store (on its Flask config, read by `layouts.context.store()`) and gets its own
copy of every page's callbacks through Dash's public `app.callback`, so several apps on different
stores can live in one process and each answers from its own.

`python app.py` serves $MPS_STORE (default data/store) on 127.0.0.1:$PORT (default 8050).
"""
from __future__ import annotations

import functools
import gzip
import importlib
import importlib.util
import json
import os
import time
from pathlib import Path

import dash
import flask
from dash import Dash

from layouts import context, shell
from layouts.pages import page_names
from store import Store, arrow_memory_policy, release_arrow_memory
from store.answers import AnswerReader

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
    app.server.teardown_request(context.release_pinned)
    if arrow_memory_policy() == "release":  # Arrow's memory back to the system (MPS_ARROW_POOL)
        app.server.teardown_request(release_arrow_memory)
    app.index_string = INDEX
    _add_pages(app)
    app.layout = shell.layout

    from exports import downloads
    downloads.register(app.server, context.use_view, context.authority_problem)
    downloads.register_published(app.server, context.use_view, context.authority_problem)

    _protect(app)

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
    exists, as Dash Pages requires) and bind the page's callbacks, if it has any, to this app.
    Each page's layout is registered framed (`layouts.shell.framed`): it takes `authority` and
    `comparators` from the address's query, as Dash Pages passes it, and draws the header."""
    for name in page_names():
        importlib.import_module(f"layouts.pages.{name}")
        if importlib.util.find_spec(f"callbacks.{name}") is not None:
            importlib.import_module(f"callbacks.{name}").page.bind(app)
    for page in dash.page_registry.values():  # each page's layout chooses its view and draws the frame
        page["layout"] = shell.framed(page["layout"])


# Paths Dash and the app serve besides the pages themselves.
_INTERNAL_PREFIXES = ("/_dash-", "/_reload-hash", "/_favicon.ico", "/assets/", "/download/", "/branding/",
                      "/published/")
MAX_REQUEST_BYTES = 2 * 1024 * 1024
"""Largest request body accepted: a callback carries at most a chart's rows back for its CSV."""


def _protect(app: Dash) -> None:
    """Answer only what the app serves, refuse malformed callback requests with 400, and send the
    headers that keep the pages from being framed, sniffed or made to run other scripts."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    pages = {page["relative_path"].rstrip("/") or "/" for page in dash.page_registry.values()}
    policy: list[str] = []  # built on the first response: Dash adds an inline script when it sets up
    responses = CallbackResponses()
    server.extensions["mps_callback_responses"] = responses
    server.after_request(responses.keep)

    @server.before_request
    def _refuse_what_the_app_does_not_serve():
        path = flask.request.path
        if path.startswith(_INTERNAL_PREFIXES):
            if path == "/_dash-update-component" and flask.request.method == "POST":
                return _check_callback_request(app) or responses.lookup()
            rule = flask.request.url_rule
            if rule is None or "<path:" in rule.rule and not rule.rule.startswith(_INTERNAL_PREFIXES):
                # Not one of the app's own routes (Dash's catch-all would answer with the page shell)
                return flask.Response(_not_found_page(), status=404, mimetype="text/html")
            return None
        if (path.rstrip("/") or "/") not in pages:
            return flask.Response(_not_found_page(), status=404, mimetype="text/html")
        return None

    @server.errorhandler(dash.exceptions.DependencyException)
    def _unknown_script(_exc):  # /_dash-component-suites/<a package or file Dash does not serve>
        return flask.Response(_not_found_page(), status=404, mimetype="text/html")

    @server.after_request
    def _security_headers(response):
        if not policy:  # every inline script (renderer, clientside callbacks, pages) is known by now
            policy.append("; ".join([
                "default-src 'self'", "script-src 'self' " + " ".join(sorted(set(app.csp_hashes()))),
                # plotly and Dash set style attributes on elements they draw
                "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
                "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
                "frame-ancestors 'none'"]))
        response.headers["Content-Security-Policy"] = policy[0]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"  # nothing reads it: the view travels in the address
        return response


class CallbackResponses:
    """Callback answers kept per (store version, request body), bounded in bytes.

    A callback's answer depends only on its inputs and the store (callbacks are pure; the store is
    pinned per request), so the same request on the same version gets the same bytes: many users
    opening the same page with the same selections cost one computation per worker. A refresh
    makes a new version, hence new keys; the oldest answers go first when the budget is spent."""

    BUDGET_BYTES = 64 * 1024 * 1024
    LARGEST_BYTES = 4 * 1024 * 1024  # a bigger answer (a large download) is not worth keeping

    def __init__(self):
        import collections
        import threading

        self._answers: collections.OrderedDict = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._precomputed = AnswerReader(code_fingerprint())

    def lookup(self):
        """The answer kept in this worker's memory, else the one the version precomputed
        (`store.answers`, filled by `mps ingest`), else None: the callback runs, and `keep` keeps
        its answer. The `X-MPS-Answer` header says which ("kept", "precomputed"), for tests and
        for whoever reads the server's responses."""
        key = (str(context.store().path), answer_key(flask.request.get_json()))
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
        if found is not None:
            return _answer_response(found, "kept")
        stored = self._precomputed.find(Path(key[0]), key[1])
        if stored is not None:
            return _answer_response(stored, "precomputed", gzipped=True)
        flask.g.mps_response_key = key
        return None

    def keep(self, response):
        key = flask.g.pop("mps_response_key", None)
        if key is None or response.status_code != 200 or response.direct_passthrough:
            return response
        body = response.get_data()
        if len(body) > self.LARGEST_BYTES:
            return response
        with self._lock:
            if key not in self._answers:
                self._answers[key] = body
                self._bytes += len(body) + len(key[1])
            while self._bytes > self.BUDGET_BYTES and self._answers:
                old_key, old = self._answers.popitem(last=False)
                self._bytes -= len(old) + len(old_key[1])
        return response


PRODUCT_FILES = ("domain", "store", "loaders", "metrics", "sentences", "layouts", "callbacks", "exports", "publish",
                 "assets", "data/authorities", "data/lookups", "app.py")
"""What a page's answer can depend on besides the store: the product's code, its assets and the
lookups and profiles it reads (with the versions of the packages that write the answers, below)."""
ANSWER_PACKAGES = ("dash", "plotly", "pandas", "pyarrow", "numpy")


@functools.cache
def code_fingerprint() -> str:
    """A fingerprint of the code answering (`PRODUCT_FILES`' bytes and `ANSWER_PACKAGES`' versions):
    precomputed answers carry the one of the code that made them, and are used only by the same
    code, so an upgrade of the product never serves the answers of the one before (tens of ms, once
    per process)."""
    import hashlib
    import importlib.metadata
    digest = hashlib.sha256()
    for name in ANSWER_PACKAGES:
        digest.update(f"{name}=={importlib.metadata.version(name)}\n".encode())
    for top in PRODUCT_FILES:
        root = HERE / top
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(HERE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def callback_outputs(callback: dict) -> list[tuple[str, str]]:
    """(id, property) of each output of `callback` (an entry of `/_dash-dependencies`, or of the app's
    callback map with its "output"), read from Dash's "..id.prop...id.prop.." form."""
    return [tuple(o.rsplit(".", 1)) for o in callback["output"].strip(".").split("...")]


def callback_request(callback: dict, values: dict, changed=()) -> dict:
    """The body Dash's renderer posts to `/_dash-update-component` for `callback`, each input's and
    state's value from `values` ((id, property) -> value; one it lacks is sent as null), `changed`
    the (id, property) pairs that set it off. One writer of the request for `warm`, `precompute`,
    the benchmarks and the tests."""
    outs = [{"id": i, "property": p} for i, p in callback_outputs(callback)]
    body = {"output": callback["output"], "outputs": outs if len(outs) > 1 else outs[0],
            "inputs": [{"id": i["id"], "property": i["property"], "value": values.get((i["id"], i["property"]))}
                       for i in callback["inputs"]],
            "changedPropIds": [f"{i}.{p}" for i, p in changed]}
    if callback.get("state"):
        body["state"] = [{"id": s["id"], "property": s["property"], "value": values.get((s["id"], s["property"]))}
                         for s in callback["state"]]
    return body


def answer_key(body: dict) -> str:
    """A callback request as the key of its answer: what the answer depends on, which callback
    (`output`) and its inputs' and states' values, each as [id, property, value] with a value the
    browser left out (a property the layout does not set) as null, written compactly with sorted
    keys. Not `changedPropIds`/`parsedChangedPropsIds` (no callback reads which input fired), not
    `outputs` (the same as `output`), nor the order of keys a client writes: a browser, the
    benchmarks and `precompute` asking the same question write the same key."""
    def values(items):
        return [[i.get("id"), i.get("property"), i.get("value")] for i in items or () if isinstance(i, dict)]
    return json.dumps({"output": body.get("output"), "inputs": values(body.get("inputs")),
                       "state": values(body.get("state"))}, sort_keys=True, separators=(",", ":"), default=str)


def _answer_response(body: bytes, how: str, gzipped: bool = False) -> flask.Response:
    """A kept or precomputed answer; a precomputed one (stored gzipped) is sent as it is to a
    client that accepts gzip, and unzipped for one that does not."""
    headers = {"X-MPS-Answer": how}
    if gzipped:
        if "gzip" in flask.request.headers.get("Accept-Encoding", ""):
            headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        else:
            body = gzip.decompress(body)
    return flask.Response(body, status=200, mimetype="application/json", headers=headers)


def warm(app: Dash, budget_seconds: float = 60.0) -> int:
    """Answer every page's opening callbacks once (as a browser opening each page would), so the
    metrics and callback answers are in memory. `mps serve --production` calls this before gunicorn
    forks its workers: each starts with them, shared copy-on-write, instead of every worker paying
    for them again (on a version whose answers `mps ingest` precomputed, these are found there).
    Returns how many callbacks were answered; never fails the server."""
    values: dict[tuple[str, str], object] = {}
    try:  # peer groups are computed once per store version, for every authority (seconds, nationally)
        from layouts.context import STORE_KEY
        from metrics.comparators.peers import peer_table
        peer_table(app.server.config[STORE_KEY])
    except Exception:  # a store without them says so where peers are chosen
        pass
    for page in list(dash.page_registry.values()):
        try:
            with app.server.test_request_context(page["path"]):
                layout = page["layout"]() if callable(page["layout"]) else page["layout"]
        except Exception:  # a page that cannot draw on this store says so when it is opened
            continue
        _collect_props(layout, values)
    # The shell's location (every page callback's last State, see PageCallbacks.bind): an address
    # with no query, as a browser opening each page sends it.
    from layouts import ids
    values.setdefault((ids.URL, "search"), "")
    client, answered, started = app.server.test_client(), 0, time.monotonic()
    client.get("/")  # Dash finishes setting up (and registers its own callbacks) on the first request
    for output, spec in list(app.callback_map.items()):
        if spec.get("prevent_initial_call") or time.monotonic() - started > budget_seconds:
            continue
        inputs = [(i["id"], i["property"]) for i in spec["inputs"]]
        if not inputs or any(i not in values for i in inputs):
            continue
        body = callback_request({**spec, "output": output}, values)
        answered += client.post("/_dash-update-component", json=body).status_code == 200
    return answered


def _collect_props(component, values: dict) -> None:
    """Every (id, property) -> value a layout sets, walking its children."""
    if isinstance(component, (list, tuple)):
        for child in component:
            _collect_props(child, values)
        return
    if not hasattr(component, "to_plotly_json"):
        return
    props = component.to_plotly_json().get("props", {})
    if isinstance(props.get("id"), str):
        for name, value in props.items():
            if name not in ("id", "children") and not hasattr(value, "to_plotly_json"):
                values.setdefault((props["id"], name), value)
    _collect_props(props.get("children"), values)


def _not_found_page() -> str:
    """A 404 that keeps the site's frame: the header, every page in the navigation and a way on."""
    import html as _html
    links = "".join(f'<li><a class="nav-link" href="{_html.escape(p["relative_path"])}">{_html.escape(p["name"])}</a></li>'
                    for p in dash.page_registry.values() if p.get("nav", True))
    return ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Page not found - Market Position Statement</title>'
            '<link rel="stylesheet" href="/assets/style.css"></head><body class="not-found">'
            '<a class="skip-link" href="#main-content">Skip to main content</a>'
            '<header class="site-header"><div class="header-inner"><span class="service-name">'
            'Market Position Statement: adult social care</span></div></header>'
            f'<nav class="site-nav" aria-label="Sections of the Market Position Statement"><ul class="nav-list">{links}'
            '</ul></nav><main id="main-content" class="main" tabindex="-1"><h1>Page not found</h1>'
            '<p>There is no page at this address. It may have moved, or the address may be mistyped.</p>'
            '<p>Choose a section above, or <a href="/">go to the overview</a>.</p></main></body></html>')


def _check_callback_request(app: Dash):
    """A callback request must be a JSON object naming an output this app declares, with a list
    of inputs; anything else is the client's mistake (400), not the server's (500)."""
    body = flask.request.get_json(silent=True)
    if (not isinstance(body, dict) or not isinstance(body.get("output"), str)
            or not isinstance(body.get("inputs"), list) or body["output"] not in app.callback_map
            or not isinstance(body.get("state", []), list)):
        return flask.Response("Bad callback request", status=400, mimetype="text/plain")
    return None


if __name__ == "__main__":
    create_app(os.environ.get("MPS_STORE", DEFAULT_STORE)).run(
        host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
