"""The real Dash app in headless Chromium: every page renders with no error overlay, a change of
selection updates the chart and the URL (and the URL restores it), and axe-core finds no serious
or critical WCAG 2.1 AA violations."""
import json
import time
from urllib.parse import parse_qs, urlparse

import pytest

from app_inventory import page_paths
from browser_steps import axe_clean, no_error_overlay, settled, wait_for, wait_until

pytestmark = pytest.mark.browser

# Every registered page (the area profile opened on one of the sample's neighbourhoods).
PAGES = [p if p != "/area" else "/area?code=N1" for p in page_paths()]
# page, radio group id, new value, query parameter, element whose text must change
INTERACTIONS = [
    ("/population", "population-area", "E12000007", "area", "population-chart-table"),
    ("/demand", "demand-client-group", "dementia", "client_group", "demand-chart-table"),
    ("/supply", "supply-view", "rating", "view", "supply-chart-table"),
    ("/gaps", "gaps-year", "2025", "year", "gaps-summary"),
    ("/neighbourhoods", "neighbourhood-client-group", "learning_disability", "client_group", "neighbourhood-map-table"),
    ("/market-health", "market-health-segment", "nursing_65", "segment", "market-health-changes-chart-table"),
    ("/opportunities", "opportunities-window", "24", "window", "opportunities-contracts-chart-table"),
    ("/performance", "performance-sex", "Female", "sex", "performance-chart-table"),
    ("/resources", "resources-organisation", "NHS Lewisham CCG", "organisation", "resources-chart-table"),
]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_errors(server, driver, path):
    driver.get(server.url + path)
    settled(driver)
    assert driver.find_element("css selector", "html").get_attribute("lang") == "en-GB"
    assert driver.title.endswith("Market Position Statement")
    assert len(driver.find_elements("css selector", "h1")) == 1
    assert no_error_overlay(driver)
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not severe, severe


def test_overview_reads_the_store(server, driver):
    driver.get(server.url + "/")
    text = wait_for(driver, "#key-facts").text
    assert "26,800" in text  # residents aged 65+ in 2017 (seed 000 s3.2)
    assert "1,800" in text and "672" in text
    rationale = driver.find_element("id", "rationale").text
    # The MPS horizon, 2017 to 2030, as every page, export and the brief read it (PANSI: 1,120 to 1,293)
    assert "projected to rise from 1,120 in 2017 to 1,293 in 2030 (+15%)" in rationale


def test_segment_ratings_show_each_rule_beside_its_mark(server, driver):
    driver.get(server.url + "/market-health")
    settled(driver)
    cards = driver.find_elements("css selector", "#market-health-ratings .segment-rating")
    assert len(cards) == 8
    nursing = driver.find_element("id", "segment-nursing_65")
    marks = nursing.find_elements("css selector", "dt")
    rules = nursing.find_elements("css selector", "dd .rule")
    assert [m.text.split(":")[0] for m in marks] == ["Quality", "Supply against demand", "Demand trend",
                                                     "Workforce pressure", "Price pressure"]
    assert len(rules) == 5 and all(r.is_displayed() and r.text.startswith("Rule: ") for r in rules)
    assert "Supply against demand: Short of demand" in nursing.text
    assert "97 of 225 council-funded people (43%) placed out of area" in nursing.text
    homes = driver.find_element("id", "segment-care_homes_65").text
    assert "Hold" in homes and "The authority's direction:" in homes and "the rules alone give: Grow" in homes


def test_overview_says_what_changed_since_the_last_refresh(server, driver):
    driver.get(server.url + "/")
    text = wait_for(driver, "#overview-changes").text
    assert "Between the CQC directories of 2016-12-01 and 2017-06-01" in text
    assert "Nursing homes 65+: 0 opened and 1 closed; net change -40 beds" in text


def test_about_lists_every_source_file(server, driver, sample_store):
    driver.get(server.url + "/about")
    table = wait_for(driver, "#sources-table")
    manifest = json.loads((sample_store / "manifest.json").read_text())
    for f in manifest["files"]:
        assert f["path"] in table.text


@pytest.mark.parametrize("path,group,value,param,watch", INTERACTIONS)
def test_selection_updates_chart_and_url(server, driver, path, group, value, param, watch):
    driver.get(server.url + path)
    settled(driver)
    before = wait_until(lambda: driver.find_element("id", watch).get_attribute("textContent"))
    radio = driver.find_element("css selector", f"#{group} input[value='{value}']")
    radio.click()
    wait_until(lambda: driver.find_element("id", watch).get_attribute("textContent") != before)
    # The address follows the chart (it may still hold the previous selection for a moment).
    assert wait_until(lambda: parse_qs(urlparse(driver.current_url).query).get(param) == [value])
    assert no_error_overlay(driver)
    # The address is shareable: opening it restores the selection.
    driver.get(driver.current_url)
    settled(driver)
    assert driver.find_element("css selector", f"#{group} input[value='{value}']").is_selected()


def test_what_if_occupancy_changes_beds_needed(server, driver):
    driver.get(server.url + "/gaps")
    settled(driver)
    before = wait_until(lambda: driver.find_element("id", "gaps-summary").text)
    box = driver.find_element("id", "gaps-occupancy")
    box.clear()
    box.send_keys("80\n")
    after = wait_until(lambda: (t := driver.find_element("id", "gaps-summary").text) != before and t)
    assert "80% occupancy" in after
    assert parse_qs(urlparse(driver.current_url).query)["occupancy"] == ["80.0"]


def test_skip_link_is_first_and_targets_main(server, driver):
    from selenium.webdriver.common.keys import Keys
    driver.get(server.url + "/")
    wait_for(driver, "#key-facts")
    driver.find_element("css selector", "body").send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.text == "Skip to main content"
    assert active.get_attribute("href").endswith("#main-content")


def test_controls_work_from_the_keyboard(server, driver):
    from selenium.webdriver.common.keys import Keys
    driver.get(server.url + "/demand")
    settled(driver)
    first = driver.find_element("css selector", "#demand-client-group input:checked")
    first.send_keys(Keys.ARROW_RIGHT)  # native radios: arrow keys move the selection
    wait_until(lambda: "client_group=" in driver.current_url and
               parse_qs(urlparse(driver.current_url).query)["client_group"] != ["learning_disability"])


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_wcag_violations(server, driver, path):
    driver.get(server.url + path)
    settled(driver)
    axe_clean(driver)


@pytest.mark.parametrize("path", ["/population", "/demand", "/supply", "/gaps", "/neighbourhoods",
                                  "/market-health", "/opportunities", "/performance", "/resources"])
def test_every_chart_has_real_height_and_nothing_overlaps_it(server, driver, path):
    driver.get(server.url + path)
    settled(driver)
    time.sleep(0.5)
    graphs = driver.find_elements("css selector", ".chart")
    assert graphs
    for g in graphs:
        box = g.rect
        plot = g.find_elements("css selector", ".main-svg")
        assert box["height"] > 200, (g.get_attribute("id"), box)
        if plot:  # the drawn plot stays inside its box, so it cannot cover what follows
            assert plot[0].rect["height"] <= box["height"] + 2, (g.get_attribute("id"), plot[0].rect, box)
        button = driver.find_element("id", g.get_attribute("id").replace("-graph", "-download-button"))
        assert button.rect["y"] >= box["y"] + box["height"] - 2
