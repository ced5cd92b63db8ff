"""DHSC's MSIF provider fee reporting loader (loaders/msif_fees.py): average fees per authority by
service type, read from its guessed wide layout. Numbers by hand from
tests/fixtures/fees/msif-provider-fees-2024-25.csv; the fees beside the region, England and the
comparators, Market health, the brief and the export are tests/test_fee_rates.py."""
from pathlib import Path

from conftest import load_one, write_csv

FIXTURE = Path(__file__).parent / "fixtures" / "fees" / "msif-provider-fees-2024-25.csv"


def test_service_columns_are_recognised_by_their_words():
    from loaders.msif_fees import service_of
    assert service_of("Care homes without nursing 65 and over (£ per week) 2024 to 2025") == ("residential", "65+", "week")
    assert service_of("Care homes with nursing for clients aged 18 to 64") == ("nursing", "18-64", "week")
    assert service_of("Home care (£ per hour)") == ("home_care", "all", "hour")
    assert service_of("Supported living") == ("supported_living", "all", "hour")
    assert service_of("Home care increase (%)") is None and service_of("Region") is None


def test_the_fixture_is_read_one_row_per_authority_year_and_service():
    report, result = load_one(FIXTURE)
    assert report.error is None and report.kind == "msif_fee_rates"
    f = result.frame
    assert len(f) == 5 * 7  # five authorities x (home care for two years + six services for 2024-25)
    lew = f[(f["area_code"] == "E09000023")].set_index(["period", "service", "age_band"])["fee_gbp"]
    assert (lew[("2023-24", "home_care", "all")], lew[("2024-25", "home_care", "all")]) == (22.5, 24.0)
    assert lew[("2024-25", "nursing", "65+")] == 820
    assert "columns not used: Region, Home care increase (%)" in report.warnings
    assert report.warnings[0].startswith("1 suppressed value(s) kept as missing")


def test_a_fee_column_without_a_year_in_a_file_without_one_is_refused(tmp_path):
    path = write_csv(tmp_path / "fees.csv", [["ONS code", "Home care", "Supported living"],
                                              ["E09000023", "24.00", "23.10"]])
    report, result = load_one(path)
    assert result is None and report.error.startswith("fees.csv, row 1, column 'Home care': the column 'Home care' "
                                                      "names no financial year")
