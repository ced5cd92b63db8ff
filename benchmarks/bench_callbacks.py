"""Server-side callback times (p50/p95 per callback) through Dash's real HTTP endpoint, and the
time until the Overview is usable in headless Chromium. Ratios are against baselines measured in
the same run: Dash's own page-routing request for the light About page, and loading the About page.

    .venv/bin/python -m benchmarks.bench_callbacks   (or `make bench`)
    .venv/bin/python -m benchmarks.bench_callbacks --every-authority REAL_DIR

    .venv/bin/python -m benchmarks.bench_callbacks --serve STORE   (measure an existing store)

With --every-authority the store is the sample plus national files (the real Fingertips County &
UA file from REAL_DIR, so every upper-tier authority has rows, and national-size synthetic
Fingertips, ONS and GP files from benchmarks.national), ingested in this process (`--keep DIR`
keeps the store); the app is then measured in a fresh process (`--serve`), created and warmed
as `mps serve --production` does, with each callback asked for a different authority each time
(`?authority=` as the page location's search): p95 per callback (target under 250 ms) and that
process's resident memory after the run and at its peak (target under 1 GB).
"""
from __future__ import annotations

import itertools
import statistics
import tempfile
import time
from pathlib import Path


from loaders.store import ingest

ROOT = Path(__file__).resolve().parents[1]

# input id -> values to cycle through
VALUES = {
    "population-area": ["E09000023", "E12000007", "E92000001"], "population-measure": ["people", "index"],
    "demand-client-group": ["learning_disability", "dementia", "mental_health", "carers"],
    "demand-from-year": [2017, 2020], "demand-to-year": [2025, 2030], "demand-census": ["demand-census"],
    "supply-view": ["type", "ownership", "rating", "user_band"],
    "supply-client-group": ["learning_disability", "mental_health", "older_people"],
    "gaps-benchmark": [None, 40.0, 55.5], "gaps-occupancy": [90, 85, 95], "gaps-year": [2020, 2025, 2035],
    "gaps-basis": ["today", "custom", "england"], "gaps-home-type": ["all", "nursing"],
    "neighbourhood-client-group": ["older_people", "dementia", "learning_disability"],
    "neighbourhood-service": ["nursing_beds", "demand", "domiciliary_care"],
    "neighbourhood-level": ["neighbourhood"], "neighbourhood-area": [None, "N1"], "neighbourhood-map-ready": [True],
    "opportunities-window": ["6", "12", "24", "all"], "opportunities-client-group": ["all", "carers", "learning_disability"],
    "opportunities-excluded-button": [1],
    "performance-sex": ["all", "Persons", "Female"],
    "resources-organisation": ["Lewisham Council", "NHS Lewisham CCG"],
}
REPEATS = 30


def percentile(values, q):
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def payload(cb, values, search=""):
    """The request for `cb` with its inputs' VALUES in order and `search` for any search state."""
    from app import callback_request
    given = {(s["id"], s["property"]): search if s["property"] == "search" else None for s in cb.get("state", [])}
    given.update({(i["id"], i["property"]): v for i, v in zip(cb["inputs"], values)})
    body = callback_request(cb, given, [(i["id"], i["property"]) for i in cb["inputs"]])
    body.setdefault("state", [])
    return body


def time_callbacks(client, deps, searches=None, repeats: int = REPEATS) -> list[tuple[str, float, float]]:
    """(callback, p50 s, p95 s) of every server callback whose inputs VALUES covers, each asked
    `repeats` times through Dash's HTTP endpoint; with `searches`, each request carries the next
    one as the page location's search (`?authority=`). Downloads need a click and are left out."""
    results = []
    for cb in deps:
        if cb.get("clientside_function") or "_pages" in cb["output"]:
            continue
        ids = [i["id"] for i in cb["inputs"]]
        if not all(i in VALUES for i in ids):
            continue
        combos = itertools.cycle(itertools.product(*[VALUES[i] for i in ids]))
        times = [timed_post(client, payload(cb, next(combos), next(searches) if searches else ""))
                 for _ in range(repeats)]
        results.append((cb["output"].strip(".").split("...")[0][:58], percentile(times, 0.5), percentile(times, 0.95)))
    return results


def timed_post(client, body) -> float:
    t = time.perf_counter()
    r = client.post("/_dash-update-component", json=body)
    elapsed = time.perf_counter() - t
    assert r.status_code in (200, 204), (body["output"], r.status_code, r.get_data(as_text=True)[:300])
    return elapsed


def rss_mb() -> tuple[float, float]:
    """(resident memory now, peak resident memory) of this process, in MB, from /proc: VmHWM is
    this program's own peak (getrusage's ru_maxrss would carry a parent's over `exec`)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def every_authority(real: Path, keep: Path | None = None) -> None:
    """Ingest the sample plus national files in this process, then measure the app in a fresh one
    (`serve`), so its memory is the app's alone."""
    import shutil
    import subprocess
    import sys

    from benchmarks.national import write_fingertips, write_gp_quinary, write_ons_snpp

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "data" / "sample", src)
        shutil.copy(real / "fingertips" / "fingertips-county-ua-campylobacter-2015-17.csv", src / "fingertips-utla.csv")
        write_fingertips(src / "fingertips-national.csv")
        write_ons_snpp(src / "2022 SNPP Population persons.csv")
        write_gp_quinary(src / "gp-reg-pat-prac-quin-age-national.csv")
        t = time.perf_counter()
        store = keep or Path(tmp) / "store"
        ingest(src, store)
        print(f"ingest (sample + national files): {time.perf_counter() - t:.1f} s; peak RSS of the ingest "
              f"process {rss_mb()[1]:.0f} MB")
        subprocess.run([sys.executable, "-m", "benchmarks.bench_callbacks", "--serve", str(store)], cwd=ROOT, check=True)


def serve(store: Path) -> None:
    """The app as `mps serve --production` runs it, in this (fresh) process: created on the store,
    warmed with `app.warm`, then each callback asked REPEATS times, each request for the next
    authority the store has rows for. Prints each callback's p50/p95 and this process's memory."""
    from app import create_app, warm
    from store import Store

    start = rss_mb()[0]
    t = time.perf_counter()
    app = create_app(store)
    warmed = warm(app)
    print(f"create_app + warm: {warmed} callbacks, {time.perf_counter() - t:.1f} s; RSS {start:.0f} MB at start, "
          f"{rss_mb()[0]:.0f} MB after warm")
    held = [c for c, _ in Store(store).authorities()]
    print(f"authorities with rows: {len(held)}")
    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    searches = itertools.cycle([f"?authority={c}" for c in held])
    results = time_callbacks(client, deps, searches)
    print(f"| {'callback':58s} | {'p50 ms':>8s} | {'p95 ms':>8s} |\n|---|---:|---:|")
    for name, p50, p95 in results:
        print(f"| {name:58s} | {p50 * 1000:8.1f} | {p95 * 1000:8.1f} |")
    now, peak = rss_mb()
    print(f"worst p95: {max(p95 for _, _, p95 in results) * 1000:.1f} ms (target under 250 ms); "
          f"RSS after the run {now:.0f} MB, peak {peak:.0f} MB (target under 1 GB)")


def main():
    import sys
    args = sys.argv[1:]
    if "--serve" in args:
        return serve(Path(args[args.index("--serve") + 1]))
    if "--every-authority" in args:
        keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
        return every_authority(Path(args[args.index("--every-authority") + 1]), keep)
    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        ingest(ROOT / "data" / "sample", store)
        app = create_app(store)
        client = app.server.test_client()
        client.get("/")
        deps = client.get("/_dash-dependencies").get_json()
        router = next(d for d in deps if "_pages_content" in d["output"])
        base = [timed_post(client, payload(router, ["/about", ""])) for _ in range(REPEATS)]
        base_p50 = statistics.median(base)
        print(f"baseline (Dash page routing, About page): p50 {base_p50 * 1000:.1f} ms")
        print(f"{'callback':60s} {'p50 ms':>8s} {'p95 ms':>8s} {'p50/base':>9s}")
        results = time_callbacks(client, deps)
        for name, p50, p95 in results:
            print(f"{name:60s} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p50 / base_p50:8.1f}x")
        print(f"worst p95: {max(p95 for _, _, p95 in results) * 1000:.1f} ms (target under 100 ms)")

        try:
            from tools.browser import Server, make_driver, require_browser  # noqa: F401
        except Exception as exc:  # pragma: no cover
            print("browser timing skipped:", exc)
            return
        server = Server(store)
        driver = make_driver()
        try:
            def load(path, css):
                t = time.perf_counter()
                driver.get(server.url + path)
                while not driver.execute_script(
                        f"return !!document.querySelector('{css}') && "
                        "!document.querySelector('[data-dash-is-loading=\"true\"]')"):
                    time.sleep(0.02)
                return time.perf_counter() - t
            load("/", "#key-facts")  # warm
            overview = statistics.median([load("/", "#key-facts") for _ in range(5)])
            about = statistics.median([load("/about", "#sources-table") for _ in range(5)])
            print(f"Overview usable in Chromium: {overview:.2f} s (target under 2 s); "
                  f"About page: {about:.2f} s; ratio {overview / about:.2f}x")
        finally:
            driver.quit()
            server.stop()


if __name__ == "__main__":
    main()
