"""The store the app answering this request reads.

Each `app.create_app(store)` puts its own `Store` on its Flask app's config under `STORE_KEY`;
pages and callbacks look it up through Flask's `current_app`, so two apps in one process (tests,
an authority picker, a worker serving a refreshed store) each answer from their own store and
no module holds one in a global.
"""
from __future__ import annotations

import flask

from metrics.store import Store

STORE_KEY = "MPS_STORE"
PINNED_KEY = "mps_pinned_store"


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
        pinned = found.pin()
        setattr(flask.g, PINNED_KEY, pinned)
    return pinned


def release_pinned(_exc=None) -> None:
    pinned = flask.g.pop(PINNED_KEY, None)
    if pinned is not None:
        pinned.release()
