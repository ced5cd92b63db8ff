"""Hostile files against the real `mps ingest`: each case in its own process, timed, with its peak
memory (max RSS), whether the file was named, and whether the store it refreshed stayed intact.
The files are made here, in a temporary folder (the zip bomb and the 500 MB CSV take a few
seconds and a little over 500 MB of disk). Writes benchmarks/RESULTS-hostile.md.

    .venv/bin/python -m benchmarks.bench_hostile
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FINANCE = (SAMPLE / "council_finance.csv").read_text(encoding="utf-8")
GOAL_SECONDS, GOAL_MB = 10, 1024

# Runs `mps` as a child and prints its peak memory: RUSAGE_CHILDREN covers only that child.
MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(round(time.perf_counter() - t, 2), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, r.returncode)
sys.stdout.write(r.stdout + r.stderr)
"""


def zip_bomb(folder: Path) -> str:
    """A 'CQC directory' whose one sheet inflates to 4 GB (about 12 MB on disk)."""
    step = (b"<row><c><v>1</v></c></row>" * 40_000)[: 1 << 20]
    name = "HSCA_Active_Locations.xlsx"
    with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(4096):
                f.write(step)
    return name


def huge_csv(folder: Path) -> str:
    """500 MB of Fingertips-like rows under a valid header."""
    name = "fingertips_all_areas.csv"
    header = (SAMPLE / "fingertips_lewisham_indicators.csv").read_text(encoding="utf-8").splitlines()
    block = ("\n".join(header[1:]) + "\n").encode() * 50
    with open(folder / name, "wb") as f:
        f.write((header[0] + "\n").encode())
        while f.tell() < 500 << 20:
            f.write(block)
    return name


def million_columns(folder: Path) -> str:
    (folder / "wide.csv").write_bytes(b",".join([b"column_x"] * 1_000_000) + b"\n1,2\n")
    return "wide.csv"


def utf16(folder: Path) -> str:
    (folder / "council_finance.csv").write_text(FINANCE.replace(",", "\t"), encoding="utf-16")
    return "council_finance.csv"


def utf32(folder: Path) -> str:
    (folder / "council_finance.csv").write_bytes(FINANCE.encode("utf-32"))
    return "council_finance.csv"


def symlink(folder: Path) -> str:
    (folder / "passwords.csv").symlink_to("/etc/passwd")
    return "passwords.csv"


def fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.csv")
    return "pipe.csv"


def newline_name(folder: Path) -> str:
    name = "x\nerror forged line.csv"
    (folder / name).write_text("not,a,known,kind\n1,2,3,4\n")
    return "x?error forged line.csv"


def dot_file(folder: Path) -> str:
    (folder / "council_finance.csv").rename(folder / "..council_finance..csv")
    return "..council_finance..csv"


def left_out(folder: Path) -> str:
    (folder / "council_finance.csv").unlink()
    return "finance"  # the table, which must be named as kept


CASES = [("12 MB zip-bomb .xlsx (sheet inflates to 4 GB)", zip_bomb), ("500 MB CSV, valid header", huge_csv),
         ("CSV with 1,000,000 columns (9 MB)", million_columns), ("UTF-16 CSV (Excel Unicode text, tabs)", utf16),
         ("UTF-32 CSV", utf32), ("symlink named .csv to /etc/passwd", symlink), ("named pipe named .csv", fifo),
         ("file name with a newline", newline_name), ("file renamed ..council_finance..csv", dot_file),
         ("council_finance.csv left out of a refresh", left_out)]


def main() -> None:
    rows = []
    exe = str(Path(sys.executable).with_name("mps"))
    with tempfile.TemporaryDirectory() as tmp:
        for label, make in CASES:
            case = Path(tmp) / "case"
            shutil.rmtree(case, ignore_errors=True)
            src = case / "downloads"
            src.mkdir(parents=True)
            shutil.copy(SAMPLE / "council_finance.csv", src)
            shutil.copy(SAMPLE / "POPPI_Lewisham_dementia_2017.xlsx", src)
            store = case / "store"
            subprocess.run([exe, "ingest", str(src), "--store", str(store)], check=True, capture_output=True)
            before = (store / "manifest.json").read_bytes(), os.path.realpath(store)
            t = time.perf_counter()
            named = make(src)
            made = time.perf_counter() - t
            out = subprocess.run([sys.executable, "-c", MEASURE, exe, "ingest", str(src), "--store", str(store)],
                                 capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
            first, _, text = out.stdout.partition("\n")
            seconds, rss_mb, rc = first.split()
            after = (store / "manifest.json").read_bytes(), os.path.realpath(store)
            kept = json.loads(after[0]).get("tables", {}).get("finance") is not None
            said = [line.strip() for line in text.splitlines()]
            message = next((line for line in said if line.startswith(("error", "kept"))),
                           next((line for line in said if line.startswith("not read")), ""))
            rows.append({"case": label, "rc": int(rc), "seconds": float(seconds), "rss_mb": int(rss_mb),
                         "named": named in text, "intact": after == before if int(rc) else kept,
                         "message": message[:150], "made": made})
            print(f"{label:45s} rc {rc:>3s} {seconds:>6s} s {rss_mb:>5s} MB named={named in text} "
                  f"intact={rows[-1]['intact']} | {message[:110]}", flush=True)
    lines = ["# Hostile files", "", "`python -m benchmarks.bench_hostile`: each file added to a folder whose store was "
             "already built, then `mps ingest` run in its own process. *Peak memory* is the process's max RSS; "
             f"the goal is under {GOAL_SECONDS} s and {GOAL_MB:,} MB, the file named, and the store intact "
             "(byte-identical after a refusal; for the last two rows, the finance table kept).", "",
             "| case | exit | seconds | peak memory MB | file named | store intact | what ingest said |",
             "|---|---:|---:|---:|---|---|---|"]
    for r in rows:
        said = r["message"].replace("|", "\\|")
        lines.append(f"| {r['case']} | {r['rc']} | {r['seconds']:.2f} | {r['rss_mb']} | {'yes' if r['named'] else 'no'} | "
                     f"{'yes' if r['intact'] else 'NO'} | {said} |")
    (ROOT / "benchmarks" / "RESULTS-hostile.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote benchmarks/RESULTS-hostile.md")


if __name__ == "__main__":
    main()
