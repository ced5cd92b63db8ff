"""`mps publish` on the sample: the site's sections in MPS order, every internal link resolving,
nothing fetched from elsewhere, the council's words and contact, the PDF's pages, contents and
bookmarks, the same figures as the brief and the CSV export, editions, and the Downloads link."""
from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from publish import narrative as md
from publish.content import SECTIONS

SLUGS = [s.slug for s in SECTIONS]
DAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def site(sample_store, tmp_path_factory):
    from store import Store
    from publish import publish
    out = tmp_path_factory.mktemp("published") / "site"
    result = publish(Store(sample_store), out, published=DAY)
    return out, result


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.h1, self.headings, self._in = [], set(), [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if key in a:
                self.links.append((tag, a[key]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
            self._in = tag

    def handle_data(self, data):
        if self._in == "h1":
            self.h1.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None


def parsed(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_sections_follow_the_mps_order(site):
    out, _ = site
    nav = [href for tag, href in parsed(out / "index.html").links if tag == "a" and href.endswith(".html")
           and href != "index.html"]
    ordered = list(dict.fromkeys(nav))[:len(SLUGS)]
    assert ordered == [f"{s}.html" for s in SLUGS]
    assert SLUGS == ["introduction", "demand", "supply", "demand-and-supply", "neighbourhoods", "market-health",
                     "intentions", "performance", "resources", "sources"]
    for n, spec in enumerate(SECTIONS, 1):
        page = parsed(out / f"{spec.slug}.html")
        assert "".join(page.h1).strip() == f"{n}. {spec.title}"
        assert page.headings[0] == 1 and all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), \
            (spec.slug, page.headings)  # headings never skip a level


def test_every_internal_link_resolves_and_nothing_is_fetched_from_elsewhere(site):
    out, _ = site
    pages = sorted(out.glob("*.html"))
    assert len(pages) == len(SLUGS) + 1
    ids = {p.name: parsed(p).ids for p in pages}
    checked = 0
    for p in pages:
        for tag, link in parsed(p).links:
            if link.startswith(("mailto:", "https://", "http://")):
                assert tag == "a", f"{p.name}: {tag} loads {link} from the network"
                continue
            assert not link.startswith(("/", "//")), f"{p.name}: {link} is not relative"
            target, _, anchor = link.partition("#")
            target = target or p.name
            assert (out / target).is_file(), f"{p.name}: {link} does not resolve"
            if anchor:
                assert anchor in ids[target], f"{p.name}: #{anchor} is not in {target}"
            checked += 1
    assert checked > 150
    css = (out / "assets" / "mps.css").read_text()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert "system-ui" in css and "@media print" in css
    assert (out / "assets" / "plotly.min.js").stat().st_size > 1_000_000  # plotly.js itself, shipped


def test_the_council_s_intentions_asks_and_contact_are_on_the_intentions_page(site):
    out, _ = site
    page = (out / "intentions.html").read_text()
    # From the profile's [intentions] (seed 000 s4.9) and its narrative files (seed 000 s5.2, s8, s9).
    assert "Extra care has not yet reduced residential care admissions" in page
    assert "What we ask of providers</h2>" in page and "Providers will need to operate to an outcome-focussed" in page
    assert 'id=\'contact\'' in page or 'id="contact"' in page
    assert '<a href="mailto:marketpositionstatement@lewisham.gov.uk">' in page
    assert "Care contracts ending within 12 months" in page
    intro = (out / "introduction.html").read_text()
    assert "Our intent</h2>" in intro and "maintain and improve their physical and mental wellbeing" in intro
    # Comparators named: the profile's six, by name.
    assert "Southwark" in intro and "Greenwich" in intro and "Lambeth" in intro


def test_a_section_without_narrative_says_its_sentences_are_generated(site):
    out, _ = site
    supply = (out / "supply.html").read_text()
    assert "The council has written no narrative for this section: these sentences are generated" in supply
    intro = (out / "introduction.html").read_text()
    assert "generated from the figures, not written by the council" in intro


def test_every_table_has_a_caption_source_date_and_csv(site):
    out, _ = site
    for slug in SLUGS:
        page = (out / f"{slug}.html").read_text()
        tables = page.count("<table")
        assert page.count("<caption") == tables
        assert page.count("Download this table as CSV") == tables
        assert page.count("Data as at 1 June 2017") >= tables
    demand = (out / "demand.html").read_text()
    assert demand.count("class='plot'") == 2 and "application/json" in demand


def _pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages: reportlab's content streams (ASCII85, then Flate) decoded."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1).strip()
        try:
            out.append(zlib.decompress(base64.a85decode(raw, adobe=True)).decode("latin-1"))
        except Exception:
            try:
                out.append(zlib.decompress(raw).decode("latin-1"))
            except Exception:
                continue
    return "\n".join(out)


def test_the_pdf_has_a_contents_page_numbers_and_a_bookmark_per_section(site):
    out, result = site
    pdf = result.pdf.read_bytes()
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    assert pages == result.pages >= 10
    titles = [t.decode() for t in re.findall(rb"/Title \(([^)]*)\)", pdf)]
    assert titles[1:] == ["Summary of findings"] + [f"{n}. {s.title}" for n, s in enumerate(SECTIONS, 1)]
    text = _pdf_text(pdf)
    assert "(Contents)" in text and f"(Page {pages})" in text and "(Page 2)" in text


def test_the_site_shows_the_brief_s_and_the_csv_export_s_figures(site, sample_store, tmp_path):
    """One definition per figure: the care homes table, the key facts and the findings are the
    brief's and the CSV export's, to the digit."""
    from exports.brief import build_summary
    from exports.csv_export import write_csv_tables
    from store import Store
    out, _ = site
    store = Store(sample_store)
    write_csv_tables(store, tmp_path / "csv")
    with open(tmp_path / "csv" / "care_homes.csv", encoding="utf-8") as f:
        exported = {r["type"]: r for r in csv.DictReader(f)}
    with open(out / "data" / "supply-1-care-homes-for-older-people.csv", encoding="utf-8") as f:
        published = {r["type"]: r for r in csv.DictReader(f)}
    assert published == exported
    # June 2017 directory: 9 residential homes (190 beds) and 9 nursing homes (482 beds), 18 and 672 in all.
    assert [(r["type"], r["homes"], r["beds"]) for r in published.values()] == [
        ("residential", "9", "190"), ("nursing", "9", "482"), ("total", "18", "672")]
    intro = (out / "introduction.html").read_text()
    assert ">672<" in intro and ">18<" in intro
    index = (out / "index.html").read_text()
    import html as h
    for sentence in build_summary(store).findings["sentence"]:
        assert h.escape(sentence) in index


def test_figures_json_and_what_changed_since_the_last_edition(site, sample_store, tmp_path):
    """The previous edition had 600 beds, one home fewer and one contract fewer: the new edition
    says the figure moved by +72, the home opened and the contract was let."""
    from store import Store
    from publish import publish
    out, _ = site
    record = json.loads((out / "figures.json").read_text())
    assert record["published"] == "2026-12-07" and record["authority"]["code"] == "E09000023"
    assert record["facts"]["Beds in older people's care homes"]["value"] == 672
    assert len(record["care_homes"]) > 18 and len(record["contracts"]) == 43
    old = tmp_path / "old"
    old.mkdir()
    gone_home = record["care_homes"][0]
    let = record["contracts"][0]
    record["facts"]["Beds in older people's care homes"].update(value=600, display="600")
    record["care_homes"] = record["care_homes"][1:]
    record["contracts"] = record["contracts"][1:]
    record["published"] = "2025-12-01"
    (old / "figures.json").write_text(json.dumps(record))
    new = publish(Store(sample_store), tmp_path / "new", previous=old, published=DAY)
    with open(new.folder / "data" / "changes-figures.csv", encoding="utf-8") as f:
        moved = list(csv.DictReader(f))
    assert moved == [{"fact": "Beds in older people's care homes", "previous": "600", "now": "672", "change": "72"}]
    with open(new.folder / "data" / "changes-care-homes.csv", encoding="utf-8") as f:
        homes = list(csv.DictReader(f))
    assert [(h["change"], h["name"]) for h in homes] == [("opened", gone_home["name"])]
    with open(new.folder / "data" / "changes-contracts.csv", encoding="utf-8") as f:
        assert [c["title"] for c in csv.DictReader(f)] == [let["title"]]
    index = (new.folder / "index.html").read_text()
    assert "What changed since the last statement" in index and "edition of 2025-12-01" in index


def test_a_bad_previous_edition_is_one_line_and_the_old_site_stays(site, sample_store, tmp_path, capsys):
    import mps_cli
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("old edition")
    (tmp_path / "prev").mkdir()
    (tmp_path / "prev" / "figures.json").write_text("{not json")
    code = mps_cli.main(["publish", "--store", str(sample_store), "--out", str(out), "--previous",
                         str(tmp_path / "prev")])
    err = capsys.readouterr().err
    assert code == 1 and "figures.json: not readable JSON" in err and "Traceback" not in err
    assert (out / "keep.txt").read_text() == "old edition" and not (out / "index.html").exists()


def test_a_section_whose_data_is_missing_names_the_file_that_gives_it(tmp_path):
    from conftest import SAMPLE
    from loaders.store import ingest
    from store import Store
    from publish.content import assemble
    src = tmp_path / "src"
    src.mkdir()
    for f in SAMPLE.iterdir():  # the sample without its finance file, Fingertips exports and CQC directories
        if f.is_file() and f.name != "council_finance.csv" and not f.name.startswith("fingertips") \
                and "HSCA" not in f.name:
            (src / f.name).write_bytes(f.read_bytes())
    assert ingest(src, tmp_path / "store").ok
    pub = assemble(Store(tmp_path / "store"), published=DAY)
    assert pub.page("resources").missing == [
        "The store holds no data for this section yet: it comes from the council's budgets and savings file. "
        "Load one with `mps ingest`."]
    assert pub.page("supply").missing == [
        "Not loaded, so not shown here: the CQC care directory (HSCA active locations)."]
    assert "it comes from an OHID Fingertips data export" in pub.page("performance").missing[0]
    assert pub.page("demand").missing == []


def test_narrative_markdown_is_escaped_and_links_are_checked():
    n = md.parse("# Intent\n\nWe <script>alert(1)</script> **will** grow *extra care*.\n\n"
                 "- [our site](https://example.org/mps)\n- [bad](javascript:alert(1))\n\nEmail a@b.org.")
    out = md.to_html(n, top=2)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<h2>Intent</h2>" in out and "<strong>will</strong>" in out and "<em>extra care</em>" in out
    assert '<a href="https://example.org/mps">our site</a>' in out
    assert "javascript:" not in out and "<li>bad</li>" in out
    assert '<a href="mailto:a@b.org">a@b.org</a>' in out


def test_the_downloads_page_links_to_the_statement_of_the_current_store_version(site, sample_store):
    from app import create_app
    from exports.downloads import published
    from store import Store
    out, result = site
    app = create_app(Path(sample_store))
    from layouts.pages import downloads  # registered with Dash Pages once an app exists
    record = published(Store(sample_store))
    # The last publish from this store version (this module publishes more than once): its own site.
    assert record["pdf"] == result.pdf.name and record["store_version"] == Store(sample_store).version
    assert json.loads((Path(record["site"]) / "figures.json").read_text())["store_version"] == record["store_version"]
    client = app.server.test_client()
    page = client.get("/published/E09000023/index.html")
    assert page.status_code == 200 and b"Summary of findings" in page.data
    assert client.get("/published/E09000023/../figures.json").status_code == 404
    assert client.get(f"/published/E09000023/{result.pdf.name}").data.startswith(b"%PDF")
    with app.server.test_request_context("/downloads"):
        text = str(downloads.layout())
    assert "/published/E09000023/index.html" in text and "published 2026-12-07" in text


def test_another_authority_s_statement_holds_none_of_the_profile_s_words(national_store, tmp_path):
    """Published for an authority without a profile: its own name, no narrative or intentions of
    the profile's council, sentences labelled generated, and the contact box saying none is named."""
    from store import Store
    from publish import publish
    view = Store(national_store).for_authority("E09000028")
    out = publish(view, tmp_path / "other", published=DAY).folder
    text = " ".join(p.read_text() for p in out.glob("*.html"))
    assert "Southwark market position statement" in text
    assert "marketpositionstatement@" not in text and "Extra care has not yet reduced" not in text
    assert "Lewisham Council's words" not in text and "What we ask of providers" not in text
    assert "The council's profile names no contact for this statement yet." in text
    assert "The council's profile states no commissioning intentions by client group." in text
    assert json.loads((out / "figures.json").read_text())["authority"]["code"] == "E09000028"
