"""Read-only access to the Parquet store, cached per store version (the manifest's ingest time).

Nothing here reads a spreadsheet: only the Parquet tables and manifest that `mps ingest` wrote.
Tables with an authority dimension are Hive-partitioned by area code (store.layout) and
read per authority (`Store.scope()`), never whole on a request; the others are read whole once.
Tables come out exactly as `domain.contract` declares them (every declared column, in order), and
as copies, so a caller that changes a frame cannot change what the next caller reads.
"""
from __future__ import annotations

import dataclasses

import json
import os
import threading
from functools import lru_cache
from pathlib import Path

import pandas as pd

from domain.contract import PARTITIONED_TABLES, PROFILE_TABLES, STORE_TABLES, Authority, Manifest, store_table

from . import layout, memo

ENGLAND = "E92000001"
STR = pd.Series(["a"]).dtype  # pandas' text type (what pd.read_parquet gives text columns)
"""How many (store version, table, set of area codes) reads of partitioned tables are kept: one
authority's scope of the indicators table is about 1/50 of the national file, so memory stays
bounded however many authorities are visited."""


PROFILE_FACTS = ("targets", "contacts", "intentions", "segment_overrides", "default_client_group", "horizon")
"""Manifest fields that are the profile authority's own decisions and people (its targets,
commissioning contacts and intentions, its direction for market segments, the client group its
pages open on): seen as another authority, the manifest has none of them, so no page, export or
brief puts one council's intentions under another's name."""


COMPARATOR_SETS = {"profile": "the profile's list", "region": "the region's authorities",
                   "peers": "similar councils (peer groups)"}
"""The comparator sets a view may choose (`?comparators=`): the authority's profile list, the other
upper-tier authorities of its region, or its peers by NHS England's method (metrics/comparators/peers.py).
Without a choice: the profile's list where the profile authority has one, else the region."""


PEER_GROUPS = None
"""(peers_of(store, code), peer_table(store)): how the "peers" comparator set is found. The method
is a metric (metrics/peers.py), and the store imports nothing above `domain`, so metrics.comparators.peers
hands its two functions in when it is imported (`register_peer_groups`)."""


def register_peer_groups(peers_of, peer_table) -> None:
    """Give the store the peer-group method (called once, by metrics.comparators.peers on import)."""
    global PEER_GROUPS
    PEER_GROUPS = (peers_of, peer_table)
    _comparators.cache_clear()


class Hold:
    """The hold on a pinned version (a descriptor with a shared lock, or a `store.layout` pin),
    shared by the pinned store and every view derived from it, and released once."""

    def __init__(self, held):
        self._held = held
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        return self._held is not None

    def release(self) -> None:
        with self._lock:
            held, self._held = self._held, None
        if held is None:
            return
        if isinstance(held, int):
            os.close(held)
        else:
            held.release()


class UnknownAuthority(ValueError):
    """A `?authority=` / `--authority` code that is not an upper-tier authority in the areas lookup."""


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._hold: Hold | None = None  # the pin this view reads under, shared with every view derived from it
        self._authority_code: str | None = None  # None: the manifest's (the profile's) authority
        self._comparator_set: str | None = None  # None: the default (COMPARATOR_SETS)

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
        view._comparator_set = self._comparator_set
        view._hold = self._hold  # the same pinned version: one hold, released once
        return view

    def with_comparators(self, chosen: str | None) -> Store:
        """The same view with its comparators chosen from `COMPARATOR_SETS` (None: the default).
        Every metric reads `store.authority.comparators`, so KPIs, demand growth, quality, fees,
        findings, exports and the brief all follow; caches are keyed by it. A set this store
        cannot give (peers without Census files or a peers list; a profile list for an authority
        without one) falls back to the default, and `comparator_problem` says so.
        Raises ValueError for a name not in COMPARATOR_SETS."""
        chosen = (chosen or "").strip().lower() or None
        if chosen is not None and chosen not in COMPARATOR_SETS:
            raise ValueError(f"{chosen!r} is not a comparator set: one of {', '.join(COMPARATOR_SETS)}")
        if chosen == self._comparator_set:
            return self
        view = Store(self.path)
        view._authority_code = self._authority_code
        view._comparator_set = chosen
        view._hold = self._hold  # the same pinned version: one hold, released once
        return view

    @property
    def comparator_set(self) -> str:
        """The comparator set this view's comparators are (after any fallback)."""
        return _comparators(str(self.path), self._stamp(), self.authority_code, self._comparator_set)[1]

    @property
    def comparator_problem(self) -> str | None:
        """Why the chosen comparator set could not be given (None when it was, or none was chosen)."""
        return _comparators(str(self.path), self._stamp(), self.authority_code, self._comparator_set)[2]

    @property
    def authority_code(self) -> str | None:
        return self._authority_code or self.manifest.authority.area_code

    def view_query(self) -> dict[str, str]:
        """The URL parameters that make another request see this view: `authority` when it is not
        the profile's, `comparators` when a set was chosen."""
        out = {}
        if self._authority_code:
            out["authority"] = self._authority_code
        if self._comparator_set:
            out["comparators"] = self._comparator_set
        return out

    def pin(self) -> Store:
        """This store fixed at the version it names now, held (so no refresh removes it) until
        `release()`: what one request reads, so it never mixes two versions."""
        version, hold = layout.pin_cached(self.path)
        pinned = Store(version)
        pinned._hold = Hold(hold) if hold is not None else None
        return pinned

    @property
    def pinned(self) -> bool:
        """Whether this view holds a pinned version that has not been released."""
        return self._hold is not None and self._hold.held

    def release(self) -> None:
        """Let go of the pinned version: once for the pinned store and every view derived from it
        (`for_authority`, `with_comparators`), whichever of them is released, however often."""
        if self._hold is not None:
            self._hold.release()

    def __repr__(self) -> str:
        extra = f", authority={self._authority_code!r}" if self._authority_code else ""
        extra += f", comparators={self._comparator_set!r}" if self._comparator_set else ""
        return f"Store({str(self.path)!r}{extra})"

    @property
    def exists(self) -> bool:
        return (self.path / "manifest.json").exists()

    @property
    def manifest(self) -> Manifest:
        """What `mps ingest` wrote; seen as another authority than the profile's, without the
        profile's own facts (`PROFILE_FACTS`) and without the profile authority's own files (those
        that feed `PROFILE_TABLES`: its contracts registers, activity, finance, caseloads), so its
        sources, the About page and the brief list only the files that can hold this authority's rows."""
        manifest = _manifest(str(self.path), self._stamp())
        if self._authority_code:
            return dataclasses.replace(manifest, files=[f for f in manifest.files if f.table not in PROFILE_TABLES],
                                       **{f: None if f == "default_client_group" else {} for f in PROFILE_FACTS})
        return manifest

    @property
    def is_profile_authority(self) -> bool:
        """Whether this view is the profile's own authority (whose council files the store holds)."""
        return self._authority_code is None

    def _stamp(self) -> float:
        m = self.path / "manifest.json"
        return m.stat().st_mtime if m.exists() else 0.0

    @property
    def version(self) -> str:
        return self.manifest.ingested_at

    def has(self, table: str) -> bool:
        """Whether the store holds the table for this view: the profile authority's own tables
        (`PROFILE_TABLES`) are not held for another authority."""
        if self._authority_code and table in PROFILE_TABLES:
            return False
        return layout.table_path(self.path, store_table(table).name) is not None

    def scope(self) -> tuple[str, ...] | None:
        """The area codes whose rows this view reads from a partitioned table: the authority, its
        region, England and its comparators (None, i.e. every area, for a store that names no
        authority)."""
        a = self.authority
        if not a.area_code:
            return None
        return tuple(sorted({a.area_code, ENGLAND, *(c for c in (a.region_code, *a.comparators) if c)}))

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one declared table; the declared columns with no rows when it is absent.
        A table with an authority dimension (`PARTITIONED_TABLES`) holds only the
        rows of `scope()` (the authority, its region, England, its comparators), read from disk
        per authority, never whole: `every_area` is the route for the rows of every area.
        Seen as another authority than the profile's, the council's own tables and the profile's
        lookups (which belong to the profile's authority) are empty."""
        declared = store_table(name)  # a mistyped name fails here, on every page, not just where it is used
        if self._authority_code and name in PROFILE_TABLES:
            return declared.empty()
        if name in PARTITIONED_TABLES and (codes := self.scope()) is not None:
            return _rows(str(self.path), name, self._stamp(), codes).copy()
        return _table(str(self.path), name, self._stamp()).copy()

    def every_area(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Every area's rows of a table (only `columns`, when given), read for this call and not
        kept: for the few metrics that need every authority's rows (e.g. the publisher's polarity
        of an indicator, once per store version)."""
        declared = store_table(name)
        if self._authority_code and name in PROFILE_TABLES:
            return declared.empty()[columns or declared.names]
        if name not in PARTITIONED_TABLES:
            return _table(str(self.path), name, self._stamp())[columns or declared.names].copy()
        return _read(self.path, name, None, columns)

    def rows_where(self, name: str, column: str, values, columns: list[str] | None = None) -> pd.DataFrame:
        """A copy of the rows of one declared table whose `column` holds one of `values`, in file
        order (for a partitioned table: by area code, each area's rows in file order): a few
        areas' rows out of a national file. For a partitioned table: a filter of the view's
        scope (cached), or, for codes outside it, only those areas' partitions read; for any
        other table a filter of the table read once per store version. With `columns`, only
        those columns, in that order (the same rows; fewer columns to copy)."""
        declared = store_table(name)
        if self._authority_code and name in PROFILE_TABLES:
            return _only(declared.empty(), columns)
        if name in PARTITIONED_TABLES:
            wanted = sorted({str(v) for v in values if v is not None and not pd.isna(v)})
            if not wanted:  # e.g. the code of a store that names no authority, None
                return _only(declared.empty(), columns)
            scope = self.scope()
            if column == layout.PARTITION_COLUMN and (scope is None or not set(wanted) <= set(scope)):
                return _only(_rows(str(self.path), name, self._stamp(), tuple(wanted)), columns).copy()
            held = (_rows(str(self.path), name, self._stamp(), scope) if scope is not None
                    else _table(str(self.path), name, self._stamp()))
            mask = held[column].isin(wanted)
            return _only(held, columns)[mask]  # a new frame: the cached one is not handed out
        frame = _table(str(self.path), name, self._stamp())
        mask = frame[column].isin(list(values))
        return _only(frame, columns)[mask].copy()

    @property
    def authority(self) -> Authority:
        if self._authority_code:
            found = _authority(str(self.path), self._stamp(), self._authority_code)
        else:
            found = self.manifest.authority
        if self._comparator_set is None or not found.area_code:
            return found
        chosen = _comparators(str(self.path), self._stamp(), found.area_code, self._comparator_set)[0]
        return dataclasses.replace(found, comparators=chosen)

    @property
    def default_authority(self) -> Authority:
        """The profile's authority (the manifest's): what a page shows without `?authority=`."""
        return self.manifest.authority

    def authorities(self) -> list[tuple[str, str]]:
        """(code, name) of every upper-tier authority the store has rows for (in any national
        file or the profile), the profile's first, then by name: what the header picker offers."""
        return list(_authorities(str(self.path), self._stamp()))

    def comparators_named(self) -> str:
        """The comparator set in words with its authorities' names, nearest first for peers:
        "similar councils (peer groups): A, B" (what a reader of a mean needs)."""
        areas = _areas(str(self.path), self._stamp())
        names = dict(zip(areas["area_code"], areas["area_name"]))
        codes = self.authority.comparators
        listed = ", ".join(str(names.get(c, c)) for c in codes) or "none"
        return f"{COMPARATOR_SETS[self.comparator_set]}: {listed}"

    def has_rows_for(self, code: str) -> bool:
        return any(c == code for c, _ in self.authorities())


def _only(frame: pd.DataFrame, columns: list[str] | None) -> pd.DataFrame:
    """FRAME's `columns` (all when None): the frame itself or a new one, never changed."""
    return frame if columns is None else frame[columns]


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


@lru_cache(maxsize=512)
def _comparators(path: str, stamp: float, code: str | None, chosen: str | None
                 ) -> tuple[tuple[str, ...], str, str | None]:
    """(comparator codes, the set they are, why the chosen set could not be given) for `code`."""
    own = _manifest(path, stamp).authority
    if not code:
        return tuple(own.comparators), "profile" if own.comparators else "region", None
    areas = _areas(path, stamp)
    row = areas[areas["area_code"] == code]
    parent = row["parent_code"].iloc[0] if len(row) else None
    region = tuple(areas[(areas["parent_code"] == parent) & (areas["area_code"] != code)
                         & ~areas["area_type"].isin(["england", "region"])]["area_code"]) if parent else ()
    profile = tuple(own.comparators) if code == own.area_code else ()
    default = (profile, "profile") if profile else (region, "region")
    if chosen is None:
        return (*default, None)
    if chosen == "region":
        return region, "region", None
    if chosen == "profile":
        if profile:
            return profile, "profile", None
        return (*default, "This authority has no profile list of comparators: showing "
                f"{COMPARATOR_SETS[default[1]]} instead.")
    if PEER_GROUPS is None:  # nothing registered the method (metrics/__init__ imports metrics.comparators.peers, which does)
        return (*default, f"No peer group for this authority (the peer-group method is not loaded): "
                f"showing {COMPARATOR_SETS[default[1]]} instead.")
    peers_of, peer_table = PEER_GROUPS
    store = Store(path)
    found = peers_of(store, code)
    if found:
        return found, "peers", None
    _, notes = peer_table(store)
    why = "; ".join(notes) if notes else "the peers list names no peers for this authority"
    return (*default, f"No peer group for this authority ({why}): showing {COMPARATOR_SETS[default[1]]} instead.")


@lru_cache(maxsize=8)
def _authorities(path: str, stamp: float) -> tuple[tuple[str, str], ...]:
    areas = _areas(path, stamp)
    las = areas[~areas["area_type"].isin(["england", "region"])]
    names = dict(zip(las["area_code"], las["area_name"]))
    by_name = {str(n).lower(): c for c, n in names.items()}
    held: set[str] = set()
    for table in sorted(PARTITIONED_TABLES):  # from folder names: no rows read
        held |= set(_codes(path, table, stamp))
    for table in ("care_providers",):
        t = _table(path, table, stamp)
        if "local_authority" in t:
            held |= {by_name[n] for n in t["local_authority"].dropna().astype(str).str.lower().unique() if n in by_name}
    own = _manifest(path, stamp).authority.area_code
    if own:
        held.add(own)
    # Same-named authorities (two Buckinghamshires, before and after reorganisation) by code: the
    # order never depends on the set's order, which changes with each process's hash seed.
    found = sorted((c for c in held if c in names), key=lambda c: (c != own, str(names[c]), c))
    return tuple((c, str(names[c])) for c in found)


@lru_cache(maxsize=8)
def _manifest(path: str, stamp: float) -> Manifest:
    p = Path(path) / "manifest.json"
    return Manifest.from_json(json.loads(p.read_text(encoding="utf-8")) if p.exists() else {})


@lru_cache(maxsize=128)
def _table(path: str, name: str, stamp: float) -> pd.DataFrame:
    """A whole table (one that is not partitioned, or a partitioned one of a store that names no
    authority), read once per store version."""
    return _read(Path(path), name, None)


def _rows(path: str, name: str, stamp: float, codes: tuple[str, ...]) -> pd.DataFrame:
    """The rows of a partitioned table for these area codes only, kept in the metrics' one cache
    bounded in bytes (`store.memo`); callers copy before changing them, as from `_table`."""
    return memo.cached("_rows", (path, name, stamp, codes), lambda: _read(Path(path), name, codes))


_rows.cache_clear = lambda: memo.METRICS.clear("_rows")


@lru_cache(maxsize=32)
def _codes(path: str, name: str, stamp: float) -> tuple[str, ...]:
    """The area codes a table holds rows for: its partitions' folder names, or (a store written
    before partitions) its area_code column alone."""
    held = layout.table_path(Path(path), name)
    if held is None:
        return ()
    if held.is_dir():
        return tuple(layout.partition_codes(held))
    import pyarrow.parquet as pq
    column = pq.read_table(held, columns=[layout.PARTITION_COLUMN]).column(0)
    return tuple(sorted(str(c) for c in column.unique().to_pylist() if c is not None))


def _read(path: Path, name: str, codes: tuple[str, ...] | None, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table from disk as its declaration says: the rows of ``codes`` only (None: all), the
    declared columns (or ``columns``) in order, a column an older store lacks given empty.
    A partitioned table's areas are read from their folders alone; a single file (a store
    written before partitions) through a filter on area_code."""
    declared = STORE_TABLES[name]
    names = list(columns or declared.names)
    held = layout.table_path(path, name)
    if held is None or (codes is not None and not codes):  # no table, or no area asked for
        return declared.empty()[names]
    if held.is_file() and codes is None:
        frame = pd.read_parquet(held, columns=[c for c in names if c in _file_columns(held)])
        return frame.reindex(columns=names)
    import pyarrow.dataset as ds
    # A partitioned table: the filter on the partition column picks folders, so no other area's
    # file is opened. A single file (a store written before partitions): filtered as it is read.
    data = _dataset(str(held), held.stat().st_mtime_ns)
    import pyarrow as pa
    where = None if codes is None else ds.field(layout.PARTITION_COLUMN).isin(pa.array(codes, pa.string()))
    present = [c for c in names if c in data.schema.names]
    frame = data.to_table(columns=present, filter=where).to_pandas()
    return _as_declared(frame.reindex(columns=names), name)


@lru_cache(maxsize=32)
def _dataset(held: str, mtime: int):
    """The pyarrow dataset of one stored table (its files listed once; versions are immutable).
    Measured against listing the scope's files on each read and against DuckDB over the same
    files: 25 ms against 40 ms and 81 ms for a London authority's scope of the national indicators
    (benchmarks/RESULTS-authority.md)."""
    import pyarrow.dataset as ds
    if Path(held).is_dir():
        return ds.dataset(held, format="parquet", partitioning=layout.partitioning())
    return ds.dataset(held, format="parquet")


def _file_columns(file: Path) -> set[str]:
    import pyarrow.parquet as pq
    return set(pq.read_schema(file).names)


def _as_declared(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The pandas types a single-file read gives (pyarrow keeps them in the files' metadata; the
    partition column, read from the folder names, is text like every other text column)."""
    column = layout.PARTITION_COLUMN
    if column in frame.columns and frame[column].dtype != STR:
        frame[column] = frame[column].astype(STR)
    return frame


_CACHED_METRICS: list = []


def register_cache(fn):
    """Have `clear_caches` forget `fn`'s cache too (anything with a `cache_clear()`: a
    `functools.cache` function, a class whose `cache_clear` classmethod empties its answers).
    Returns `fn`, so it serves as a decorator. Metrics cached by `per_store_version` are
    registered already."""
    if not callable(getattr(fn, "cache_clear", None)):
        raise TypeError(f"{fn!r} has no cache_clear() to register")
    if fn not in _CACHED_METRICS:
        _CACHED_METRICS.append(fn)
    return fn


def clear_caches() -> None:
    """Forget every cached table and metric (benchmarks use this to measure cold runs)."""
    _manifest.cache_clear()
    _table.cache_clear()
    _rows.cache_clear()
    _codes.cache_clear()
    _dataset.cache_clear()
    _areas.cache_clear()
    _authority.cache_clear()
    _authorities.cache_clear()
    for fn in _CACHED_METRICS:
        fn.cache_clear()


ARROW_POOLS = ("system", "release", "arrow")


def arrow_memory_policy() -> str:
    """How Arrow's memory goes back to the system in a serving process, from `MPS_ARROW_POOL`:
    "release" (the default) keeps Arrow's own allocator and asks it to give back what it holds
    unused after each request; "system" allocates through the C library
    (`pa.system_memory_pool()`); "arrow" leaves Arrow's default allocator as it is (it keeps freed
    memory for reuse). Measured under 50 users serving every authority
    (benchmarks/RESULTS-every-authority.md): "release" left the least memory (PSS 1,076-1,091 MB,
    RSS 1,846-1,852 MB after two minutes; "system" 1,138-1,328 and 2,141-2,331; "arrow" 1,148
    and 1,938). Returns the policy applied."""
    import pyarrow as pa
    policy = os.environ.get("MPS_ARROW_POOL", "release").strip().lower()
    if policy not in ARROW_POOLS:
        policy = "release"
    if policy == "system":
        pa.set_memory_pool(pa.system_memory_pool())
    return policy


def release_arrow_memory(_exc=None) -> None:
    """Give back what Arrow's allocator holds unused (the "release" policy, after each request)."""
    import pyarrow as pa
    pa.default_memory_pool().release_unused()


def per_store_version(fn):
    """Cache a metric per (store, store version, authority, arguments): a new ingest invalidates it, and no
    request recomputes what an earlier one already did. Frames are handed out as copies. Every
    metric's answers share one cache bounded in bytes across authorities (`store.memo.METRICS`,
    `MPS_METRIC_CACHE_MB`), so serving every authority does not keep every authority's answers."""
    import copy
    from functools import wraps

    owner = f"{fn.__module__}.{fn.__qualname__}"

    def cached(path: str, version: str, authority: str | None, comparators: str | None, args: tuple, kwargs: tuple):
        return memo.cached(owner, (path, version, authority, comparators, args, kwargs),
                           lambda: fn(Store(path).for_authority(authority).with_comparators(comparators),
                                      *args, **dict(kwargs)))

    cached.cache_clear = lambda: memo.METRICS.clear(owner)

    @wraps(fn)
    def wrapper(store: Store, *args, **kwargs):
        def key(v):  # lists (e.g. years) become tuples so they can be cache keys
            return tuple(v) if isinstance(v, list) else v
        result = cached(str(store.path), store.version, store._authority_code, store._comparator_set,
                        tuple(key(a) for a in args),
                        tuple(sorted((k, key(v)) for k, v in kwargs.items())))
        if isinstance(result, pd.DataFrame):
            return result.copy()
        return copy.deepcopy(result)

    wrapper.cache_clear = cached.cache_clear
    register_cache(cached)
    return wrapper
