"""The briefing pack as one self-contained HTML page (charts inlined as PNG data, print styles for A4)."""
from __future__ import annotations

import base64
import datetime as dt
import html

from domain.labels import fmt_cell
from sentences.findings import RAG_WORDS
from store import Store

from .charts import Chart
from .content import NO_ROWS, RAG_FILL, RAG_INK, RAG_KEY, Section, Summary, _area, _heading, _numeric_column


def render_html(store: Store, sections: list[Section], summary: Summary | None = None) -> str:
    area = html.escape(_area(store))
    parts = [f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{area} market position statement: briefing pack</title>
<style>
@page {{ size: A4; margin: 18mm 15mm; @bottom-center {{ content: "Page " counter(page) " of " counter(pages); }} }}
body {{ font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 190mm; margin: 0 auto; font-size: 11pt; }}
h1 {{ font-size: 20pt; }} h2 {{ font-size: 15pt; border-bottom: 3px solid #005EA5; }}
h2.summary-end {{ break-before: page; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0.5em 0 1em; }}
caption {{ text-align: left; font-weight: bold; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: 2px 4px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }} img {{ max-width: 100%; }}
ol.findings {{ padding-left: 0; list-style: none; }}
ol.findings li {{ display: grid; grid-template-columns: 22mm 1fr 62mm; gap: 3mm; border-bottom: 1px solid #b1b4b6;
  padding: 2mm 0; break-inside: avoid; }}
.mark {{ font-weight: bold; padding: 1mm; text-align: center; align-self: start; }}
.meaning {{ font-size: 9pt; }} .question {{ font-size: 9pt; font-style: italic; }}
ul.key {{ font-size: 9pt; }}
@media screen and (max-width: 600px) {{
  body {{ padding: 0 12px; font-size: 12pt; }}
  ol.findings li {{ grid-template-columns: 1fr; }}
  table {{ display: block; overflow-x: auto; }}
}}
</style></head><body>
<h1>{area}: market position statement — briefing pack</h1>
<p>Prepared {dt.date.today():%d %B %Y} from the store built {html.escape(store.version[:10])}.</p>"""]
    if summary is not None:
        parts.append("<h2>Summary: what matters most</h2>")
        parts.append(f"<p>{html.escape(summary.intro)}</p>")
        parts.append("<ul class='key'>" + "".join(
            f"<li><strong>{RAG_WORDS[k]}</strong>: {html.escape(v)}</li>" for k, v in RAG_KEY) + "</ul>")
        if len(summary.findings):
            parts.append("<ol class='findings'>")
            for (_, row), chart in zip(summary.findings.iterrows(), summary.charts):
                data = base64.b64encode(chart.png).decode()
                question = (f"<p class='question'>Question to ask: {html.escape(row['question'])}</p>"
                            if row["question"] else "")
                parts.append(
                    f"<li><span class='mark' style='background:{RAG_FILL[row['rag']]};color:{RAG_INK[row['rag']]}'>"
                    f"{int(row['rank'])}. {RAG_WORDS[row['rag']]}</span>"
                    f"<div><p><strong>{html.escape(row['title'])}</strong>. {html.escape(row['sentence'])}</p>"
                    f"<p class='meaning'>{RAG_WORDS[row['rag']]}: {html.escape(row['rag_meaning'])}.</p>{question}</div>"
                    f"<img src='data:image/png;base64,{data}' alt='{html.escape(chart.alt)}'></li>")
            parts.append("</ol>")
    for i, s in enumerate(sections):
        cls = " class='summary-end'" if i == 0 and summary is not None else ""
        parts.append(f"<h2{cls}>{html.escape(s.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        for b in s.blocks:
            if isinstance(b, Chart):
                data = base64.b64encode(b.png).decode()
                parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b.alt)}"></figure>')
            else:
                caption, frame = b
                if frame.empty:
                    parts.append(f"<p><strong>{html.escape(caption)}</strong>: {NO_ROWS}</p>")
                    continue
                numeric = [_numeric_column(frame, c) for c in frame.columns]
                num = [" class='num'" if n else "" for n in numeric]
                head = "".join(f"<th scope='col'{k}>{html.escape(_heading(c))}</th>"
                               for c, k in zip(frame.columns, num))
                rows = "".join("<tr>" + "".join(
                    f"<td{k}>{html.escape(fmt_cell(str(c), v))}</td>"
                    for v, c, k in zip(r, frame.columns, num)) + "</tr>" for r in frame.itertuples(index=False))
                parts.append(f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                             f"<tbody>{rows}</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)
