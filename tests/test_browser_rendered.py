"""What the reader's browser renders, not the class names behind it: every number in every page's
tables is right-aligned by the computed style Chromium applies, and no chart puts its toolbar in
the keyboard's Tab order."""
import re

import dash
import pytest

from browser_steps import settled

pytestmark = pytest.mark.browser

# A cell a reader reads as a number: counts, money, rates, percentages and suppressed counts.
NUMBER = re.compile(r"^(?:<5|[£+\-−]?\d[\d,]*(?:\.\d+)?(?:%|k|m|bn)?)$")
# A bare year is a label (an edition, a period), read as text and aligned with it.
YEAR = re.compile(r"^(?:19|20)\d\d$")


@pytest.fixture(scope="module")
def paths(sample_store):
    """Every page the app registers, from Dash's registry once an app on the sample is built."""
    from app import create_app
    create_app(sample_store)
    return sorted({p["path"] for p in dash.page_registry.values()})


def test_numbers_in_tables_are_right_aligned_on_every_page(server, driver, paths):
    assert len(paths) >= 13, paths
    checked, left = 0, []
    for path in paths:
        driver.get(server.url + path)
        settled(driver)
        cells = driver.execute_script("""
            return Array.from(document.querySelectorAll('table td, table th')).map(c =>
                [c.innerText.trim(), getComputedStyle(c).textAlign]);""")
        for text, align in cells:
            if NUMBER.match(text) and not YEAR.match(text):
                checked += 1
                if align not in ("right", "end"):
                    left.append((path, text, align))
    assert checked >= 90, checked  # the sample's tables hold about a hundred numbers besides years
    assert not left, left[:20]


def test_charts_put_nothing_in_the_tab_order_and_offer_a_keyboard_download(server, driver, paths):
    charts = 0
    for path in paths:
        driver.get(server.url + path)
        settled(driver)
        found = driver.execute_script("""
            const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
            const focusable = plots.flatMap(p => Array.from(p.querySelectorAll('a, button, input, [tabindex]'))
                .filter(e => e.tabIndex >= 0 && e.offsetParent !== null));
            const blocks = Array.from(document.querySelectorAll('.chart-block'));
            const withButton = blocks.filter(b => b.querySelector('button[id$="-download-button"]'));
            return [plots.length, focusable.length, blocks.length, withButton.length];""")
        plots, focusable, blocks, with_button = found
        charts += plots
        assert focusable == 0, (path, focusable)
        assert with_button == blocks, path
    assert charts >= 10, charts
