"""Server-side callback times (p50/p95 per callback) through Dash's real HTTP endpoint, and the
time until the Overview is usable in headless Chromium. Ratios are against baselines measured in
the same run: Dash's own page-routing request for the light About page, and loading the About page.

    .venv/bin/python -m benchmarks.bench_callbacks   (or `make bench`)
    .venv/bin/python -m benchmarks.bench_callbacks --every-authority REAL_DIR

With --every-authority the store is the sample plus national files (the real Fingertips County &
UA file from REAL_DIR, so every upper-tier authority has rows, and national-size synthetic
Fingertips, ONS and GP files from benchmarks.national), and each callback is asked for a
different authority each time (`?authority=` as the page location's search): p95 per callback
(target under 250 ms) and the process's peak resident memory (target under 1 GB).
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
    "demand-from-year": [2017, 2020], "demand-to-year": [2025, 2030],
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
    outputs = cb["output"].strip(".").split("...")
    outs = []
    for o in outputs:
        cid, prop = o.rsplit(".", 1)
        outs.append({"id": cid, "property": prop})
    inputs = [{"id": i["id"], "property": i["property"], "value": v} for i, v in zip(cb["inputs"], values)]
    return {"output": cb["output"], "outputs": outs if len(outs) > 1 else outs[0], "inputs": inputs,
            "state": [{"id": s["id"], "property": s["property"], "value": search if s["property"] == "search" else None}
                      for s in cb.get("state", [])],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in cb["inputs"]]}


def every_authority(real: Path) -> None:
    import resource
    import shutil

    from app import create_app
    from benchmarks.national import write_fingertips, write_gp_quinary, write_ons_snpp
    from metrics.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "data" / "sample", src)
        shutil.copy(real / "fingertips" / "fingertips-county-ua-campylobacter-2015-17.csv", src / "fingertips-utla.csv")
        write_fingertips(src / "fingertips-national.csv")
        write_ons_snpp(src / "2022 SNPP Population persons.csv")
        write_gp_quinary(src / "gp-reg-pat-prac-quin-age-national.csv")
        t = time.perf_counter()
        store = Path(tmp) / "store"
        ingest(src, store)
        print(f"ingest (sample + national files): {time.perf_counter() - t:.1f} s")
        held = [c for c, _ in Store(store).authorities()]
        print(f"authorities with rows: {len(held)}")
        app = create_app(store)
        # As `mps serve --production` does before serving: answer the opening callbacks once, which
        # also builds the once-per-store-version work (KPI polarity, the indicators' area index).
        from app import warm
        t = time.perf_counter()
        warmed = warm(app)
        print(f"warm (default authority's opening callbacks, once per store version): {warmed} callbacks, "
              f"{time.perf_counter() - t:.1f} s")
        client = app.server.test_client()
        client.get("/")
        deps = client.get("/_dash-dependencies").get_json()
        searches = itertools.cycle([f"?authority={c}" for c in held])
        print(f"{'callback':60s} {'p50 ms':>8s} {'p95 ms':>8s}")
        worst = 0.0
        for cb in deps:
            if cb.get("clientside_function") or "_pages" in cb["output"]:
                continue
            ids = [i["id"] for i in cb["inputs"]]
            if not all(i in VALUES for i in ids):
                continue
            combos = itertools.cycle(itertools.product(*[VALUES[i] for i in ids]))
            times = []
            for _ in range(REPEATS):
                body = payload(cb, next(combos), next(searches))
                t = time.perf_counter()
                r = client.post("/_dash-update-component", json=body)
                times.append(time.perf_counter() - t)
                assert r.status_code in (200, 204), (body["output"], r.status_code, r.get_data(as_text=True)[:300])
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            worst = max(worst, p95)
            print(f"{cb['output'].strip('.').split('...')[0][:58]:60s} {p50 * 1000:8.1f} {p95 * 1000:8.1f}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"worst p95: {worst * 1000:.1f} ms (target under 250 ms); peak RSS {rss:.0f} MB (target under 1 GB, "
              "includes the ingest in the same process)")


def main():
    import sys
    if "--every-authority" in sys.argv:
        return every_authority(Path(sys.argv[sys.argv.index("--every-authority") + 1]))
    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        ingest(ROOT / "data" / "sample", store)
        app = create_app(store)
        client = app.server.test_client()
        client.get("/")
        deps = client.get("/_dash-dependencies").get_json()

        def timed_post(body):
            t = time.perf_counter()
            r = client.post("/_dash-update-component", json=body)
            elapsed = time.perf_counter() - t
            assert r.status_code in (200, 204), (body["output"], r.status_code, r.get_data(as_text=True)[:300])
            return elapsed

        router = next(d for d in deps if "_pages_content" in d["output"])
        base = [timed_post(payload(router, ["/about", ""])) for _ in range(REPEATS)]
        base_p50 = statistics.median(base)
        print(f"baseline (Dash page routing, About page): p50 {base_p50 * 1000:.1f} ms")
        print(f"{'callback':60s} {'p50 ms':>8s} {'p95 ms':>8s} {'p50/base':>9s}")
        worst = 0.0
        for cb in deps:
            if cb.get("clientside_function") or "_pages" in cb["output"]:
                continue
            ids = [i["id"] for i in cb["inputs"]]
            if not all(i in VALUES for i in ids):
                continue  # downloads need a click; they only serialise the stored rows
            combos = itertools.cycle(itertools.product(*[VALUES[i] for i in ids]))
            times = [timed_post(payload(cb, next(combos))) for _ in range(REPEATS)]
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            worst = max(worst, p95)
            name = cb["output"].strip(".").split("...")[0][:58]
            print(f"{name:60s} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p50 / base_p50:8.1f}x")
        print(f"worst p95: {worst * 1000:.1f} ms (target under 100 ms)")

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
