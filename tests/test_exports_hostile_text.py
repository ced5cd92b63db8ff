"""Hostile text in the downloads a reader opens: a formula hidden after a line break in a CSV cell,
and a supplier name of a megabyte in the workbook and the briefing pack (PDF).

Each test changes the contracts table of a copy of the sample store and downloads the file
through the app, as a reader does."""
import csv
import io
import re
import shutil
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from domain.contract import sheet_title

FORMULA = "Acme Care\r@SUM(1+1)*cmd|' /C calc'!A0"
OTHERS = ["Line one\n=HYPERLINK(\"http://evil.example\")", "a\r\n+1+1", "\t\r-2+3\n@x", "ok\n-\nplain"]
MEGABYTE = "Big Care " + "x" * 1_000_000  # one word of a million characters after two short ones
TRIGGERS = ("=", "+", "-", "@", "\t")


@pytest.fixture(scope="module")
def hostile(sample_store, tmp_path_factory):
    """A copy of the sample store whose contracts' suppliers are hostile: row 0 the CR formula,
    rows 1-4 other line-break formulas, every other row a 1 MB name."""
    from app import create_app
    from metrics import tables
    store = tmp_path_factory.mktemp("hostile") / "store"
    shutil.copytree(sample_store, store, ignore=shutil.ignore_patterns(".downloads"))
    c = pd.read_parquet(store / "contracts.parquet")
    suppliers = [FORMULA] + OTHERS + [MEGABYTE] * (len(c) - 1 - len(OTHERS))
    c["supplier"] = pd.Series(suppliers, dtype=object)
    c.to_parquet(store / "contracts.parquet")
    tables._cached.cache_clear()
    return create_app(store).server.test_client(), c


def _contracts_csv(client) -> bytes:
    r = client.get("/download/csv")
    assert r.status_code == 200
    return zipfile.ZipFile(io.BytesIO(r.data)).read("contracts.csv")


def test_csv_cells_with_line_breaks_are_quoted_and_every_line_neutralised(hostile):
    client, c = hostile
    data = _contracts_csv(client)
    text = data.decode("utf-8")
    # Read back with the csv module: one record per contract, the supplier as written, neutralised
    # after every line break that a formula follows.
    csv.field_size_limit(1 << 24)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(c) + 1
    column = rows[0].index("supplier")
    suppliers = [r[column] for r in rows[1:]]
    assert "Acme Care\r'@SUM(1+1)*cmd|' /C calc'!A0" in suppliers
    assert "Line one\n'=HYPERLINK(\"http://evil.example\")" in suppliers
    assert "a\r\n'+1+1" in suppliers
    assert "'\t\r'-2+3\n'@x" in suppliers
    assert "ok\n'-\nplain" in suppliers  # a dash alone in a cell stays; on a line of its own it would start a record
    assert suppliers.count(MEGABYTE) == len(c) - 1 - len(OTHERS)  # the CSV keeps the whole text
    # The bare CR is inside quotes: the record goes on after it.
    assert b"\"Acme Care\r'@SUM" in data
    # Records end with CR LF; a naive reader splitting on CR and on LF finds no line that a
    # spreadsheet would run (a negative number would be fine: none is in this table's first column).
    lines = re.split(r"\r\n|\r|\n", text)
    assert lines[0].startswith("reference,title,supplier")
    assert not [line for line in lines if line.startswith(TRIGGERS)]
    assert data.count(b"\r\n") >= len(c) + 1


def test_the_workbook_cuts_a_megabyte_name_with_a_visible_note(hostile):
    client, c = hostile
    r = client.get("/download/workbook")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    rows = list(wb[sheet_title("contracts")].iter_rows(values_only=True))
    column = rows[0].index("Supplier")
    suppliers = [r[column] for r in rows[1:]]
    cut = [v for v in suppliers if v.startswith("Big Care")]
    assert len(cut) == len(c) - 1 - len(OTHERS)
    assert {len(v) for v in cut} == {32_767}  # Excel's most characters in a cell, note included
    assert cut[0].startswith("Big Care xxx")
    assert cut[0].endswith(" … [cut: 1,000,009 characters in full; the CSV export holds the whole text]")
    assert "Acme Care\r'@SUM(1+1)*cmd|' /C calc'!A0" in suppliers
    n = len(c) - 1 - len(OTHERS)
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(values_only=True) if r[0]}
    assert readme["Long text"].endswith(f"Cut in this workbook: Contracts: Supplier ({n} cells).")


def _pdf_text(data: bytes) -> str:
    """The text-drawing streams of a reportlab PDF, decoded (ASCII85, then Flate)."""
    import base64
    import zlib
    out = []
    for m in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length \d+\s*>>\s*stream\r?\n(.*?)endstream",
                         data, re.S):
        raw = m.group(1).strip()
        raw = raw[:-2] if raw.endswith(b"~>") else raw
        try:
            out.append(zlib.decompress(base64.a85decode(raw)).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "\n".join(out)


def test_the_briefing_pack_renders_a_megabyte_name_cut_with_a_note(hostile):
    client, _ = hostile
    r = client.get("/download/brief-pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type /Page[^s]", r.data))
    assert pages > 0
    text = _pdf_text(r.data)
    assert "1,000,009" in text  # "[cut at 400 of 1,000,009 characters; ...]", in the contracts table
    assert "x" * 1000 not in text


def test_the_html_pack_wraps_long_words(hostile):
    client, _ = hostile
    r = client.get("/download/brief-html")
    assert r.status_code == 200
    assert "overflow-wrap: anywhere" in r.get_data(as_text=True)
