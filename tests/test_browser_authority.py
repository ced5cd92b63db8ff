"""Switching authority in the header picker, in the browser. The URL and the page's
chart and table follow, and the comparators (region) update; axe runs on both states."""
import shutil
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import SAMPLE, real_file
from browser_steps import axe_clean, settled, text_of, wait_until
from tools.browser import Server, require_browser

pytestmark = pytest.mark.browser

CAMPYLOBACTER = "fingertips/fingertips-county-ua-campylobacter-2015-17.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The sample plus the real national Fingertips file, so a second authority has rows."""
    require_browser()
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    shutil.copy(real_file(CAMPYLOBACTER), src / "fingertips-county-ua-campylobacter-2015-17.csv")
    store = tmp_path_factory.mktemp("national") / "store"
    assert ingest(src, store).ok
    s = Server(store)
    yield s
    s.stop()


def test_picker_switches_authority_and_the_page_follows(server, driver):
    from selenium.webdriver.support.ui import Select
    driver.get(server.url + "/performance?sex=Persons")
    settled(driver)
    axe_clean(driver)
    table = "performance-chart-table"
    before = wait_until(lambda: text_of(driver, table))
    assert "Lewisham" in driver.find_element("css selector", ".org-name").text
    picker = driver.find_element("id", "authority-picker")
    assert driver.find_element("css selector", "label[for='authority-picker']").text == "Authority"
    Select(picker).select_by_value("E09000028")
    picker.submit()  # the form's Show button (Enter in the select does the same)
    wait_until(lambda: parse_qs(urlparse(driver.current_url).query).get("authority") == ["E09000028"])
    settled(driver)
    after = wait_until(lambda: text_of(driver, table) != before and text_of(driver, table))
    assert "Southwark" in driver.find_element("css selector", ".org-name").text
    assert Select(driver.find_element("id", "authority-picker")).first_selected_option.get_attribute("value") == "E09000028"
    # Southwark's campylobacter rate 2017: 66.1 per 100,000 (207 / 313,223); London 63.2.
    assert "66.1" in after and "63.2" in after
    assert urlparse(driver.current_url).path == "/performance"
    axe_clean(driver)
    # The navigation keeps the authority: Overview of Southwark.
    driver.find_element("css selector", "#site-nav a[href='/?authority=E09000028'], nav a[href='/?authority=E09000028']").click()
    wait_until(lambda: urlparse(driver.current_url).path == "/")
    assert parse_qs(urlparse(driver.current_url).query).get("authority") == ["E09000028"]


def test_another_authority_is_told_whose_council_files_the_store_holds(server, driver):
    """Southwark's Opportunities: no Lewisham contracts or intentions under Southwark's name, and
    a notice that says why (the council's own files are Lewisham's), readable by axe."""
    driver.get(server.url + "/opportunities?authority=E09000028")
    settled(driver)
    notice = wait_until(lambda: driver.find_elements("css selector", ".council-files-only"))
    text = notice[0].text
    assert "not available for Southwark" in text and "for Lewisham only" in text
    page = driver.find_element("tag name", "main").text
    assert "transitions team" not in page and "Extra care has not yet reduced" not in page
    axe_clean(driver)


def test_without_a_referrer_the_header_names_the_chosen_authority(server):
    """The app sends `Referrer-Policy: no-referrer`, so Chromium sends no Referer with any of the
    page's requests (its network log is read to be sure): Southwark's Performance page, loaded by its
    address, names Southwark in the header and the picker, and its chart's table holds Southwark's
    campylobacter rate (66.1 per 100,000 in 2017; London 63.2); the same page without the query is
    the profile authority's again."""
    import json

    from tools.browser import make_driver
    driver = make_driver(log_network=True)
    try:
        driver.get(server.url + "/performance?sex=Persons&authority=E09000028")
        settled(driver)
        assert wait_until(lambda: driver.find_element("css selector", ".org-name").text) == "Southwark Council"
        from selenium.webdriver.support.ui import Select
        assert Select(driver.find_element("id", "authority-picker")).first_selected_option.get_attribute("value") \
            == "E09000028"
        table = wait_until(lambda: text_of(driver, "performance-chart-table"))
        assert "66.1" in table and "63.2" in table
        sent = [json.loads(e["message"])["message"]["params"]["request"] for e in driver.get_log("performance")
                if '"Network.requestWillBeSent"' in e["message"]]
        ours = [r for r in sent if r["url"].startswith(server.url)]
        assert any("/_dash-layout" in r["url"] for r in ours) and any("/_dash-update-component" in r["url"] for r in ours)
        assert [r["url"] for r in ours if r["headers"].get("Referer")] == []  # (the log shows it blank)
        assert {r["referrerPolicy"] for r in ours if "/_dash-" in r["url"]} == {"no-referrer"}
        driver.get(server.url + "/performance")
        settled(driver)
        assert "Lewisham" in wait_until(lambda: driver.find_element("css selector", ".org-name").text)
        axe_clean(driver)
    finally:
        driver.quit()
