"""The real Dash app in headless Chromium: pages render, no error overlay, lang is set."""
import pytest

from browser import Server, make_driver, require_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(sample_store):
    require_browser()
    s = Server(sample_store)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def driver(server):
    d = make_driver()
    yield d
    d.quit()


def wait_for(driver, css, timeout=20):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def no_error_overlay(driver):
    from selenium.webdriver.common.by import By
    return not driver.find_elements(By.CSS_SELECTOR, ".dash-fe-error__title, .dash-error-card")


def test_overview_reads_the_store(server, driver):
    driver.get(server.url + "/")
    facts = wait_for(driver, "#key-facts")
    text = facts.text
    assert "26,800" in text  # residents aged 65+ in 2017 (seed 000 s3.2)
    assert "1,800" in text   # people with dementia (seed 000 s3.2.1)
    assert driver.find_element("css selector", "html").get_attribute("lang") == "en-GB"
    assert driver.title.startswith("Overview")
    assert no_error_overlay(driver)


def test_about_lists_every_source_file(server, driver, sample_store):
    import json
    driver.get(server.url + "/about")
    table = wait_for(driver, "#sources-table")
    manifest = json.loads((sample_store / "manifest.json").read_text())
    for f in manifest["files"]:
        assert f["path"] in table.text
    assert no_error_overlay(driver)


def test_skip_link_is_first_and_targets_main(server, driver):
    from selenium.webdriver.common.keys import Keys
    driver.get(server.url + "/")
    wait_for(driver, "#key-facts")
    body = driver.find_element("css selector", "body")
    body.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.text == "Skip to main content"
    assert active.get_attribute("href").endswith("#main-content")
