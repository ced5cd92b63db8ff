"""Chromium opening a page finds every answer precomputed: the questions `precompute.py` asks when a
version is written are the ones the browser asks (the router's, the opening callbacks, those their
answers set off), for the profile's own view and for another authority, on every page of the app.
Read from the browser's own network log (the app's X-MPS-Answer header on each response)."""
import json

import pytest

from browser_steps import settled
from conftest import SAMPLE

pytestmark = pytest.mark.browser

SOUTHWARK = "E09000028"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The sample ingested as `mps ingest` does, with its opening answers."""
    from tools.browser import Server, require_browser
    require_browser()
    from loaders.store import ingest
    from precompute import precompute
    store = tmp_path_factory.mktemp("precomputed") / "store"
    report = ingest(SAMPLE, store, precompute=precompute)
    assert report.ok and report.precomputed.failed == []
    s = Server(store)
    yield s
    s.stop()


def _answers(driver, base: str) -> list[tuple[str, int, str | None]]:
    """(request body's output, status, X-MPS-Answer) for each callback the browser sent since the log was last read."""
    sent, got = {}, {}
    callback = base + "/_dash-update-component"  # Dash adds ?endId=... to the address
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent" and params["request"]["url"].split("?")[0] == callback:
            sent[params["requestId"]] = json.loads(params["request"].get("postData") or "{}").get("output", "")
        elif message["method"] == "Network.responseReceived" and params["response"]["url"].split("?")[0] == callback:
            headers = {k.lower(): v for k, v in params["response"]["headers"].items()}
            got[params["requestId"]] = (params["response"]["status"], headers.get("x-mps-answer"))
    return [(sent[r], *got[r]) for r in sent if r in got]


def test_every_page_opens_on_precomputed_answers(server, sample_store):
    """Every page in Dash's registry, for Southwark and for the profile's own view: each callback
    response the browser got says it was precomputed."""
    import dash

    from app import create_app
    from tools.browser import make_driver
    create_app(sample_store)  # fills Dash's page registry in this process
    paths = [page["path"] for page in dash.page_registry.values()]
    from layouts.pages import page_names
    assert len(paths) == len(page_names()) > 10
    driver = make_driver(log_network=True)
    try:
        not_precomputed = []
        for search in (f"?authority={SOUTHWARK}", ""):
            for path in paths:
                driver.get_log("performance")
                driver.get(server.url + path + search)
                settled(driver)
                answers = _answers(driver, server.url)
                assert answers, path + search  # at least the router's
                not_precomputed += [f"{path}{search}: {output[:60]} ({status}, {how})"
                                    for output, status, how in answers if how != "precomputed"]
        assert not_precomputed == []
    finally:
        driver.quit()
