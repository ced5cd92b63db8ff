"""Choosing the comparator set in the header (profile list, region, similar councils): in the
browser, the URL carries it, the Performance table's comparators' mean follows, the navigation and
the downloads keep it, and the briefing pack downloaded from there names and uses the peers."""
import html
import shutil
import urllib.request
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from conftest import CAMPYLOBACTER, SAMPLE, real_file, write_csv
from browser_steps import axe_clean, settled, text_of, wait_until
from tools.browser import Server, require_browser

pytestmark = pytest.mark.browser

PEERS = ["E08000025", "E08000003", "E08000035"]  # Birmingham, Manchester, Leeds
PROFILE = ["E09000028", "E09000022", "E09000011", "E09000012", "E09000014", "E09000031"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The sample, the real national campylobacter export and a peers list (the method's peers.csv)."""
    require_browser()
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    shutil.copy(real_file(CAMPYLOBACTER), src / "fingertips-county-ua-campylobacter-2015-17.csv")
    write_csv(src / "peers.csv", [["UTLA22NM", "1", "2", "3"], ["Lewisham", "Birmingham", "Manchester", "Leeds"]])
    store = tmp_path_factory.mktemp("peers") / "store"
    assert ingest(src, store).ok
    s = Server(store)
    yield s
    s.stop()


def _mean(codes) -> str:
    """The comparators' mean of campylobacter, persons, all ages, 2017, from the raw CSV, as the table
    shows it (one decimal place)."""
    raw = pd.read_csv(real_file(CAMPYLOBACTER), index_col=False, dtype={"Time period": str})
    rows = raw[raw["Area Code"].isin(codes) & raw["Category Type"].isna() & (raw["Sex"] == "Persons")
               & (raw["Age"] == "All ages") & (raw["Time period"] == "2017") & raw["Value"].notna()]
    assert len(rows) == len(codes)
    return f"{rows['Value'].mean():.1f}"


def test_switching_to_peers_the_table_and_the_brief_follow(server, driver):
    from selenium.webdriver.support.ui import Select
    driver.get(server.url + "/performance?sex=Persons")
    settled(driver)
    table = "performance-chart-table"
    before = wait_until(lambda: text_of(driver, table))
    assert _mean(PROFILE) in before
    named = driver.find_element("id", "performance-comparators").text
    assert "the profile's list: Southwark, Lambeth" in named
    picker = driver.find_element("id", "comparator-picker")
    assert driver.find_element("css selector", "label[for='comparator-picker']").text == "Compare with"
    assert Select(picker).first_selected_option.get_attribute("value") == ""  # the default
    Select(picker).select_by_value("peers")
    picker.submit()
    wait_until(lambda: parse_qs(urlparse(driver.current_url).query).get("comparators") == ["peers"])
    settled(driver)
    after = wait_until(lambda: text_of(driver, table) != before and text_of(driver, table))
    assert _mean(PEERS) in after and _mean(PROFILE) not in after
    assert driver.find_element("id", "performance-comparators").text == (
        "Comparator authorities (their mean is shown): similar councils (peer groups): Birmingham, Manchester, Leeds.")
    assert Select(driver.find_element("id", "comparator-picker")).first_selected_option.get_attribute("value") == "peers"
    axe_clean(driver)
    # The navigation keeps the set; the Downloads page's brief carries it, and the brief uses the peers.
    driver.find_element("css selector", "nav a[href='/downloads?comparators=peers']").click()
    wait_until(lambda: urlparse(driver.current_url).path == "/downloads")
    link = wait_until(lambda: driver.find_elements("css selector", "a[href^='/download/brief-html']"))[0]
    href = link.get_attribute("href")
    assert parse_qs(urlparse(href).query).get("comparators") == ["peers"]
    with urllib.request.urlopen(href, timeout=120) as response:
        brief = html.unescape(response.read().decode("utf-8"))
    assert "Comparator authorities: similar councils (peer groups): Birmingham, Manchester, Leeds." in brief
    assert f"<td class='num'>{_mean(PEERS)}</td>" in brief


def test_a_set_that_cannot_be_given_is_said(server, driver):
    driver.get(server.url + "/performance?authority=E09000022&comparators=peers")
    settled(driver)
    problem = wait_until(lambda: driver.find_elements("id", "comparator-problem"))[0].text
    assert problem.startswith("No peer group for this authority (the peers list names no peers for this authority)")
    assert "the region's authorities" in driver.find_element("id", "performance-comparators").text
    axe_clean(driver)
