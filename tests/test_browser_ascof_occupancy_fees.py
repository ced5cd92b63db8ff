"""What a reader's browser shows once the 2026 national files are loaded beside the sample: ASCOF
outcomes on Performance, the real occupancy the beds what-if starts from on Demand vs supply, and
the MSIF fees on Market health; axe runs on each page."""
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE
from browser_steps import axe_clean, settled, text_of, wait_until
from tools.browser import Server, require_browser

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The sample with the ASCOF, occupancy and MSIF fee fixtures beside it."""
    require_browser()
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    for f in [*FIXTURES.glob("ascof/*.csv"), *FIXTURES.glob("occupancy/*.csv"), *FIXTURES.glob("fees/*.csv")]:
        shutil.copy(f, src)
    store = tmp_path_factory.mktemp("store") / "store"
    assert ingest(src, store).ok
    s = Server(store)
    yield s
    s.stop()


def test_performance_shows_the_ascof_outcomes(server, driver):
    driver.get(server.url + "/performance")
    settled(driver)
    table = wait_until(lambda: text_of(driver, "performance-ascof-table"))
    # Lewisham 2A(2) 625 per 100,000 aged 65+ (250 / 40,000); 2D 82.0% (410 / 500), England 77.5.
    assert "2A(2)" in table and "625" in table and "82" in table and "77.5" in table
    assert "ascof-2024-25.csv" in text_of(driver, "performance-ascof-source")
    axe_clean(driver)


def test_demand_vs_supply_starts_from_the_real_occupancy(server, driver):
    driver.get(server.url + "/gaps")
    settled(driver)
    assert driver.find_element("id", "gaps-occupancy").get_attribute("value") == "87.4"
    assert "October 2025" in text_of(driver, "gaps-occupancy-hint")
    position = wait_until(lambda: text_of(driver, "gaps-position"))
    assert "Occupied: at 87.4% occupancy" in position and "October 2025" in position
    axe_clean(driver)


def test_market_health_shows_the_fees(server, driver):
    driver.get(server.url + "/market-health")
    settled(driver)
    table = wait_until(lambda: text_of(driver, "market-health-fees-table"))
    assert "24.02" in table and "139.1%" in table  # home care: London's mean 24.025; 24 / 17.25
    axe_clean(driver)
