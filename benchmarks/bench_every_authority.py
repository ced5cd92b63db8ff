"""Serving every authority: `mps serve --production` on the sample plus national files (the real
Fingertips County & UA file and national-size Fingertips, ONS SNPP and GP files written in the
publishers' layouts by `benchmarks.national`: rows for all 152 upper-tier authorities), under 50
users for two minutes. Each user opens a page chosen at random (from Dash's page registry) for an
authority chosen at random (`?authority=CODE`), asking what Chromium asks
(`precompute.opening_requests`: the page router's request, the callbacks the page's layout sets off,
then those their answers set off), then thinks 1-3 s. The store is written as `mps ingest` writes
it, with every authority's opening answers precomputed (`--cold`: without them). The server's memory
(proportional set size of gunicorn's master and workers, so pages the workers share are counted
once; resident size beside it) is sampled every 5 s.

    .venv/bin/python -m benchmarks.bench_every_authority REAL_DIR [--keep STORE] [--code CHECKOUT]
        [--label NAME] [--seconds 120] [--users 50] [--cold] [--env NAME=VALUE ...]

`--keep STORE` keeps (or reuses) the ingested store; `--code` serves another checkout of the code
(e.g. `git archive <commit> | tar -x -C DIR`) on the same store, for a before/after comparison;
`--env` sets a variable for the server only. Each run appends one JSON line to
benchmarks/RESULTS-every-authority.json; benchmarks/RESULTS-every-authority.md holds the table.
Targets: 0 errors, p95 under 250 ms, memory under 1.5 GB and flat over the second minute.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.bench_callbacks import percentile
from benchmarks.bench_serving import Served

ROOT = Path(__file__).resolve().parents[1]
THINK = (1.0, 3.0)
OUT = ROOT / "benchmarks" / "RESULTS-every-authority.json"


def build_store(real: Path, store: Path, cold: bool = False) -> None:
    from benchmarks.national import write_fingertips, write_gp_quinary, write_ons_snpp
    from loaders.store import ingest
    from precompute import precompute
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "data" / "sample", src)
        shutil.copy(real / "fingertips" / "fingertips-county-ua-campylobacter-2015-17.csv", src / "fingertips-utla.csv")
        write_fingertips(src / "fingertips-national.csv")
        write_ons_snpp(src / "2022 SNPP Population persons.csv")
        write_gp_quinary(src / "gp-reg-pat-prac-quin-age-national.csv")
        t = time.perf_counter()
        report = ingest(src, store, precompute=None if cold else precompute)
        assert report.ok, [f.error for f in report.files if f.error]
        print(f"ingest: {time.perf_counter() - t:.0f} s, of which precomputing the opening answers "
              f"{report.precomputed.seconds if report.precomputed else 0:.0f} s", flush=True)


def process_memory_mb(pid: int) -> list[tuple[int, int]]:
    """(proportional set size, resident size) in MB of a process (first) and each of its children."""
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    found = []
    for p in pids:
        pss = rss = 0
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
        found.append((round(pss / 1024), round(rss / 1024)))
    return found


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """(proportional set size, resident size) of a process and its children, in MB."""
    each = process_memory_mb(pid)
    return sum(p for p, _ in each), sum(r for _, r in each)


def post(conn, body: dict) -> tuple[int, bytes]:
    conn.request("POST", "/_dash-update-component", body=json.dumps(body).encode(),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.read()


def run(port: int, server_pid: int, pages: list[str], codes: list[str], users: int, seconds: float,
        think: bool = True) -> dict:
    from precompute import opening_requests
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/_dash-dependencies")
    deps = json.loads(conn.getresponse().read())
    conn.close()
    lock = threading.Lock()
    pages_t, callbacks_t, errors, samples = [], [], [], []
    stop = time.monotonic() + seconds
    started = time.monotonic()

    def user(k: int):
        rnd = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            path, search = rnd.choice(pages), f"?authority={rnd.choice(codes)}"
            timings = pages_t  # the router's request first, then the callbacks

            def send(body):
                nonlocal timings
                t = time.perf_counter()
                status, raw = post(conn, body)
                took = time.perf_counter() - t
                with lock:
                    timings.append(took)
                    if status not in (200, 204):
                        errors.append((body["output"][:50], path, search, status))
                timings = callbacks_t
                return status, json.loads(raw) if status == 200 else None, raw

            try:
                for _ in opening_requests(send, deps, path, search):
                    pass
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append((path, search, repr(exc)))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if think:
                time.sleep(rnd.uniform(*THINK))
        conn.close()

    def sample():
        while True:
            each = process_memory_mb(server_pid)
            samples.append((round(time.monotonic() - started, 1), sum(p for p, _ in each), sum(r for _, r in each),
                            [r for _, r in each]))
            if time.monotonic() >= stop:
                break
            time.sleep(min(5, max(stop - time.monotonic(), 0)))

    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)] + [threading.Thread(target=sample)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    every = pages_t + callbacks_t

    def at(second):
        return min(samples, key=lambda s: abs(s[0] - second))

    second_minute = [s for s in samples if s[0] >= 60]
    return {"requests": len(every), "page_visits": len(pages_t), "errors": len(errors), "first_errors": errors[:5],
            "p50_ms": round(percentile(every, 0.5) * 1000, 1), "p95_ms": round(percentile(every, 0.95) * 1000, 1),
            "callback_p95_ms": round(percentile(callbacks_t, 0.95) * 1000, 1) if callbacks_t else None,
            "page_p95_ms": round(percentile(pages_t, 0.95) * 1000, 1),
            "callback_max_ms": round(max(callbacks_t) * 1000, 1) if callbacks_t else None,
            "page_max_ms": round(max(pages_t) * 1000, 1),
            "rss_mb_each_at_60s": at(60)[3], "rss_mb_each_at_end": samples[-1][3],
            "rss_mb_at_60s": at(60)[2],
            "pss_mb_at_60s": at(60)[1], "pss_mb_at_end": samples[-1][1], "rss_mb_at_end": samples[-1][2],
            "pss_mb_peak": max(s[1] for s in samples),
            "pss_mb_second_minute_range": [min(s[1] for s in second_minute), max(s[1] for s in second_minute)]
            if second_minute else None,
            "samples": samples}


def render(lines: list[dict]) -> str:
    """The runs as Markdown tables (benchmarks/RESULTS-every-authority.md): latency and memory in
    total, then each process's resident size (gunicorn's master first) for the runs that recorded it."""
    out = ["| run | users | s | requests | errors | p50 ms | p95 ms | callbacks p95 ms | callbacks max ms "
           "| pages p95 ms | pages max ms | PSS MB at 60 s | PSS MB at end | PSS MB range, second minute "
           "| RSS MB at 60 s | RSS MB at end | load |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in lines:
        lo_hi = r.get("pss_mb_second_minute_range") or ["-", "-"]
        out.append(f"| {r['label']} | {r['users']} | {r['seconds']:.0f} | {r['requests']} | {r['errors']} "
                   f"| {r['p50_ms']} | {r['p95_ms']} | {r['callback_p95_ms']} | {r.get('callback_max_ms', '-')} "
                   f"| {r['page_p95_ms']} | {r.get('page_max_ms', '-')} "
                   f"| {r['pss_mb_at_60s']} | {r['pss_mb_at_end']} | {lo_hi[0]}-{lo_hi[1]} | {r.get('rss_mb_at_60s', '-')} "
                   f"| {r['rss_mb_at_end']} | {r['load']:.1f} |")
    each = [r for r in lines if r.get("rss_mb_each_at_end")]
    if each:
        out += ["", "| run | RSS MB per process at 60 s (master, workers) | at end | total at 60 s | total at end |",
                "|---|---|---|---:|---:|"]
        out += [f"| {r['label']} | {', '.join(map(str, r['rss_mb_each_at_60s']))} "
                f"| {', '.join(map(str, r['rss_mb_each_at_end']))} | {sum(r['rss_mb_each_at_60s'])} "
                f"| {sum(r['rss_mb_each_at_end'])} |" for r in each]
    return "\n".join(out) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("real", type=Path, help="the real publishers' files (../shared/real)")
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the ingested store here")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument("--label", default="after")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--no-think", action="store_true")
    parser.add_argument("--cold", action="store_true", help="build the store without its precomputed opening answers")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="an argument for `mps serve` (e.g. --serve-arg=--workers=2)")
    parser.add_argument("--render", action="store_true", help="print the table of the recorded runs")
    args = parser.parse_args(argv)
    if args.render:
        print(render([json.loads(x) for x in OUT.read_text(encoding="utf-8").splitlines() if x.strip()]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = args.keep or Path(tmp) / "store"
        if not (store / "manifest.json").exists():
            build_store(args.real, store, cold=args.cold)
        from app import create_app
        import dash
        from store import Store
        create_app(store)
        pages = [p["path"] for p in dash.page_registry.values()]
        codes = [c for c, _ in Store(store).authorities()]
        print(f"{len(pages)} pages, {len(codes)} authorities with rows", flush=True)
        saved = dict(os.environ)
        os.environ.update(dict(e.split("=", 1) for e in args.env))
        t = time.perf_counter()
        server = Served(store, args.code, wait=600, args=tuple(args.serve_arg))
        os.environ.clear()
        os.environ.update(saved)
        ready = time.perf_counter() - t
        try:
            result = run(server.port, server.proc.pid, pages, codes, args.users, args.seconds, not args.no_think)
        finally:
            server.stop()
    result.update(label=args.label, users=args.users, seconds=args.seconds, think=not args.no_think,
                  env=args.env, serve_args=args.serve_arg, ready_s=round(ready, 1), authorities=len(codes), pages=len(pages),
                  when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load=os.getloadavg()[0])
    with open(OUT, "a", encoding="utf-8") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))


if __name__ == "__main__":
    main()
