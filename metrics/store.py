"""Read-only access to the Parquet store, cached per store version (the manifest's ingest time).

Nothing here reads a spreadsheet: only the Parquet tables and manifest that `mps ingest` wrote.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def exists(self) -> bool:
        return (self.path / "manifest.json").exists()

    @property
    def manifest(self) -> dict:
        return _manifest(str(self.path), self._stamp())

    def _stamp(self) -> float:
        m = self.path / "manifest.json"
        return m.stat().st_mtime if m.exists() else 0.0

    @property
    def version(self) -> str:
        return self.manifest.get("ingested_at", "") if self.exists else ""

    def has(self, table: str) -> bool:
        return (self.path / f"{table}.parquet").exists()

    def table(self, name: str) -> pd.DataFrame:
        """A copy-safe frame of one table; an empty frame when the table is absent."""
        return _table(str(self.path), name, self._stamp())

    @property
    def authority(self) -> dict:
        return self.manifest.get("authority", {}) if self.exists else {}


@lru_cache(maxsize=8)
def _manifest(path: str, stamp: float) -> dict:
    p = Path(path) / "manifest.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


@lru_cache(maxsize=128)
def _table(path: str, name: str, stamp: float) -> pd.DataFrame:
    p = Path(path) / f"{name}.parquet"
    if not p.exists():
        return pd.DataFrame()
    return pd.read_parquet(p)


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
        return copy.copy(result)

    wrapper.cache_clear = cached.cache_clear
    _CACHED_METRICS.append(cached)
    return wrapper
