"""Skills for Care's workforce estimates (loaders/workforce.py): the `LA data download` workbook's
`LA level data` sheet, rates written as fractions become percentages, suppressed cells missing.
Figures by hand from data/sample/LA-data-download-2016-17.xlsx."""
import pytest

from conftest import SAMPLE, load_one


def test_the_sample_workbook_gives_rates_as_percentages_and_suppressed_cells_missing():
    report, result = load_one(SAMPLE / "LA-data-download-2016-17.xlsx")
    assert report.error is None and (result.kind, result.table) == ("skills_for_care_workforce", "workforce")
    f = result.frame
    # Row 4: Lewisham, All sectors, Care home services with nursing, All job roles:
    # turnover 0.355, vacancy 0.101, filled posts 900, median hourly pay 8.35.
    nursing = f[(f["area_name"] == "Lewisham") & (f["service"] == "Care home services with nursing")
                & (f["job_role"] == "All job roles")].set_index("measure")["value"]
    assert nursing.to_dict() == pytest.approx({"vacancy_rate": 10.1, "turnover_rate": 35.5, "filled_posts": 900,
                                               "median_hourly_pay": 8.35})
    assert set(f["source_sheet"]) == {"LA level data"}
    assert any("suppressed value(s) kept as missing" in w for w in report.warnings)
    # Row 5: the care workers' rates are '*': no rate rows, not rates of 0.
    care = f[(f["area_name"] == "Lewisham") & (f["service"] == "Care home services with nursing")
             & (f["job_role"] == "Care worker")]
    assert set(care["measure"]) == {"filled_posts", "median_hourly_pay"}


def test_workforce_loader_names_a_missing_column(tmp_path):
    from loaders.store import load_file
    from loaders import LoadContext
    bad = tmp_path / "LA-data-download.csv"
    bad.write_text("CSSR (LA area),Sector,Service,Job role,Turnover rate\nLewisham,All sectors,All services,"
                   "All job roles,0.3\n", encoding="utf-8")
    report, result = load_file(bad, LoadContext())
    assert result is None and "required column(s) missing: Vacancy rate" in report.error
