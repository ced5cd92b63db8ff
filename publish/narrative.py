"""The council's own words: Markdown files in the authority's profile folder, read as a small,
safe subset and rendered twice (HTML for the site, reportlab markup for the PDF) from one parse.

Where they live: ``<profile folder>/mps/<section>.md`` is placed at the top of that section's page,
before the figures; ``<section>.after.md`` after them; ``contact.md`` on the intentions page and
linked from every page's footer. The subset: ``#``-``###`` headings (shown one level below the
section's own), paragraphs, ``-``/``*`` bullet lists, ``**bold**``, ``*italic*``,
``[text](https://...)`` and ``mailto:`` links and bare e-mail addresses. Everything else is text:
HTML in a file is escaped, never passed through, and a link to anything but http(s), mailto or a
relative page is shown as its text only.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_NARRATIVE_BYTES = 200_000
"""A narrative file is a few paragraphs; a larger one is refused by name, not read."""

_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)")
_EMAIL = re.compile(r"(?<![\w.@/:-])([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})(?![\w@])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_SAFE_URL = re.compile(r"^(https?://|mailto:|[A-Za-z0-9_.-]+\.html(#[A-Za-z0-9_-]+)?$|#[A-Za-z0-9_-]+$)")


@dataclass
class Block:
    kind: str  # "h" (heading), "p" (paragraph) or "ul" (bullet list)
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)


@dataclass
class Narrative:
    source: str  # the file's name, shown beside the words
    blocks: list[Block]

    def text(self) -> str:
        return "\n".join([b.text for b in self.blocks] + [i for b in self.blocks for i in b.items])


class NarrativeError(ValueError):
    """A narrative file that cannot be read: one line naming the file and what was expected."""


def parse(text: str, source: str = "") -> Narrative:
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush():
        if para:
            blocks.append(Block("p", " ".join(para)))
            para.clear()
        if items:
            blocks.append(Block("ul", items=list(items)))
            items.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        bullet = re.match(r"^[-*•]\s+(.*)$", line)
        if heading:
            flush()
            blocks.append(Block("h", heading.group(2).strip().rstrip("#").strip(), level=min(3, len(heading.group(1)))))
        elif bullet:
            if para:
                flush()
            items.append(bullet.group(1))
        elif items and raw[:1] in (" ", "\t"):  # a bullet's continuation line
            items[-1] += " " + line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return Narrative(source, blocks)


def read(path: Path) -> Narrative | None:
    """The file parsed, or None when there is none; a file that is too large or not UTF-8 text
    raises NarrativeError naming it."""
    path = Path(path)
    if not path.is_file() or path.is_symlink():
        return None
    size = path.stat().st_size
    if size > MAX_NARRATIVE_BYTES:
        raise NarrativeError(f"{path}: {size:,} bytes; expected a narrative of at most {MAX_NARRATIVE_BYTES:,} bytes")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NarrativeError(f"{path}: byte {exc.start} is not UTF-8; expected Markdown text saved as UTF-8") from None
    return parse(text, path.name)


def inline_html(text: str) -> str:
    """One line of the subset as HTML: escaped first, then bold, italic, links and e-mails."""
    links: list[str] = []

    def keep(markup: str) -> str:
        links.append(markup)
        return f"\x00{len(links) - 1}\x00"

    def link(m):
        label, url = m.group(1), m.group(2)
        if not _SAFE_URL.match(url):
            return keep(html.escape(label))
        return keep(f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>')

    text = _LINK.sub(link, text)
    text = _EMAIL.sub(lambda m: keep(f'<a href="mailto:{html.escape(m.group(1))}">{html.escape(m.group(1))}</a>'), text)
    text = html.escape(text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], text)


def to_html(narrative: Narrative, top: int = 2) -> str:
    """Blocks as HTML; a file's headings start at level ``top`` (the section's own h1 is above)."""
    out = []
    for b in narrative.blocks:
        if b.kind == "h":
            level = min(6, top + b.level - 1)
            out.append(f"<h{level}>{inline_html(b.text)}</h{level}>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in b.items) + "</ul>")
        else:
            out.append(f"<p>{inline_html(b.text)}</p>")
    return "\n".join(out)


def inline_pdf(text: str) -> str:
    """One line as reportlab paragraph markup (the same rules; reportlab knows <b>, <i>, <a>)."""
    return (inline_html(text).replace("<strong>", "<b>").replace("</strong>", "</b>")
            .replace("<em>", "<i>").replace("</em>", "</i>").replace('<a href="', '<a color="#1d70b8" href="'))
