"""DHSC's ASCOF CSV (Measures from the Adult Social Care Outcomes Framework, England 2024 to 2025):
read as published, set beside the region, England and the comparators, and shown on Performance,
in the findings, the brief and the `ascof` export. Every number below is worked out by hand from
tests/fixtures/ascof/ (or from the file the helper writes from DHSC's documented column list)."""
import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import LOOKUPS, SAMPLE, sample_store_with, write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "ascof"
HEADER = ["Geographical code", "Geographical description", "Geographical level", "ONS code", "ASCOF measure code",
          "Disaggregation level", "Measure type", "Measure value"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The sample with the two ASCOF fixture years beside it."""
    from store import Store
    return Store(sample_store_with(tmp_path_factory, *FIXTURES.glob("*.csv")))


# ------------------------------------------------------------------------------------------- metric
def test_outcomes_beside_region_england_and_comparators_by_hand(store):
    from metrics.performance.ascof import ascof_table
    t = ascof_table(store).set_index(["period", "measure_code", "disaggregation"])
    d = t.loc[("2024-25", "2D", "Total")]
    # 410 of 500 = 82.0%; Wilson 95%: (2*410 + z^2 -/+ z*sqrt(z^2 + 4*410*0.18)) / (2*(500 + z^2)).
    assert d["value"] == 82.0 and d["lower_ci"] == pytest.approx(78.3925, abs=1e-4)
    assert d["upper_ci"] == pytest.approx(85.1195, abs=1e-4)
    assert (d["region_value"], d["england_value"]) == (80.0, 77.5)
    # Comparators in the file: Southwark 85.0, Lambeth 79.0, Greenwich 81.0 -> mean 81.667 of 3.
    assert d["comparators_value"] == pytest.approx(245 / 3) and d["comparators_n"] == 3
    assert (d["compared_to_england"], d["compared_to_region"]) == ("better", "similar")  # 78.39 > 77.5; 80 inside
    s = t.loc[("2024-25", "3A", "Total")]
    # Lambeth's 3A is suppressed: the mean of Southwark 58.0 and Greenwich 61.0 = 59.5, of 2.
    assert (s["comparators_value"], s["comparators_n"]) == (59.5, 2)
    assert s["compared_to_england"] == "similar"  # 53.08-66.54 holds England's 63.0
    r = t.loc[("2024-25", "2A(2)", "Total")]
    # 250 admissions per 40,000 people 65+ = 625 per 100,000; Byar 95%: 549.9 to 707.5.
    assert r["lower_ci"] == pytest.approx(549.917, abs=1e-3) and r["upper_ci"] == pytest.approx(707.471, abs=1e-3)
    assert (r["polarity"], r["compared_to_england"], r["compared_to_region"]) == ("low_is_good", "similar", "worse")
    old = t.loc[("2024-25", "1C(1A)", "65 and over")]
    assert (old["value"], old["region_value"], old["england_value"]) == (90.0, 91.0, 90.5)
    score = t.loc[("2024-25", "1A", "Total")]  # a score: no interval, so not judged
    assert pd.isna(score["lower_ci"]) and score["compared_to_england"] == "not_compared"
    assert score["comparators_value"] == pytest.approx((19.1 + 18.5 + 18.7) / 3)
    assert t.loc[("2023-24", "2D", "Total"), "value"] == 79.0  # the earlier year's file, side by side


def test_polarity_comes_from_the_declared_list_with_a_stem_fallback():
    from metrics.performance.ascof import measure_info
    declared = {r["measure_code"]: {"polarity": r["polarity"], "short": r["short_name"], "unit": r["unit"],
                                    "interval": r["interval"]}
                for r in csv.DictReader(open(LOOKUPS / "ascof_measures.csv", encoding="utf-8"))}
    assert measure_info(declared, "2A(2)")["polarity"] == "low_is_good"
    assert measure_info(declared, "1C(9Z)")["short"] == declared["1C"]["short"]  # an unlisted sub-measure
    assert measure_info(declared, "9Z")["polarity"] == "unknown"
    assert {r["polarity"] for r in declared.values()} <= {"high_is_good", "low_is_good", "no_judgement"}


def test_an_interval_is_only_given_where_numerator_and_denominator_reproduce_the_outcome():
    from metrics.performance.ascof import interval
    assert interval(120, 200, 60.0, "wilson") == pytest.approx((53.0837, 66.5394), abs=1e-4)
    assert interval(120, 200, 71.3, "wilson") == (None, None)  # a weighted survey estimate
    assert interval(None, 200, 60.0, "wilson") == (None, None)
    assert interval(120, 200, 60.0, "none") == (None, None)


# --------------------------------------------------------------------------- findings, page, brief
def test_findings_draw_on_ascof_first_within_each_mark(store):
    from sentences.findings import findings
    f = findings(store)
    amber = f[f["rag"] == "amber"]["finding_key"].tolist()
    assert amber[:3] == ["ascof_2A(2)", "ascof_3A", "ascof_1C(1A)"]  # gap from England 11.6%, 4.8%, 0.5%
    three_a = f.set_index("finding_key").loc["ascof_3A"]
    assert three_a["sentence"] == (
        "Users satisfied with their care and support (ASCOF 3A): 60.0% in 2024-25, no clear difference from "
        "England (England 63.0%; London 62.0%; comparator authorities 59.5%); down from 62.5% in 2023-24, "
        "worsening.")
    assert three_a["source"] == "ascof-2024-25.csv, row 46"


def test_performance_page_draws_the_latest_outcomes(store):
    from app import create_app
    from test_pages_readable import _call
    client = create_app(store.path).server.test_client()
    response = _call(client, "performance-ascof", {"performance-sex": "all"})
    table = str(response["performance-ascof-table"]["children"])
    assert "2A(2)" in table and "65 and over" in table and "625" in table
    assert "ascof-2024-25.csv" in response["performance-ascof-source"]["children"]


def test_the_brief_has_an_ascof_section(store):
    from exports.brief import build_sections
    section = next(s for s in build_sections(store) if s.title == "Adult social care outcomes (ASCOF)")
    latest = section.blocks[0][1].set_index(["measure_code", "disaggregation"])
    assert latest.loc[("2D", "Total"), "value"] == 82.0 and latest.loc[("2D", "Total"), "period"] == "2024-25"


# ------------------------------------------------------------------------------------------ done when
def _documented_file(path: Path) -> Path:
    """An ASCOF CSV written only from DHSC's "How to use the CSV file" page: its eight columns in its
    order, its geographical levels in the words of its field list (local authority, regional,
    national), CASSR, region and 'England' codes, ONS codes, and realistic measure codes."""
    rows = [HEADER]
    areas = [("England", "England", "national", "E92000001"), ("L", "London", "regional", "E12000007"),
             ("209", "Lewisham", "local authority", "E09000023")]
    values = {  # measure, disaggregation: (England, London, Lewisham) outcomes, with Lewisham's counts
        ("1A", "Total"): ((19.1, 18.8, 18.6), None),
        ("1C(1A)", "65 and over"): ((91.2, 92.4, 94.0), (1880, 2000)),
        ("2A(2)", "Total"): ((566.0, 410.0, 480.0), (192, 40000)),
        ("2D", "Total"): ((77.9, 80.3, 84.0), (420, 500)),
        ("3A", "Total"): ((64.2, 61.5, 58.0), (116, 200)),
    }
    for (measure, dis), (outcomes, counts) in values.items():
        for (code, name, level, ons), value in zip(areas, outcomes):
            if code == "209" and counts:
                rows += [[code, name, level, ons, measure, dis, "Numerator", counts[0]],
                         [code, name, level, ons, measure, dis, "Denominator", counts[1]]]
            rows.append([code, name, level, ons, measure, dis, "Outcome", value])
    return write_csv(path, rows)


def test_a_file_written_from_the_documentation_ingests_beside_the_sample_and_exports(tmp_path):
    from exports.csv_export import write_csv_tables
    from loaders.store import ingest
    from store import Store
    src = tmp_path / "sample"
    shutil.copytree(SAMPLE, src)
    _documented_file(src / "meas-from-ascof-eng-2024-to-2025.csv")
    report = ingest(src, tmp_path / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    assert next(f for f in report.files if f.path.name.startswith("meas-")).kind == "ascof"
    write_csv_tables(Store(tmp_path / "store"), tmp_path / "out")
    out = pd.read_csv(tmp_path / "out" / "ascof.csv", dtype={"period": str})
    got = out.set_index(["measure_code", "disaggregation"])[
        ["area_name", "period", "value", "region_value", "england_value"]]
    assert got.loc[("3A", "Total")].tolist() == ["Lewisham", "2024-25", 58.0, 61.5, 64.2]
    assert got.loc[("2D", "Total")].tolist() == ["Lewisham", "2024-25", 84.0, 80.3, 77.9]
    assert got.loc[("1C(1A)", "65 and over")].tolist() == ["Lewisham", "2024-25", 94.0, 92.4, 91.2]
    assert got.loc[("2A(2)", "Total")].tolist() == ["Lewisham", "2024-25", 480.0, 410.0, 566.0]
    assert got.loc[("1A", "Total")].tolist() == ["Lewisham", "2024-25", 18.6, 18.8, 19.1]
    # 2D: 420 of 500 = 84.0%, Wilson 80.53-86.95 above England's 77.9: better; the source row is named.
    d = out.set_index("measure_code").loc["2D"]
    assert (round(d["lower_ci"], 2), round(d["upper_ci"], 2)) == (80.53, 86.95)
    assert d["compared_to_england"] == "better" and d["source_file"] == "meas-from-ascof-eng-2024-to-2025.csv"


def test_a_later_refresh_keeps_the_earlier_year(tmp_path):
    from loaders.store import ingest
    from store import Store
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / "mps.toml").write_text('area_code = "E09000023"\n', encoding="utf-8")
    shutil.copy(FIXTURES / "ascof-2023-24.csv", first)
    assert ingest(first, tmp_path / "store").ok
    shutil.copy(FIXTURES / "ascof-2024-25.csv", second)
    assert ingest(second, tmp_path / "store").ok
    periods = Store(tmp_path / "store").table("ascof").groupby("period").size().to_dict()
    assert periods == {"2023-24": 9, "2024-25": 30}
