"""Bounded reading: what a spreadsheet declares (cell references, dimensions, repeated rows and
columns) is checked against the limits before a reader lays out its grid, and a reader that runs
out of memory, stack or threads, or a disk that fills while the store is written, is one line
naming the file or the store, never an abort or a traceback. The hostile files are made here, in
tmp_path; ingest runs as the `mps` command under an address-space cap, so that a check that let a
file through would fail fast instead of exhausting the machine."""
import errno
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from fixtures.make_bad_corpus import POPPI

CAP = 2 << 30  # address space of each `mps` run: what ingesting these files may take at most


def capped():
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def mps(*args, env=None):
    exe = Path(sys.executable).with_name("mps")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, preexec_fn=capped)


HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def xlsx(path: Path, sheet_xml: str, name: str = "Dementia") -> Path:
    """A minimal workbook of one sheet whose XML is given as written."""
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{ns}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
        f'"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/'
        f'relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship '
        f'Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        f'</Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in parts.items():
            z.writestr(part, text)
    return path


def ods(path: Path, tables: str) -> Path:
    """A minimal OpenDocument spreadsheet whose <table:table> elements are given as written."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'


def libreoffice_table(name: str, rows) -> str:
    """A table as LibreOffice Calc saves one: 1,024 columns declared, each row padded with one
    repeated empty cell to the 1,024th column, and the empty rows below repeated to row 1,048,576."""
    out = [f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="1024"/>']
    for r in rows:
        cells = "".join(ods_cell(v) for v in r)
        out.append(f'<table:table-row>{cells}<table:table-cell table:number-columns-repeated="{1024 - len(r)}"/>'
                   "</table:table-row>")
    out.append(f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}">'
               '<table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>')
    return "".join(out)


def downloads(folder: Path) -> Path:
    folder.mkdir()
    (folder / "mps.toml").write_text('area_code = "E09000023"\n')
    (folder / "council_finance.csv").write_text((ROOT / "data" / "sample" / "council_finance.csv").read_text())
    return folder


@pytest.fixture(scope="module")
def held_store(tmp_path_factory):
    """A store holding the sample's finance table, which every refused ingest must leave exactly as
    it was (one store for the module: a refused ingest does not change it)."""
    store = tmp_path_factory.mktemp("held") / "store"
    r = mps("ingest", "--no-precompute", downloads(store.parent / "first"), "--store", store)
    assert r.returncode == 0, r.stderr
    return store


@pytest.fixture
def folder(tmp_path, held_store):
    """A fresh downloads folder (the finance table, then the file under test) and the held store."""
    return downloads(tmp_path / "downloads"), held_store


def store_state(store: Path):
    return os.readlink(store), (store / "manifest.json").read_bytes()


def refused(folder, name: str, **env) -> str:
    src, store = folder
    before = store_state(store)
    r = mps("ingest", "--no-precompute", src, "--store", store, env=env)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert [line.split()[:2] for line in r.stderr.splitlines() if line.startswith("error")] == [["error", name + ","]] \
        or [line.split()[:2] for line in r.stderr.splitlines() if line.startswith("error")] == [["error", name + ":"]], r.stderr
    assert store_state(store) == before
    text = " ".join(r.stderr.split())  # the console wraps its one message at 200 characters
    return text[text.index("error " + name):]


def test_a_tiny_xlsx_with_a_cell_at_xfd1048576_is_refused_naming_the_cell(folder):
    src, _ = folder
    path = xlsx(src / "corner.xlsx", HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
                '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    assert path.stat().st_size < 2048
    line = refused(folder, "corner.xlsx")
    # 1,048,576 rows x 16,384 columns, what the reader would have allocated (it aborted the process)
    assert "sheet 'Dementia'" in line and "XFD1048576" in line and "17,179,869,184 cells" in line
    assert "over the limit of 15,000,000 cells" in line and "MPS_MAX_SHEET_CELLS" in line


def test_a_far_cell_written_before_a_near_one_is_still_found(folder):
    src, _ = folder
    # the row's last cell is A1048576, but the reader places ZZ1048576 too: 702 columns
    xlsx(src / "shuffled.xlsx", HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">'
         '<c r="ZZ1048576"><v>1</v></c><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>')
    line = refused(folder, "shuffled.xlsx")
    assert "ZZ1048576" in line and "1,048,576 rows x 702 columns = 736,100,352 cells" in line


def sheet_data(rows) -> str:
    """Rows of cells as Excel writes them: inline strings and numbers, each with its reference."""
    from loaders.reading import column_letters

    out = []
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, v in enumerate(row, start=1):
            ref = f"{column_letters(j)}{i}"
            if isinstance(v, str):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
            elif v is not None:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        out.append(f'<row r="{i}">{"".join(cells)}</row>')
    return "".join(out)


def test_a_declared_dimension_and_far_styled_empty_cells_cost_nothing_and_load(tmp_path):
    """calamine lays out the cells that hold something: a <dimension> of A1:XFD1048576, a styled
    empty cell at XFD1048576 and a formatted empty last row are not cells it allocates, so a
    workbook carrying them (as Excel writes after whole rows or columns are formatted) loads."""
    from store import Store

    src, store = downloads(tmp_path / "downloads"), tmp_path / "store"
    xlsx(src / "POPPI dementia.xlsx", HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>' + sheet_data(POPPI)
         + '<row r="1048575"><c r="XFD1048575" s="1"/><c r="A1048575" s="1"></c></row>'
         '<row r="1048576" s="5" customFormat="1"/></sheetData></worksheet>')
    r = mps("ingest", "--no-precompute", src, "--store", store)
    assert r.returncode == 0, r.stderr
    prevalence = Store(store).table("prevalence")
    aged = prevalence[prevalence["age_band"].astype(str).str.contains("65-69")].set_index("year")["value"]
    assert aged.loc[2017] == 100 and aged.loc[2020] == 110


def test_cells_without_references_are_placed_by_their_row(folder):
    src, _ = folder
    xlsx(src / "bare.xlsx", HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2000000">'
         '<c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    line = refused(folder, "bare.xlsx")
    assert "A2000000: 2,000,000 rows, over the limit of 1,048,576 rows" in line


def test_an_800_byte_ods_repeating_one_row_and_column_is_refused(folder):
    src, _ = folder
    path = ods(src / "repeated.ods", '<table:table table:name="Carers"><table:table-row table:number-rows-repeated='
               '"1048576"><table:table-cell office:value-type="float" office:value="1" '
               'table:number-columns-repeated="16384"/></table:table-row></table:table>')
    assert path.stat().st_size < 1024
    line = refused(folder, "repeated.ods")
    assert "sheet 'Carers'" in line and "XFD1048576" in line and "17,179,869,184 cells" in line


def test_ods_rows_repeated_past_the_row_limit_are_refused(folder):
    src, _ = folder
    ods(src / "rows.ods", '<table:table table:name="Carers"><table:table-row table:number-rows-repeated="2000000">'
        '<table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>')
    line = refused(folder, "rows.ods")
    assert "2,000,000 rows, over the limit of 1,048,576 rows" in line and "MPS_MAX_SHEET_ROWS" in line


def test_the_cell_limit_is_raised_by_its_variable(folder):
    src, store = folder
    rows = [["a"] * 30 for _ in range(30)]
    ods(src / "square.ods", libreoffice_table("Square", rows))
    line = refused(folder, "square.ods", MPS_MAX_SHEET_CELLS="899")
    assert "30 rows x 30 columns = 900 cells, over the limit of 899 cells" in line  # AD30
    r = mps("ingest", "--no-precompute", src, "--store", store, env={"MPS_MAX_SHEET_CELLS": "900"})
    assert "over the limit" not in r.stderr and "not a kind the dashboard recognises" in r.stderr


def test_libreoffice_trailing_repeated_rows_and_columns_still_load(tmp_path):
    """LibreOffice pads every row to column 1,024 and repeats an empty row to row 1,048,576: a
    billion declared cells, none with a value. The table loads, and its numbers read as written."""
    from store import Store

    src, store = downloads(tmp_path / "downloads"), tmp_path / "store"
    ods(src / "POPPI dementia.ods", libreoffice_table("Dementia", POPPI))
    r = mps("ingest", "--no-precompute", src, "--store", store)
    assert r.returncode == 0, r.stderr
    prevalence = Store(store).table("prevalence")
    aged = prevalence[prevalence["age_band"].astype(str).str.contains("65-69")].set_index("year")["value"]
    assert aged.loc[2020] == 110 and aged.loc[2025] == 120


def test_a_forged_ods_is_said_to_be_no_valid_ods(folder):
    src, _ = folder
    with zipfile.ZipFile(src / "forged.ods", "w") as z:
        z.writestr("hello.txt", "not a spreadsheet")
    line = refused(folder, "forged.ods")
    assert "forged.ods: this file is not a valid ODS spreadsheet" in line


@pytest.mark.parametrize("exc,said", [
    (MemoryError(), "there was not enough memory to read this file"),
    (RecursionError("maximum recursion depth exceeded"), "this file is nested too deeply to be read"),
    (RuntimeError("can't start new thread"), "there was not enough memory to read this file (a reader could not start a thread)"),
])
def test_a_reader_out_of_memory_stack_or_threads_names_the_file(tmp_path, monkeypatch, capsys, exc, said):
    import loaders.store
    import mps_cli

    src = tmp_path / "downloads"
    src.mkdir()
    (src / "council_finance.csv").write_text("x\n")

    def reader(*_args, **_kwargs):
        raise exc

    monkeypatch.setattr(loaders.store, "read_sheets", reader)
    assert mps_cli.main(["ingest", "--no-precompute", str(src), "--store", str(tmp_path / "store")]) == 1
    err = capsys.readouterr().err
    assert f"error council_finance.csv: {said}" in err and "internal error" not in err
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("exc", [
    OSError(errno.ENOSPC, "No space left on device"),  # what Python's own writers raise, here without a file
    OSError("Error writing bytes to file. Detail: [errno 28] No space left on device"),  # pyarrow's: no errno
])
def test_a_full_disk_while_writing_names_the_store(tmp_path, monkeypatch, capsys, exc):
    import mps_cli
    from store import writing as store_writing

    src, store = downloads(tmp_path / "downloads"), tmp_path / "store"
    assert mps_cli.main(["ingest", "--no-precompute", str(src), "--store", str(store)]) == 0
    before = store_state(store)

    def write_table(*_args, **_kwargs):
        raise exc

    monkeypatch.setattr(store_writing, "write_table", write_table)
    assert mps_cli.main(["ingest", "--no-precompute", str(src), "--store", str(store)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert f"error {store}: the disk is full (No space left on device)" in err
    assert "a file" not in err and store_state(store) == before
    versions = [p.name for p in (store.parent / "store.versions").iterdir() if not p.name.startswith(".")]
    assert versions == [os.readlink(store).split("/")[-1]]  # the half-written version was removed


def test_a_worksheet_kept_outside_xl_worksheets_is_scanned_too(folder):
    """The reader follows the workbook's relationships to the sheet, wherever the part lies."""
    src, _ = folder
    path = xlsx(src / "elsewhere.xlsx", HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    moved = src / "moved.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            name = "data/hidden.xml" if item.filename == "xl/worksheets/sheet1.xml" else item.filename
            if item.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b'Target="worksheets/sheet1.xml', b'Target="/data/hidden.xml').replace(
                    b"/xl/worksheets/sheet1.xml", b"/data/hidden.xml")
            new.writestr(name, data)
    path.unlink()
    line = refused(folder, "moved.xlsx")
    assert "sheet 'Dementia'" in line and "17,179,869,184 cells" in line


@pytest.mark.parametrize("far", ['r="xfd1048576"', "r='XFD1048576'", 'r = "XFD1048576"'])
def test_references_written_otherwise_are_read_as_the_reader_reads_them(folder, far):
    src, _ = folder
    xlsx(src / "odd.xlsx", HEAD + f'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c {far}>'
         '<v>1</v></c></row></sheetData></worksheet>')
    assert "17,179,869,184 cells" in refused(folder, "odd.xlsx")


def test_ods_repeats_in_single_quotes_are_counted(folder):
    src, _ = folder
    ods(src / "quoted.ods", "<table:table table:name='Carers'><table:table-row table:number-rows-repeated = '1048576'>"
        "<table:table-cell office:value-type='float' office:value='1' table:number-columns-repeated='16384'/>"
        "</table:table-row></table:table>")
    line = refused(folder, "quoted.ods")
    assert "sheet 'Carers'" in line and "17,179,869,184 cells" in line
