"""Read-only access to the Parquet store, cached per store version (the manifest's ingest time).

Nothing here reads a spreadsheet: only the Parquet tables and manifest that `mps ingest` wrote.
Tables come out exactly as `domain.contract` declares them (every declared column, in order), and
as copies, so a caller that changes a frame cannot change what the next caller reads.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from domain import store_versions
from domain.contract import STORE_TABLES, Authority, Manifest, store_table


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._hold: int | None = None

    def pin(self) -> Store:
        """This store fixed at the version it names now, held (so no refresh removes it) until
        `release()`: what one request reads, so it never mixes two versions."""
        version, hold = store_versions.pin(self.path)
        pinned = Store(version)
        pinned._hold = hold
        return pinned

    def release(self) -> None:
        if self._hold is not None:
            os.close(self._hold)
            self._hold = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def exists(self) -> bool:
        return (self.path / "manifest.json").exists()

    @property
    def manifest(self) -> Manifest:
        return _manifest(str(self.path), self._stamp())

    def _stamp(self) -> float:
        m = self.path / "manifest.json"
        return m.stat().st_mtime if m.exists() else 0.0

    @property
    def version(self) -> str:
        return self.manifest.ingested_at

    def has(self, table: str) -> bool:
        return (self.path / f"{store_table(table).name}.parquet").exists()

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one declared table; the declared columns with no rows when it is absent."""
        store_table(name)  # a mistyped name fails here, on every page, not just where it is used
        return _table(str(self.path), name, self._stamp()).copy()

    @property
    def authority(self) -> Authority:
        return self.manifest.authority


@lru_cache(maxsize=8)
def _manifest(path: str, stamp: float) -> Manifest:
    p = Path(path) / "manifest.json"
    return Manifest.from_json(json.loads(p.read_text(encoding="utf-8")) if p.exists() else {})


@lru_cache(maxsize=128)
def _table(path: str, name: str, stamp: float) -> pd.DataFrame:
    p = Path(path) / f"{name}.parquet"
    declared = STORE_TABLES[name]
    if not p.exists():
        return declared.empty()
    frame = pd.read_parquet(p)
    # Older stores may lack a column added since; give it, empty, rather than fail on one page.
    return frame.reindex(columns=declared.names)


_CACHED_METRICS: list = []


def clear_caches() -> None:
    """Forget every cached table and metric (benchmarks use this to measure cold runs)."""
    _manifest.cache_clear()
    _table.cache_clear()
    for fn in _CACHED_METRICS:
        fn.cache_clear()


def per_store_version(fn):
    """Cache a metric per (store, store version, arguments): a new ingest invalidates it, and no
    request recomputes what an earlier one already did. Frames are handed out as copies."""
    import copy
    from functools import wraps

    @lru_cache(maxsize=512)
    def cached(path: str, version: str, args: tuple, kwargs: tuple):
        return fn(Store(path), *args, **dict(kwargs))

    @wraps(fn)
    def wrapper(store: Store, *args, **kwargs):
        def key(v):  # lists (e.g. years) become tuples so they can be cache keys
            return tuple(v) if isinstance(v, list) else v
        result = cached(str(store.path), store.version, tuple(key(a) for a in args),
                        tuple(sorted((k, key(v)) for k, v in kwargs.items())))
        if isinstance(result, pd.DataFrame):
            return result.copy()
        return copy.deepcopy(result)

    wrapper.cache_clear = cached.cache_clear
    _CACHED_METRICS.append(cached)
    return wrapper
