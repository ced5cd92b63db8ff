"""The store: the one package that reads and writes the Parquet tables `mps ingest` builds.

- `store.layout`: the store on disk (a link to one complete version, versions, locks, pins, the
  area partitions of the tables `domain.contract` flags `partitioned`).
- `store.manifest`: the manifest written beside each version's tables (`manifest.json`), typed.
- `store.writing`: a new version from {table: frame} and a manifest, made current in one step.
- `store.reading`: `Store`, a read-only view of one version for one authority (scope, caches).
- `store.memo`: the one cache, bounded in bytes, of what is read and of every metric's answers.
- `store.plain`: a frame as one plain Parquet file (the benchmarks' raw baseline).

It imports `domain` only; `loaders` (ingest), `metrics`, `exports`, `layouts`, `callbacks` and
`publish` import it. The names below are loaded on first use, so that `store.plain` (the
benchmarks' raw baseline, timed with its imports) costs no more than pandas.
"""
from __future__ import annotations

import importlib

_FROM = {"StoreBusy": "layout", "ManifestRecord": "manifest", "FileRecord": "manifest",
         **{name: "reading" for name in ("COMPARATOR_SETS", "PROFILE_FACTS", "Store", "UnknownAuthority",
                                         "arrow_memory_policy", "clear_caches", "per_store_version",
                                         "register_cache", "register_peer_groups", "release_arrow_memory")}}

__all__ = sorted(_FROM)


def __getattr__(name: str):
    if name not in _FROM:
        raise AttributeError(f"module 'store' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
    globals()[name] = value
    return value
