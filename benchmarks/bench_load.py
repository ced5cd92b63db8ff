"""Load: 10, 25 and 50 simulated users against a real `mps serve` on loopback, with and without
think time, on the default server and on `--production`, each as a ratio against a baseline
measured in the same run (one user, no think time, the default server).

Each user is a thread with its own keep-alive connection, as a browser tab is, sending the
callback requests Dash's renderer sends (`/_dash-update-component` with output, outputs, inputs,
state and changedPropIds; the page router's request included), with selections a user would
pick. Loops are bounded (a fixed number of requests per user), so the run ends in a few minutes.

    .venv/bin/python -m benchmarks.bench_load            (writes benchmarks/RESULTS-load.md)
    .venv/bin/python -m benchmarks.bench_load --quick    (10 users only)
    .venv/bin/python -m benchmarks.bench_load --before /tmp/old-checkout
        (also serves an older checkout of the code, e.g. `git archive <commit> | tar -x -C DIR`,
        on the same store in the same run, for a before/after comparison)
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.bench_callbacks import VALUES, payload, percentile

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/", "/population", "/demand", "/supply", "/gaps", "/neighbourhoods", "/opportunities",
         "/performance", "/resources", "/about"]
REQUESTS_NO_THINK = 40   # per user
REQUESTS_THINK = 6       # per user, 1-3 s apart
THINK = (1.0, 3.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`mps serve` in a subprocess on a free loopback port."""

    def __init__(self, store: Path, production: bool, code: Path = ROOT):
        self.port = free_port()
        # `python -m mps_cli` from the code's folder: that checkout's modules come first on sys.path.
        args = [sys.executable, "-m", "mps_cli", "serve", "--store", str(store), "--host", "127.0.0.1",
                "--port", str(self.port)]
        self.proc = subprocess.Popen(args + (["--production"] if production else []), cwd=code,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/about", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def requests_mix(deps) -> list[dict]:
    """Every callback a user can trigger, each with the selections it cycles through, plus the
    router's request for each page (what the browser sends on navigation)."""
    router = next(d for d in deps if "_pages_content" in d["output"])
    bodies = [payload(router, [page, ""]) for page in PAGES]
    for cb in deps:
        if cb.get("clientside_function") or "_pages" in cb["output"]:
            continue
        ids = [i["id"] for i in cb["inputs"]]
        if all(i in VALUES for i in ids):
            combos = list(itertools.product(*[VALUES[i] for i in ids]))
            bodies += [payload(cb, list(c)) for c in random.Random(1).sample(combos, min(4, len(combos)))]
    return bodies


def unique_selection(deps):
    """A request no one sent before (the what-if benchmark typed to a new value each time): the
    cost of a selection that no cache holds."""
    beds = next(d for d in deps if d["output"].startswith("..gaps-beds-chart-graph"))
    ids = [i["id"] for i in beds["inputs"]]

    def pick(rnd):
        values = [round(rnd.uniform(10, 90), 6) if i == "gaps-benchmark" else VALUES[i][0] for i in ids]
        return payload(beds, values)
    return pick


def warm(port: int, bodies: list[dict]) -> None:
    """Each request on a fresh connection, so that every worker of gunicorn gets some."""
    for body in bodies:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/_dash-update-component", body=json.dumps(body).encode(),
                     headers={"Content-Type": "application/json"})
        conn.getresponse().read()
        conn.close()


def run(port: int, pick, users: int, think: bool) -> dict:
    latencies, errors, lock = [], [], threading.Lock()
    per_user = REQUESTS_THINK if think else REQUESTS_NO_THINK

    def user(k: int):
        rnd = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        for _ in range(per_user):
            body = json.dumps(pick(rnd)).encode()
            t = time.perf_counter()
            try:
                conn.request("POST", "/_dash-update-component", body=body,
                             headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                if r.status not in (200, 204):
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - t)
            if think:
                time.sleep(rnd.uniform(*THINK))
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    return {"requests": len(latencies), "errors": sum(errors), "rps": len(latencies) / wall,
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10 users only")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "RESULTS-load.md"))
    parser.add_argument("--before", type=Path, help="an older checkout to serve too, on the same store")
    args = parser.parse_args(argv)
    from loaders.store import ingest

    user_counts = [10] if args.quick else [10, 25, 50]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        assert ingest(ROOT / "data" / "sample", store).ok
        servers = [("default", ROOT, False), ("--production", ROOT, True)]
        if args.before:
            servers += [("before: default", args.before, False), ("before: --production", args.before, True)]
        for label, code, production in servers:
            server = Served(store, production, code)
            try:
                deps = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{server.port}/_dash-dependencies").read())
                bodies = requests_mix(deps)
                mix, unique = (lambda rnd: rnd.choice(bodies)), unique_selection(deps)
                warm(server.port, bodies * 4)  # each request a few times per worker: a morning's use
                if code == ROOT and not production:
                    base = run(server.port, mix, 1, False)
                    print(f"baseline: 1 user, no think time, default server: p50 {base['p50'] * 1000:.1f} ms, "
                          f"{base['rps']:.1f} req/s", flush=True)
                for selections, think in (("pages", False), ("pages", True), ("unique", False)):
                    for users in user_counts:
                        r = run(server.port, mix if selections == "pages" else unique, users, think)
                        r.update(server=label, users=users, think=think, selections=selections)
                        rows.append(r)
                        print(f"{r['server']:22s} {selections:6s} {users:3d} users think={think!s:5s} {r['requests']:5d} req "
                              f"{r['errors']:3d} err {r['rps']:6.1f} req/s p50 {r['p50'] * 1000:7.1f} ms "
                              f"p95 {r['p95'] * 1000:7.1f} ms", flush=True)
            finally:
                server.stop()
    Path(args.out).with_suffix(".json").write_text(json.dumps({"base": base, "bodies": len(bodies), "rows": rows},
                                                              indent=1), encoding="utf-8")
    Path(args.out).write_text(render(rows, base, len(bodies)), encoding="utf-8")
    print(f"wrote {args.out}")


def render(rows: list[dict], base: dict, bodies: int) -> str:
    lines = ["# Load benchmark", "",
             f"`python -m benchmarks.bench_load` on {os.cpu_count()} cores (shared), loopback, "
             f"{bodies} distinct callback requests (the page router and every page's callbacks, as the "
             f"browser sends them). Each user: one keep-alive connection, {REQUESTS_NO_THINK} requests back to "
             f"back, or {REQUESTS_THINK} requests {THINK[0]:g}-{THINK[1]:g} s apart with think time.", "",
             "*pages*: the requests users send opening the pages with the selections they offer, picked at "
             "random (after the first time, each worker answers these from its callback cache); *unique*: a "
             "what-if value never sent before on every request, so every answer is computed. *before*: the "
             "checkout given with `--before` (here the code before issue 11), served on the same store.", "",
             f"Baseline, measured in the same run: one user, no think time, default server: p50 "
             f"{base['p50'] * 1000:.1f} ms, {base['rps']:.1f} req/s.", "",
             "| server | selections | users | think time | requests | errors | req/s | req/s / base "
             "| p50 ms | p95 ms | p95 / base p50 |",
             "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        think = "1-3 s" if r["think"] else "none"
        lines.append(f"| {r['server']} | {r['selections']} | {r['users']} | {think} | {r['requests']} | "
                     f"{r['errors']} | {r['rps']:.1f} | {r['rps'] / base['rps']:.2f}x | {r['p50'] * 1000:.0f} | "
                     f"{r['p95'] * 1000:.0f} | {r['p95'] / base['p50']:.1f}x |")
    before = {(r["server"].removeprefix("before: "), r["selections"], r["users"], r["think"]): r
              for r in rows if r["server"].startswith("before: ")}
    if before:
        lines += ["", "## This code against the older checkout, same run, same store", "",
                  "| server | selections | users | think time | req/s now / before | p95 now / before |",
                  "|---|---|---:|---|---:|---:|"]
        for r in rows:
            old = before.get((r["server"], r["selections"], r["users"], r["think"]))
            if old and not r["server"].startswith("before: "):
                think = "1-3 s" if r["think"] else "none"
                lines.append(f"| {r['server']} | {r['selections']} | {r['users']} | {think} | "
                             f"{r['rps'] / old['rps']:.2f}x | {r['p95'] / old['p95']:.2f}x |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
