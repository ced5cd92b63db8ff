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

import numpy as np
import pandas as pd

from domain import store_versions
from domain.contract import STORE_TABLES, Authority, Manifest, store_table


PROFILE_TABLES = frozenset({
    "contracts", "activity", "finance", "caseloads", "boundaries", "neighbourhood_boundaries", "census",
    "lookup_practices", "lookup_neighbourhoods", "lookup_wards", "lookup_postcode_districts",
    "lookup_postcode_wards", "lookup_cost_of_care"})
"""Tables that are the profile authority's own (its council's files and its profile's lookups),
not rows of a national file: another authority seen through `for_authority` gets none of them."""


class UnknownAuthority(ValueError):
    """A `?authority=` / `--authority` code that is not an upper-tier authority in the areas lookup."""


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._hold: int | None = None
        self._authority_code: str | None = None  # None: the manifest's (the profile's) authority

    def for_authority(self, code: str | None) -> Store:
        """The same store version seen as serving another authority: `.authority` is `code`'s name
        and region from the areas lookup, its comparators the profile's when `code` is the store's
        own authority, else the other upper-tier authorities of its region. Metrics read
        `store.authority`, so every view, export and brief follows; caches are keyed by it.
        Raises UnknownAuthority for a code the areas lookup does not hold as an authority."""
        code = (code or "").strip().upper()
        if not code or code == (self.manifest.authority.area_code or ""):
            if self._authority_code is None:
                return self
            code = ""
        if code:
            _authority(str(self.path), self._stamp(), code)  # fails here, not on first use
        view = Store(self.path)
        view._authority_code = code or None
        return view

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
        extra = f", authority={self._authority_code!r}" if self._authority_code else ""
        return f"Store({str(self.path)!r}{extra})"

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
        """A copy of one declared table; the declared columns with no rows when it is absent.
        Seen as another authority than the profile's, the council's own tables and the profile's
        lookups (which belong to the profile's authority) are empty."""
        declared = store_table(name)  # a mistyped name fails here, on every page, not just where it is used
        if self._authority_code and name in PROFILE_TABLES:
            return declared.empty()
        return _table(str(self.path), name, self._stamp()).copy()

    def rows_where(self, name: str, column: str, values) -> pd.DataFrame:
        """A copy of the rows of one declared table whose `column` holds one of `values`, in file
        order: a few areas' rows out of a national file, found through an index built once per
        store version rather than by scanning and copying every row on each request."""
        declared = store_table(name)
        if self._authority_code and name in PROFILE_TABLES:
            return declared.empty()
        frame = _table(str(self.path), name, self._stamp())
        groups = _row_positions(str(self.path), name, column, self._stamp())
        found = [groups[v] for v in dict.fromkeys(values) if v in groups]
        positions = np.sort(np.concatenate(found)) if found else np.array([], dtype=np.intp)
        return frame.iloc[positions].copy()

    @property
    def authority(self) -> Authority:
        if self._authority_code:
            return _authority(str(self.path), self._stamp(), self._authority_code)
        return self.manifest.authority

    @property
    def default_authority(self) -> Authority:
        """The profile's authority (the manifest's): what a page shows without `?authority=`."""
        return self.manifest.authority

    def authorities(self) -> list[tuple[str, str]]:
        """(code, name) of every upper-tier authority the store has rows for (in any national
        file or the profile), the profile's first, then by name: what the header picker offers."""
        return list(_authorities(str(self.path), self._stamp()))

    def has_rows_for(self, code: str) -> bool:
        return any(c == code for c, _ in self.authorities())


@lru_cache(maxsize=8)
def _areas(path: str, stamp: float) -> pd.DataFrame:
    return _table(path, "lookup_areas", stamp)


@lru_cache(maxsize=512)
def _authority(path: str, stamp: float, code: str) -> Authority:
    areas = _areas(path, stamp)
    row = areas[(areas["area_code"] == code) & ~areas["area_type"].isin(["england", "region"])]
    if row.empty:
        raise UnknownAuthority(f"{code!r} is not an authority code in the areas lookup "
                               "(data/lookups/areas.csv): give an upper-tier authority's GSS code "
                               "(E06, E08, E09 or E10 and six digits)")
    r = row.iloc[0]
    own = _manifest(path, stamp).authority
    region = areas[areas["area_code"] == r["parent_code"]]
    if code == own.area_code and own.comparators:
        comparators = tuple(own.comparators)
    else:
        same = areas[(areas["parent_code"] == r["parent_code"]) & (areas["area_code"] != code)
                     & ~areas["area_type"].isin(["england", "region"])]
        comparators = tuple(same["area_code"])
    return Authority(area_code=code, area_name=str(r["area_name"]),
                     region_code=str(r["parent_code"]) if pd.notna(r["parent_code"]) else None,
                     region_name=str(region["area_name"].iloc[0]) if len(region) else None,
                     comparators=comparators)


@lru_cache(maxsize=8)
def _authorities(path: str, stamp: float) -> tuple[tuple[str, str], ...]:
    areas = _areas(path, stamp)
    las = areas[~areas["area_type"].isin(["england", "region"])]
    names = dict(zip(las["area_code"], las["area_name"]))
    by_name = {str(n).lower(): c for c, n in names.items()}
    held: set[str] = set()
    for table in ("population", "indicators", "prevalence", "workforce", "unit_costs"):
        if table not in STORE_TABLES:
            continue
        t = _table(path, table, stamp)
        if "area_code" in t:
            held |= set(t["area_code"].dropna().astype(str))
    for table in ("care_providers",):
        t = _table(path, table, stamp)
        if "local_authority" in t:
            held |= {by_name[n] for n in t["local_authority"].dropna().astype(str).str.lower().unique() if n in by_name}
    own = _manifest(path, stamp).authority.area_code
    if own:
        held.add(own)
    found = sorted((c for c in held if c in names), key=lambda c: (c != own, str(names[c])))
    return tuple((c, str(names[c])) for c in found)


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


@lru_cache(maxsize=32)
def _row_positions(path: str, name: str, column: str, stamp: float) -> dict:
    """Row positions of a table by the value of one column (blank values left out)."""
    return dict(_table(path, name, stamp).groupby(column, sort=False, dropna=True).indices)


_CACHED_METRICS: list = []


def clear_caches() -> None:
    """Forget every cached table and metric (benchmarks use this to measure cold runs)."""
    _manifest.cache_clear()
    _table.cache_clear()
    _row_positions.cache_clear()
    _areas.cache_clear()
    _authority.cache_clear()
    _authorities.cache_clear()
    for fn in _CACHED_METRICS:
        fn.cache_clear()


def per_store_version(fn):
    """Cache a metric per (store, store version, authority, arguments): a new ingest invalidates it, and no
    request recomputes what an earlier one already did. Frames are handed out as copies."""
    import copy
    from functools import wraps

    @lru_cache(maxsize=512)
    def cached(path: str, version: str, authority: str | None, args: tuple, kwargs: tuple):
        return fn(Store(path).for_authority(authority), *args, **dict(kwargs))

    @wraps(fn)
    def wrapper(store: Store, *args, **kwargs):
        def key(v):  # lists (e.g. years) become tuples so they can be cache keys
            return tuple(v) if isinstance(v, list) else v
        result = cached(str(store.path), store.version, store._authority_code, tuple(key(a) for a in args),
                        tuple(sorted((k, key(v)) for k, v in kwargs.items())))
        if isinstance(result, pd.DataFrame):
            return result.copy()
        return copy.deepcopy(result)

    wrapper.cache_clear = cached.cache_clear
    _CACHED_METRICS.append(cached)
    return wrapper
