"""`mps serve --production` under slow clients: connections that trickle a request in a byte at a
time hold no thread, so everyone else's requests are answered at once; a request that arrives
slowly but whole is still served; one that never finishes is closed. Downloads being built take
threads of their own, never the ones that answer pages."""
import http.client
import json
import shutil
import socket
import threading
import subprocess
import sys
import time
import urllib.request

import pytest

THREADS = 2  # one worker with two threads: three slow clients would hold every thread of gthread


@pytest.fixture(scope="module")
def production(sample_store, tmp_path_factory):
    store = tmp_path_factory.mktemp("served") / "store"  # its own copy: its download cache starts empty
    shutil.copytree(sample_store, store, ignore=shutil.ignore_patterns(".downloads"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mps_cli", "serve", "--store", str(store), "--production",
                             "--workers", "1", "--threads", str(THREADS), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=2).read()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("mps serve --production did not start")
    yield port
    proc.terminate()
    proc.wait(20)


def _slow(port: int, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /about HTTP/1.1\r\nHost: x\r\n")  # and never the blank line that ends the head
        socks.append(s)
    return socks


def test_slow_clients_hold_no_thread(production):
    slow = _slow(production, THREADS * 3)
    try:
        time.sleep(1.0)
        for s in slow:
            s.sendall(b"X")
        for path in ["/about", "/demand", "/_dash-layout"]:
            t = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{production}{path}", timeout=10) as r:
                assert r.status == 200
            assert time.perf_counter() - t < 2.0, path
    finally:
        for s in slow:
            s.close()


def test_a_request_sent_slowly_but_whole_is_served(production):
    """A callback request whose head and JSON body arrive in pieces a quarter of a second apart."""
    deps = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{production}/_dash-dependencies").read())
    router = next(d for d in deps if "_pages_content" in d["output"])
    from benchmarks.bench_callbacks import payload
    body = json.dumps(payload(router, ["/about", ""])).encode()
    request = (b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    with socket.create_connection(("127.0.0.1", production), timeout=10) as s:
        for i in range(0, len(request), max(1, len(request) // 6)):
            s.sendall(request[i:i + max(1, len(request) // 6)])
            time.sleep(0.25)
        response = http.client.HTTPResponse(s)
        response.begin()
        assert response.status == 200
        assert b"_pages_content" in response.read()


def test_keep_alive_and_pipelined_requests_are_answered_in_order(production):
    with socket.create_connection(("127.0.0.1", production), timeout=10) as s:
        s.sendall(b"GET /about HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        first = http.client.HTTPResponse(s)
        first.begin()
        first.read()
        second = http.client.HTTPResponse(s)
        second.begin()
        assert (first.status, second.status) == (200, 404)


def test_a_head_over_the_limit_is_refused(production):
    with socket.create_connection(("127.0.0.1", production), timeout=10) as s:
        s.sendall(b"GET /about HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 70_000 + b"\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 431")


def test_pages_answer_while_downloads_are_built(production):
    """Six people ask for the briefing pack before it is built (one builds, five wait for it): with
    two threads for pages, pages still answer at once."""
    answers = []

    def download():
        with urllib.request.urlopen(f"http://127.0.0.1:{production}/download/brief-pdf", timeout=300) as r:
            answers.append((r.status, r.read()[:4]))

    threads = [threading.Thread(target=download) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    t0 = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{production}/about", timeout=30) as r:
        assert r.status == 200
    waited = time.perf_counter() - t0
    building = sum(t.is_alive() for t in threads)
    for t in threads:
        t.join()
    assert answers == [(200, b"%PDF")] * 6
    assert waited < 3.0
    assert building == 6, "the pack was built before the page was asked for: the test proves nothing"
