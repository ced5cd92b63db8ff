"""Loaders against the declared store contract (domain.contract), the shared vectorised CSV
read path, age bands through domain.vocabulary, and the real publishers' files in ../shared/real/
(read in place, never copied; they are required, so these tests never skip)."""
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, SAMPLE, real_file
from domain.contract import STORE_TABLES, ContractError, store_table
from domain.contract import PARTITIONED_TABLES
from loaders import LoadContext, finance, ons_population
from loaders.errors import InputError
from loaders.cells import parse_dates, parse_numbers, text_values
from loaders.sheets import read_sheets
from loaders.store import build_tables, conform_frame, ingest, load_file, load_folder, read_lookups
from store import Store

_LOGICAL = {"str": {"object", "str", "string"}, "date": {"object", "str", "string"},
            "int": {"int64", "Int64"}, "float": {"float64"}, "bool": {"bool", "boolean"}}


def assert_conforms(frame: pd.DataFrame, name: str) -> None:
    table = store_table(name)
    assert list(frame.columns) == table.names, name
    for col in table.all_columns:
        assert str(frame[col.name].dtype) in _LOGICAL[col.dtype], (name, col.name, frame[col.name].dtype)
        if col.dtype == "date":
            text = frame[col.name].dropna()
            assert text.map(lambda v: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v))).all(), (name, col.name)


@pytest.fixture(scope="module")
def sample_results():
    report, results, ctx = load_folder(SAMPLE)
    assert report.ok, [f.error for f in report.files if f.error]
    return results, ctx


def test_every_loader_output_for_the_sample_conforms(sample_results):
    results, _ = sample_results
    tables_seen = set()
    for _path, result in results:
        assert_conforms(result.frame, result.table)
        for name, extra in result.extra_tables.items():
            assert_conforms(extra, name)
        tables_seen.add(result.table)
    assert {"prevalence", "population", "indicators", "care_providers", "registrations", "contracts",
            "activity", "finance", "caseloads"} <= tables_seen


def test_written_store_holds_exactly_the_declared_tables_and_types(sample_store):
    for p in sorted(Path(sample_store).glob("*.parquet")):
        assert p.stem in STORE_TABLES, p.name
        assert_conforms(pd.read_parquet(p), p.stem)
    # Hidden folders are not tables (.downloads: the download cache a served store keeps, exports.downloads)
    partitioned = sorted(p.name for p in Path(sample_store).iterdir() if p.is_dir() and not p.name.startswith("."))
    assert set(partitioned) <= PARTITIONED_TABLES and {"prevalence", "population", "indicators"} <= set(partitioned)
    for name in partitioned:  # Hive-partitioned by area code, read back as declared
        assert name in STORE_TABLES, name
        assert_conforms(Store(sample_store).every_area(name), name)
    lookups = pd.read_parquet(Path(sample_store) / "lookup_neighbourhoods.parquet")
    assert str(lookups["tile_col"].dtype) == "float64"  # lookups are conformed too, not left as text


def test_a_loader_returning_a_wrong_column_is_caught_and_named(tmp_path, monkeypatch):
    real_load = finance.load

    def misspelt(sheets, ctx):
        result = real_load(sheets, ctx)
        result.frame = result.frame.rename(columns={"value_gbp": "value_gpb"})
        return result

    monkeypatch.setattr(finance, "load", misspelt)
    src = tmp_path / "src"
    src.mkdir()
    (src / "council_finance.csv").write_bytes((SAMPLE / "council_finance.csv").read_bytes())
    report = ingest(src, tmp_path / "store")
    assert not report.ok and not (tmp_path / "store").exists()
    error = report.files[0].error
    assert "council_finance.csv" in error and "store contract" in error and "bug in the dashboard" in error
    assert "value_gbp" in error and "value_gpb" in error


def test_a_contract_error_reaches_the_cli_as_one_line(tmp_path, monkeypatch, capsys):
    import mps_cli

    real_load = finance.load
    monkeypatch.setattr(finance, "load", lambda sheets, ctx: _drop_year(real_load(sheets, ctx)))
    src = tmp_path / "src"
    src.mkdir()
    (src / "council_finance.csv").write_bytes((SAMPLE / "council_finance.csv").read_bytes())
    code = mps_cli.main(["ingest", "--no-precompute", str(src), "--store", str(tmp_path / "store")])
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.out + out.err
    assert "store contract" in out.err and "year" in out.err


def _drop_year(result):
    result.frame = result.frame.drop(columns=["year"])
    return result


def test_conform_rejects_undeclared_and_uncastable_columns():
    frame = store_table("finance").empty()
    frame["surprise"] = []
    with pytest.raises(ContractError, match="undeclared"):
        conform_frame(frame, "finance")
    bad = pd.DataFrame({c: ["x"] for c in store_table("finance").names})
    with pytest.raises(ContractError, match="year"):
        conform_frame(bad, "finance")


def test_a_lookup_without_its_key_column_is_bad_input(tmp_path):
    (tmp_path / "practices.csv").write_text("code,practice_name\nA1,One\n")
    with pytest.raises(InputError) as e:
        read_lookups(tmp_path, tmp_path)
    assert e.value.file == "practices.csv" and "practice_code" in str(e.value)
    (tmp_path / "practices.csv").write_text("practice_code,practice_name\nA1,One\n")
    (tmp_path / "neighbourhoods.csv").write_text("neighbourhood_code,neighbourhood_name,number,tile_col\nN1,One,1,\n")
    lookups = read_lookups(tmp_path, tmp_path)
    practices, hoods = lookups["lookup_practices"], lookups["lookup_neighbourhoods"]
    assert list(practices.columns) == store_table("lookup_practices").names
    assert practices["code_source"].isna().all()  # a declared column the lookup lacks is empty
    assert hoods["tile_col"].isna().all() and str(hoods["tile_col"].dtype) == "float64"


def test_build_tables_settles_one_type_per_column_across_files(sample_results):
    results, ctx = sample_results
    tables = build_tables(results, ctx)
    for name, frame in tables.items():
        assert_conforms(frame, name)


# --------------------------------------------------------------------------- the CSV read path

TRICKY = ('\ufeff"Contracts register, as at 1 April 2024"\r\n'
          '\r\n'
          'Reference,Title,Value,Note\r\n'
          'C1,"Home care,\r\nnorth","1,234",plain\r\n'
          'C2,"He said ""yes""",£2,500.50\r\n'
          '  ,,,\r\n'
          'C3,Short\r\n')


def test_tricky_csv_reads_like_the_csv_module(tmp_path):
    path = tmp_path / "tricky.csv"
    path.write_bytes(TRICKY.encode("utf-8"))
    sheet, = read_sheets(path)
    expected = list(csv.reader(io.StringIO(TRICKY.lstrip("\ufeff"))))
    width = max(len(r) for r in expected)
    expected = [[c if c.strip() else None for c in r] + [None] * (width - len(r)) for r in expected]
    assert sheet.cells.shape == (7, 4)
    assert sheet.cells.values.tolist() == expected
    assert sheet.cells.iat[0, 0] == "Contracts register, as at 1 April 2024"  # BOM gone, comma kept
    assert sheet.cells.iat[3, 1] == "Home care,\r\nnorth"  # quoted line break kept in the cell
    assert sheet.cells.iat[3, 2] == "1,234"  # thousands separator is not a column break
    assert sheet.cells.iat[4, 1] == 'He said "yes"'
    assert sheet.row_number(6) == 7 and sheet.cells.iloc[5].isna().all()
    values = parse_numbers(sheet.cells[2].iloc[3:5], [4, 5], file=path, column="Value")
    assert values.tolist() == [1234.0, 2.0]  # "£2" then "500.50" is the next cell


def test_csv_with_unbalanced_quotes_or_old_mac_line_ends(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"a,b\r1,2,3\r4\r")
    assert read_sheets(path)[0].cells.values.tolist() == [["a", "b", None], ["1", "2", "3"], ["4", None, None]]
    path = tmp_path / "stray.csv"
    path.write_bytes(b'a,b\n5 foot 10" tall,2\nx,y,z\n')
    assert read_sheets(path)[0].cells.shape == (3, 3)


def test_text_values_matches_cell_text_on_mixed_cells():
    from loaders.cells import cell_text
    mixed = pd.Series([" a ", None, 2.0, 2.5, np.nan, True, "", 7], dtype=object)
    assert text_values(mixed).tolist() == [cell_text(v) for v in mixed]
    assert text_values(pd.Series([" x", None], dtype=object)).tolist() == ["x", ""]


def test_column_parsers_give_the_first_bad_row_and_notes_in_order():
    notes = []
    out = parse_numbers(["1", "*", "2,000", None], [2, 3, 4, 5], file="f.csv", column="N", notes=notes)
    assert out.tolist()[::2] == [1.0, 2000.0] and len(notes) == 1 and "row 3" in notes[0]
    with pytest.raises(InputError) as e:
        parse_numbers(["1", "-1", "x"], [2, 3, 4], file="f.csv", column="N")
    assert e.value.row == 3 and "negative" in e.value.problem
    with pytest.raises(InputError) as e:
        parse_dates(["01/04/2020", "01/04/2020", "soon", "later"], [2, 3, 4, 5], file="f.csv", column="D")
    assert (e.value.row, e.value.column) == (4, "D")


# --------------------------------------------------------------------------- age bands

@pytest.mark.parametrize("text,band", [("0", "0-4"), ("89", "85-89"), ("90 and over", "90+"),
                                       ("Aged 90+", "90+"), ("All ages", "all"), (7.0, "5-9"),
                                       ("85+", ""), ("twelve", ""), ("10-14", "")])
def test_ons_single_year_bands_come_from_the_vocabulary(text, band):
    assert ons_population.age_band(text) == band


# --------------------------------------------------------------------------- real publishers' files

def real(relative: str) -> Path:
    return real_file(relative)


def test_real_fingertips_crlf_and_quoted_line_break():
    path = real("fingertips/fingertips-county-ua-campylobacter-2015-17.csv")
    raw = path.read_bytes()
    assert b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    expected = list(csv.reader(io.StringIO(text)))
    cells = read_sheets(path)[0].cells
    assert cells.shape == (len(expected), max(map(len, expected)))
    assert any("\n" in c for c in cells.stack().dropna())  # the quoted line break is one cell
    width = cells.shape[1]
    assert cells.values.tolist() == [[c if c.strip() else None for c in r] + [None] * (width - len(r))
                                     for r in expected]
    report, result = load_file(path, LoadContext())
    assert report.ok and report.kind == "fingertips"
    assert_conforms(result.frame, "indicators")
    assert (result.frame.area_type == "la").sum() > 100 and (result.frame.indicator_id == 93356).all()


def test_real_gp_totals_file():
    report, result = load_file(real("nhs-digital/gp-reg-pat-prac-all-jan2021.csv"), LoadContext())
    assert report.ok and report.kind == "gp_registrations_totals", report.error
    f = result.frame
    assert_conforms(f, "registrations")
    assert report.rows_read == 6658 and len(f) == 6658 and f.patients.dtype == "int64"
    assert set(f.age_band) == {"all"} and set(f.sex) <= {"persons", "male", "female"}
    assert (f.extract_date == f.extract_date.iloc[0]).all() and result.meta["ccg_vocabulary"] == "CCG_CODE"


def test_real_snpp_excerpt_bands_sum_to_the_total():
    report, result = load_file(real("ons/2022 SNPP Population persons (County Durham excerpt).csv"), LoadContext())
    assert report.ok and report.kind == "ons_snpp", report.error
    f = result.frame
    assert_conforms(f, "population")
    year = int(f.year.min())
    one = f[(f.year == year) & (f.sex == "persons")]
    bands = one[one.age_band != "all"]
    assert len(bands) == 19 and "90+" in set(bands.age_band)
    assert bands.value.sum() == pytest.approx(one[one.age_band == "all"].value.iloc[0])


def test_real_fingertips_practice_export_and_ward_boundaries():
    report, result = load_file(real("fingertips/fingertips-gp-practice-imd2019.csv"), LoadContext())
    assert report.ok, report.error
    assert_conforms(result.frame, "indicators")
    report, result = load_file(real("lewisham-open-data/lbl_wd22.geojson"), LoadContext())
    assert report.ok and report.rows_read == 19, report.error
    assert_conforms(result.frame, "boundaries")


# --------------------------------------------------------------------------- no authority in code

def test_loaders_name_no_authority_or_neighbourhood():
    names = set()
    files = [(ROOT / "data" / "lookups" / "areas.csv", ["area_name"])]
    files += [(p, ["neighbourhood_name"]) for p in (ROOT / "data" / "authorities").glob("*/neighbourhoods.csv")]
    files += [(p, ["ward_name"]) for p in (ROOT / "data" / "authorities").glob("*/wards.csv")]
    for file, cols in files:
        table = pd.read_csv(file, dtype=str, keep_default_na=False)
        names |= {n for c in cols for n in table[c] if n and n not in {"England"}}
    words = {w for n in names for w in re.findall(r"[A-Z][a-z]{3,}", n)} - {
        "North", "South", "East", "West", "Central", "London", "Yorkshire", "Humber", "Midlands",
        "Park", "Hill", "Town", "Lane", "Green", "Common", "Vale", "Bridge", "England", "City"}
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, words))) + r")\b")
    hits = [(p.name, m.group(0)) for p in sorted((ROOT / "loaders").glob("*.py"))
            for m in pattern.finditer(p.read_text())]
    assert not hits, hits
    codes = re.compile(r"\bE0[6-9]\d{6}\b")  # no local authority GSS code either
    assert not [p.name for p in (ROOT / "loaders").glob("*.py") if codes.search(p.read_text())]


def test_loader_functions_are_small_steps():
    import ast
    long = []
    for p in sorted((ROOT / "loaders").glob("*.py")):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                doc = ast.get_docstring(node) or ""
                if lines > 50 and "long because" not in doc:
                    long.append(f"{p.name}:{node.name} ({lines} lines)")
    assert not long, long


def test_an_empty_declared_table_is_a_new_copy_of_one_built_once():
    """`Table.empty()`: the declared columns and types with no rows, built once per table (a
    column-by-column build cost ~5 ms, asked for many times a visit by another authority's view of
    the council's own tables) and handed out as a copy, so a caller's change stays its own."""
    from domain.contract import STORE_TABLES, _empty_frame
    table = STORE_TABLES["activity"]
    _empty_frame.cache_clear()
    first = table.empty()
    assert list(first.columns) == table.names and len(first) == 0
    assert [str(first[c.name].dtype) for c in table.all_columns] == [
        str(pd.Series(dtype={"str": "object", "int": "Int64", "float": "float64", "bool": "boolean",
                             "date": "object"}[c.dtype]).dtype) for c in table.all_columns]
    first["extra"] = 1
    first.loc[0] = None
    again = table.empty()
    assert list(again.columns) == table.names and again.empty
    assert _empty_frame.cache_info().misses == 1 and _empty_frame.cache_info().hits == 1
