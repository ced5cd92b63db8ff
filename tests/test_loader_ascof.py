"""DHSC's ASCOF CSV loader (loaders/ascof.py): Measures from the Adult Social Care Outcomes
Framework, England, read as published (long to wide), and a bad file refused in one line naming
where. Numbers by hand from tests/fixtures/ascof/; the outcomes beside the region, England and the
comparators, the page, the brief and the export are tests/test_ascof.py."""
from pathlib import Path

import pytest

from conftest import load_one, write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "ascof"
HEADER = ["Geographical code", "Geographical description", "Geographical level", "ONS code", "ASCOF measure code",
          "Disaggregation level", "Measure type", "Measure value"]


def test_the_2024_25_file_is_recognised_and_read_long_to_wide():
    report, result = load_one(FIXTURES / "ascof-2024-25.csv")
    assert report.error is None and report.kind == "ascof"
    f = result.frame
    # 79 data rows: 78 kept as 30 area x measure x disaggregation rows (England, London and Lewisham 7
    # each, Southwark, Lambeth and Greenwich 3 each), 1 council type row kept out.
    assert result.rows_read == 79 and len(f) == 30
    row = f[(f["area_code"] == "E09000023") & (f["measure_code"] == "2D")].iloc[0]
    assert (row["numerator"], row["denominator"], row["outcome"]) == (410, 500, 82.0)
    assert (row["period"], row["year"], row["geography_code"], row["area_type"]) == ("2024-25", 2024, "209", "la")
    assert row["source_row"] == 43  # the Outcome row a reader finds in the file
    lambeth = f[(f["area_code"] == "E09000022") & (f["measure_code"] == "3A")].iloc[0]
    assert lambeth[["numerator", "denominator", "outcome"]].isna().all()  # [c]: missing, never 0
    assert f.loc[f["area_code"] == "E12000007", "area_type"].unique().tolist() == ["region"]
    assert report.warnings[0].startswith("3 suppressed value(s) kept as missing, e.g. ascof-2024-25.csv row 70")
    assert "1 council type row(s) not kept" in report.warnings[1]
    assert report.warnings[-1] == "year 2024-25 read from the file's name"


def test_a_year_column_is_read_when_the_file_has_one_and_other_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "ascof.csv", [
        HEADER + ["Year", "Notes"],
        ["209", "Lewisham", "Local authority", "E09000023", "3A", "Total", "Outcome", "60.0", "2022 to 2023", "x"]])
    report, result = load_one(path)
    assert report.error is None
    assert result.frame["period"].tolist() == ["2022-23"] and result.frame["year"].tolist() == [2022]
    assert "columns not used: Notes" in report.warnings
    assert "year 2022-23 read from the 'Year' column" in report.warnings


@pytest.mark.parametrize("name, rows, message", [
    ("ascof.csv", [["209", "Lewisham", "Local authority", "E09000023", "3A", "Total", "Outcome", "60"]],
     "ascof.csv: the file has no year column and its name gives no financial year"),
    ("ascof-2024-25.csv", [["209", "Lewisham", "Borough", "E09000023", "3A", "Total", "Outcome", "60"]],
     "ascof-2024-25.csv, row 2, column 'Geographical level': found 'Borough' where a geographical level belongs"),
    ("ascof-2024-25.csv", [["209", "Lewisham", "Local authority", "E09000023", "3A", "Total", "Outcome", "60"],
                           ["209", "Lewisham", "Local authority", "E09000023", "3A", "Total", "Outcome", "61"]],
     "ascof-2024-25.csv, row 3, column 'Measure type': Lewisham 3A Total Outcome is given twice"),
    ("ascof-2024-25.csv", [["209", "Lewisham", "Local authority", "E09000023", "3A", "Total", "Outcome", "sixty"]],
     "ascof-2024-25.csv, row 2, column 'Measure value'"),
])
def test_a_bad_file_is_one_line_naming_where(tmp_path, name, rows, message):
    report, result = load_one(write_csv(tmp_path / name, [HEADER, *rows]))
    assert result is None and report.error.startswith(message), report.error
    assert "\n" not in report.error and "Traceback" not in report.error


def test_a_missing_column_is_named(tmp_path):
    report, result = load_one(write_csv(tmp_path / "ascof-2024-25.csv", [
        [h for h in HEADER if h != "ONS code"], ["209", "Lewisham", "Local authority", "3A", "Total", "Outcome", "60"]]))
    assert result is None and "required column(s) missing: ONS code" in report.error
