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
    assert h["Referrer-Policy"] == "same-origin"


def test_the_served_app_names_no_server_software(sample_store):
    import urllib.request

    from tools.browser import Server
    server = Server(sample_store)
    try:
        with urllib.request.urlopen(server.url + "/") as r:
            assert r.headers["Server"].strip() == "mps-dashboard"
    finally:
        server.stop()
