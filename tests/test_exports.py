"""Workbook and CSV exports: same values, formula injection neutralised, file names."""
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from exports.csv_export import neutralise
from metrics.store import Store


@pytest.fixture(scope="module")
def both(sample_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    exe = Path(sys.executable).with_name("mps")
    for fmt, target in [("csv", out / "csv"), ("xlsx", out / "tables.xlsx")]:
        r = subprocess.run([str(exe), "export", "--store", str(sample_store), "--out", str(target), "--format", fmt],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    return out


def test_workbook_values_equal_the_csv_export(both):
    wb = load_workbook(both / "tables.xlsx")
    assert wb.sheetnames[0] == "README"
    for csv_path in sorted((both / "csv").glob("*.csv")):
        expected = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        ws = wb[csv_path.stem[:31]]
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == list(expected.columns), csv_path.stem
        assert len(rows) - 1 == len(expected), csv_path.stem
        for j, col in enumerate(expected.columns):
            for a, b in zip((r[j] for r in rows[1:]), expected[col]):
                if b == "":
                    assert a in (None, ""), (csv_path.stem, col, a)
                else:
                    try:
                        assert float(a) == pytest.approx(float(b), rel=1e-9), (csv_path.stem, col)
                    except (TypeError, ValueError):
                        assert str(a) == b, (csv_path.stem, col, a, b)


def test_workbook_is_formatted(both):
    wb = load_workbook(both / "tables.xlsx")
    ws = wb["care_homes"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    fin = wb["finance"]
    money_col = [c.column_letter for c in fin[1] if c.value == "value_gbp"][0]
    assert fin[f"{money_col}2"].number_format.startswith('"£"')
    readme = [r[0] for r in wb["README"].iter_rows(values_only=True)]
    assert "Suppression" in readme and "Authority" in readme


def test_suppressed_cells_carry_a_note(both):
    ws = load_workbook(both / "tables.xlsx")["practices"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == "<5"]
    assert cells and all(c.comment is not None for c in cells)


@pytest.mark.parametrize("text", ["=HYPERLINK('x')", "+1+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_formula_injection_is_neutralised(text):
    assert neutralise(text).startswith("'")
    assert neutralise(12.5) == 12.5 and neutralise("-") == "-" and neutralise("Carers") == "Carers"


def test_injection_in_a_contract_title_is_neutralised_in_csv_and_xlsx(sample_store, tmp_path):
    import shutil
    from exports.xlsx_export import write_workbook
    from exports.csv_export import write_csv_tables
    from metrics import tables
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store, store_dir)
    c = pd.read_parquet(store_dir / "contracts.parquet")
    c.loc[0, "title"] = '=HYPERLINK("http://evil.example","click")'
    c.to_parquet(store_dir / "contracts.parquet")
    tables._cached.cache_clear()
    store = Store(store_dir)
    write_csv_tables(store, tmp_path / "csv")
    assert "'=HYPERLINK" in (tmp_path / "csv" / "contracts.csv").read_text()
    write_workbook(store, tmp_path / "t.xlsx")
    titles = [r[1] for r in load_workbook(tmp_path / "t.xlsx")["contracts"].iter_rows(min_row=2, values_only=True)]
    assert any(str(t).startswith("'=HYPERLINK") for t in titles)
    assert not any(str(t).startswith("=") for t in titles)


def test_briefing_pack_html_has_the_headline_figures(sample_store, tmp_path):
    from exports.brief import write_brief
    text = write_brief(Store(sample_store), tmp_path / "pack.html").read_text()
    for figure in ["1,120", "1,190", "672", "482", "146.1", "Page \" counter(page)"]:
        assert figure in text, figure
    assert text.index("Key facts") < text.index("Demand by client group") < text.index("Supply") \
        < text.index("Neighbourhoods") < text.index("Opportunities") < text.index("Sources")
    assert 'alt="' in text and 'lang="en-GB"' in text


def test_briefing_pack_pdf_is_a4_with_pages(sample_store, tmp_path):
    from exports.brief import write_brief
    data = write_brief(Store(sample_store), tmp_path / "pack.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/") >= 5 or \
        data.count(b"/Page") >= 5
    assert b"595.2756" in data  # A4 width in points


def test_brief_command_refuses_other_suffixes(sample_store, tmp_path):
    exe = Path(sys.executable).with_name("mps")
    r = subprocess.run([str(exe), "brief", "--store", str(sample_store), "--out", str(tmp_path / "x.docx")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and ".pdf or .html" in r.stderr and "Traceback" not in r.stderr


def test_downloads_are_made_from_the_store_with_dated_names(sample_store):
    import datetime as dt
    from app import create_app
    client = create_app(sample_store).server.test_client()
    today = dt.date.today().isoformat()
    for key, suffix in [("workbook", "xlsx"), ("csv", "zip"), ("brief-pdf", "pdf"), ("brief-html", "html")]:
        r = client.get(f"/download/{key}")
        assert r.status_code == 200, key
        assert "lewisham-" in r.headers["Content-Disposition"] and f"{today}.{suffix}" in r.headers["Content-Disposition"]
    assert client.get("/download/nothing").status_code == 404
