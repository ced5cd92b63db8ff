"""DHSC's monthly care home occupancy (Capacity Tracker) by authority: read, and the beds what-if
starts from the authority's real occupancy and says its month; without it, the assumed 90% and
says so. Numbers by hand from tests/fixtures/occupancy/care-home-occupancy-2025-10.csv."""
import re
from pathlib import Path

import pytest

from conftest import load_one, sample_store_with, write_csv, write_xlsx

FIXTURE = Path(__file__).parent / "fixtures" / "occupancy" / "care-home-occupancy-2025-10.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from metrics.store import Store
    return Store(sample_store_with(tmp_path_factory, FIXTURE))


def test_the_fixture_is_recognised_and_read():
    report, result = load_one(FIXTURE)
    assert report.error is None and report.kind == "capacity_tracker_occupancy"
    f = result.frame.set_index(["area_code", "month"])
    assert len(f) == 7
    lewisham = f.loc[("E09000023", "2025-10-01")]
    assert (lewisham["occupancy_pct"], lewisham["occupied_beds"], lewisham["total_beds"]) == (87.4, 612, 700)
    assert lewisham["area_type"] == "la" and f.loc[("E12000007", "2025-10-01"), "area_type"] == "region"
    assert f.loc[("E92000001", "2025-09-01"), "area_type"] == "england"


def test_a_workbook_with_a_title_row_fractions_and_other_columns(tmp_path):
    path = write_xlsx(tmp_path / "occupancy.xlsx", {
        "Cover": [["Adult social care in England, monthly statistics"]],
        "Table 1": [["Table 1: care home occupancy by local authority"], [],
                    ["LA code", "Local authority", "Month", "Occupancy rate", "Visiting allowed"],
                    ["E09000023", "Lewisham", "Oct-2025", 0.874, "Yes"],
                    ["E09000028", "Southwark", "31/10/2025", "[c]", "Yes"]]})
    report, result = load_one(path)
    assert report.error is None, report.error
    assert result.frame["occupancy_pct"].tolist()[0] == pytest.approx(87.4)  # 0.874 read as 87.4%
    assert result.frame["month"].tolist() == ["2025-10-01", "2025-10-01"]
    assert result.frame["occupancy_pct"].isna().tolist() == [False, True]  # suppressed: missing, never 0
    assert "columns not used: Visiting allowed" in report.warnings


@pytest.mark.parametrize("rows, message", [
    ([["E09000023", "Lewisham", "Autumn", "87.4"]], "row 2, column 'Month': found 'Autumn' where a month belongs"),
    ([["E09000023", "Lewisham", "October 2025", "187.4"]], "row 2, column 'Occupancy rate': found an occupancy of 187.4%"),
    ([["E09000023", "Lewisham", "October 2025", "87.4"], ["E09000023", "Lewisham", "2025-10-01", "87.0"]],
     "row 3: E09000023 2025-10 is given twice"),
])
def test_a_bad_file_is_one_named_line(tmp_path, rows, message):
    path = write_csv(tmp_path / "occupancy.csv", [["LA code", "Local authority", "Month", "Occupancy rate"], *rows])
    report, result = load_one(path)
    assert result is None and message in report.error and "\n" not in report.error, report.error


def test_the_what_if_starts_from_the_real_occupancy_and_says_its_month(store):
    from metrics.supply import gaps
    basis = gaps.occupancy_basis(store)
    assert (basis.occupancy, basis.month) == (pytest.approx(0.874), "2025-10-01")  # the latest month, not September
    assert basis.sentence.startswith("87.4% occupancy: the authority's care homes in October 2025")
    position = gaps.beds_position(store).set_index("type")
    assert position.loc["all", "occupied_beds"] == pytest.approx(672 * 0.874)  # 587.3 of the 672 registered
    assert gaps.beds_position(store, 0.9).loc[lambda f: f["type"] == "all", "occupied_beds"].iloc[0] == \
        pytest.approx(604.8)  # the reader's own value still wins


def test_the_page_and_the_findings_say_where_the_occupancy_comes_from(store):
    import json
    from app import create_app
    from sentences.findings import findings
    app = create_app(store.path)
    from layouts.pages import gaps as page
    with app.server.test_request_context("/gaps"):
        text = json.dumps(page.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "Starts at 87.4% occupancy: the authority's care homes in October 2025" in text
    box = re.search(r'\{[^{}]*"id": "gaps-occupancy"[^{}]*\}', text).group(0)
    assert '"value": 87.4' in box
    beds = findings(store).set_index("finding_key").loc["beds_needed", "sentence"]
    assert "(at 87.4% occupancy, October 2025)" in beds


def test_without_the_file_the_occupancy_is_assumed_and_said(sample_store):
    from metrics.supply import gaps
    from metrics.store import Store
    basis = gaps.occupancy_basis(Store(sample_store))
    assert (basis.occupancy, basis.month) == (0.9, None)
    assert basis.sentence.startswith("An assumed 90% occupancy: no care home occupancy")
