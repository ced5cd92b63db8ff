"""The store the app answering this request reads.

Each `app.create_app(store)` puts its own `Store` on its Flask app's config under `STORE_KEY`;
pages and callbacks look it up through Flask's `current_app`, so two apps in one process (tests,
an authority picker, a worker serving a refreshed store) each answer from their own store and
no module holds one in a global.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import flask

from store import Store, UnknownAuthority

STORE_KEY = "MPS_STORE"
PINNED_KEY = "mps_pinned_store"
AUTHORITY_PROBLEM_KEY = "mps_authority_problem"
COMPARATOR_PROBLEM_KEY = "mps_comparator_problem"


def store() -> Store:
    """The app's store; within a request, pinned at one version for the whole request (released
    by `release_pinned` when the request ends), so a refresh mid-request cannot mix versions."""
    if not flask.has_app_context():
        raise RuntimeError("no app is answering a request: call layouts and callbacks inside "
                           "app.server.app_context() or a request to an app made by app.create_app")
    found = flask.current_app.config.get(STORE_KEY)
    if found is None:
        raise RuntimeError("this Flask app was not made by app.create_app (no store on its config)")
    if not flask.has_request_context():
        return found
    pinned = flask.g.get(PINNED_KEY)
    if pinned is None:
        # The view shares the pin's hold (Store.for_authority / with_comparators): released once at the end.
        pinned = _for_requested_authority(found.pin())
        setattr(flask.g, PINNED_KEY, pinned)
    return pinned


VIEW_PARAMETERS = ("authority", "comparators")
"""The URL parameters that choose the view every page, export and the brief share (not a page's
own selection): the authority, and the comparator set (store.COMPARATOR_SETS)."""


def requested_authority() -> str | None:
    """The `authority` of the address this request is about (see `requested`)."""
    return requested("authority")


def requested(name: str) -> str | None:
    """A view parameter (`VIEW_PARAMETERS`) of the address this request is about: the query
    string of a page load (for the shell's layout, fetched by script, the page's address it is
    sent from), or for a Dash callback the `search` of the page's location (PageCallbacks sends it
    as State, and Dash's page container has it as Input), so page callbacks need no argument for it."""
    if not flask.has_request_context():
        return None
    request = flask.request
    if name in request.args:
        return request.args.get(name)
    if request.method == "GET" and request.path.endswith("/_dash-layout"):
        # The shell is fetched by script after the page loads: the page's address is the referrer.
        found = parse_qs(urlsplit(request.referrer or "").query).get(name)
        return found[0] if found else None
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True) or {}
        for item in list(body.get("inputs") or []) + list(body.get("state") or []):
            for entry in item if isinstance(item, list) else [item]:
                if isinstance(entry, dict) and entry.get("property") == "search":
                    found = parse_qs(str(entry.get("value") or "").lstrip("?")).get(name)
                    if found:
                        return found[0]
    return None


def _for_requested_authority(store: Store) -> Store:
    view = _for_requested_code(store)
    chosen = requested("comparators")
    if not chosen:
        return view
    try:
        return view.with_comparators(chosen)
    except ValueError as e:
        setattr(flask.g, COMPARATOR_PROBLEM_KEY, f"{e}. Showing the default comparators instead.")
        return view


def _for_requested_code(store: Store) -> Store:
    code = requested_authority()
    if not code:
        return store
    try:
        view = store.for_authority(code)
    except UnknownAuthority as e:
        setattr(flask.g, AUTHORITY_PROBLEM_KEY, f"{e}. Showing {store.authority.area_name or 'the default authority'} instead.")
        return store
    if not view.has_rows_for(view.authority.area_code):
        setattr(flask.g, AUTHORITY_PROBLEM_KEY,
                f"The store has no rows for {view.authority.area_name} ({view.authority.area_code}): "
                "ingest a national file that covers it (e.g. the Fingertips, ONS or CQC files).")
    return view


def authority_problem() -> str | None:
    """What was wrong with this request's `?authority=`, to say on the page (or None)."""
    store()
    return flask.g.get(AUTHORITY_PROBLEM_KEY) if flask.has_request_context() else None


def comparator_problem() -> str | None:
    """What was wrong with this request's `?comparators=`: a name that is not a set, or a set this
    store cannot give for the authority (then the default set is shown), to say on the page."""
    found = store()
    if not flask.has_request_context():
        return None
    return flask.g.get(COMPARATOR_PROBLEM_KEY) or found.comparator_problem


def release_pinned(_exc=None) -> None:
    pinned = flask.g.pop(PINNED_KEY, None)
    if pinned is not None:
        pinned.release()
