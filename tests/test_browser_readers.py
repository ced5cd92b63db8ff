"""Each reader finishes their job in the browser: the walk, not just the page load,
with axe-core run on every state the walk visits."""
import csv
import datetime as dt
import time
from urllib.parse import parse_qs, urlparse

import pytest

from browser_steps import axe_clean, settled, text_of, wait_until

pytestmark = pytest.mark.browser

def test_provider_filters_care_contracts_ending_in_12_months_for_one_group_and_downloads_them(
        server, driver, tmp_path):
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.get(server.url + "/opportunities?window=24")
    settled(driver)
    axe_clean(driver)
    before = wait_until(lambda: text_of(driver, "opportunities-contracts-chart-table"))
    driver.find_element("css selector", "#opportunities-window input[value='12']").click()
    wait_until(lambda: text_of(driver, "opportunities-contracts-chart-table") != before)
    before = text_of(driver, "opportunities-contracts-chart-table")
    driver.find_element("css selector", "#opportunities-client-group input[value='older_people']").click()
    wait_until(lambda: text_of(driver, "opportunities-contracts-chart-table") != before)
    settled(driver)
    query = parse_qs(urlparse(driver.current_url).query)
    assert query["window"] == ["12"] and query["client_group"] == ["older_people"]
    # The providers' sentence for the group, and its projected growth (POPPI 65+: 26,800 -> 43,400).
    meaning = text_of(driver, "opportunities-meaning")
    assert meaning.startswith("Older people: people aged 65 and over projected to grow 62% from 2017 to 2030")
    assert "The authority's intention:" in meaning
    axe_clean(driver)
    driver.find_element("id", "opportunities-contracts-chart-download-button").click()
    path = wait_until(lambda: next((p for p in tmp_path.glob("*.csv")), None), timeout=20)
    time.sleep(0.5)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    # Older people's care contracts ending between 1 June 2017 and 31 May 2018 (register rows, by hand):
    # Linden Grove extra care, the nursing beds block, the CHC nursing block, reablement.
    assert sorted(r["title"] for r in rows) == sorted([
        "Extra Care Housing - Care and Support (Linden Grove)", "Block Contract - Nursing Care Beds",
        "Continuing Healthcare Nursing Home Placements (block)", "Reablement Service"])
    as_at = dt.date(2017, 6, 1)
    assert all(as_at <= dt.date.fromisoformat(r["end_date"]) < dt.date(2018, 6, 1) for r in rows)
    assert [r["end_date"] for r in rows] == sorted(r["end_date"] for r in rows)  # soonest first
    assert {"procurement_route", "sme", "vcse", "demand_growth_pct", "annual_value"} <= set(rows[0])
    # Care contracts only: the rest are counted and can be downloaded.
    note = text_of(driver, "opportunities-excluded-note")
    assert note.startswith("5 of the 43 contracts in the registers are not care contracts")
    # Every client group's demand growth is shown, with a reason where there is none.
    driver.get(server.url + "/opportunities?window=12")
    settled(driver)
    table = text_of(driver, "opportunities-chart-table")
    for group in ("Older people", "Dementia", "Learning disability", "Physical and sensory disability",
                  "Mental health", "Substance misuse", "Carers"):
        assert group in table
    assert "marketpositionstatement@lewisham.gov.uk" in driver.find_element("css selector", ".intentions").text


def type_into(driver, id_, text):
    from selenium.webdriver.common.keys import Keys
    box = driver.find_element("id", id_)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text + "\n")


def test_commissioner_starts_from_todays_beds_then_changes_benchmark_and_occupancy_for_2030(server, driver):
    driver.get(server.url + "/gaps")
    settled(driver)
    position = wait_until(lambda: text_of(driver, "gaps-position"))
    assert "672 beds in 18 older people's care homes" in position
    assert "residential 190 beds in 9 homes; nursing 482 beds in 9 homes" in position
    assert "Occupied: at 90% occupancy about 605 of them" in position          # 672 x 0.9
    assert "the council funds 448 people aged 65 and over in care homes in the area" in position
    # 320 council-funded people in residential homes against 171 beds occupied (190 x 90%): said why
    assert "The council's residential count (320 people) is above the 171 residential beds estimated occupied" \
        in position
    summary = wait_until(lambda: text_of(driver, "gaps-summary"))
    # Today's ratio held to 2030: 672 x 16,000 / 12,400 = 867.
    assert "867 beds in all care homes would be needed in 2030: 195 more than the 672 registered today" in summary
    benchmarks = driver.find_element("id", "gaps-basis").text
    assert "Today's ratio: 54.2 beds per 1,000 aged 75+" in benchmarks and "London: not in the data loaded" in benchmarks
    axe_clean(driver)
    driver.find_element("css selector", "#gaps-basis input[value='custom']").click()
    type_into(driver, "gaps-benchmark", "60")
    type_into(driver, "gaps-occupancy", "85")
    # 60 occupied beds per 1,000 x 16,000 people aged 75+ / 1,000 / 0.85 = 1,129 beds; 1,129 - 672 = 457.
    after = wait_until(lambda: (t := text_of(driver, "gaps-summary")) and "85% occupancy" in t and "60 occupied" in t
                       and t)
    assert ("To hold a benchmark of 60 occupied beds per 1,000 people aged 75+ at 85% occupancy, 1,129 beds in "
            "all care homes would be needed in 2030: 457 more than the 672 registered today.") in after
    query = parse_qs(urlparse(driver.current_url).query)
    assert query["basis"] == ["custom"] and query["benchmark"] == ["60.0"] and query["occupancy"] == ["85.0"]
    axe_clean(driver)
    # Out of range: said beside the control, not silently clamped.
    type_into(driver, "gaps-occupancy", "120")
    message = wait_until(lambda: text_of(driver, "gaps-occupancy-error"))
    assert message == "120% is outside 50% to 100%, so 100% is used."
    axe_clean(driver)
    # Nursing homes apart: today's nursing ratio held, 482 x 16,000 / 12,400 = 622 in 2030.
    driver.find_element("css selector", "#gaps-basis input[value='today']").click()
    type_into(driver, "gaps-occupancy", "90")
    driver.find_element("css selector", "#gaps-home-type input[value='nursing']").click()
    nursing = wait_until(lambda: (t := text_of(driver, "gaps-summary")) and "nursing homes" in t and t)
    assert "622 beds in nursing homes would be needed in 2030: 140 more than the 482 registered today" in nursing


def test_the_active_page_is_marked_and_a_missing_page_keeps_the_navigation(server, driver):
    driver.get(server.url + "/opportunities")
    settled(driver)
    current = wait_until(lambda: driver.find_elements("css selector", ".site-nav a[aria-current='page']"))
    assert [a.text for a in current] == ["Opportunities"]
    driver.find_element("link text", "Demand").click()
    wait_until(lambda: [a.text for a in driver.find_elements("css selector", ".site-nav a[aria-current='page']")]
               == ["Demand"])
    driver.get(server.url + "/no-such-page")
    assert driver.find_element("css selector", "h1").text == "Page not found"
    links = [a.text for a in driver.find_elements("css selector", "nav .nav-link")]
    assert "Overview" in links and "Opportunities" in links
    axe_clean(driver)


def test_demand_and_supply_open_on_the_profiles_client_group(server, driver):
    driver.get(server.url + "/demand")
    settled(driver)
    assert driver.find_element("css selector", "#demand-client-group input[value='learning_disability']").is_selected()
    driver.get(server.url + "/demand?client_group=dementia")
    settled(driver)
    assert driver.find_element("css selector", "#demand-client-group input[value='dementia']").is_selected()
    driver.get(server.url + "/supply")
    settled(driver)
    assert driver.find_element("css selector", "#supply-client-group input[value='learning_disability']").is_selected()


def test_committee_member_reads_ranked_findings_follows_one_and_downloads_the_brief(server, driver, tmp_path):
    """A councillor preparing for select committee: the Overview leads with the ranked findings,
    each with its number, comparator and the mark's meaning in words; one link takes them to
    the evidence; the briefing pack downloads from the same place."""
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.get(server.url + "/")
    settled(driver)
    axe_clean(driver)
    items = driver.find_elements("css selector", "#findings li.finding")
    assert 5 <= len(items) <= 8
    first = items[0].text
    # Sample: 672 beds in 2017 to people 75+, held at 90% occupancy, gives 867 in 2030 (seed 000 s4.1 beds).
    assert first.startswith("Red: short of projected need")
    assert "867 beds would be needed in 2030: 195 more than the 672 registered in 2017" in first
    falls = next(i.text for i in items if "falls" in i.text)
    assert "Red: worse than England (95% interval)" in falls and "2,712 per 100,000 people aged 65+ in 2015/16" in falls
    assert "England 2,169" in falls
    items[0].find_element("css selector", "a.finding-link").click()
    wait_until(lambda: urlparse(driver.current_url).path == "/gaps")
    settled(driver)
    axe_clean(driver)
    driver.back()
    settled(driver)
    href = wait_until(lambda: driver.find_element("id", "brief-download").get_attribute("href"))
    assert href.endswith("/download/brief-html") or href.endswith("/download/brief-pdf")
    driver.get(server.url + "/download/brief-html")
    wait_until(lambda: list(tmp_path.glob("*.html")), timeout=60)
    brief = next(tmp_path.glob("*.html")).read_text()
    assert "867" in brief and "worse than England" in brief


def test_changed_states_read_in_words_and_pass_axe(server, driver):
    """Population as an index, resources on a £ log axis, supply's rating view with its reason."""
    driver.get(server.url + "/population?measure=index")
    settled(driver)
    assert driver.find_element("css selector", "#population-measure input[value='index']").is_selected()
    wait_until(lambda: "2017 = 100" in text_of(driver, "population-chart-graph"))
    assert "Index (base year = 100)" in text_of(driver, "population-chart-table")
    axe_clean(driver)
    driver.get(server.url + "/resources")
    settled(driver)
    wait_until(lambda: "£268.0m" in text_of(driver, "resources-chart-graph"))
    assert "£40k" in text_of(driver, "resources-chart-graph")
    assert "rounded to £0.1m" in text_of(driver, "resources-chart-source")
    axe_clean(driver)
    driver.get(server.url + "/supply?view=rating")
    settled(driver)
    wait_until(lambda: "26 homes and 721 beds" in text_of(driver, "supply-chart-source"))
    assert "Beds (number)" in text_of(driver, "supply-chart-graph")
    axe_clean(driver)


def test_a_tile_on_the_neighbourhood_map_opens_that_neighbourhoods_profile(server, driver):
    from selenium.webdriver.common.action_chains import ActionChains
    driver.get(server.url + "/neighbourhoods")
    settled(driver)
    assert "Shading: lightest" in wait_until(lambda: text_of(driver, "neighbourhood-map-graph"))
    point = wait_until(lambda: driver.find_elements("css selector", "#neighbourhood-map-graph .scatterlayer .point"))[0]
    ActionChains(driver).move_to_element(point).click().perform()
    link = wait_until(lambda: driver.find_element("id", "selected-area-link"))
    assert "/area?code=" in link.get_attribute("href")
    axe_clean(driver)
