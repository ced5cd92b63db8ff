"""Hostile files against the real `mps ingest`: each case in its own process, timed, with its peak
memory (max RSS), whether the file was named, and whether the store it refreshed stayed intact;
then whether `mps export` (CSV and workbook) and `mps brief` (PDF) still build from the store.
Each process runs under an address-space cap (`CAP_GB`, RLIMIT_AS) and a time limit. The files are
made here, in a temporary folder (the zip bomb and the 500 MB CSV take a few seconds and a little
over 500 MB of disk). Writes its section of benchmarks/RESULTS-hostile.md.

    .venv/bin/python -m benchmarks.bench_hostile            (every case, about five minutes)
    .venv/bin/python -m benchmarks.bench_hostile -k beds    (the cases whose label has "beds")
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
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
CAP_GB = 3          # address space of each `mps` process (RLIMIT_AS)
LIMIT_SECONDS = 60  # a process still running after this is killed (exit shown as "timeout")
FIXTURES = ROOT / "tests" / "fixtures"

# Runs `mps` as a child under the memory cap and prints its peak memory: RUSAGE_CHILDREN covers
# only that child.
MEASURE = f"""
import resource, subprocess, sys, time
def cap():
    resource.setrlimit(resource.RLIMIT_AS, ({CAP_GB} << 30, {CAP_GB} << 30))
t = time.perf_counter()
try:
    r = subprocess.run(sys.argv[1:], capture_output=True, text=True, preexec_fn=cap, timeout={LIMIT_SECONDS})
    rc, out = r.returncode, r.stdout + r.stderr
except subprocess.TimeoutExpired as e:
    rc, out = "timeout", (e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(errors="replace")
print(round(time.perf_counter() - t, 2), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, rc)
sys.stdout.write(out)
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
    """As Excel saves "Unicode text": UTF-16, tab-separated (the amounts keep their commas)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(FINANCE)))
    (folder / "council_finance.csv").write_text(buffer.getvalue(), encoding="utf-16")
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


# --- Round two (issue 29): absurd numbers and dates, repeated keys, tiny files that declare huge
# sheets, deep JSON, boundaries, hostile text. Each case starts from a store that already holds the
# file it spoils (BASE_FILES), so what the refresh does to the figures shows in the exports.

CQC = "01_June_2017_HSCA_Active_Locations.xlsx"
CONTRACTS = "lewisham_council_contracts_register.csv"
WARDS = "wards.geojson"


def _cqc_edit(folder: Path, edit) -> str:
    """The sample's CQC directory with `edit(sheet, header -> column number)` applied."""
    from openpyxl import load_workbook
    wb = load_workbook(folder / CQC)
    ws = wb["HSCA_Active_Locations"]
    columns = {c.value: c.column for c in ws[1]}
    edit(ws, columns)
    wb.save(folder / CQC)
    return CQC


def _beds(value):
    def make(folder: Path) -> str:
        return _cqc_edit(folder, lambda ws, col: setattr(ws.cell(row=2, column=col["Care homes beds"]), "value", value))
    return make


def duplicated_locations(folder: Path) -> str:
    """Every care home's row twice, with the same CQC location ID."""
    def edit(ws, col):
        homes = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if row[col["Care home?"] - 1].value == "Y"]
        for row in homes:
            ws.append(row)
    return _cqc_edit(folder, edit)


def _contract(column: str, value: str):
    """The sample's contracts register with `column` of its first contract set to `value` (the
    CSV written with CR LF records, so a CR or LF inside a value is quoted as Excel quotes it)."""
    def make(folder: Path) -> str:
        rows = list(csv.reader(io.StringIO((folder / CONTRACTS).read_text(encoding="utf-8-sig"), newline="")))
        rows[1][rows[0].index(column)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        (folder / CONTRACTS).write_text(buf.getvalue(), encoding="utf-8")
        return CONTRACTS
    return make


def _zip(path: Path, members: list[tuple[str, str]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in members:
            z.writestr(zipfile.ZipInfo(name), text,
                       compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)


def far_cell_xlsx(folder: Path) -> str:
    """A 1.8 KB workbook whose sheet has a cell at A1 and another at XFD1048576 (the last cell a
    sheet can have): 17 billion cells between them."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    _zip(folder / "HSCA_Active_Locations_far.xlsx", [
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
         '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
         'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
         'spreadsheetml.worksheet+xml"/></Types>'),
        ("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>'),
        ("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Sheet1" '
         'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
         f'org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
         'Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {ns}><dimension ref="A1:XFD1048576"/>'
         '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Location ID</t></is></c></row>'
         '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')])
    return "HSCA_Active_Locations_far.xlsx"


def repeated_ods(folder: Path) -> str:
    """An ODS of under a kilobyte whose one row repeats a million times and its one cell 99 times:
    99 million cells, just under the reader's own cell limit (100 million), which it allocates."""
    office = "urn:oasis:names:tc:opendocument:xmlns"
    _zip(folder / "repeated.ods", [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", f'<?xml version="1.0"?><manifest:manifest xmlns:manifest="{office}:manifest:1.0">'
         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
         'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
         '</manifest:manifest>'),
        ("content.xml", f'<?xml version="1.0"?><office:document-content xmlns:office="{office}:office:1.0" '
         f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0"><office:body><office:spreadsheet>'
         '<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="1000000">'
         '<table:table-cell table:number-columns-repeated="99" office:value-type="string"><text:p>x</text:p>'
         '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
         '</office:document-content>')])
    return "repeated.ods"


def deep_geojson(folder: Path) -> str:
    depth = 100_000
    (folder / WARDS).write_text('{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}")
    return WARDS


def _wards_edit(edit):
    def make(folder: Path) -> str:
        data = json.loads((folder / WARDS).read_text())
        edit(data)
        (folder / WARDS).write_text(json.dumps(data))
        return WARDS
    return make


def _to_bng(data):
    """The wards in British National Grid metres (a linear stand-in for the projection, near
    Lewisham), declared as EPSG:27700 as ONS's BGC downloads are."""
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    for f in data["features"]:
        f["geometry"]["coordinates"] = [[[round(537_000 + (x + 0.02) * 69_500, 1), round(175_000 + (y - 51.45) * 111_200, 1)]
                                         for x, y in ring] for ring in f["geometry"]["coordinates"]]


def _bow_tie(data):
    """Brockley drawn as a bow tie: its outline crosses itself in the middle."""
    (x0, y0), (x1, y1) = data["features"][0]["geometry"]["coordinates"][0][0], \
        data["features"][0]["geometry"]["coordinates"][0][2]
    data["features"][0]["geometry"]["coordinates"] = [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]


CASES = [("12 MB zip-bomb .xlsx (sheet inflates to 4 GB)", zip_bomb), ("500 MB CSV, valid header", huge_csv),
         ("CSV with 1,000,000 columns (9 MB)", million_columns), ("UTF-16 CSV (Excel Unicode text, tabs)", utf16),
         ("UTF-32 CSV", utf32), ("symlink named .csv to /etc/passwd", symlink), ("named pipe named .csv", fifo),
         ("file name with a newline", newline_name), ("file renamed ..council_finance..csv", dot_file),
         ("council_finance.csv left out of a refresh", left_out),
         ("care home with 1e308 beds", _beds(1e308)), ("care home with 10,000,000 beds", _beds(10_000_000)),
         ("care home with NaN beds", _beds("NaN")), ("duplicated CQC location IDs (every care home twice)",
                                                     duplicated_locations),
         ("contract value 1e308", _contract("Total Contract Value", "1e308")),
         ("contract value 1e309", _contract("Total Contract Value", "1e309")),
         ("contract value Infinity", _contract("Total Contract Value", "Infinity")),
         ("contract value 1,2,3", _contract("Total Contract Value", "1,2,3")),
         ("contract start date 01/01/0001", _contract("Start Date", "01/01/0001")),
         ("contract end date 31/12/9999", _contract("End Date", "31/12/9999")),
         ("1.8 KB xlsx with a cell at XFD1048576", far_cell_xlsx),
         ("ODS under 1 KB repeating a cell 99 million times", repeated_ods),
         ("GeoJSON nested 100,000 deep", deep_geojson), ("ward file in British National Grid metres",
                                                        _wards_edit(_to_bng)),
         ("self-intersecting ward (a bow tie)", _wards_edit(_bow_tie)),
         ("supplier name with a CR and a formula", _contract("Supplier Name", "Acme Care\r@SUM(1+1)*cmd|' /C calc'!A0")),
         ("supplier name of 1 MB", _contract("Supplier Name", "Big Care " + "x" * 1_000_000))]

BASE_FILES = {"beds": [CQC], "CQC location": [CQC], "contract": [CONTRACTS], "supplier": [CONTRACTS],
              "ward": [WARDS], "GeoJSON": [WARDS]}
"""Files a case's store holds before the hostile refresh, besides finance and POPPI dementia."""


def base_files(label: str) -> list[Path]:
    extra = next((files for word, files in BASE_FILES.items() if word in label), [])
    return [FIXTURES / "wards_illustrative.geojson" if name == WARDS else SAMPLE / name for name in extra]


def afterwards(exe: str, store: Path, out: Path) -> str:
    """Whether the exports and the brief still build from the store: each command's exit code
    (0 = built), run side by side under the same cap."""
    commands = {"csv": [exe, "export", "--store", str(store), "--out", str(out / "csv")],
                "xlsx": [exe, "export", "--store", str(store), "--format", "xlsx", "--out", str(out / "t.xlsx")],
                "pdf": [exe, "brief", "--store", str(store), "--out", str(out / "b.pdf")]}
    procs = {k: subprocess.Popen([sys.executable, "-c", MEASURE, *c], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for k, c in commands.items()}
    said = []
    for k, p in procs.items():
        first = p.communicate()[0].partition("\n")[0].split()
        said.append(f"{k} {first[2] if len(first) == 3 else '?'}")
    return ", ".join(said)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-k", default="", help="only the cases whose label contains this text")
    args = parser.parse_args(argv)
    rows = []
    exe = str(Path(sys.executable).with_name("mps"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for label, make in CASES:
            if args.k not in label:
                continue
            case = Path(tmp) / "case"
            shutil.rmtree(case, ignore_errors=True)
            src = case / "downloads"
            src.mkdir(parents=True)
            shutil.copy(SAMPLE / "council_finance.csv", src)
            shutil.copy(SAMPLE / "POPPI_Lewisham_dementia_2017.xlsx", src)
            for extra in base_files(label):
                shutil.copy(extra, src / (WARDS if extra.suffix == ".geojson" else extra.name))
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
            # The line about this case: an error, else a note on what was done to the file (reprojected,
            # repaired, out of range), else any note (the fixture's own standing notes come last).
            notes = [line for line in said if line.startswith(("not read", "note"))]
            told = [line for line in notes if any(k in line for k in ("reproject", "repaired", "British", "plausible",
                                                                        "placeholder", "cut"))]
            message = next((line for line in said if line.startswith(("error", "internal error", "kept"))),
                           (told or notes or [""])[0])
            refused = rc != "0"
            built = afterwards(exe, store, case / "out")
            rows.append({"case": label, "rc": rc, "seconds": float(seconds), "rss_mb": int(rss_mb),
                         "named": named in text, "intact": after == before if refused else kept,
                         "message": message[:150], "made": made, "afterwards": built})
            print(f"{label:45s} rc {rc:>3s} {seconds:>6s} s {rss_mb:>5s} MB named={named in text} "
                  f"intact={rows[-1]['intact']} then {built} | {message[:110]}", flush=True)
    lines = ["# Hostile files", "", "`python -m benchmarks.bench_hostile`: each file added to (or changed in) a folder "
             "whose store was already built, then `mps ingest` run in its own process, under a "
             f"{CAP_GB} GB address-space cap and a {LIMIT_SECONDS} s limit. *Peak memory* is the process's max RSS; "
             f"the goal is under {GOAL_SECONDS} s and {GOAL_MB:,} MB, the file named, and the store intact "
             "(byte-identical after a refusal; for the two refreshes that leave the finance file out, the finance "
             "table kept). *Then* gives the exit code of `mps export` (CSV, workbook) and `mps brief` (PDF) "
             "run on the store afterwards (0: built).", "",
             f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {time.perf_counter() - started:.0f} s in all.", "",
             "| case | exit | seconds | peak memory MB | file named | store intact | then | what ingest said |",
             "|---|---:|---:|---:|---|---|---|---|"]
    for r in rows:
        said = r["message"].replace("|", "\\|")
        lines.append(f"| {r['case']} | {r['rc']} | {r['seconds']:.2f} | {r['rss_mb']} | {'yes' if r['named'] else 'no'} | "
                     f"{'yes' if r['intact'] else 'NO'} | {r['afterwards']} | {said} |")
    out = ROOT / "benchmarks" / "RESULTS-hostile.md"
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    rest = text[text.find("\n## "):] if "\n## " in text else ""  # other benchmarks' sections stay
    out.write_text("\n".join(lines) + "\n" + rest, encoding="utf-8")
    print("wrote benchmarks/RESULTS-hostile.md")


if __name__ == "__main__":
    main()
