"""The briefing pack as an A4 PDF laid out with reportlab: page numbers, repeated table headers,
tables sized so that words do not break, and the page footer the published statement's PDF shares."""
from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import pandas as pd

from domain.labels import fmt_cell
from sentences.findings import RAG_WORDS
from store import Store

from .charts import Chart
from .content import NO_ROWS, RAG_FILL, RAG_INK, RAG_KEY, Section, Summary, _area, _heading, _numeric_column


class _BriefDoc:
    """reportlab's SimpleDocTemplate, recording how full each page's frame is when it ends, so a
    test can check that no page but the last is more than half empty."""

    def __new__(cls, *args, **kwargs):
        from reportlab.platypus import SimpleDocTemplate

        class Doc(SimpleDocTemplate):
            def __init__(self, *a, **k):
                super().__init__(*a, **k)
                self.page_fill: list[float] = []
                self.anchors: dict[str, int] = {}

            def afterFlowable(self, flowable):
                anchor = getattr(flowable, "mps_anchor", None)
                if anchor:
                    self.anchors.setdefault(anchor, self.page)

            def handle_pageEnd(self):
                frame = self.frame
                self.page_fill.append(round((frame._y1 + frame._height - frame._y) / frame._height, 3))
                super().handle_pageEnd()
        return Doc(*args, **kwargs)


def render_pdf(store: Store, sections: list[Section], path: Path, summary: Summary | None = None) -> dict:
    """Write the PDF; returns its layout: how full each page is (``page_fill``, 0-1 of the text
    frame's height) and the page each part starts on (``anchors``: "findings" and each section's
    title)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (CondPageBreak, Image, KeepTogether, Paragraph, Spacer, Table,
                                    TableStyle)

    area = _area(store)
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    small_num = small.clone("small_num", alignment=2)
    head = small.clone("head", fontName="Helvetica-Bold", textColor=colors.white)
    head_num = head.clone("head_num", alignment=2)
    body = styles["BodyText"].clone("findings", fontSize=8.5, leading=10.5)
    note = body.clone("note", fontSize=8, leading=9.5)
    section_head = styles["Heading1"].clone("section_head", spaceBefore=14)

    footer = pdf_page_footer(f"{area} market position statement — briefing pack")

    doc = _BriefDoc(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                    bottomMargin=18 * mm, title=f"{area} market position statement: briefing pack",
                    author="mps-dashboard")
    width = A4[0] - 30 * mm
    story = [Paragraph(f"{html.escape(area)}: market position statement — briefing pack", styles["Title"]),
             Paragraph(f"Prepared {dt.date.today():%d %B %Y} from the store built {store.version[:10]}.",
                       styles["BodyText"])]
    if summary is not None:
        story += [Paragraph("Summary: what matters most", styles["Heading1"]),
                  Paragraph(html.escape(summary.intro), body),
                  Paragraph(" ".join(f"<b>{RAG_WORDS[k]}</b>: {html.escape(v)}." for k, v in RAG_KEY), note),
                  Spacer(1, 4)]
        rows = []
        marks = []
        for i, ((_, row), chart) in enumerate(zip(summary.findings.iterrows(), summary.charts)):
            mark_style = body.clone(f"mark{i}", fontName="Helvetica-Bold", alignment=1,
                                    textColor=colors.HexColor(RAG_INK[row["rag"]]))
            text = [Paragraph(f"<b>{html.escape(row['title'])}</b>. {html.escape(row['sentence'])}", body),
                    Paragraph(f"<b>{RAG_WORDS[row['rag']]}</b>: {html.escape(row['rag_meaning'])}.", note)]
            if row["question"]:
                text.append(Paragraph(f"<i>Question to ask:</i> {html.escape(row['question'])}", note))
            img = Image(io.BytesIO(chart.png))
            scale = 60 * mm / img.imageWidth
            img.drawWidth, img.drawHeight = 60 * mm, img.imageHeight * scale
            rows.append([Paragraph(f"{int(row['rank'])}<br/>{RAG_WORDS[row['rag']]}", mark_style), text, img])
            marks.append(("BACKGROUND", (0, i), (0, i), colors.HexColor(RAG_FILL[row["rag"]])))
        if rows:
            t = Table(rows, colWidths=[18 * mm, width - 80 * mm, 62 * mm], hAlign="LEFT")
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                                   *marks]))
            t.mps_anchor = "findings"
            story.append(t)
    for s in sections:
        story.append(CondPageBreak(70 * mm))  # a section starts on a new page only if little room is left
        title = Paragraph(html.escape(s.title), section_head)
        title.mps_anchor = s.title
        story.append(title)
        story += [Paragraph(html.escape(p), styles["BodyText"]) for p in s.paragraphs]
        for b in s.blocks:
            if isinstance(b, Chart):
                img = Image(io.BytesIO(b.png))
                scale = width / img.imageWidth
                img.drawWidth, img.drawHeight = width, img.imageHeight * scale
                story += [Spacer(1, 4), img]
            else:
                caption, frame = b
                if frame.empty:  # reportlab cannot lay out a table with no rows or columns
                    story.append(Paragraph(f"<b>{html.escape(caption)}</b>: {NO_ROWS}", styles["BodyText"]))
                    continue
                story += [Spacer(1, 6), CondPageBreak(30 * mm),
                          KeepTogether([Paragraph(html.escape(caption), styles["Heading3"])]),
                          _pdf_table(frame, width, (head, head_num), (small, small_num))]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return {"page_fill": doc.page_fill, "anchors": doc.anchors}


PDF_CELL_LIMIT = 400
"""Most characters a table cell of the PDF shows: a row cannot split across pages, so longer text
(a supplier's name pasted with a whole document) is cut, ending with a note of its full length."""


def fit_pdf_cell(text: str) -> str:
    if len(text) <= PDF_CELL_LIMIT:
        return text
    note = f" … [cut at {PDF_CELL_LIMIT} of {len(text):,} characters; the CSV export holds the whole text]"
    return text[:PDF_CELL_LIMIT] + note


PDF_WORD_LIMIT = 30
"""Longest run of characters without a space that the PDF's table columns are sized to hold whole
(a client group, an authority's or a file's name). A longer run (a pasted document, a hostile name)
is not a word: it may break where the column ends rather than widen the table off the page."""

PDF_TABLE_SIZES = (7, 6.5, 6, 5.5, 5)
"""Font sizes (points) a PDF table may use: the largest at which every column holds its longest word."""


def _longest_word(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    return max((stringWidth(w, font, size) for w in text.split() if len(w) <= PDF_WORD_LIMIT), default=0.0)



def pdf_page_footer(label: str):
    """A reportlab page callback drawing `label` at the foot of each A4 page and the page's number
    on the right (the brief and the published statement's PDF share it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(15 * mm, 10 * mm, label)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()
    return footer

def _pdf_table(frame: pd.DataFrame, width: float, heads, smalls):
    """One table for the PDF: labelled header row repeated on each page, cells formatted by column,
    numbers right-aligned. Tables break lines only between words: each column is at least as wide
    as its longest word (measured in the font it is drawn in, header bold), and a table whose words
    cannot all fit the page at 7 pt is set in the largest smaller size at which they do. The width
    left over goes to the columns whose text wraps, by their typical length."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table, TableStyle
    numeric = [_numeric_column(frame, c) for c in frame.columns]
    cells = [[fit_pdf_cell(fmt_cell(str(c), v)) for v, c in zip(r, frame.columns)]
             for r in frame.itertuples(index=False)]
    headers = [_heading(c) for c in frame.columns]
    pad = 12.5  # the cell's padding, 6 pt each side, and a little for rounding

    def least(size: float) -> list[float]:
        """Each column's narrowest width at `size`: its longest word; a number or short code whole."""
        out = []
        for j, h in enumerate(headers):
            words = [_longest_word(h, heads[numeric[j]].fontName, size)]
            words += [_longest_word(row[j], smalls[numeric[j]].fontName, size) for row in cells]
            if numeric[j] or max((len(row[j]) for row in cells), default=0) <= 12:  # never wraps
                words += [stringWidth(row[j], smalls[numeric[j]].fontName, size) for row in cells]
            out.append(max(words) + pad)
        return out

    size = next((s for s in PDF_TABLE_SIZES if sum(least(s)) <= width), PDF_TABLE_SIZES[-1])
    floor = least(size)
    if sum(floor) > width:  # too many columns even at the smallest size: the page's width wins
        floor = [f * width / sum(floor) for f in floor]
    char = 1.45 * mm * size / 7  # 7pt Helvetica: about 1.45 mm a character
    wraps = [not numeric[j] and max((len(row[j]) for row in cells), default=0) > 12 for j in range(len(headers))]
    wish = list(floor)
    for j in (j for j in range(len(headers)) if wraps[j]):
        lengths = sorted(len(row[j]) for row in cells)
        wish[j] = max(floor[j], min(lengths[int(len(lengths) * 0.8)], 40) * char + pad)
    if sum(wish) > width:  # share what is left above the floors by how much more each column wants
        spare, more = max(width - sum(floor), 0.0), [w - f for w, f in zip(wish, floor)]
        wish = [f + spare * m / (sum(more) or 1) for f, m in zip(floor, more)]
    elif any(wraps):  # room to spare: the columns whose text wraps take it, by what they wish for
        spare, wanted = width - sum(wish), sum(w for w, x in zip(wish, wraps) if x)
        wish = [w + spare * w / wanted if x else w for w, x in zip(wish, wraps)]
    if size != PDF_TABLE_SIZES[0]:
        heads = [h.clone(f"{h.name}_{size}", fontSize=size, leading=size * 1.2) for h in heads]
        smalls = [s.clone(f"{s.name}_{size}", fontSize=size, leading=size * 1.2) for s in smalls]
    data = [[Paragraph(html.escape(h), heads[n]) for h, n in zip(headers, numeric)]]
    data += [[Paragraph(html.escape(v), smalls[n]) for v, n in zip(row, numeric)] for row in cells]
    t = Table(data, repeatRows=1, hAlign="LEFT", colWidths=wish)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b0c0c")),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    t.mps_font_size = size
    return t
