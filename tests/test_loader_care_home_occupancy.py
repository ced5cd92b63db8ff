"""DHSC's monthly care home occupancy loader (loaders/care_home_occupancy.py, Capacity Tracker by
authority): read from the CSV or a workbook, a bad file one named line. Numbers by hand from
tests/fixtures/occupancy/care-home-occupancy-2025-10.csv; the beds what-if that starts from it is
tests/test_care_home_occupancy.py."""
from pathlib import Path

import pytest

from conftest import load_one, write_csv, write_xlsx

FIXTURE = Path(__file__).parent / "fixtures" / "occupancy" / "care-home-occupancy-2025-10.csv"


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
