"""The store on disk: complete versions, one pointer to the current one, and the locks.

    data/store                        a symbolic link to store.versions/<version>: the current store
    data/store.versions/<version>/    one complete store each (manifest.json, *.parquet, .readers)
        <table>.parquet                   a table without an authority dimension: one file
        <table>/area_code=<GSS>/part-0.parquet   a table with one (domain.contract's PARTITIONED_TABLES): a Hive-
                                          partitioned dataset, one folder per area code
    data/store.versions/.tmp-*        a version being written (swept by the next writer)
    data/store.versions/.writer.lock  held (flock, exclusive) by the one ingest that is writing

A refresh writes a new version beside the others and then renames a new link over the old one:
one atomic step, so the store path always exists and always names a complete version. A reader
pins the version the link names when it starts (`pin`) and holds a shared lock on that version's
`.readers` file until it is done, so it never mixes two versions; the writer removes an old
version only when it can take that lock exclusively, i.e. when no reader holds it.

Folders and files are made with the default modes, so they follow the user's umask.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

READERS = ".readers"
WRITER_LOCK = ".writer.lock"
TMP_PREFIX = ".tmp-"
KEEP = 2  # the current version and the one before it, besides any a reader still holds


PARTITION_COLUMN = "area_code"



def table_path(version: Path, name: str) -> Path | None:
    """Where a version holds a table: its dataset folder, its single file (also a partitioned table
    in a store written before partitions), or None."""
    folder = Path(version) / name
    if folder.is_dir():
        return folder
    file = Path(version) / f"{name}.parquet"
    return file if file.is_file() else None


def partitioning():
    """The pyarrow Hive partitioning of the partitioned tables: area codes as strings (never
    inferred as numbers or dictionaries), percent-encoded in folder names."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    return ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.string())]), flavor="hive")


def partition_folder(dataset: Path, code: str | None) -> Path:
    """The folder of one area code's rows (the value percent-encoded, as pyarrow writes it)."""
    value = "__HIVE_DEFAULT_PARTITION__" if code is None else quote(str(code), safe="")
    return Path(dataset) / f"{PARTITION_COLUMN}={value}"


def partition_codes(dataset: Path) -> list[str]:
    """The area codes a partitioned table holds rows for, from its folder names (no file read)."""
    prefix = PARTITION_COLUMN + "="
    return sorted(unquote(e.name[len(prefix):]) for e in os.scandir(dataset)
                  if e.is_dir() and e.name.startswith(prefix) and e.name != prefix + "__HIVE_DEFAULT_PARTITION__")


class StoreBusy(Exception):
    """Another ingest is writing this store."""


def versions_dir(store: Path) -> Path:
    return store.with_name(store.name + ".versions")


def current(store: Path) -> Path:
    """The folder the store path names now (the path itself for a store written before versions)."""
    return Path(os.path.realpath(store))


@contextmanager
def writer_lock(store: Path):
    """Hold the store's writer lock, or raise StoreBusy at once if another ingest holds it."""
    folder = versions_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreBusy(f"{store}: another `mps ingest` is writing this store; "
                                "run this one again when it has finished") from None
            raise
        sweep_temporary(store)
        yield
    finally:
        os.close(fd)  # closing releases the lock, also if the process is killed


def new_version(store: Path) -> Path:
    """An empty temporary folder for the next version (mode from the umask)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    tmp = versions_dir(store) / f"{TMP_PREFIX}{stamp}-{os.getpid()}"
    tmp.mkdir()
    (tmp / READERS).touch()
    return tmp


def publish(store: Path, tmp: Path) -> Path:
    """Make the finished temporary folder the current version with one atomic rename of a link."""
    version = tmp.with_name(tmp.name.removeprefix(TMP_PREFIX))
    os.replace(tmp, version)
    link = store.with_name(f".{store.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(version, store.parent), link)
    if store.is_dir() and not store.is_symlink():
        # A store written before versions: move it in with the others (the one moment the path
        # is missing, once per store), then the link takes its place.
        os.replace(store, versions_dir(store) / f"{version.name}-before")
    os.replace(link, store)
    sweep_old(store)
    return version


def sweep_temporary(store: Path) -> None:
    """Remove what interrupted writers left (called under the writer lock, so none is running)."""
    for tmp in versions_dir(store).glob(TMP_PREFIX + "*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for legacy in list(store.parent.glob(store.name + ".new-*")) + list(store.parent.glob(store.name + ".old-*")):
        shutil.rmtree(legacy, ignore_errors=True)
    for link in store.parent.glob(f".{store.name}.link-*"):
        link.unlink(missing_ok=True)


def sweep_old(store: Path) -> None:
    """Remove versions older than the last KEEP that no reader holds."""
    live = current(store)
    versions = sorted((p for p in versions_dir(store).iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name, reverse=True)
    for old in versions[KEEP:]:
        if old == live:
            continue
        if _unheld(old):
            shutil.rmtree(old, ignore_errors=True)


def _unheld(version: Path) -> bool:
    try:
        fd = os.open(version / READERS, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def pin(store: Path) -> tuple[Path, int | None]:
    """The version the store names now and a descriptor holding a shared lock on it (None for a
    store without versions); close the descriptor when done reading."""
    for _ in range(5):
        version = current(store)
        try:
            fd = os.open(version / READERS, os.O_RDONLY)
        except OSError:
            if (version / "manifest.json").exists() or not version.exists():
                return version, None  # a store written before versions, or none at all
            continue  # swept between resolving and opening: resolve again
        fcntl.flock(fd, fcntl.LOCK_SH)
        if (version / "manifest.json").exists():
            return version, fd
        os.close(fd)
    return current(store), None


class _Pin:
    """One shared lock on a version, held by this process for as long as any request uses it
    (a count), plus once for the cache while the version is current."""

    def __init__(self, target: str, version: Path, fd: int):
        self.target, self.version, self.fd, self.count = target, version, fd, 1

    def release(self) -> None:
        with _PINS_LOCK:
            self.count -= 1
            if self.count == 0 and self.fd is not None:
                os.close(self.fd)
                self.fd = None


_PINS: dict[str, _Pin] = {}
_PINS_LOCK = threading.Lock()


def pin_cached(store: Path) -> tuple[Path, _Pin | int | None]:
    """`pin`, cheap per request: the version a store's link names is resolved and locked once per
    process, and each request after it costs one `readlink` to see that the link still names it
    (then a count goes up), instead of resolving the path, opening, locking and closing a file.
    When the link names another version, the new one is pinned and the old one's lock is let go
    once its last request ends. Returns (version, something to `release()`), or what `pin` returns
    for a store without versions."""
    key = str(store)
    try:
        target = os.readlink(store)
    except OSError:  # not a link: a store written before versions, or none yet
        return pin(store)
    with _PINS_LOCK:
        held = _PINS.get(key)
        if held is not None and held.target == target and held.fd is not None:
            held.count += 1
            return held.version, held
    version, fd = pin(store)
    if fd is None:
        return version, None
    entry = _Pin(target, version, fd)
    entry.count = 2  # the caller's, and the cache's while this version is current
    with _PINS_LOCK:
        old = _PINS.get(key)
        _PINS[key] = entry
    if old is not None:
        old.release()  # the cache's own hold; requests still reading it keep theirs
    return version, entry
