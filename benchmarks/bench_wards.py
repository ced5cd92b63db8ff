"""The ward map at scale: the authority's 19 real wards (../shared/real/lewisham-open-data, when
present) and a synthetic authority of 600 wards in 20 neighbourhoods, each timed as a ratio against
a baseline measured in the same run (never asserted):

1. ingest with ward boundaries and a census table by ward  vs  ingest of the sample alone;
2. the map callback (p50/p95)                              vs  Dash's routing request for the About page;
3. the Neighbourhoods ward map usable in headless Chromium  vs  the About page.

    .venv/bin/python -m benchmarks.bench_wards

The synthetic authority is the sample's inputs under a generated profile: 600 square-ish wards with
40 vertices each (so simplification has work to do) laid over the sample's CQC coordinates, 20
neighbourhoods of 30 wards, the sample's practices spread over them, and a census table by ward.
"""
from __future__ import annotations

import csv
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_callbacks import payload, percentile
from loaders.store import ingest, read_config

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
REAL = ROOT.parent / "shared" / "real" / "lewisham-open-data"
REAL_FILES = ["lbl_wd22.geojson", "census2011_health_unpaid_care_wd22.csv",
              "census2011_health_unpaid_care_references.csv"]
COLS, ROWS, HOODS = 30, 20, 20
CENSUS_HEADER = ["WD22CD_proposed", "All categories: Long-term health problem or disability",
                 "Day-to-day activities limited a lot", "Day-to-day activities limited a little",
                 "Provides no unpaid care", "Provides 1 to 19 hours unpaid care a week",
                 "Provides 20 to 49 hours unpaid care a week", "Provides 50 or more hours unpaid care a week"]
REPEATS = 20


def _square(x0, y0, w, h, points=10):
    """A closed ring round a cell with ``points`` vertices a side, slightly wobbly inside."""
    rnd = random.Random(f"{x0:.5f}{y0:.5f}")
    ring = []
    for side in range(4):
        for k in range(points):
            t = k / points
            x, y = [(x0 + t * w, y0), (x0 + w, y0 + t * h), (x0 + w - t * w, y0 + h), (x0, y0 + h - t * h)][side]
            if 0 < k:
                x += rnd.uniform(-w, w) * 0.01
                y += rnd.uniform(-h, h) * 0.01
            ring.append([round(x, 7), round(y, 7)])
    return ring + [ring[0]]


def synthetic_authority(folder: Path) -> tuple[Path, Path]:
    """(source folder, profile folder) of a 600-ward authority built on the sample's inputs."""
    src, prof = folder / "src600", folder / "profile600"
    shutil.copytree(SAMPLE, src)
    code = read_config(SAMPLE)["area_code"]
    prof.mkdir()
    own = ROOT / "data" / "authorities" / code
    (prof / "profile.toml").write_text(f'area_code = "{code}"\narea_name = "Synthetic authority"\n', encoding="utf-8")
    lon0, lat0, lon1, lat1 = -0.08, 51.41, 0.04, 51.50  # covers the sample's CQC coordinates
    w, h = (lon1 - lon0) / COLS, (lat1 - lat0) / ROWS
    features, wards, census = [], [], []
    for i in range(COLS * ROWS):
        c, r = i % COLS, i // COLS
        hood = f"S{(r // 5) * 5 + c // 6 + 1:02d}"  # 20 blocks of 6 x 5 wards: 5 across, 4 down
        ward_code = f"E05{900000 + i:06d}"
        features.append({"type": "Feature", "properties": {"id": ward_code, "name": f"Ward {i + 1}"},
                         "geometry": {"type": "Polygon", "coordinates": [_square(lon0 + c * w, lat0 + r * h, w, h)]}})
        wards.append((ward_code, f"Ward {i + 1}", hood, "synthetic"))
        residents = 400 + (i * 37) % 500
        census.append([ward_code, residents, residents // 14, residents // 13, residents - residents // 11,
                       residents // 18, residents // 70, residents // 55])
    (src / "wards600.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with open(src / "census_wards600.csv", "w", newline="") as f:
        csv.writer(f).writerows([CENSUS_HEADER, *census])
    hoods = sorted({w[2] for w in wards})
    with open(prof / "neighbourhoods.csv", "w", newline="") as f:
        csv.writer(f).writerows([["neighbourhood_code", "neighbourhood_name", "number", "tile_col", "tile_row"],
                                 *[[h, f"Neighbourhood {h}", n + 1, "", ""] for n, h in enumerate(hoods)]])
    with open(prof / "wards.csv", "w", newline="") as f:
        csv.writer(f).writerows([["ward_code", "ward_name", "neighbourhood_code", "ward_set"], *wards])
    with open(own / "practices.csv", newline="") as f:
        practices = list(csv.DictReader(f))
    with open(prof / "practices.csv", "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(practices[0]))
        out.writeheader()
        for n, p in enumerate(practices):
            out.writerow({**p, "neighbourhood_code": hoods[n % len(hoods)],
                          "neighbourhood_name": f"Neighbourhood {hoods[n % len(hoods)]}"})
    shutil.copy(own / "postcode_districts.csv", prof / "postcode_districts.csv")
    return src, prof


def _ingest_time(src: Path, store: Path, **kwargs) -> float:
    t = time.perf_counter()
    report = ingest(src, store, **kwargs)
    assert report.ok, [f.error for f in report.files if f.error]
    return time.perf_counter() - t


def main():
    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _ingest_time(SAMPLE, tmp / "warm")  # imports and first reads are not the baseline's
        base_ingest = _ingest_time(SAMPLE, tmp / "base")
        stores = {}
        if all((REAL / f).exists() for f in REAL_FILES):
            src19 = tmp / "src19"
            shutil.copytree(SAMPLE, src19)
            for f in REAL_FILES:
                shutil.copy(REAL / f, src19 / f)
            stores["19 real wards"] = (tmp / "store19", _ingest_time(src19, tmp / "store19"))
        else:
            print(f"19-ward timings skipped: {REAL} is missing")
        src600, prof600 = synthetic_authority(tmp)
        stores["600 synthetic wards"] = (tmp / "store600", _ingest_time(src600, tmp / "store600", profile_dir=prof600))
        print(f"baseline: ingest of the sample alone {base_ingest:.2f} s")
        for name, (_store, secs) in stores.items():
            print(f"ingest with {name}: {secs:.2f} s ({secs / base_ingest:.2f}x)")

        for name, (store, _secs) in stores.items():
            client = create_app(store).server.test_client()
            client.get("/")
            deps = client.get("/_dash-dependencies").get_json()
            router = next(d for d in deps if "_pages_content" in d["output"])
            cb = next(d for d in deps if "neighbourhood-map-graph" in d["output"])

            def post(body):
                t = time.perf_counter()
                r = client.post("/_dash-update-component", json=body)
                assert r.status_code == 200, r.get_data(as_text=True)[:300]
                return time.perf_counter() - t, len(r.data)

            base = statistics.median([post(payload(router, ["/about", ""]))[0] for _ in range(REPEATS)])
            runs = [post(payload(cb, [g, s, "ward", None])) for g, s in
                    zip(["older_people", "dementia"] * REPEATS, ["nursing_beds", "demand"] * REPEATS)][:REPEATS]
            times = [t for t, _ in runs]
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            print(f"{name}: map callback p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms ({p50 / base:.1f}x the "
                  f"About routing request, {base * 1000:.0f} ms); response {runs[0][1] / 1024:.0f} KiB")
        _browser(stores)


def _browser(stores):
    try:
        from tools.browser import Server, make_driver
    except Exception as exc:  # pragma: no cover
        print("browser timing skipped:", exc)
        return
    for name, (store, _secs) in stores.items():
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
            def clickable(path):  # the map's markers drawn and the map no longer loading
                t = time.perf_counter()
                driver.get(server.url + path)
                while not driver.execute_script(
                        f"return !!document.querySelector('{marker}') && !document.querySelector("
                        "'#neighbourhood-map-graph[data-dash-is-loading=\"true\"]')"):
                    time.sleep(0.02)
                return time.perf_counter() - t
            marker = "#neighbourhood-map-graph .scatterlayer .trace:last-child path.point"
            load("/neighbourhoods?level=ward", marker)  # warm
            about = statistics.median([load("/about", "#sources-table") for _ in range(5)])
            usable = statistics.median([clickable("/neighbourhoods?level=ward") for _ in range(5)])
            page = statistics.median([load("/neighbourhoods?level=ward", marker) for _ in range(5)])
            print(f"{name}: ward map clickable in Chromium {usable:.2f} s (target under 1 s for 19 wards), whole page "
                  f"settled {page:.2f} s; About page {about:.2f} s; ratios {usable / about:.2f}x and {page / about:.2f}x")
        finally:
            driver.quit()
            server.stop()


if __name__ == "__main__":
    main()
