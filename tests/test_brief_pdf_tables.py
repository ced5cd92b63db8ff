"""The briefing pack's PDF tables break lines only between words: every word of every table cell
and header is drawn whole on one line ("Lewisham", never "Lewi" / "sham"; "Comparator", never
"Com" / "parat" / "or"), read back from the PDF's own text."""
import base64
import re
import zlib
from collections import Counter

import pandas as pd
import pytest

from exports.brief import PDF_TABLE_SIZES, PDF_WORD_LIMIT, _heading, build_sections, fit_pdf_cell, write_brief
from domain.labels import fmt_cell
from store import Store


def table_lines(data: bytes) -> list[str]:
    """The lines of text a reportlab PDF draws at table sizes (7 pt or less), in drawing order: each
    text object's strings joined between its line breaks (T*), escapes and WinAnsi codes decoded."""
    lines = []
    for m in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length \d+\s*>>\s*stream\r?\n(.*?)endstream",
                         data, re.S):
        raw = m.group(1).strip()
        try:
            stream = zlib.decompress(base64.a85decode(raw[:-2] if raw.endswith(b"~>") else raw)).decode("latin-1")
        except (ValueError, zlib.error):
            continue
        for text_object in re.findall(r"\bBT\b(.*?)\bET\b", stream, re.S):
            sizes = [float(s) for s in re.findall(r"/F\d+ ([\d.]+) Tf", text_object)]
            if not sizes or max(sizes) > PDF_TABLE_SIZES[0]:
                continue
            for line in text_object.split("T*"):
                text = "".join(re.findall(r"\(((?:\\.|[^\\)])*)\)", line))
                text = re.sub(r"\\([0-7]{3})", lambda o: bytes([int(o.group(1), 8)]).decode("cp1252"), text)
                lines.append(re.sub(r"\\(.)", r"\1", text))
    return lines


def table_words(store: Store) -> Counter:
    """Every word of the brief's tables as the PDF prints them (headers and cells), counted."""
    words = Counter()
    for section in build_sections(store):
        for block in section.blocks:
            if isinstance(block, tuple):
                _, frame = block
                for column in frame.columns:
                    words.update(_heading(column).split())
                for row in frame.itertuples(index=False):
                    for value, column in zip(row, frame.columns):
                        words.update(w for w in fit_pdf_cell(fmt_cell(str(column), value)).split()
                                     if len(w) <= PDF_WORD_LIMIT)
    return words


def test_every_word_of_the_pdf_tables_is_drawn_whole(sample_store, tmp_path):
    store = Store(sample_store)
    pdf = write_brief(store, tmp_path / "brief.pdf").read_bytes()
    drawn = Counter(w for line in table_lines(pdf) for w in line.split())
    words = table_words(store)
    assert sum(words.values()) > 3000  # the pack's tables: demand, supply, gaps, market, opportunities, ...
    broken = {w: n - drawn[w] for w, n in words.items() if drawn[w] < n}
    assert not broken, broken
    # The words that were broken in narrow columns, each drawn whole as often as the tables hold it.
    for word in ("Lewisham", "Comparator", "authority", "(residential)", "Supported", "opportunities"):
        assert words[word] and drawn[word] >= words[word], word
    assert not {"Lewi", "sham", "Com", "parat", "oritie"} & set(drawn)


def _styles():
    from reportlab.lib.styles import getSampleStyleSheet
    small = getSampleStyleSheet()["BodyText"].clone("s", fontSize=7, leading=8.5)
    head = small.clone("h", fontName="Helvetica-Bold")
    return (head, head.clone("hn", alignment=2)), (small, small.clone("sn", alignment=2))


def test_a_table_too_wide_for_its_words_at_7_pt_is_set_smaller_with_every_word_whole():
    """Seven columns whose longest word is "Herfindahl-Hirschman" need 7 x (67.7 + 12.5) = 561 pt at
    7 pt and 527 pt at 6.5 pt, more than A4's 180 mm text width (510 pt); at 6 pt they need 494 pt:
    the table is set at 6 pt and each column is at least as wide as that word."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from exports.brief import _pdf_table
    frame = pd.DataFrame({f"column_{i}": ["Comparator authorities", "Herfindahl-Hirschman", "Outstanding"]
                          for i in range(7)})
    table = _pdf_table(frame, 180 * mm, *_styles())
    assert table.mps_font_size == 6
    for width in table._colWidths:
        assert width >= stringWidth("Herfindahl-Hirschman", "Helvetica", 6) + 12
    assert sum(table._colWidths) <= 180 * mm + 0.01
    # Twelve such columns do not fit even at 5 pt: the table keeps to the page (words may break there).
    wide = _pdf_table(pd.concat([frame, frame.add_suffix("_b").iloc[:, :5]], axis=1), 180 * mm, *_styles())
    assert wide.mps_font_size == 5 and sum(wide._colWidths) == pytest.approx(180 * mm)


def test_a_table_that_fits_keeps_7_pt():
    from reportlab.lib.units import mm
    from exports.brief import _pdf_table
    frame = pd.DataFrame({"area": ["North", "South"], "value": [1.5, 2.5]})
    table = _pdf_table(frame, 180 * mm, *_styles())
    assert table.mps_font_size == 7
