"""Caseloads per neighbourhood (loaders/caseloads.py): district nursing, adult social care and joint
cases at a date. Figures by hand from data/sample/neighbourhood_caseloads.csv."""
from conftest import SAMPLE, load_one


def test_the_sample_file_gives_each_neighbourhoods_cases_by_service():
    report, result = load_one(SAMPLE / "neighbourhood_caseloads.csv")
    assert report.error is None and (result.kind, result.table) == ("neighbourhood_caseloads", "caseloads")
    f = result.frame
    assert len(f) == 12  # four neighbourhoods x three services
    assert set(f["period"].astype(str).str[:10]) == {"2013-07-01"}  # written 01/07/2013: day first
    # Lines 11-13: Neighbourhood 4: district nursing 2181, adult social care 802, joint 462.
    four = f[f["neighbourhood_name"] == "Neighbourhood 4"].set_index("service")["cases"]
    assert four.to_dict() == {"district_nursing": 2181, "social_care": 802, "joint": 462}
    # Column totals: 1264 + 1687 + 2244 + 2181 district nursing cases.
    assert f[f["service"] == "district_nursing"]["cases"].sum() == 1264 + 1687 + 2244 + 2181 == 7376


def test_without_a_neighbourhood_lookup_the_names_are_kept_and_said():
    report, result = load_one(SAMPLE / "neighbourhood_caseloads.csv")
    assert any("no neighbourhood lookup is loaded" in w for w in report.warnings)
    assert (result.frame["neighbourhood_code"] == result.frame["neighbourhood_name"]).all()
