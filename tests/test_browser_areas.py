"""The ward map in headless Chromium on the authority's real boundaries and census files: a click
on a ward selects it (page and URL), its profile opens with the selection in the URL, and axe-core
finds no serious or critical WCAG 2.1 AA violations on either page."""
from urllib.parse import parse_qs, urlparse

import pytest

from browser_steps import axe_clean, settled, wait_for, wait_until
from test_neighbourhood_gaps import make_real_store
from tools.browser import Server, require_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    s = Server(make_real_store(tmp_path_factory.mktemp("browser-real")))
    yield s
    s.stop()


def text_of(driver, css) -> str:
    """An element's text, or '' while the page is replacing it (navigation in progress)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    try:
        return driver.find_element("css selector", css).text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def test_click_a_ward_then_its_profile_opens_with_the_selection_in_the_url(server, driver):
    from selenium.webdriver.common.action_chains import ActionChains
    driver.get(server.url + "/neighbourhoods?level=ward&service=demand")
    settled(driver)
    legend = driver.find_elements("css selector", "#neighbourhood-map-graph .legend .traces")
    assert len(legend) >= 3  # classes, the neighbourhood boundary and the markers
    points = wait_until(lambda: driver.find_elements(
        "css selector", "#neighbourhood-map-graph .scatterlayer .trace:last-child path.point"))
    assert len(points) == 19
    axe_clean(driver)  # the ward map page
    ActionChains(driver).move_to_element(points[0]).pause(0.3).click().perform()
    wait_for(driver, "#selected-area-link")
    code = wait_until(lambda: parse_qs(urlparse(driver.current_url).query).get("area"))[0]
    settled(driver)
    link = driver.find_element("id", "selected-area-link")
    assert code.startswith("E05") and code in link.get_attribute("href")
    ward = text_of(driver, "#selected-area-heading").removeprefix("Selected: ").split(" (")[0]
    link.click()
    heading = wait_until(lambda: (h := text_of(driver, "h1")).endswith("area profile") and h)
    url = urlparse(driver.current_url)
    assert url.path == "/area" and parse_qs(url.query)["code"] == [code]
    settled(driver)
    assert heading == f"{ward}: area profile"
    assert driver.find_element("id", "area-print").text == "Print this profile"
    axe_clean(driver)
