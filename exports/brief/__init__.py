"""`mps brief`: the committee briefing pack, in MPS order, as A4 PDF or a self-contained HTML page.

Made from the store alone (no server, no network): the same metric tables the dashboard and the
exports use, charts drawn as static images with matplotlib, the PDF laid out with reportlab
(page numbers, repeated table headers).
"""
from __future__ import annotations

from pathlib import Path

from sentences.findings import RAG_WORDS
from store import Store

from ..staging import staged_file
from .charts import OKABE_ITO, Chart
from .content import (NO_ROWS, RAG_FILL, RAG_INK, RAG_KEY, Section, Summary, _area, _heading, _numeric_column,
                      build_sections, build_summary)
from .html import render_html
from .pdf import (PDF_CELL_LIMIT, PDF_TABLE_SIZES, PDF_WORD_LIMIT, _pdf_table, fit_pdf_cell, pdf_page_footer,
                  render_pdf)

__all__ = ["NO_ROWS", "OKABE_ITO", "PDF_CELL_LIMIT", "PDF_TABLE_SIZES", "PDF_WORD_LIMIT", "RAG_FILL", "RAG_INK",
           "RAG_KEY", "RAG_WORDS", "Chart", "Section", "Summary", "_area", "_heading", "_numeric_column", "_pdf_table",
           "build_sections", "build_summary", "fit_pdf_cell", "pdf_page_footer", "render_html", "render_pdf",
           "write_brief"]


def write_brief(store: Store, path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in {".pdf", ".html", ".htm"}:
        raise ValueError(f"the briefing pack is written as .pdf or .html, not '{path.suffix or path.name}'")
    path.parent.mkdir(parents=True, exist_ok=True)
    sections = build_sections(store)
    summary = build_summary(store)
    with staged_file(path) as stage:  # never a half-written pack over the previous one
        if path.suffix.lower() == ".pdf":
            render_pdf(store, sections, stage, summary)
        else:
            stage.write_text(render_html(store, sections, summary), encoding="utf-8")
    return path
