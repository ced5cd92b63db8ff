"""One cache for every metric's answers, bounded in bytes across functions and authorities.

A cache per metric with a number of entries (`lru_cache(512)`) grows with the authorities served,
since each authority's answer is an entry of its own: serving every authority kept them all. Here
every answer goes in one least-recently-used cache whose size is the sum of its answers' sizes
(a frame's `memory_usage(deep=True)`, other values walked), and the oldest answers leave when a new
one would pass the budget (`MPS_METRIC_CACHE_MB`, default 256). An answer larger than the whole
budget is handed back without being kept.
"""
from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict

import numpy as np
import pandas as pd
from pandas._libs import lib

DEFAULT_MB = 256


def budget_bytes() -> int:
    """The cache's budget: `MPS_METRIC_CACHE_MB` megabytes (default 256)."""
    try:
        mb = float(os.environ.get("MPS_METRIC_CACHE_MB", DEFAULT_MB))
    except ValueError:
        mb = DEFAULT_MB
    return max(int(mb * 1024 * 1024), 0)


def frame_bytes(frame: pd.DataFrame) -> int:
    """`frame.memory_usage(deep=True, index=True).sum()`, counted per block of columns rather than
    per column: the same number, without a Series built for every column (4 ms for an empty frame
    of 31 columns, about a tenth of a cold visit's time when every answer is sized on its way into
    the cache). Falls back to pandas' own count for a frame whose blocks it does not know."""
    try:
        blocks = frame._mgr.blocks
    except AttributeError:
        return int(frame.memory_usage(deep=True, index=True).sum())
    total = int(frame.index.memory_usage(deep=True))
    for block in blocks:
        values = block.values
        if isinstance(values, np.ndarray):
            total += values.nbytes
            if values.dtype == object:  # as pandas counts text held as Python objects
                total += int(lib.memory_usage_of_objects(values.ravel()))
        elif hasattr(values, "nbytes") and values.dtype != object:
            total += int(values.nbytes)
        else:
            return int(frame.memory_usage(deep=True, index=True).sum())
    return total


def size_of(value, _depth: int = 0) -> int:
    """Bytes a value holds, estimated: a frame's or series' own count (`deep=True`, so text is
    counted), containers walked to a few levels, anything else by `sys.getsizeof`."""
    if isinstance(value, pd.DataFrame):
        return frame_bytes(value)
    if isinstance(value, pd.Series):
        return int(value.memory_usage(deep=True, index=True))
    size = sys.getsizeof(value)
    if _depth > 4:
        return size
    if isinstance(value, dict):
        return size + sum(size_of(k, _depth + 1) + size_of(v, _depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return size + sum(size_of(v, _depth + 1) for v in value)
    return size


class ByteBoundedCache:
    """A thread-safe least-recently-used map whose bound is the bytes of its values."""

    def __init__(self, budget: int | None = None):
        self.budget = budget_bytes() if budget is None else budget
        self._entries: OrderedDict = OrderedDict()  # key -> (value, bytes)
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = self.misses = self.evictions = 0

    def get(self, key, default=None):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return default
            self._entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key, value) -> None:
        size = size_of(value)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            if size > self.budget:
                return
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.budget and self._entries:
                _, (_, gone) = self._entries.popitem(last=False)
                self.bytes -= gone
                self.evictions += 1

    def clear(self, owner=None) -> None:
        """Forget every answer, or only those whose key starts with ``owner``."""
        with self._lock:
            if owner is None:
                self._entries.clear()
                self.bytes = 0
                return
            for key in [k for k in self._entries if k[0] == owner]:
                self.bytes -= self._entries.pop(key)[1]

    def __len__(self) -> int:
        return len(self._entries)

    def count(self, owner) -> int:
        """How many answers of ``owner`` are kept."""
        with self._lock:
            return sum(1 for k in self._entries if k[0] == owner)


METRICS = ByteBoundedCache()
"""The one cache of metric answers (`store.per_store_version`, `metrics.tables.mps_tables`)."""


def cached(owner: str, key: tuple, compute):
    """``compute()``'s answer for (owner, *key), from METRICS or computed once and kept."""
    full = (owner, *key)
    missing = object()
    found = METRICS.get(full, missing)
    if found is not missing:
        return found
    value = compute()
    METRICS.put(full, value)
    return value
