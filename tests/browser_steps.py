"""The steps every browser test takes, written once: wait for a condition, wait for the page to
settle, run axe-core, read an element's text. The `server` and `driver` fixtures live in
conftest.py (the sample store by default; a test module that needs another store defines its own
`server`, and the shared `driver` follows it)."""
from __future__ import annotations

import json
import time

import pytest

from conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def wait_until(predicate, timeout=20, interval=0.2):
    """The predicate's first truthy value, polled until `timeout` seconds have passed."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            value = predicate()
        except Exception:  # an element replaced while we read it: read again
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def wait_for(driver, css, timeout=20):
    """The first element matching `css`, once there is one."""
    return wait_until(lambda: (driver.find_elements("css selector", css) or [None])[0], timeout)


def settled(driver):
    """Page content rendered and no Dash callback still pending."""
    wait_for(driver, "h1")
    wait_until(lambda: driver.execute_script("return !document.querySelector('[data-dash-is-loading=\"true\"]')"))
    time.sleep(0.3)


def axe_violations(driver) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 AA violations in the state the page is in now."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm (node_modules/axe-core)")
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))));
    """)
    return [v for v in result if v["impact"] in ("serious", "critical")]


def axe_clean(driver):
    """No serious or critical WCAG 2.1 AA violation in the state the page is in now."""
    serious = axe_violations(driver)
    assert not serious, json.dumps(serious, indent=1)


def text_of(driver, id_):
    """The whole text of the element with this id (hidden parts included, as a screen reader has it)."""
    return driver.find_element("id", id_).get_attribute("textContent")


def no_error_overlay(driver):
    return not driver.find_elements("css selector", ".dash-fe-error__title, .dash-error-card")
