"""Flask routes that make each download from the current store when asked (no stale files)."""
from __future__ import annotations

import datetime as dt
import re
import io
import tempfile
import zipfile
from pathlib import Path

from flask import Flask, abort, send_file

from metrics.store import Store

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
    authority than the profile's (the route reads it like every page does)."""
    code = store.authority.area_code
    return f"/download/{key}" + (f"?authority={code}" if code and code != store.default_authority.area_code else "")


def make(store: Store, key: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if key == "workbook":
            from .xlsx_export import write_workbook
            return write_workbook(store, tmp / "t.xlsx").read_bytes()
        if key == "csv":
            from .csv_export import README_NAME, write_csv_tables
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for p in write_csv_tables(store, tmp / "csv"):
                    z.write(p, p.name)
                z.write(tmp / "csv" / README_NAME, README_NAME)
            return buf.getvalue()
        from .brief import write_brief
        return write_brief(store, tmp / ("b.pdf" if key == "brief-pdf" else "b.html")).read_bytes()


def register(server: Flask, get_store) -> None:
    @server.route("/download/<key>")
    def download(key: str):
        store = get_store()
        if key not in FILES or not store.exists:
            abort(404)
        data = make(store, key)
        return send_file(io.BytesIO(data), mimetype=FILES[key][2], as_attachment=True,
                         download_name=file_name(store, key))
