"""Workbook and CSV exports: same values, formula injection neutralised, file names."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from exports.csv_export import neutralise
from store import Store
from domain.contract import sheet_title


@pytest.fixture(scope="module")
def both(sample_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    exe = Path(sys.executable).with_name("mps")
    for fmt, target in [("csv", out / "csv"), ("xlsx", out / "tables.xlsx")]:
        r = subprocess.run([str(exe), "export", "--store", str(sample_store), "--out", str(target), "--format", fmt],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    return out


def _by_machine_name(wb, table):
    """Export table `table`'s sheet: its columns keyed by their CSV (machine) name, through the
    README's column list."""
    sheet = sheet_title(table)
    from exports.xlsx_export import readme_glossary
    glossary = readme_glossary(wb["README"])[sheet]
    rows = list(wb[sheet].iter_rows(values_only=True))
    assert [g["header"] for g in glossary] == list(rows[0]), sheet  # the README lists every column, in order
    return {g["machine"]: [r[j] for r in rows[1:]] for j, g in enumerate(glossary) if g["machine"]}, rows


def test_workbook_values_equal_the_csv_export(both):
    import datetime as dt
    wb = load_workbook(both / "tables.xlsx")
    assert wb.sheetnames[0] == "README"
    for csv_path in sorted((both / "csv").glob("*.csv")):
        expected = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        columns, rows = _by_machine_name(wb, csv_path.stem)
        assert list(columns) == list(expected.columns), csv_path.stem  # every CSV column, in the CSV's order
        assert len(rows) - 1 == len(expected), csv_path.stem
        for col in expected.columns:
            for a, b in zip(columns[col], expected[col]):
                if b == "":
                    assert a in (None, ""), (csv_path.stem, col, a)
                elif isinstance(a, dt.datetime):  # a real date in the workbook, ISO text in the CSV
                    shown = a.isoformat() if len(b) > 10 else a.date().isoformat()
                    assert shown == b[:19].replace(" ", "T"), (csv_path.stem, col, a, b)
                else:
                    try:
                        assert float(a) == pytest.approx(float(b), rel=1e-9), (csv_path.stem, col)
                    except (TypeError, ValueError):
                        assert str(a) == b, (csv_path.stem, col, a, b)


def test_the_contracts_export_holds_every_column_the_opportunities_page_shows(both):
    """The register's procurement route, SME and VCSE flags and organisation reach the CSV as the page
    shows them: LBL-CS-2015-001 (Change Grow Live) was let by open tender to a VCSE that is not an SME."""
    import csv
    with open(both / "csv" / "contracts.csv", encoding="utf-8") as f:
        rows = {r["reference"]: r for r in csv.DictReader(f)}
    row = rows["LBL-CS-2015-001"]
    assert (row["organisation"], row["procurement_route"], row["sme"], row["vcse"]) == (
        "Lewisham", "Open tender", "False", "True")


def test_workbook_counts_are_whole_numbers_without_floating_point_noise(both):
    """The README promises whole numbers for counts: the gaps sheet's numerator of 672 beds and
    denominator of 12,400 residents are integers shown #,##0 (were 672.0 and 12,400.0), and the base
    year of beds needed holds 672 beds and a gap of 0 (was 672.0000000000001 and 1.1e-13)."""
    import openpyxl
    wb = openpyxl.load_workbook(both / "tables.xlsx")
    columns, _ = _by_machine_name(wb, "beds_needed")
    i = columns["year"].index(2017)
    base = {k: columns[k][i] for k in ("beds_needed", "beds_now", "gap")}
    assert (base["beds_needed"], base["beds_now"], base["gap"]) == (672, 672, 0)
    assert all(type(base[k]) is int for k in ("beds_needed", "beds_now", "gap"))
    shown_with_a_fraction = []
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                v = cell.value
                if isinstance(v, float) and v.is_integer() or isinstance(v, int) and cell.number_format.endswith(".0"):
                    shown_with_a_fraction.append((ws.title, cell.coordinate, v, cell.number_format))
    assert not shown_with_a_fraction, shown_with_a_fraction[:10]


def test_every_export_column_has_a_human_label():
    """A declared export column without a label would reach the workbook as its machine name."""
    from domain.contract import EXPORT_TABLES
    from domain.labels import COLUMN_LABELS, column_label
    missing = [f"{t.name}.{c.name}" for t in EXPORT_TABLES.values() for c in t.all_columns
               if c.name not in COLUMN_LABELS or column_label(c.name) == c.name]
    assert not missing, missing


def test_workbook_headers_are_human_and_unique_and_the_csv_keeps_machine_names(both):
    wb = load_workbook(both / "tables.xlsx")
    for ws in wb.worksheets[1:]:
        headers = [c.value for c in ws[1]]
        assert len(set(headers)) == len(headers), ws.title
        assert not [h for h in headers if "_" in h], ws.title  # no machine name shows
    assert [c.value for c in wb[sheet_title("finance")][1]] == ["Organisation", "Item", "Period", "Value (£)"]
    assert [c.value for c in wb[sheet_title("beds_needed")][1]][2] == "Occupied beds per 1,000 aged 75+"
    assert "Beds per 1,000 registered patients aged 75+" in [c.value for c in wb[sheet_title("neighbourhood_supply")][1]]
    assert pd.read_csv(both / "csv" / "finance.csv").columns.tolist() == ["organisation", "item", "period",
                                                                           "value_gbp"]


def test_coded_columns_read_by_name_with_the_code_beside(both):
    ws = load_workbook(both / "tables.xlsx")[sheet_title("supply")]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Client group", "Client group code", "Service", "Service code"]
    row = [c.value for c in ws[2]]
    assert row[:4] == ["Older people", "older_people", "Residential care", "residential_care"]
    assert row[headers.index("Area")] == "Lewisham" and row[headers.index("Area code")] == "E09000023"
    hoods = load_workbook(both / "tables.xlsx")[sheet_title("neighbourhoods")]
    assert [c.value for c in hoods[1]][:6] == ["Neighbourhood", "Neighbourhood code", "Registered patients",
                                              "Registered patients as at", "Registered patients at the caseload date",
                                              "District nursing cases"]
    # N1 is North Lewisham (neighbourhood supply table): 68,737 registered patients in the latest GP extract
    # (1 April 2017), the figure every page shows; 45,342 in July 2013, Table 1's base for its caseloads.
    assert [c.value for c in hoods[2]][:5] == ["North Lewisham", "N1", 68737, dt.datetime(2017, 4, 1), 45342]
    kpis = load_workbook(both / "tables.xlsx")[sheet_title("kpis")]
    assert kpis["I2"].value == 0.429337 and kpis["I2"].number_format == "#,##0.0##"  # shows 0.429, not 0.4
    gaps = load_workbook(both / "tables.xlsx")[sheet_title("gaps")]
    assert [c.value for c in gaps[2]][2:4] == ["Care home beds per 1,000 people aged 75 and over",
                                              "care_home_beds_per_1000_75plus"]


def test_workbook_is_formatted(both):
    import datetime as dt
    wb = load_workbook(both / "tables.xlsx")
    ws = wb[sheet_title("care_homes")]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    # Older people's care homes, total row: 18 homes, 672 beds (9 + 9 homes; 190 + 482 beds).
    total = [c for c in ws[4]]
    assert total[0].value == "Total" and total[2].value == 18 and total[3].value == 672
    assert type(total[3].value) is int and total[3].number_format == "#,##0"
    fin = wb[sheet_title("finance")]
    assert fin["D2"].number_format.startswith('"£"') and fin["D2"].value == 377826000
    contracts = wb[sheet_title("contracts")]
    start = contracts["I2"]  # Start date of LBL-CS-2015-001, 2015-04-01 in the register
    assert contracts["I1"].value == "Start date" and start.is_date and start.number_format == "yyyy-mm-dd"
    assert start.value.date() == dt.date(2015, 4, 1)
    demand = wb[sheet_title("demand")]
    year = demand.cell(row=2, column=[c.value for c in demand[1]].index("Year") + 1)
    assert year.value == 2017 and type(year.value) is int and year.number_format == "0"
    prices = wb[sheet_title("prices")]
    assert prices["F1"].value == "Council's rate (£)" and prices["F2"].value == 15.9
    assert prices["F2"].number_format == '"£"#,##0.00'
    readme = [r[0] for r in wb["README"].iter_rows(values_only=True)]
    assert {"Suppression", "Authority", "Money", "CSV files"} <= set(readme)


def test_readme_documents_every_sheet_and_column(both):
    from domain.contract import EXPORT_TABLES
    from exports.xlsx_export import readme_glossary
    wb = load_workbook(both / "tables.xlsx")
    glossary = readme_glossary(wb["README"])
    assert set(glossary) == set(wb.sheetnames[1:])
    sheets = [r[0] for r in wb["README"].iter_rows(values_only=True)]
    assert all(name in sheets for name in wb.sheetnames[1:])
    table_of = {sheet_title(name): name for name in EXPORT_TABLES}
    for sheet, columns in glossary.items():
        assert all(c["meaning"] for c in columns), sheet
        declared = {c.name for c in EXPORT_TABLES[table_of[sheet]].all_columns}
        assert declared <= {c["machine"] for c in columns}, sheet
    money = next(c for c in glossary[sheet_title("finance")] if c["machine"] == "value_gbp")
    assert money == {"header": "Value (£)", "machine": "value_gbp", "unit": "£", "meaning": "Pounds"}


def test_sheet_tabs_are_named_in_words_within_a_spreadsheets_limits(both):
    """Every export table has one sheet title (domain.contract.SHEET_TITLES): words, not machine
    names, at most 31 characters, none of []:*?/\\, unique as Excel compares them (any case); the
    workbook's tabs are those titles, README first, and the README says which CSV each sheet is."""
    from domain.contract import EXPORT_TABLES, SHEET_TITLES
    assert set(SHEET_TITLES) == set(EXPORT_TABLES)
    titles = list(SHEET_TITLES.values())
    assert len({t.casefold() for t in titles} | {"readme"}) == len(titles) + 1
    for title in titles:
        assert 0 < len(title) <= 31 and not set(title) & set("[]:*?/\\"), title
        assert "_" not in title and title[0].isupper() and title.strip() == title, title
    wb = load_workbook(both / "tables.xlsx", read_only=True)
    names = [p.stem for p in sorted((both / "csv").glob("*.csv"))]
    assert sorted(wb.sheetnames[1:]) == sorted(sheet_title(n) for n in names if n != "README")
    assert {"Contracts", "Beds needed", "Care homes", "Performance indicators"} <= set(wb.sheetnames)
    rows = list(wb["README"].iter_rows(values_only=True))
    assert any(r[0] == "Beds needed" and str(r[1]).endswith("(CSV: beds_needed.csv)") for r in rows)


def test_suppressed_cells_carry_a_note(both):
    ws = load_workbook(both / "tables.xlsx")[sheet_title("practices")]
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
    titles = [r[1] for r in load_workbook(tmp_path / "t.xlsx")[sheet_title("contracts")].iter_rows(min_row=2, values_only=True)]
    assert any(str(t).startswith("'=HYPERLINK") for t in titles)
    assert not any(str(t).startswith("=") for t in titles)


def test_briefing_pack_html_has_the_headline_figures(sample_store, tmp_path):
    from exports.brief import write_brief
    text = write_brief(Store(sample_store), tmp_path / "pack.html").read_text()
    for figure in ["1,120", "1,293", "672", "482", "146.1", "Page \" counter(page)"]:
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


def test_the_csv_zip_says_it_keeps_machine_names_and_full_precision(sample_store):
    import io
    import zipfile
    from app import create_app
    client = create_app(sample_store).server.test_client()
    z = zipfile.ZipFile(io.BytesIO(client.get("/download/csv").data))
    assert "README.txt" in z.namelist() and "finance.csv" in z.namelist()
    readme = z.read("README.txt").decode("utf-8")
    assert "machine column names and full precision" in readme
    assert "  value_gbp (Value (£)) [£]: Pounds" in readme
    # Full precision (10 significant figures, not the workbook's one decimal place): older people's care
    # home beds per 1,000 aged 75+, 672 / 12,400 x 1,000 = 54.193548387...
    assert "care_home_beds_per_1000_75plus,E09000023,la,2017,672,12400,54.19354839," in z.read("gaps.csv").decode()


def test_the_brief_shows_workforce_measures_area_types_and_file_kinds_by_name(sample_store, tmp_path):
    import re
    from exports.brief import write_brief
    text = write_brief(Store(sample_store), tmp_path / "pack.html").read_text()
    # Skills for Care, Lewisham 2016/17: 6,100 filled posts (the sample's workforce file).
    assert "<td>Filled posts</td><td>Local authority</td><td>Lewisham</td>" in re.sub(r"<td[^>]*>", "<td>", text)
    for code in ("filled_posts", "vacancy_rate", ">la<", "skills_for_care_workforce", "asc_finance_unit_costs"):
        assert code not in text, code


def test_code_label_names_a_code_and_leaves_a_name_alone():
    from domain.labels import code_label
    assert code_label("client_group", "all_patients") == "All registered patients"
    assert code_label("measure", "clients_in_area") == "Clients in area"  # no entry: the key made readable
    assert code_label("service", "All services") == "All services" and code_label("dataset", "PANSI") == "PANSI"
    assert code_label("area_code", "E09000023", {"E09000023": "Lewisham"}) == "Lewisham"
