"""Where a visit's time and a process's memory go with every authority loaded, in one process.

    .venv/bin/python -m benchmarks.profile_every_authority STORE [--visits 60] [--seed 1] [--top 25]
        [--cprofile] [--tracemalloc]

The same visits as `benchmarks.bench_every_authority` (a random page from Dash's page registry
for a random authority: the router's request, then the page's opening callbacks), sent one at a
time through Flask's test client, so the numbers are the app's own work without sockets or
queueing. Prints the seconds per visit (first and second half: cold and warmer caches), the
process's resident size after each tenth of the visits, the metric cache's bytes, and with
`--cprofile` the functions with the most cumulative time, with `--tracemalloc` the lines holding
the most memory at the end. The visits are the app's cold work on a store written without its
opening answers (`ingest(..., precompute=False)`, `mps ingest --no-precompute`); on one with them
(`answers.sqlite`, see precompute.py) they measure looking the answers up.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--visits", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    import dash

    from app import create_app
    from precompute import opening_requests
    from store import memo
    from store import Store

    t = time.perf_counter()
    app = create_app(args.store)
    client = app.server.test_client()
    client.get("/")
    deps = json.loads(client.get("/_dash-dependencies").data)
    pages = [p["path"] for p in dash.page_registry.values()]

    def post(body):
        r = client.post("/_dash-update-component", json=body)
        return r.status_code, r.get_json() if r.status_code == 200 else None, r.get_data()

    codes = [c for c, _ in Store(args.store).authorities()]
    print(f"app ready {time.perf_counter() - t:.1f} s; {len(pages)} pages, {len(codes)} authorities; "
          f"RSS {rss_mb():.0f} MB", flush=True)
    rnd = random.Random(args.seed)
    visits = [(rnd.choice(pages), f"?authority={rnd.choice(codes)}") for _ in range(args.visits)]
    if args.tracemalloc:
        tracemalloc.start(12)
    prof = cProfile.Profile() if args.cprofile else None
    took, per_page, bad = [], {}, 0
    cpu = time.process_time()
    for k, (path, search) in enumerate(visits):
        t = time.perf_counter()
        if prof:
            prof.enable()
        for _body, status, _raw in opening_requests(post, deps, path, search):
            bad += status not in (200, 204)
        if prof:
            prof.disable()
        took.append(time.perf_counter() - t)
        per_page.setdefault(path, []).append(took[-1])
        if (k + 1) % max(1, args.visits // 10) == 0:
            print(f"  {k + 1} visits: RSS {rss_mb():.0f} MB, metric cache {memo.METRICS.bytes / 2**20:.0f} MB "
                  f"in {len(memo.METRICS)} answers", flush=True)
    cpu = time.process_time() - cpu
    half = len(took) // 2
    print(f"{len(took)} visits, {bad} not answered: {sum(took):.1f} s; mean {sum(took) / len(took):.2f} s; "
          f"first half {sum(took[:half]):.1f} s, second half {sum(took[half:]):.1f} s; CPU {cpu:.1f} s; "
          f"RSS {rss_mb():.0f} MB")
    for path, ts in sorted(per_page.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {path:28} {len(ts):3} visits, mean {sum(ts) / len(ts):.2f} s, max {max(ts):.2f} s")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
    if args.tracemalloc:
        snap = tracemalloc.take_snapshot()
        for stat in snap.statistics("lineno")[:args.top]:
            print(stat)


if __name__ == "__main__":
    main()
