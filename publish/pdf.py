"""The published MPS as one A4 PDF (reportlab, as the briefing pack): a title page, a contents
page with page numbers, the summary of findings, what changed since the last statement, then
every section with the council's words, the generated sentences, the tables (the brief's table
layout) and the brief's static charts. Each section is a bookmark (a PDF outline entry) and every
page carries its number."""
from __future__ import annotations

import html
import io
from pathlib import Path

from domain.labels import fmt_date
from exports.brief import NO_ROWS, RAG_WORDS, _pdf_table, pdf_page_footer

from . import narrative as md
from .content import Publication


def render_pdf(pub: Publication, path: Path) -> dict:
    """Write the PDF; returns {"pages": n, "outline": [section titles in order]}."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, Image, KeepTogether, PageBreak,
                                    PageTemplate, Paragraph, Spacer)
    from reportlab.platypus.tableofcontents import TableOfContents

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = body.clone("small7", fontSize=7, leading=8.5)
    small_num = small.clone("small7n", alignment=2)
    head = small.clone("head7", fontName="Helvetica-Bold", textColor=colors.white)
    head_num = head.clone("head7n", alignment=2)
    note = body.clone("note8", fontSize=8, leading=10, textColor=colors.HexColor("#505a5f"))
    h1 = styles["Heading1"].clone("mpsh1", spaceBefore=6)
    h2 = styles["Heading2"].clone("mpsh2")
    h3 = styles["Heading3"].clone("mpsh3")
    width = A4[0] - 30 * mm
    outline: list[str] = []
    title_text = f"{pub.area} market position statement"

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            key = getattr(flowable, "mps_bookmark", None)
            if not key:
                return
            text = flowable.getPlainText()
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0, closed=False)
            self.notify("TOCEntry", (0, text, self.page, key))
            if text not in outline:
                outline.append(text)

    footer = pdf_page_footer(f"{title_text} — {fmt_date(str(pub.published)[:10])}")

    doc = Doc(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
              bottomMargin=18 * mm, title=title_text, author=pub.area, subject="Market position statement")
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])

    def heading(text: str, key: str):
        p = Paragraph(html.escape(text), h1)
        p.mps_bookmark = key
        return p

    def narrative(n: md.Narrative | None, who: str) -> list:
        if n is None:
            return []
        out = [Paragraph(f"<b>{html.escape(who)}</b>", note)]
        for b in n.blocks:
            if b.kind == "h":
                out.append(Paragraph(md.inline_pdf(b.text), h3 if b.level > 1 else h2))
            elif b.kind == "ul":
                out += [Paragraph(md.inline_pdf(i), body, bulletText="•") for i in b.items]
            else:
                out.append(Paragraph(md.inline_pdf(b.text), body))
        return out

    def table(fig) -> list:
        if fig.frame.empty:
            return [Paragraph(f"<b>{html.escape(fig.caption)}</b>: {NO_ROWS}", body)]
        return [Spacer(1, 6), CondPageBreak(30 * mm), KeepTogether([Paragraph(html.escape(fig.caption), h3)]),
                _pdf_table(fig.frame, width, (head, head_num), (small, small_num)),
                Paragraph(html.escape(fig.source) + f" CSV: data/{html.escape(fig.csv)} in the website.", note)]

    toc = TableOfContents()
    toc.levelStyles = [body.clone("toc0", fontSize=11, leading=16, leftIndent=0)]
    story = [Spacer(1, 60 * mm), Paragraph(html.escape(title_text), styles["Title"]),
             Paragraph(f"Edition of {fmt_date(str(pub.published)[:10])}, from store version {html.escape(pub.store_version)}; "
                       f"data as at {fmt_date(str(pub.as_at)[:10])}.", body),
             PageBreak(), Paragraph("Contents", h1), toc, PageBreak(),
             heading("Summary of findings", "findings"), Paragraph(html.escape(pub.summary.intro), body)]
    for _, row in pub.summary.findings.iterrows():
        story.append(Paragraph(f"<b>{int(row['rank'])}. {RAG_WORDS[row['rag']]}: {html.escape(row['title'])}</b>. "
                               f"{html.escape(row['sentence'])}", body))
    if pub.changes:
        story += [CondPageBreak(60 * mm), heading("What changed since the last statement", "changes"),
                  Paragraph(f"Against the edition of {html.escape(str((pub.previous or {}).get('published', '?')))}.",
                            body)]
        for fig in pub.changes:
            story += table(fig)
    who = f"{pub.area} Council's words" if pub.area != "The authority" else "The council's words"
    for page in pub.pages:
        story += [PageBreak(), heading(f"{page.number}. {page.title}", page.slug)]
        story += [Paragraph(f"<b>{html.escape(m)}</b>", body) for m in page.missing]
        story += narrative(page.before, who)
        if page.slug == "introduction" and pub.comparators:
            story.append(Paragraph("Figures are set beside the region, England and these comparator authorities: "
                                   + html.escape(", ".join(pub.comparators)) + ".", body))
        if page.slug == "intentions":
            from domain.labels import CLIENT_GROUP_LABELS
            if pub.intentions:
                story.append(Paragraph("Commissioning intentions by client group", h2))
                story += [Paragraph(f"<b>{html.escape(CLIENT_GROUP_LABELS.get(k, k))}</b>: {md.inline_pdf(str(v))}",
                                    body, bulletText="•") for k, v in pub.intentions.items()]
        if page.generated:
            label = ("What the data say (generated from the figures)" if page.before or page.after else
                     "No narrative from the council for this section: these sentences are generated from the figures")
            story.append(Paragraph(f"<i>{label}</i>", note))
            story += [Paragraph(html.escape(s), body) for s in page.generated]
        for fig in page.figures:
            story += table(fig)
        for chart in page.images:
            img = Image(io.BytesIO(chart.png))
            scale = width / img.imageWidth
            img.drawWidth, img.drawHeight = width, img.imageHeight * scale
            story += [Spacer(1, 4), img]
        story += narrative(page.after, who)
        if page.slug == "intentions":
            story.append(Paragraph("Contact us", h2))
            story += narrative(pub.contact, who)[1:] if pub.contact else []
            story += [Paragraph(f"{html.escape(k.replace('_', ' ').capitalize())}: {md.inline_pdf(str(v))}", body)
                      for k, v in pub.contacts.items()]
    doc.multiBuild(story, maxPasses=6)
    return {"pages": doc.page, "outline": outline}
