"""Benchmarks, reported as ratios against baselines measured in the same run (never asserted).

    .venv/bin/python -m benchmarks.run          (or `make bench`)

1. ingest of data/sample   vs  a naive read of the same files with pandas' default readers
2. all MPS tables (metrics) vs  reading every Parquet table of the store once
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd


from domain.contract import STORE_TABLES
from loaders.store import ingest, source_files
from store import Store
from metrics import tables

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = ROOT / "data" / "sample"


def timed(fn, repeat=3):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def naive_read():
    for p in source_files(SAMPLE):
        s = p.suffix.lower()
        if s == ".csv":
            pd.read_csv(p, header=None, encoding="latin-1", on_bad_lines="skip", engine="python")
        elif s == ".ods":
            pd.read_excel(p, sheet_name=None, header=None, engine="odf")
        elif s == ".xls":
            try:
                pd.read_html(p)
            except Exception:
                pass
        else:
            pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        base = timed(naive_read)
        ing = timed(lambda: ingest(SAMPLE, store_dir))
        print(f"ingest data/sample: {ing:.2f} s; naive pandas read of the same files: {base:.2f} s; "
              f"ratio {ing / base:.2f}x")
        store = Store(store_dir)
        names = [n for n in STORE_TABLES if store.has(n)]  # one file, or a dataset partitioned by area
        read = timed(lambda: [store.every_area(n) for n in names])

        def compute():
            from store import clear_caches
            tables._cached.cache_clear()
            clear_caches()
            tables.mps_tables(store)
        met = timed(compute)
        cached = timed(lambda: tables.mps_tables(store), repeat=5)
        from exports.brief import write_brief
        from exports.csv_export import write_csv_tables
        from exports.xlsx_export import write_workbook
        out = Path(tmp)
        csv_t = timed(lambda: write_csv_tables(store, out / "csv"))
        xlsx_t = timed(lambda: write_workbook(store, out / "t.xlsx"))
        pdf_t = timed(lambda: write_brief(store, out / "b.pdf"))
        html_t = timed(lambda: write_brief(store, out / "b.html"))
        print(f"workbook: {xlsx_t:.2f} s (target under 2 s); briefing pack PDF: {pdf_t:.2f} s, HTML: {html_t:.2f} s "
              f"(target under 15 s); CSV export baseline: {csv_t:.3f} s; ratios {xlsx_t / csv_t:.1f}x, "
              f"{pdf_t / csv_t:.1f}x")
        print(f"all MPS tables (cold, incl. Parquet reads): {met * 1000:.0f} ms; reading every Parquet "
              f"table once: {read * 1000:.0f} ms; ratio {met / read:.1f}x; cached: {cached * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
