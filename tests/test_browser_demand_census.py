"""What a reader's browser shows on the Demand page once Census 2021 bulk tables are loaded (the
sample's files with tests/fixtures/census2021/): the census year in the headings, the wards summed
from LSOAs and the comparators in the table twins, no error and no serious axe violation."""
import shutil
from pathlib import Path

import pytest

from browser_steps import axe_clean, no_error_overlay, settled, text_of
from conftest import SAMPLE

pytestmark = pytest.mark.browser

CENSUS = Path(__file__).parent / "fixtures" / "census2021"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from loaders.store import ingest
    from tools.browser import Server, require_browser
    require_browser()
    root = tmp_path_factory.mktemp("demand-census")
    src = root / "src"
    shutil.copytree(SAMPLE, src)
    for f in CENSUS.iterdir():
        if f.suffix in (".csv", ".zip"):
            shutil.copy(f, src)
    report = ingest(src, root / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    s = Server(root / "store")
    yield s
    s.stop()


def test_demand_page_shows_census_2021_by_ward_and_against_the_comparators(server, driver):
    driver.get(server.url + "/demand")
    settled(driver)
    assert no_error_overlay(driver)
    heading = text_of(driver, "demand-census-wards-chart-heading")
    assert heading == "Census 2021: unpaid carers and people in bad health by ward"
    assert "Census 2021" in text_of(driver, "demand-census-compare-chart-heading")
    wards = text_of(driver, "demand-census-wards-chart-table")
    assert "Blackheath" in wards and "Brockley" in wards and "6.5" in wards  # 200 of 3,100 in bad health
    compare = text_of(driver, "demand-census-compare-chart-table")
    assert "Southwark" in compare and "London" in compare and "England" in compare
    assert "9.4" in compare  # England: 5,000,000 carers of 53,000,000 residents aged 5+
    axe_clean(driver)
