"""What the server answers besides pages: unknown paths, malformed callback requests, oversized
bodies, and the headers that stop framing, sniffing and foreign scripts."""
import pytest


@pytest.fixture(scope="module")
def client(sample_store):
    from app import create_app
    return create_app(sample_store).server.test_client()


@pytest.mark.parametrize("path", ["/nope", "/console", "/demand/extra", "/.env"])
def test_unknown_paths_are_404_not_the_app_shell(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "Page not found" in r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/demand", "/demand/", "/about", "/assets/style.css"])
def test_pages_and_assets_still_answer(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("body", [None, [], "text", {"output": "x"}, {"output": "no-such-output", "inputs": []},
                                  {"output": None, "inputs": []}])
def test_malformed_callback_requests_are_400(client, body):
    assert client.post("/_dash-update-component", json=body).status_code == 400


def test_oversized_request_bodies_are_refused_before_parsing(client):
    from app import MAX_REQUEST_BYTES
    r = client.post("/_dash-update-component", data=b"x" * (MAX_REQUEST_BYTES + 1), content_type="application/json")
    assert r.status_code == 413


def test_security_headers(client):
    h = client.get("/").headers
    csp = h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    # Inline scripts run only by hash (Dash's renderer and the clientside URL sync), never 'unsafe-inline'.
    script_src = next(part for part in csp.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"  # the authority travels in the address, never in a referrer


def test_the_served_app_names_no_server_software(sample_store):
    import urllib.request

    from tools.browser import Server
    server = Server(sample_store)
    try:
        with urllib.request.urlopen(server.url + "/") as r:
            assert r.headers["Server"].strip() == "mps-dashboard"
    finally:
        server.stop()


def _download_request(client, chart: str, state_value):
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if d["output"] == f"{chart}-download.data")
    body = {"output": cb["output"], "outputs": {"id": f"{chart}-download", "property": "data"},
            "inputs": [{"id": f"{chart}-download-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": s["id"], "property": s["property"], "value": state_value(s)} for s in cb["state"]],
            "changedPropIds": [f"{chart}-download-button.n_clicks"]}
    return client.post("/_dash-update-component", json=body)


def test_a_forged_download_request_is_not_echoed(client):
    """The CSV is built on the server from the store and the page's selection: rows a client
    sends (half a megabyte of them in every state slot) never reach the file or the response."""
    forged = {"name": "x", "columns": ["a"], "records": [{"a": "=HYPERLINK(\"http://evil\")" + "x" * 400}] * 1000}
    r = _download_request(client, "demand-chart", lambda s: forged)
    assert r.status_code in (200, 204) and len(r.data) < 20_000 and b"evil" not in r.data


def test_a_download_is_the_chart_rebuilt_from_the_store(client, sample_store):
    import base64
    import io

    import pandas as pd

    from layouts import ids
    selection = {ids.DEMAND_GROUP: "dementia", ids.DEMAND_FROM: 2017, ids.DEMAND_TO: 2030}
    # every callback also carries the address bar's query (State of ids.URL "search"; see PageCallbacks.bind)
    r = _download_request(client, ids.DEMAND_CHART, lambda s: selection.get(s["id"], ""))
    assert r.status_code == 200
    sent = r.get_json()["response"][f"{ids.DEMAND_CHART}-download"]["data"]
    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    csv = pd.read_csv(io.BytesIO(content))
    from app import create_app
    from metrics.demand import demand
    from store import Store
    with create_app(sample_store).server.app_context():
        expected = demand.group_series(Store(sample_store), "dementia")
    assert len(csv) == len(expected) and len(csv) > 0
    assert sent["filename"].endswith("demand-projections.csv")


def test_production_server_keeps_an_idle_connection_for_reuse(sample_store):
    """A browser reuses its connection after a pause; gunicorn's keepalive of 1 s closed it under
    the browser (16 of 60 such requests failed with RemoteDisconnected)."""
    import http.client
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("mps")
    proc = subprocess.Popen([str(exe), "serve", "--production", "--workers", "1", "--store", str(sample_store),
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/assets/style.css")
                break
            except OSError:
                assert time.time() < deadline, "the production server did not start"
                time.sleep(0.3)
        first = conn.getresponse()
        first.read()
        assert first.status == 200 and first.getheader("Server") == "mps-dashboard"
        for pause in (1.5, 3):
            time.sleep(pause)
            conn.request("GET", "/assets/style.css")  # the same socket, after the pause
            again = conn.getresponse()
            again.read()
            assert again.status == 200
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)


def test_production_sizing_follows_the_machine():
    from mps_cli import production_sizing
    workers, threads = production_sizing()
    assert workers >= 2 and threads >= 1
    assert production_sizing(3, 2) == (3, 2)


def test_warm_answers_the_opening_callbacks_a_browser_then_finds(sample_store):
    """`mps serve --production` precomputes the pages' opening callbacks before forking; a browser's
    request for the same thing (its own key order, with changedPropIds) is then answered from memory."""
    from app import create_app, warm
    app = create_app(sample_store)
    # 46 of the sample's 57 server callbacks, downloads included (nothing to send): the other 11 wait
    # on inputs no layout sets (a click on the ward map; the map's readiness, set by the map's own
    # callback; callbacks that listen on a component's id).
    assert warm(app) == 46
    kept = app.server.extensions["mps_callback_responses"]
    before = len(kept._answers)
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    from layouts import ids
    cb = next(d for d in deps if d["output"].startswith(f"..{ids.graph(ids.RES_CHART)}.figure"))
    from benchmarks.bench_callbacks import payload
    from layouts.pages import resources
    with app.server.test_request_context("/resources"):
        default = next(v for (i, p), v in _props(resources.layout()).items() if i == ids.RES_ORG and p == "value")
    body = payload(cb, [default])
    body = {k: body[k] for k in reversed(list(body))}  # another client's key order
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200 and len(kept._answers) == before


def _props(layout):
    from app import _collect_props
    found = {}
    _collect_props(layout, found)
    return found
