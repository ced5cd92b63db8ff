"""The published MPS opened from file:// in headless Chromium: no network request, no script
error, charts drawn, no serious axe violation; walked as a provider (opportunities, then the
contact) and as a councillor on a 390 px phone (the summary of findings, no sideways scroll)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from browser_steps import axe_clean, wait_until
from publish.content import SECTIONS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(sample_store, tmp_path_factory):
    from store import Store
    from publish import publish
    from tools.browser import require_browser
    require_browser()
    out = tmp_path_factory.mktemp("published") / "site"
    publish(Store(sample_store), out, published=dt.date(2026, 12, 7))
    return out


@pytest.fixture(scope="module")
def driver(site):
    from tools.browser import make_driver
    d = make_driver(log_network=True)
    yield d
    d.quit()


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _script_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_every_page_from_file_makes_no_network_request_and_no_script_error(site, driver):
    _requests(driver), _script_errors(driver)  # empty the logs
    seen = []
    for name in ["index"] + [s.slug for s in SECTIONS]:
        driver.get((site / f"{name}.html").as_uri())
        wait_until(lambda: driver.execute_script("return document.readyState") == "complete")
        if driver.find_elements("css selector", "div.plot"):
            # every chart drawn by the shipped plotly.js
            wait_until(lambda: driver.execute_script(
                "return [...document.querySelectorAll('div.plot')].every(d => d.querySelector('svg.main-svg'))"))
        seen += _requests(driver)
        assert _script_errors(driver) == [], name
    assert seen, "the performance log recorded nothing"
    elsewhere = [u for u in seen if not u.startswith(("file://", "data:", "about:"))]
    assert elsewhere == []
    assert any(u.endswith("/assets/plotly.min.js") for u in seen)


@pytest.mark.parametrize("name", ["index", "demand", "supply", "intentions", "market-health"])
def test_no_serious_axe_violation(site, driver, name):
    driver.get((site / f"{name}.html").as_uri())
    wait_until(lambda: driver.execute_script("return document.readyState") == "complete")
    if name in ("demand", "supply"):
        wait_until(lambda: driver.find_elements("css selector", "div.plot svg.main-svg"))
    axe_clean(driver)


def test_a_provider_finds_the_opportunities_and_the_contact(site, driver):
    driver.get((site / "index.html").as_uri())
    driver.find_element("link text", "Opportunities for providers").click()
    wait_until(lambda: driver.current_url.endswith("/intentions.html"))
    h1 = driver.find_element("tag name", "h1").text
    assert h1 == "7. Our intentions and opportunities for providers"
    captions = [c.text for c in driver.find_elements("css selector", "caption")]
    assert "Care contracts ending within 12 months" in captions
    assert "Commissioning intentions by client group" in driver.page_source
    # Every page's footer leads to the contact; the contact gives an e-mail address to write to.
    driver.get((site / "supply.html").as_uri())
    driver.find_element("link text", "Contact us").click()
    wait_until(lambda: driver.current_url.endswith("/intentions.html#contact"))
    mail = driver.find_element("css selector", "#contact ~ p a[href^='mailto:'], .contact-box a[href^='mailto:']")
    assert mail.get_attribute("href") == "mailto:marketpositionstatement@lewisham.gov.uk"
    assert mail.is_displayed()


def test_a_councillor_reads_the_summary_of_findings_on_a_phone(site, driver):
    phone = driver  # Chromium's device emulation, as a reader's phone lays the page out
    phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        phone.get((site / "index.html").as_uri())
        assert phone.execute_script("return window.innerWidth") == 390
        findings = phone.find_elements("css selector", "#findings-list li")
        assert len(findings) >= 5 and findings[0].is_displayed()
        assert findings[0].text.startswith("1. ")
        # The skip link is the first thing a keyboard reaches, and it leads to the content.
        phone.find_element("tag name", "body").send_keys("\t")
        focused = phone.switch_to.active_element
        assert focused.get_attribute("class") == "skip" and focused.get_attribute("href").endswith("#main")
        for name in ["index"] + [s.slug for s in SECTIONS]:
            phone.get((site / f"{name}.html").as_uri())
            wait_until(lambda: phone.execute_script("return document.readyState") == "complete")
            wide = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{name}.html scrolls sideways by {wide}px at 390 px"
    finally:
        phone.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
