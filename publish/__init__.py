"""`mps publish`: the Market Position Statement itself, as a static website and one PDF.

content.assemble decides what each MPS section says (from the brief's sections: the same metric
functions as the dashboard and the exports), site.write_site and pdf.render_pdf render it,
editions records each edition (figures.json) and compares it with the previous one. Layer: like
exports/, with which it shares the figures; it may import domain, metrics, exports and the pure
chart functions of layouts.figures, and nothing imports it but mps_cli.py.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from exports.downloads import area_prefix, record_published
from store import Store

from . import editions
from .content import Figure, assemble, slug_of
from .pdf import render_pdf
from .site import write_site


@dataclass
class Published:
    folder: Path
    pdf: Path
    pages: int  # the PDF's pages
    outline: list[str]
    seconds: float
    bytes: int


def publish(store: Store, out: Path, *, previous: Path | None = None, profiles: Path | None = None,
            published: dt.date | None = None) -> Published:
    """Write the statement of the store's authority into ``out`` (a folder): built whole in a
    staging folder beside it, then swapped in, so a failure leaves the previous edition as it was."""
    started = time.perf_counter()
    out = Path(out)
    prev = editions.read_previous(previous, store.authority.area_code) if previous else None
    pub = assemble(store, profiles=profiles, published=published)
    figures = {f.csv: f.caption for p in pub.pages for f in p.figures}
    figures[pub.findings.csv] = pub.findings.caption
    current = editions.record(store, pub.published, figures)
    if prev is not None:
        pub.previous = prev
        ch = editions.changes(prev, current)
        line = (f"Source: figures.json of the edition of {prev.get('published')} and of this one "
                f"(store versions {str(prev.get('store_version'))[:10]} and {store.version[:10]}).")
        pub.changes = [Figure("Key figures that moved", ch["facts"], "changes-figures.csv", line),
                       Figure("Care homes opened and closed (CQC directory)", ch["homes"], "changes-care-homes.csv",
                              line),
                       Figure("Contracts let since the last statement (on the registers now, not then)",
                              ch["contracts"], "changes-contracts.csv", line)]
    pdf_name = f"{area_prefix(store)}market-position-statement-{pub.published.isoformat()}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        brand = (store.manifest.branding or {}).get("primary_colour", "#005EA5") if store.manifest.branding else "#005EA5"
        write_site(pub, stage, pdf_name, brand=brand)
        layout = render_pdf(pub, stage / pdf_name)
        current["pdf"] = {"file": pdf_name, "pages": layout["pages"]}
        (stage / editions.FIGURES_FILE).write_text(json.dumps(current, indent=1, ensure_ascii=False), encoding="utf-8")
        _swap(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    record_published(store, out, pdf_name, pub.published)
    return Published(out, out / pdf_name, layout["pages"], layout["outline"], time.perf_counter() - started, size)


def _swap(stage: Path, out: Path) -> None:
    """Put the staged folder where ``out`` is: the old folder is moved aside first and removed
    after, so at no moment is there a half-written site at ``out``."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def publish_all(store: Store, out: Path, *, profiles: Path | None = None) -> list[tuple[str, str, Published]]:
    """Every authority the store has rows for, each into ``out/<code>/``, and an index of them."""
    import html
    done = []
    for code, name in store.authorities():
        view = store.for_authority(code)
        done.append((code, name, publish(view, Path(out) / code, profiles=profiles)))
    items = "".join(f"<li><a href='{html.escape(code)}/index.html'>{html.escape(name)}</a> ({html.escape(code)})</li>"
                    for code, name, _ in done)
    (Path(out) / "index.html").write_text(
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><meta name='viewport' "
        "content='width=device-width, initial-scale=1'><title>Market position statements</title></head><body>"
        f"<main><h1>Market position statements</h1><ul>{items}</ul></main></body></html>", encoding="utf-8")
    return done


__all__ = ["Published", "publish", "publish_all", "slug_of"]
