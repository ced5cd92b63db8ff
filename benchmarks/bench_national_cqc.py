"""A national-size CQC directory (50,000 locations x ~120 columns, as the monthly file is):
time to recognise and load it against the raw spreadsheet read alone, in the same run.

    .venv/bin/python -m benchmarks.bench_national_cqc [ROWS]

The file is generated into a temporary folder (synthetic values in the real column layout).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


from loaders import LoadContext, cqc
from loaders.base import read_sheets

ROOT = Path(__file__).resolve().parents[1]

CORE = ["Location ID", "Location HSCA start date", "Dormant (Y/N)", "Care home?", "Location Name",
        "Care homes beds", "Location Type/Sector", "Location Inspection Directorate",
        "Location Primary Inspection Category", "Location Latest Overall Rating", "Publication Date",
        "Location Region", "Location Local Authority", "Location ONSPD CCG Code", "Location ONSPD CCG",
        "Location Street Address", "Location City", "Location Postal Code", "Location Latitude",
        "Location Longitude", "Brand ID", "Brand Name", "Provider ID", "Provider Name", "Provider Ownership Type"]
FLAGS = ([f"Regulated activity - Activity {i}" for i in range(15)] + [f"Service type - Type {i}" for i in range(40)]
         + ["Service type - Care home service with nursing", "Service type - Care home service without nursing"]
         + [f"Service user band - Band {i}" for i in range(36)] + ["Service user band - Older People"])


def write(path: Path, rows: int) -> None:
    import datetime as dt
    import random

    from openpyxl import Workbook
    rnd = random.Random(1)
    wb = Workbook(write_only=True)
    wb.create_sheet("README").append(["Synthetic national-size directory for benchmarking"])
    ws = wb.create_sheet("HSCA_Active_Locations")
    ws.append(CORE + FLAGS)
    las = [f"Authority {i}" for i in range(150)]
    for i in range(rows):
        home = rnd.random() < 0.3
        core = [f"1-{100000 + i}", dt.datetime(2010, 1, 1), "N", "Y" if home else "N", f"Location {i}",
                rnd.randint(5, 120) if home else None, "Social Care Org", "Adult social care",
                "Residential social care", rnd.choice(["Good", "Outstanding", "Requires improvement", None]),
                dt.datetime(2023, 5, 1), "London", rnd.choice(las), "08L", "NHS CCG", "1 High St", "Town",
                "SE6 1AA", 51.4 + rnd.random() / 10, -0.05 + rnd.random() / 10, "-", "-", f"1-{i // 3}",
                f"Provider {i // 3}", "Organisation"]
        flags = ["Y" if rnd.random() < 0.05 else None for _ in FLAGS]
        ws.append(core + flags)
    wb.save(path)


def main(rows: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "01_May_2024_HSCA_Active_Locations.xlsx"
        t = time.perf_counter()
        write(path, rows)
        print(f"generated {rows:,} x {len(CORE) + len(FLAGS)} columns in {time.perf_counter() - t:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")
        t = time.perf_counter()
        sheets = read_sheets(path)
        raw = time.perf_counter() - t
        t = time.perf_counter()
        assert cqc.sniff(sheets)
        result = cqc.load(sheets, LoadContext())
        load = time.perf_counter() - t
        print(f"raw read (calamine): {raw:.2f} s; recognise + load + validate: {load:.2f} s "
              f"({result.rows_kept:,} locations, {len(result.extra_tables['care_provider_services']):,} flags); "
              f"total {raw + load:.2f} s, {(raw + load) / raw:.2f}x the raw read")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
