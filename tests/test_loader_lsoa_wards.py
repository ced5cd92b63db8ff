"""ONS's LSOA (2021) to electoral ward best-fit lookup (loaders/lsoa_wards.py): one row per LSOA with
its ward, the ward's year from the column names and its authority. Figures by hand from
tests/fixtures/census2021/'s lookup (four LSOAs); the Census sums to wards through it are
tests/test_loader_census_bulk.py."""
from pathlib import Path

from conftest import load_one, write_csv

LOOKUP = (Path(__file__).parent / "fixtures" / "census2021"
          / "LSOA_(2021)_to_Electoral_Ward_(2022)_to_LAD_(2022)_Best_Fit_Lookup_in_EW.csv")


def test_the_fixture_gives_each_lsoa_its_ward_year_and_authority():
    report, result = load_one(LOOKUP)
    assert report.error is None and (result.kind, result.table) == ("lsoa_wards", "lsoa_wards")
    assert report.warnings == ["column(s) not used: 'ObjectId'"]
    f = result.frame.set_index("lsoa_code")
    assert result.rows_read == 4 and len(f) == 4
    assert f.loc["E01003190", ["ward_code", "ward_name", "lad_code"]].tolist() == ["E05013715", "Blackheath", "E09000023"]
    assert f.loc["E01003925", "ward_name"] == "Borough & Bankside" and f.loc["E01003925", "lad_name"] == "Southwark"
    assert set(f["ward_year"]) == {2022}  # WD22CD: wards of 2022
    # Two LSOAs in Blackheath, one in Brockley: the lookup is many LSOAs to one ward.
    assert f.groupby("ward_name").size().to_dict() == {"Blackheath": 2, "Borough & Bankside": 1, "Brockley": 1}


def test_another_ward_year_is_read_from_its_columns(tmp_path):
    path = write_csv(tmp_path / "LSOA21_WD23_LAD23_lookup.csv", [
        ["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"],
        ["E01003189", "Lewisham 001A", "E05013715", "Blackheath", "E09000023", "Lewisham"]])
    report, result = load_one(path)
    assert report.error is None, report.error
    assert result.frame["ward_year"].tolist() == [2023]
