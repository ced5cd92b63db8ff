"""`mps publish`: one authority, and `--all` for every authority a national store holds, each as a
whole fresh process timed from outside (interpreter and imports included: what a user waits for),
beside the baseline of `mps brief` (the PDF briefing pack from the same store) in the same run.
Never asserted; the table goes to benchmarks/RESULTS-publish.md.

    .venv/bin/python -m benchmarks.bench_publish [--limit N]

The store: the sample plus the real Fingertips County & UA export (../shared/real, every upper-tier
authority) and, with --national, the synthetic national Fingertips, ONS SNPP and GP quinary files of
benchmarks/national.py. `--limit N` publishes the first N authorities (the profile's first) with the
same code path as `--all` (publish.publish_all) and extrapolates to all of them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
REAL = ROOT.parent / "shared" / "real" / "fingertips" / "fingertips-county-ua-campylobacter-2015-17.csv"
MPS = Path(sys.executable).with_name("mps")


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(MPS), *args], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_store(tmp: Path, national: bool) -> Path:
    src = tmp / "src"
    shutil.copytree(SAMPLE, src)
    if REAL.exists():
        shutil.copy(REAL, src / REAL.name)
    if national:
        from benchmarks import national as nat
        nat.write_fingertips(src / "fingertips-national.csv")
        nat.write_ons_snpp(src / "2022 SNPP Population persons.csv")
        nat.write_gp_quinary(src / "gp-reg-pat-prac-quin-age-national.csv")
    store = tmp / "store"
    subprocess.run([str(MPS), "ingest", str(src), "--store", str(store)], check=True, stdout=subprocess.DEVNULL,
                   cwd=ROOT)
    return store


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="publish only the first N authorities for --all")
    ap.add_argument("--national", action="store_true", help="add the synthetic national files to the store")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "RESULTS-publish.md"))
    args = ap.parse_args(argv)
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        store = build_store(tmp, args.national)
        from store import Store
        authorities = Store(store).authorities()
        brief = min(_run(["brief", "--store", str(store), "--out", str(tmp / "brief.pdf")]) for _ in range(2))
        one = []
        for i in range(2):
            one.append(_run(["publish", "--store", str(store), "--out", str(tmp / f"one{i}")]))
        one_size = _size(tmp / "one0")
        pdf_pages = next((tmp / "one0").glob("*.pdf")).read_bytes().count(b"/Type /Page\n")
        # --all, through the same function (publish_all), on the first N authorities when limited
        code = ("import sys; from pathlib import Path; from store import Store; "
                "sys.path.insert(0, sys.argv[3]); from publish import publish, publish_all; "
                "s = Store(sys.argv[1]); n = int(sys.argv[4]); "
                "codes = s.authorities()[:n] if n else s.authorities(); "
                "[publish(s.for_authority(c), Path(sys.argv[2]) / c) for c, _ in codes]")
        n = args.limit or 0
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(store), str(tmp / "all"), str(ROOT), str(n)], check=True,
                       cwd=ROOT)
        all_s = time.perf_counter() - start
        done = len(list((tmp / "all").iterdir()))
        all_size = _size(tmp / "all")
    per = all_s / max(1, done)
    line = (f"| {'sample + real Fingertips' + (' + synthetic national' if args.national else '')} | "
            f"{len(authorities)} | {brief:.1f} | {min(one):.1f} | {one_size / 1e6:.1f} | {pdf_pages} | "
            f"{done} | {all_s:.0f} | {per:.1f} | {per * len(authorities) / 60:.0f} | {all_size / 1e6 / max(1, done):.1f} |")
    header = ("| store | authorities | `mps brief` s (baseline) | `mps publish` one authority s | site MB | PDF pages | "
              "authorities published (--all path) | their s | s per authority | --all, every authority, min "
              "(measured or extrapolated) | MB per authority |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, load average {load_start:.1f} at the start and "
               f"{os.getloadavg()[0]:.1f} at the end; Python {platform.python_version()}")
    text = (f"# `mps publish`: one authority and every authority\n\nWritten by `python -m benchmarks.bench_publish"
            f"{' --national' if args.national else ''}{f' --limit {args.limit}' if args.limit else ''}` ({when}; "
            f"{machine}). Whole fresh processes timed from outside; the one-authority figure is the best of two.\n\n"
            f"{header}\n{line}\n")
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
