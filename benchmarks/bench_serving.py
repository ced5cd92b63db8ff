"""Serving under hostile load: slow clients and concurrent heavy downloads, against a real
`mps serve --production` (gunicorn) on loopback, optionally beside an older checkout of the code
served on the same store in the same run.

*Slow clients*: N connections each send the start of a request and then one byte every
`SLOW_BYTE_SECONDS`, reconnecting whenever the server closes them. Meanwhile 10 normal page loads
(each on a new connection: the page, Dash's layout and dependencies, and the page router's
callback, as a browser opening the page fetches them), one a second. Done when 8 slow connections
leave at least 9 of 10 page loads under 2 s.

*Twenty PDF downloads*: twenty clients ask for /download/brief-pdf at the same moment on a server
that has not built it yet; the wall time until the last has its file, the server's peak memory
(resident memory of gunicorn's master and workers, summed, sampled every 50 ms), and how long a
page load started one second in waits.

Bounded: about a minute per server. Writes its section of benchmarks/RESULTS-hostile.md.

    .venv/bin/python -m benchmarks.bench_serving
    .venv/bin/python -m benchmarks.bench_serving --before /tmp/old   (git archive <commit> | tar -x -C /tmp/old)
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.bench_callbacks import payload
from benchmarks.bench_load import free_port

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/", "/demand", "/supply", "/gaps", "/population", "/neighbourhoods", "/opportunities",
         "/performance", "/resources", "/about"]
SLOW_COUNTS = (0, 8, 200)
SLOW_BYTE_SECONDS = 2.0
GOOD_SECONDS = 2.0
PAGE_TIMEOUT = 10.0  # a load that takes longer counts as failed (keeps the run bounded)
DOWNLOADS = 20


class Served:
    """`mps serve --production` from a checkout, in a subprocess on a free loopback port."""

    def __init__(self, store: Path, code: Path = ROOT, wait: float = 240.0, args: tuple[str, ...] = ()):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "mps_cli", "serve", "--store", str(store), "--host",
                                      "127.0.0.1", "--port", str(self.port), "--production", *args], cwd=code,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + wait
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/about", timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def page_load(port: int, page: str, router: dict | None) -> tuple[float, bool]:
    """Seconds to fetch what a browser fetches to open `page`, on one new keep-alive connection,
    and whether every answer was 200."""
    t = time.perf_counter()
    ok = True
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PAGE_TIMEOUT)
        for path in (page, "/_dash-layout", "/_dash-dependencies"):
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            ok &= r.status == 200
        if router is not None:
            conn.request("POST", "/_dash-update-component", body=json.dumps(payload(router, [page, ""])).encode(),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            ok &= r.status == 200
        conn.close()
    except (OSError, http.client.HTTPException):
        ok = False
    return time.perf_counter() - t, ok


class SlowClients:
    """`n` connections that each send a request's first line and then a byte every few seconds,
    reconnecting when the server closes them; one thread drives them all."""

    def __init__(self, port: int, n: int):
        self.port, self.n, self.stop_flag = port, n, threading.Event()
        self.reconnects = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _open(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return s

    def _run(self):
        socks = []
        for _ in range(self.n):
            try:
                socks.append(self._open())
            except OSError:
                socks.append(None)
        while not self.stop_flag.wait(SLOW_BYTE_SECONDS):
            for i, s in enumerate(socks):
                try:
                    if s is None:
                        raise OSError
                    s.sendall(b"a")
                except OSError:
                    self.reconnects += 1
                    try:
                        if s is not None:
                            s.close()
                        socks[i] = self._open()
                    except OSError:
                        socks[i] = None
        for s in socks:
            if s is not None:
                s.close()

    def stop(self):
        self.stop_flag.set()
        self.thread.join(10)


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def slow_run(port: int, router: dict, slow: int) -> dict:
    clients = SlowClients(port, slow) if slow else None
    time.sleep(3 if slow else 0)  # let them take hold
    times = []
    try:
        for k in range(10):
            started = time.perf_counter()
            seconds, ok = page_load(port, PAGES[k], router)
            times.append(seconds if ok else float("inf"))
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))
    finally:
        if clients:
            clients.stop()
    fast = sum(t < GOOD_SECONDS for t in times)
    finite = sorted(t for t in times if t != float("inf"))
    return {"slow": slow, "under_2s": fast, "failed": sum(t == float("inf") for t in times),
            "median": finite[len(finite) // 2] if finite else None, "max": finite[-1] if finite else None,
            "reconnects": clients.reconnects if clients else 0}


def downloads_run(server: Served, router: dict) -> dict:
    port, peak, done = server.port, [process_tree_rss_mb(server.proc.pid)], threading.Event()
    baseline = peak[0]

    def sample():
        while not done.wait(0.05):
            peak.append(process_tree_rss_mb(server.proc.pid))

    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def fetch():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.request("GET", "/download/brief-pdf")
            r = conn.getresponse()
            body = r.read()
            with lock:
                results.append((r.status, len(body)))
        except (OSError, http.client.HTTPException):
            with lock:
                results.append((0, 0))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t = time.perf_counter()
    threads = [threading.Thread(target=fetch) for _ in range(DOWNLOADS)]
    for th in threads:
        th.start()
    time.sleep(1.0)
    page_seconds, page_ok = page_load(port, "/supply", router)
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    done.set()
    sampler.join()
    return {"wall": wall, "ok": sum(s == 200 and n > 1000 for s, n in results), "peak_mb": max(peak),
            "idle_mb": baseline, "page_seconds": page_seconds if page_ok else None}


def measure(label: str, store: Path, code: Path) -> dict:
    server = Served(store, code)
    try:
        deps = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{server.port}/_dash-dependencies").read())
        router = next(d for d in deps if "_pages_content" in d["output"])
        for page in PAGES:  # every worker has drawn each page once
            for _ in range(3):
                page_load(server.port, page, router)
        out = {"server": label, "slow": [], "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load": os.getloadavg()[0]}
        out["downloads"] = downloads_run(server, router)
        print(f"{label}: {DOWNLOADS} PDF downloads {out['downloads']}", flush=True)
        for n in SLOW_COUNTS:
            r = slow_run(server.port, router, n)
            out["slow"].append(r)
            print(f"{label}: {n:3d} slow clients: {r}", flush=True)
        return out
    finally:
        server.stop()


def render(runs: list[dict]) -> str:
    lines = ["## Serving: slow clients and twenty PDF downloads", "",
             f"`python -m benchmarks.bench_serving` on {os.cpu_count()} cores (shared), loopback, "
             "`mps serve --production` on the sample store (gunicorn, its default workers and threads). "
             f"Slow clients send a request's first line, then a byte every {SLOW_BYTE_SECONDS:g} s, and "
             "reconnect when closed; a page load fetches the page, Dash's layout and dependencies and the "
             "page router's callback on a new connection, one a second; *failed*: no whole answer within "
             f"{PAGE_TIMEOUT:g} s. Goal: with 8 slow clients, at least 9 of 10 page loads under {GOOD_SECONDS:g} s. "
             "*before*: the checkout given with `--before` (the code before serving.py and the download cache), "
             "on the same store; `--reuse-before` takes its rows from the last run (`RESULTS-serving.json`).",
             "",
             "| server | slow clients | page loads under 2 s | failed | median s | slowest s | slow reconnects |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines[2] += " Each server's run started at the time and load average (1 min) given: " + "; ".join(
        f"{run['server']} {run.get('started', '?')}, load {run.get('load', float('nan')):.1f}" for run in runs) + "."
    for run in runs:
        for r in run["slow"]:
            med = f"{r['median']:.2f}" if r["median"] is not None else "-"
            top = f"{r['max']:.2f}" if r["max"] is not None else "-"
            lines.append(f"| {run['server']} | {r['slow']} | {r['under_2s']} of 10 | {r['failed']} | {med} | "
                         f"{top} | {r['reconnects']} |")
    lines += ["", f"{DOWNLOADS} concurrent downloads of the briefing pack (PDF) on a server that has not built "
              "it yet; *page load* is one started a second in.", "",
              "| server | downloads complete | wall s | peak memory MB (idle) | page load during, s |",
              "|---|---:|---:|---:|---:|"]
    for run in runs:
        d = run["downloads"]
        page = f"{d['page_seconds']:.2f}" if d["page_seconds"] is not None else "failed"
        lines.append(f"| {run['server']} | {d['ok']} of {DOWNLOADS} | {d['wall']:.1f} | {d['peak_mb']:,.0f} "
                     f"({d['idle_mb']:,.0f}) | {page} |")
    return "\n".join(lines) + "\n"


def replace_section(text: str, section: str) -> str:
    """`text` with the section that starts with `section`'s first line replaced (or added)."""
    title = section.splitlines()[0]
    if title not in text:
        return text.rstrip("\n") + "\n\n" + section
    head, _, rest = text.partition(title)
    following = rest.find("\n## ")
    return head + section + (rest[following + 1:] if following >= 0 else "")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="an older checkout to serve too, on the same store")
    parser.add_argument("--reuse-before", action="store_true",
                        help="take the 'before' rows from the last run's RESULTS-serving.json instead of measuring")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "RESULTS-hostile.md"))
    args = parser.parse_args(argv)
    from loaders.store import ingest

    saved = ROOT / "benchmarks" / "RESULTS-serving.json"
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        assert ingest(ROOT / "data" / "sample", store).ok
        if args.reuse_before:
            runs += [r for r in json.loads(saved.read_text()) if r["server"] == "before"]
        elif args.before:
            runs.append(measure("before", store, args.before))
        runs.append(measure("this code" if runs else "--production", store, ROOT))
    saved.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.exists() else "# Hostile inputs\n"
    out.write_text(replace_section(text, render(runs)), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
