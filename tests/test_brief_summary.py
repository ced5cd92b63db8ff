"""The committee member's brief: a two-page summary of ranked findings, numbers pinned
by hand from the sample's inputs."""
import re
import shutil

import pytest

from conftest import LOOKUPS, PROFILE, SAMPLE


def test_findings_are_ranked_by_the_stated_rule_with_hand_pinned_numbers(sample_store):
    from metrics.summary.findings import RAG_ORDER
    from sentences.findings import findings
    from store import Store
    f = findings(Store(sample_store))
    assert 5 <= len(f) <= 8
    assert list(f["rank"]) == list(range(1, len(f) + 1))
    order = [RAG_ORDER[r] for r in f["rag"]]
    assert order == sorted(order)  # red, then amber, green, context
    beds = f.iloc[0]
    # 672 beds x 0.9 / 12,400 aged 75+ x 1,000 = 48.77 occupied per 1,000; x 16,000 in 2030 / 1,000 / 0.9
    assert beds["finding_key"] == "beds_needed" and beds["rag"] == "red"
    assert beds["value"] == pytest.approx(672 / 12400 * 16000, abs=0.01)          # 867.10
    assert beds["comparator_value"] == 672 and "195 more than the 672 registered in 2017 (+29%)" in beds["sentence"]
    falls = f.set_index("finding_key").loc["kpi_22401"]
    # 2,712.3 against England's 2,169.4: a gap of 25.0% of England's value, worse (low is good).
    assert falls["rag"] == "red" and falls["gap_pct"] == pytest.approx((2712.3 - 2169.4) / 2169.4 * 100)
    assert "England 2,169; London 2,199" in falls["sentence"] and "down from 3,367 in 2012/13" in falls["sentence"]
    dementia = f.set_index("finding_key").loc["demand_growth_dementia"]
    # 1,800 -> 2,451 (+36%) against England 676,310 -> 869,833 (+29%): faster, so amber.
    assert dementia["rag"] == "amber" and "(+36%; England +29%, London +30%)" in dementia["sentence"]
    assert all(q for q in f["question"]) and all(m for m in f["rag_meaning"])


def test_findings_check_their_arguments(sample_store):
    from sentences.findings import findings
    from store import Store
    for bad in (0, 21, 2.5, "8", True):
        with pytest.raises(ValueError):
            findings(Store(sample_store), limit=bad)


def test_the_authority_can_replace_the_scrutiny_questions(tmp_path):
    from loaders.store import read_lookups
    generic = read_lookups(LOOKUPS, PROFILE)["lookup_scrutiny_questions"]
    assert "any_red" in set(generic["finding_key"])
    own = tmp_path / "profile"
    shutil.copytree(PROFILE, own)
    (own / "scrutiny_questions.csv").write_text("finding_key,question\nbeds_needed,Our own question?\n")
    mine = read_lookups(LOOKUPS, own)["lookup_scrutiny_questions"]
    assert list(mine["question"]) == ["Our own question?"]
    assert list(mine["source_file"]) == ["scrutiny_questions.csv"]


def test_brief_opens_with_the_summary_and_no_page_is_half_empty(sample_store, tmp_path):
    from exports.brief import build_sections, build_summary, render_pdf
    from store import Store
    store = Store(sample_store)
    layout = render_pdf(store, build_sections(store), tmp_path / "b.pdf", build_summary(store))
    anchors, fill = layout["anchors"], layout["page_fill"]
    assert anchors["Key facts"] <= 2          # the ranked findings end within two pages
    assert all(f >= 0.5 for f in fill[:-1]), fill
    assert anchors["Sources"] == max(anchors.values())  # sources come last


RAW_CODES = ["older_people", "learning_disability", "poppi_pansi", "high_is_good", "low_is_good",
             "no_judgement", "national_group", "small_independent", "cqc_locations", "domiciliary_care"]


def test_brief_html_has_marks_in_words_questions_and_no_raw_codes(sample_store, tmp_path):
    from exports.brief import write_brief
    from store import Store
    text = write_brief(Store(sample_store), tmp_path / "b.html").read_text()
    summary = text.split("<h2 class='summary-end'>")[0]
    assert "Summary: what matters most" in summary and "Findings are ranked by direction against polarity" in summary
    assert summary.count("Question to ask:") >= 5
    assert re.search(r"<strong>Red</strong>: worse than", summary)
    assert "Red: short of projected need" in summary
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"src=\"[^\"]+\"|src='[^']+'", "", text))
    for year in ("2,013", "2,015", "2,016", "2,017", "2,020", "2,025", "2,030", "2,035"):
        assert year not in visible  # no separators in years
    words = re.sub(r"\S+\.(xlsx|xls|csv|ods)\b", " ", visible)  # file names are names, not codes
    for code in RAW_CODES:
        assert code not in words, code


def test_summary_on_a_partial_store_says_why_it_is_short(tmp_path):
    from exports.brief import build_summary, write_brief
    from loaders.store import ingest
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLE.glob("POPPI*"):
        shutil.copy(p, src)
    assert ingest(src, tmp_path / "store").ok
    store = Store(tmp_path / "store")
    summary = build_summary(store)
    assert 1 <= len(summary.findings) < 5 and "Only" in summary.intro
    assert write_brief(store, tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_the_brief_speaks_plain_english(sample_store, tmp_path):
    """No publisher's method labels ("(Narrow): Old Method", "65+ yrs"), no file paths or seed
    references; each indicator finding gives its unit (falls: 2,712 per 100,000 people aged 65+)."""
    import subprocess
    import sys
    from pathlib import Path
    out = tmp_path / "brief.html"
    r = subprocess.run([str(Path(sys.executable).with_name("mps")), "brief", "--store", str(sample_store),
                        "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8")))
    for jargon in ("Old Method", "(Narrow)", " yrs", "seed Table", "docs/", ".md", "(65+) (65+"):
        assert jargon not in text, jargon
    assert "Emergency admissions due to falls (65+): 2,712 per 100,000 people aged 65+ in 2015/16" in text
