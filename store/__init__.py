"""The store: the one package that reads and writes the Parquet tables `mps ingest` builds.

- `store.layout`: the store on disk (a link to one complete version, versions, locks, pins, the
  area partitions of the tables `domain.contract` flags `partitioned`).
- `store.manifest`: the manifest written beside each version's tables (`manifest.json`).
- `store.writing`: a new version from {table: frame} and a manifest, made current in one step.
- `store.reading`: `Store`, a read-only view of one version for one authority (scope, caches).
- `store.memo`: the one cache, bounded in bytes, of what is read and of every metric's answers.

It imports `domain` only; `loaders` (ingest), `metrics`, `exports`, `layouts`, `callbacks` and
`publish` import it.
"""
from .layout import StoreBusy
from .reading import (COMPARATOR_SETS, PROFILE_FACTS, Store, UnknownAuthority, arrow_memory_policy, clear_caches,
                      per_store_version, register_peer_groups, release_arrow_memory)

__all__ = ["COMPARATOR_SETS", "PROFILE_FACTS", "Store", "StoreBusy", "UnknownAuthority", "arrow_memory_policy",
           "clear_caches", "per_store_version", "register_peer_groups", "release_arrow_memory"]
