"""The store the running app reads (set once by app.create_app)."""
from metrics.store import Store

_store: Store | None = None


def set_store(store: Store) -> None:
    global _store
    _store = store


def store() -> Store:
    if _store is None:
        raise RuntimeError("create_app() has not set a store")
    return _store
