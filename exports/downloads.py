"""Flask routes that serve each download of the current store version.

The heavy outputs (workbook, CSV zip, briefing pack) are built once per store version and
authority (and day: the files say when they were prepared), into
`<version>/.downloads/<authority>-<date>-<fingerprint>/`, and served from disk after that: a refresh
makes a new version (so nothing stale is served), and the cache goes when the version is swept. A
build runs under a file lock, so twenty people asking at once (in any worker) cost one build."""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
import threading
import zipfile
from urllib.parse import urlencode
from pathlib import Path

from flask import Flask, Response, request, send_file, send_from_directory

from store import Store

FILES = {
    "workbook": ("mps-tables", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("mps-tables-csv", "zip", "application/zip"),
    "brief-pdf": ("mps-briefing-pack", "pdf", "application/pdf"),
    "brief-html": ("mps-briefing-pack", "html", "text/html"),
}


def dated_name(store: Store, stem: str, suffix: str) -> str:
    """File names carry the authority and the date (<area>-mps-tables-2026-11-23.xlsx); a store
    with no profile gives mps-tables-2026-11-23.xlsx. Only letters, digits and hyphens survive, so a
    name from mps.toml cannot reach outside the folder it is written to."""
    return f"{area_prefix(store)}{stem}-{dt.date.today().isoformat()}.{suffix}"


def area_prefix(store: Store) -> str:
    """'lewisham-' for a file name, '' when the store names no authority."""
    slug = re.sub(r"[^a-z0-9]+", "-", (store.authority.area_name or "").lower()).strip("-")
    return slug + "-" if slug else ""


def file_name(store: Store, key: str) -> str:
    stem, suffix, _ = FILES[key]
    return dated_name(store, stem, suffix)


def href(store: Store, key: str) -> str:
    """The route that makes download `key`, with `?authority=` when the store is seen as another
    authority than the profile's and `?comparators=` when a comparator set was chosen (the route
    reads them like every page does)."""
    query = urlencode(store.view_query())
    return f"/download/{key}" + (f"?{query}" if query else "")


CACHE_DIR = ".downloads"
"""Inside a store version: the downloads built from that version (removed with it)."""


def build(store: Store, key: str, path: Path) -> Path:
    """Write download `key` of `store` to `path`."""
    path = Path(path)
    if key == "workbook":
        from .xlsx_export import write_workbook
        return write_workbook(store, path)
    if key == "csv":
        from .csv_export import README_NAME, write_csv_tables
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for p in write_csv_tables(store, Path(tmp) / "csv"):
                z.write(p, p.name)
            z.write(Path(tmp) / "csv" / README_NAME, README_NAME)
        return path
    from .brief import write_brief
    return write_brief(store, path)


def make(store: Store, key: str) -> bytes:
    """Download `key` of `store` as bytes, built afresh."""
    with tempfile.TemporaryDirectory() as tmp:
        return build(store, key, Path(tmp) / f"download.{FILES[key][1]}").read_bytes()


def cache_folder(store: Store) -> Path:
    """Where this store version's downloads for this view's authority are kept: named by the
    authority, today's date (the files say the day they were prepared, as their names do) and a
    fingerprint of the version's files (names, sizes, modification times), so a store changed in
    place (a test does that; `mps ingest` never does) or copied back from a backup never serves a
    file built from other data."""
    version = Path(os.path.realpath(store.path))
    code = re.sub(r"[^A-Za-z0-9]+", "-", store.authority.area_code or "store")
    if store.view_query().get("comparators"):  # a chosen comparator set gives other figures
        code += "-" + store.comparator_set
    return version / CACHE_DIR / f"{code}-{dt.date.today().isoformat()}-{fingerprint(version)}"


def fingerprint(version: Path) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(version):
        dirs[:] = sorted(d for d in dirs if d != CACHE_DIR)
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            digest.update(f"{os.path.relpath(path, version)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def cached(store: Store, key: str) -> Path | None:
    """The file of download `key` for this store version and authority, built now if no one has
    built it yet. Built under an exclusive lock on a file beside it (flock: it holds between
    threads and between processes), into a temporary name renamed into place, so a reader never
    sees half a file and concurrent requests wait for the one build. None if the version folder
    cannot be written (a read-only store): the caller builds the file in memory instead."""
    folder = cache_folder(store)
    target = folder / f"{key}.{FILES[key][1]}"
    if target.is_file():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / f".{key}.lock", os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if target.is_file():  # built by whoever held the lock before us
            return target
        tmp = folder / f".{key}-{os.getpid()}-{threading.get_ident()}.tmp{target.suffix}"
        try:
            build(store, key, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target
    finally:
        os.close(fd)


PUBLISHED_RECORD = "published-{code}.json"
"""In the store version's .downloads folder: where `mps publish` last wrote this authority's MPS
from this version (the site folder, its PDF, the date). A new store version has none, so the
Downloads page offers only a statement written from the data it shows."""


def _record_path(store: Store) -> Path:
    code = re.sub(r"[^A-Za-z0-9]+", "-", store.authority.area_code or "store")
    return Path(os.path.realpath(store.path)) / CACHE_DIR / PUBLISHED_RECORD.format(code=code)


def record_published(store: Store, site: Path, pdf: str, published) -> Path | None:
    """Note that the MPS of this store version and authority was written to ``site``; None when the
    version folder cannot be written (a read-only store: the site is written all the same)."""
    path = _record_path(store)
    record = {"store_version": store.version, "authority": store.authority.area_code,
              "site": str(Path(site).resolve()), "pdf": pdf, "published": str(published)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return None
    return path


def published(store: Store) -> dict | None:
    """The record of the MPS published from this store version for this authority, if its site is
    still where it was written; else None."""
    path = _record_path(store)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("store_version") != store.version or not (Path(record.get("site", "")) / "index.html").is_file():
        return None
    return record


def published_href(store: Store, name: str = "index.html") -> str:
    return f"/published/{re.sub(r'[^A-Za-z0-9]+', '-', store.authority.area_code or 'store')}/{name}"


def not_found(message: str) -> Response:
    return Response(message + "\n", status=404, mimetype="text/plain")


def register(server: Flask, view, authority_problem=lambda: None) -> None:
    """/download/<key>?authority=CODE&comparators=SET: the route's own query chooses the view
    (`view(authority, comparators)` -> the store seen so, e.g. `layouts.context.use_view`)."""
    @server.route("/download/<key>")
    def download(key: str):
        if key not in FILES:
            return not_found(f"There is no download called '{key[:60]}'. The downloads are: "
                             + ", ".join(FILES) + ".")
        store = view(request.args.get("authority"), request.args.get("comparators"))
        if not store.exists:
            return not_found("The dashboard has no data yet: run `mps ingest` first.")
        problem = authority_problem()
        if problem:  # an unknown ?authority=, or one the store has no rows for: never another's file
            return not_found(problem.split(" Showing ")[0])
        path = cached(store, key)
        body = path if path is not None else io.BytesIO(make(store, key))
        return send_file(body, mimetype=FILES[key][2], as_attachment=True, download_name=file_name(store, key))


def register_published(server: Flask, view, authority_problem=lambda: None) -> None:
    """/published/<code>/<file>: the statement `mps publish` wrote from the current store version
    for the authority the path names (its site folder, served as static files; a name outside it
    is a 404, never another file)."""
    @server.route("/published/<code>/<path:name>")
    def published_file(code: str, name: str):
        store = view(None if code == "store" else code, None)
        if not store.exists or authority_problem():
            return not_found("There is no published statement for this authority.")
        record = published(store)
        if record is None or published_href(store, "") != f"/published/{code}/":
            return not_found("No market position statement has been published from the current data: run "
                             "`mps publish`.")
        return send_from_directory(record["site"], name)
