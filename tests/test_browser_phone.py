"""A phone at 390 px (Chromium's device emulation, as a reader's phone lays the page out): every
page, the area profiles and the HTML brief fit the screen with no sideways scroll, nothing runs off
its right edge outside a table's own scroll region, and no chart title, axis title or label is cut
off at the chart's edge."""
import subprocess
import sys
from pathlib import Path

import dash
import pytest

from browser_steps import settled

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}

OVERFLOW = """
    const de = document.scrollingElement;
    const off = Array.from(document.querySelectorAll('body *')).filter(e => {
        const b = e.getBoundingClientRect();
        return b.width > 0 && b.right > window.innerWidth + 1 && !e.closest('.table-scroll, table');
    }).slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40));
    const cut = Array.from(document.querySelectorAll('.js-plotly-plot text')).filter(t => {
        const b = t.getBoundingClientRect(), svg = t.closest('svg').getBoundingClientRect();
        return b.width > 0 && (b.left < svg.left - 1 || b.right > svg.right + 1);
    }).slice(0, 5).map(t => t.textContent);
    return [de.scrollWidth, window.innerWidth, off, cut];"""


@pytest.fixture(scope="module")
def phone(driver):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield driver
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture(scope="module")
def paths(sample_store):
    """Every page the app registers, and every neighbourhood's area profile."""
    from app import create_app
    from store import Store
    create_app(sample_store)
    codes = sorted(Store(sample_store).table("lookup_neighbourhoods")["neighbourhood_code"])
    assert len(codes) == 4
    return sorted({p["path"] for p in dash.page_registry.values()}) + [f"/area?code={c}" for c in codes]


def test_every_page_fits_a_390_px_phone(server, phone, paths):
    assert len(paths) >= 17
    problems = []
    for path in paths:
        phone.get(server.url + path)
        settled(phone)
        phone.execute_script("window.scrollTo(0, document.body.scrollHeight)")  # charts below the fold draw too
        settled(phone)
        width, viewport, off, cut = phone.execute_script(OVERFLOW)
        assert viewport == 390
        if width > viewport or off or cut:
            problems.append((path, width, off, cut))
    assert not problems, problems


def test_the_html_brief_fits_a_390_px_phone(sample_store, phone, tmp_path):
    out = tmp_path / "brief.html"
    r = subprocess.run([str(Path(sys.executable).with_name("mps")), "brief", "--store", str(sample_store),
                        "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    phone.get(out.as_uri())
    width, viewport, off, _ = phone.execute_script(OVERFLOW)
    assert (width, viewport, off) == (390, 390, [])
    # Text wraps into a readable column across the screen (it was 704 px wide, one word a line).
    widths = phone.execute_script("return Array.from(document.querySelectorAll('p')).slice(0, 3)"
                                  ".map(p => p.getBoundingClientRect().width)")
    assert min(widths) >= 300, widths
