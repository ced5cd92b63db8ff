"""The published MPS as a static website: one HTML page per section, an index with the summary of
findings, each table's CSV under data/, plotly.js and the styles under assets/. Relative links
only, no CDN, no web font, no server: the folder works on any web host and from file://."""
from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from domain.labels import fmt_date, column_label, fmt_cell
from exports.brief import RAG_FILL, RAG_INK, RAG_WORDS
from exports.csv_export import LINE_END, safe_frame

from . import narrative as md
from .content import Figure, Page, Publication

ASSETS = "assets"
DATA = "data"

CSS = """
:root { --ink: #0b0c0c; --muted: #505a5f; --line: #b1b4b6; --link: #1d70b8; --focus: #ffdd00; --brand: BRAND; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5; font-size: 1.0625rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--link); } a:visited { color: #4c2c92; }
a:focus, [tabindex]:focus { outline: 3px solid var(--focus); outline-offset: 0; background: var(--focus); color: var(--ink); }
.skip { position: absolute; left: -9999px; top: 0; padding: .5rem 1rem; background: var(--focus);
  color: var(--ink); z-index: 10; }
.skip:focus { left: 0; }
header.site { border-bottom: 8px solid var(--brand); padding: .75rem 1rem; }
header.site .org { margin: 0; font-weight: 700; font-size: 1.25rem; }
header.site .org a { color: var(--ink); text-decoration: none; }
nav.sections ol { margin: .5rem 0 0; padding-left: 1.5rem; columns: 2 16rem; font-size: .95rem; }
nav.sections a[aria-current="page"] { font-weight: 700; color: var(--ink); }
main { display: block; max-width: 60rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; background: none; }
h1 { font-size: 2rem; line-height: 1.2; margin: .5rem 0 1rem; }
h2 { font-size: 1.5rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--brand); }
h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.edition, .source, .hint { color: var(--muted); font-size: .9rem; }
.generated { border-left: 5px solid var(--line); padding: .25rem 0 .25rem 1rem; margin: 1rem 0; }
.generated .label, .council .label { font-weight: 700; font-size: .9rem; margin: 0; }
.council { border-left: 5px solid var(--brand); padding: .25rem 0 .25rem 1rem; margin: 1rem 0; }
.missing { border: 3px solid #d4351c; padding: .5rem 1rem; }
figure.chart { margin: 1.5rem 0 .5rem; }
.plot { width: 100%; min-height: 320px; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
ol.findings { list-style: none; padding: 0; }
ol.findings li { border-bottom: 1px solid var(--line); padding: .75rem 0; }
.mark { display: inline-block; font-weight: 700; padding: 0 .5rem; margin-right: .5rem; }
.contact-box { border: 3px solid var(--brand); padding: .5rem 1rem; margin: 1.5rem 0; }
footer.site { border-top: 1px solid var(--line); padding: 1rem; margin-top: 2rem; font-size: .9rem; }
.pager { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; margin-top: 2rem; }
@media (max-width: 40rem) { h1 { font-size: 1.6rem; } nav.sections ol { columns: 1; } main { padding: .75rem; } }
@media print {
  .skip, nav.sections, .pager, .plot, .csv { display: none !important; }
  header.site { border-bottom: 2px solid #000; }
  body { font-size: 10.5pt; } main { max-width: none; padding: 0; }
  a { color: #000; } h2 { break-after: avoid; } table, figure, li { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
"""

CHARTS_JS = """/* Draw every chart from the JSON beside it, with the plotly.js shipped in this folder. */
(function () {
  if (!window.Plotly) { return; }
  document.querySelectorAll('div.plot[data-figure]').forEach(function (div) {
    var source = document.getElementById(div.getAttribute('data-figure'));
    if (!source) { return; }
    var fig = JSON.parse(source.textContent);
    var layout = fig.layout || {};
    layout.autosize = true; delete layout.width;
    Plotly.newPlot(div, fig.data || [], layout, {responsive: true, displayModeBar: false, staticPlot: false});
  });
})();
"""


def _numeric(frame: pd.DataFrame, column) -> bool:
    col = frame[column]
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def table_html(fig: Figure, ident: str) -> str:
    frame = fig.frame
    if frame.empty:
        return (f"<p id='{ident}'><strong>{html.escape(fig.caption)}</strong>: the store holds no rows for this "
                "table.</p>")
    num = [" class='num'" if _numeric(frame, c) else "" for c in frame.columns]
    head = "".join(f"<th scope='col'{k}>{html.escape(column_label(str(c)))}</th>" for c, k in zip(frame.columns, num))
    rows = "".join("<tr>" + "".join(f"<td{k}>{html.escape(fmt_cell(str(c), v))}</td>"
                                    for v, c, k in zip(r, frame.columns, num)) + "</tr>"
                   for r in frame.itertuples(index=False))
    return (f"<div class='table-wrap' role='region' aria-labelledby='{ident}-caption' tabindex='0'>"
            f"<table id='{ident}'><caption id='{ident}-caption'>{html.escape(fig.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def figure_html(fig: Figure, ident: str) -> str:
    parts = []
    if fig.chart is not None:
        data = json.dumps(fig.chart, default=_json_default).replace("</", "<\\/")
        title = ((fig.chart.get("layout") or {}).get("title") or {}).get("text") or fig.caption
        label = html.escape(str(title).replace("<br>", " ") + ". The table below gives every value.")
        parts.append(f"<figure class='chart'><div class='plot' id='{ident}-chart' data-figure='{ident}-data' "
                     f"role='img' aria-label='{label}'></div>"
                     f"<script type='application/json' id='{ident}-data'>{data}</script></figure>")
    parts.append(table_html(fig, ident))
    parts.append(f"<p class='source'>{html.escape(fig.source)} "
                 f"<a class='csv' href='{DATA}/{html.escape(fig.csv)}'>Download this table as CSV "
                 f"({html.escape(fig.csv)})</a></p>")
    return "\n".join(parts)


def _json_default(o):
    import numpy as np
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if np.isnan(o) else float(o)
    if isinstance(o, (pd.Timestamp,)):
        return o.isoformat()
    if o is pd.NA or o is pd.NaT:
        return None
    return str(o)


def _shell(pub: Publication, title: str, current: str, body: str, has_charts: bool) -> str:
    here = ' aria-current="page"'
    nav = "".join(f"<li><a href='{p.slug}.html'{here if p.slug == current else ''}>{html.escape(p.title)}</a></li>"
                  for p in pub.pages)
    scripts = (f"<script src='{ASSETS}/plotly.min.js'></script><script src='{ASSETS}/charts.js'></script>"
               if has_charts else "")
    area = html.escape(pub.area)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} - {area} market position statement</title>
<link rel="stylesheet" href="{ASSETS}/mps.css">
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="site">
<p class="org"><a href="index.html"{here if current == 'index' else ''}>{area} market position statement</a></p>
<nav class="sections" aria-label="Sections of the statement"><ol>{nav}</ol></nav>
</header>
<main id="main" tabindex="-1">
{body}
</main>
<footer class="site">
<p class="edition">Published {fmt_date(str(pub.published)[:10])} from store version {html.escape(pub.store_version)}; data as at
{fmt_date(str(pub.as_at)[:10])}. <a href="intentions.html#contact">Contact us</a> · <a href="index.html">Summary of findings</a>
· <a href="sources.html">Sources</a></p>
</footer>
{scripts}
</body>
</html>
"""


def _narrative(n: md.Narrative | None, who: str) -> str:
    if n is None:
        return ""
    return (f"<div class='council'><p class='label'>{html.escape(who)}</p>{md.to_html(n, top=2)}</div>")


def _generated(sentences: list[str], has_narrative: bool) -> str:
    if not sentences:
        return ""
    label = ("What the data say (generated from the figures, not written by the council)" if has_narrative else
             "The council has written no narrative for this section: these sentences are generated from the figures")
    return (f"<div class='generated'><p class='label'>{html.escape(label)}</p>"
            + "".join(f"<p>{html.escape(s)}</p>" for s in sentences) + "</div>")


def page_html(pub: Publication, page: Page) -> str:
    who = f"{pub.area} Council's words" if pub.area != "The authority" else "The council's words"
    body = [f"<h1>{page.number}. {html.escape(page.title)}</h1>"]
    body += [f"<p class='missing'>{html.escape(m)}</p>" for m in page.missing]
    body.append(_narrative(page.before, who))
    if page.slug == "introduction":
        body.append(_comparators(pub))
    if page.slug == "intentions":
        body.append(_intentions(pub))
    body.append(_generated(page.generated, page.before is not None or page.after is not None))
    if page.figures:
        body.append("<h2>Figures</h2>")
    for i, fig in enumerate(page.figures, 1):
        body.append(figure_html(fig, f"{page.slug}-{i}"))
    body.append(_narrative(page.after, who))
    if page.slug == "intentions":
        body.append(_contact(pub))
    body.append(_pager(pub, page))
    return _shell(pub, page.title, page.slug, "\n".join(b for b in body if b),
                  any(f.chart is not None for f in page.figures))


def _comparators(pub: Publication) -> str:
    if not pub.comparators:
        return ""
    return ("<h2>Who we compare ourselves with</h2><p>Figures are set beside the region, England and these "
            f"comparator authorities: {html.escape(', '.join(pub.comparators))}.</p>")


def _intentions(pub: Publication) -> str:
    from domain.labels import CLIENT_GROUP_LABELS
    if not pub.intentions:
        return ("<h2 id='intentions-list'>Commissioning intentions</h2><p>The council's profile states no "
                "commissioning intentions by client group.</p>")
    items = "".join(f"<li><strong>{html.escape(CLIENT_GROUP_LABELS.get(k, k))}</strong>: {md.inline_html(str(v))}</li>"
                    for k, v in pub.intentions.items())
    return f"<h2 id='intentions-list'>Commissioning intentions by client group</h2><ul>{items}</ul>"


def _contact(pub: Publication) -> str:
    parts = ["<section class='contact-box' aria-labelledby='contact'><h2 id='contact'>Contact us</h2>"]
    if pub.contact is not None:
        parts.append(md.to_html(pub.contact, top=3))
    for key, value in pub.contacts.items():
        text = str(value)
        parts.append(f"<p>{html.escape(key.replace('_', ' ').capitalize())}: {md.inline_html(text)}</p>")
    if pub.contact is None and not pub.contacts:
        parts.append("<p>The council's profile names no contact for this statement yet.</p>")
    parts.append("</section>")
    return "".join(parts)


def _pager(pub: Publication, page: Page) -> str:
    i = pub.pages.index(page)
    prev = (f"<a href='{pub.pages[i - 1].slug}.html'>Previous: {html.escape(pub.pages[i - 1].title)}</a>"
            if i else "<a href='index.html'>Previous: Summary of findings</a>")
    nxt = (f"<a href='{pub.pages[i + 1].slug}.html'>Next: {html.escape(pub.pages[i + 1].title)}</a>"
           if i + 1 < len(pub.pages) else "")
    return f"<nav class='pager' aria-label='Previous and next section'>{prev}{nxt}</nav>"


def index_html(pub: Publication, pdf_name: str | None) -> str:
    s = pub.summary
    body = [f"<h1>{html.escape(pub.area)} market position statement</h1>",
            f"<p class='edition'>Edition of {fmt_date(str(pub.published)[:10])}, from store version "
            f"{html.escape(pub.store_version)}; data as at {fmt_date(str(pub.as_at)[:10])}.</p>",
            "<p>This statement tells providers, people who use services and their families what care and support "
            "the area needs, what it has and what the council intends to commission. Every figure comes with its "
            "table, its source and its date.</p>"]
    if pdf_name:
        body.append(f"<p><a href='{html.escape(pdf_name)}'>The whole statement as one PDF ({html.escape(pdf_name)})</a></p>")
    body.append("<h2 id='findings'>Summary of findings</h2>")
    body.append(f"<p>{html.escape(s.intro)}</p>")
    if len(s.findings):
        items = []
        for _, row in s.findings.iterrows():
            rag = row["rag"]
            items.append(f"<li><span class='mark' style='background:{RAG_FILL[rag]};color:{RAG_INK[rag]}'>"
                         f"{int(row['rank'])}. {RAG_WORDS[rag]}</span><strong>{html.escape(row['title'])}</strong>. "
                         f"{html.escape(row['sentence'])}</li>")
        body.append("<ol class='findings' id='findings-list'>" + "".join(items) + "</ol>")
        body.append(table_html(pub.findings, "findings-table"))
        body.append(f"<p class='source'>{html.escape(pub.findings.source)} <a class='csv' href='{DATA}/findings.csv'>"
                    "Download the findings as CSV (findings.csv)</a></p>")
    if pub.changes:
        body.append("<h2 id='changes'>What changed since the last statement</h2>")
        prev = pub.previous or {}
        body.append(f"<p>Against the edition of {html.escape(str(prev.get('published', '?')))} (store version "
                    f"{html.escape(str(prev.get('store_version', '?')))}).</p>")
        for i, fig in enumerate(pub.changes, 1):
            body.append(table_html(fig, f"changes-{i}") if len(fig.frame) else
                        f"<p><strong>{html.escape(fig.caption)}</strong>: none.</p>")
            if len(fig.frame):
                body.append(f"<p class='source'>{html.escape(fig.source)} <a class='csv' href='{DATA}/{fig.csv}'>"
                            f"Download as CSV ({fig.csv})</a></p>")
    body.append("<h2>Sections</h2><ol>" + "".join(
        f"<li><a href='{p.slug}.html'>{html.escape(p.title)}</a></li>" for p in pub.pages) + "</ol>")
    body.append("<p><a href='intentions.html#contact'>Contact the commissioners</a> · "
                "<a href='intentions.html'>Opportunities for providers</a></p>")
    return _shell(pub, "Summary of findings", "index", "\n".join(body), False)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    safe_frame(frame).to_csv(path, index=False, float_format="%.10g", lineterminator=LINE_END)


def write_site(pub: Publication, folder: Path, pdf_name: str | None, brand: str = "#005EA5") -> list[Path]:
    """Write every page, CSV and asset into ``folder`` (a staging folder: the caller moves it)."""
    import plotly.offline

    folder = Path(folder)
    (folder / ASSETS).mkdir(parents=True, exist_ok=True)
    (folder / DATA).mkdir(exist_ok=True)
    safe_brand = brand if isinstance(brand, str) and len(brand) == 7 and brand.startswith("#") and all(
        c in "0123456789abcdefABCDEF" for c in brand[1:]) else "#005EA5"
    (folder / ASSETS / "mps.css").write_text(CSS.replace("BRAND", safe_brand), encoding="utf-8")
    (folder / ASSETS / "charts.js").write_text(CHARTS_JS, encoding="utf-8")
    (folder / ASSETS / "plotly.min.js").write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    written = [folder / "index.html"]
    (folder / "index.html").write_text(index_html(pub, pdf_name), encoding="utf-8")
    for page in pub.pages:
        path = folder / f"{page.slug}.html"
        path.write_text(page_html(pub, page), encoding="utf-8")
        written.append(path)
        for fig in page.figures:
            write_csv(fig.frame, folder / DATA / fig.csv)
    write_csv(pub.findings.frame, folder / DATA / pub.findings.csv)
    for fig in pub.changes:
        write_csv(fig.frame, folder / DATA / fig.csv)
    return written
