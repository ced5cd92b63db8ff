"""The store the app answering this request reads.

Each `app.create_app(store)` puts its own `Store` on its Flask app's config under `STORE_KEY`;
pages and callbacks look it up through Flask's `current_app`, so two apps in one process (tests,
an authority picker, a worker serving a refreshed store) each answer from their own store and
no module holds one in a global.

Which authority and comparator set a request answers for is given as a value, by whoever has it
as an argument: `use_view(authority, comparators)` (a page's framed layout, a download route) or
`use_search(search)` (every page callback, from the page address's search it declares). Nothing
here reads the request: no header, no query string, no body.
"""
from __future__ import annotations

from urllib.parse import parse_qs

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
        # Every view derived from the pin shares its hold (Store.for_authority / with_comparators):
        # released once at the end, whichever view is released.
        pinned = _in_chosen_view(found.pin())
        setattr(flask.g, PINNED_KEY, pinned)
    return pinned


VIEW_PARAMETERS = ("authority", "comparators")
"""The URL parameters that choose the view every page, export and the brief share (not a page's
own selection): the authority, and the comparator set (store.COMPARATOR_SETS)."""

CHOSEN_KEY = "mps_chosen_view"


def use_view(authority: str | None = None, comparators: str | None = None) -> Store:
    """Make the view chosen by `authority` (a code; None: the profile's) and `comparators` (a name
    in COMPARATOR_SETS; None: the default) the one `store()` gives for the rest of this request,
    and return it. Called with the address's values by whoever has them as arguments: a page's
    `layout(authority=, comparators=, **query)` (`layouts.shell.framed`), each page callback
    (`PageCallbacks.bind`, from the page address's search it declares as State) and the download
    routes (their own query or path). An unknown code, a code without rows or a set that cannot be
    given is said by `authority_problem()` / `comparator_problem()`; nothing is read from the
    request itself."""
    if not flask.has_request_context():
        raise RuntimeError("use_view chooses the view of one request: call it while answering one")
    for key in (AUTHORITY_PROBLEM_KEY, COMPARATOR_PROBLEM_KEY):
        flask.g.pop(key, None)
    setattr(flask.g, CHOSEN_KEY, (_one(authority), _one(comparators)))
    pinned = flask.g.get(PINNED_KEY)
    if pinned is None:
        return store()
    # Already pinned (the callback answers are looked up by store version first): the same
    # version, seen as chosen; the view shares the pinned store's hold, so it is released once.
    view = _in_chosen_view(pinned)
    setattr(flask.g, PINNED_KEY, view)
    return view


def view_of_search(search: str | None) -> dict[str, str | None]:
    """The view parameters of a page address's search (`?authority=<GSS code>&comparators=peers`)."""
    found = parse_qs(str(search or "").lstrip("?"))
    return {name: (found.get(name) or [None])[0] for name in VIEW_PARAMETERS}


def use_search(search: str | None) -> Store:
    """`use_view` with the view parameters of a page address's search."""
    return use_view(**view_of_search(search))


def _one(value) -> str | None:
    """A query value as Dash Pages passes it (a list when the parameter is repeated): the first."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return str(value) if value else None


def _in_chosen_view(store: Store) -> Store:
    """`store`'s version seen as this request's chosen view (`use_view`; none chosen: the default)."""
    authority, comparators = flask.g.get(CHOSEN_KEY) or (None, None)
    base = store.for_authority(None).with_comparators(None)
    view = _for_code(base, authority)
    if not comparators:
        return view
    try:
        return view.with_comparators(comparators)
    except ValueError as e:
        setattr(flask.g, COMPARATOR_PROBLEM_KEY, f"{e}. Showing the default comparators instead.")
        return view


def _for_code(store: Store, code: str | None) -> Store:
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
    """What was wrong with the authority this request chose (`use_view`), to say on the page (or None)."""
    store()
    return flask.g.get(AUTHORITY_PROBLEM_KEY) if flask.has_request_context() else None


def comparator_problem() -> str | None:
    """What was wrong with the comparator set this request chose (`use_view`): a name that is not a set, or a set this
    store cannot give for the authority (then the default set is shown), to say on the page."""
    found = store()
    if not flask.has_request_context():
        return None
    return flask.g.get(COMPARATOR_PROBLEM_KEY) or found.comparator_problem


def release_pinned(_exc=None) -> None:
    pinned = flask.g.pop(PINNED_KEY, None)
    if pinned is not None:
        pinned.release()
