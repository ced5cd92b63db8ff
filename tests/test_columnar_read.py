"""The CSV fast paths give exactly what the cell-by-cell route gives.

Two fast paths: `_edge_space_in_csv` judges once from a CSV's bytes that no cell can begin or end
with whitespace (so no column is scanned for it), and `plain_numbers` reads a column of plain
numbers with one Arrow cast instead of `pandas.to_numeric`. Each test loads a file twice, with the
fast paths on and forced off, and compares the conformed frames, warnings and errors."""
import pandas as pd
import pytest

from loaders import csv_arrow, fingertips, gp_registrations, ons_population
from loaders import cells as cell_parsing
from loaders.errors import InputError
from loaders.sheets import read_sheets
from loaders.store import conform_result
from conftest import SAMPLE, real_file, write_csv

MODULES = [cell_parsing, gp_registrations, ons_population, fingertips]


def slow_route(monkeypatch):
    """Every fast path off: each column scanned for edge spaces, numbers through to_numeric."""
    monkeypatch.setattr(csv_arrow, "_edge_space_in_csv", lambda *a: True)
    for m in MODULES:
        if hasattr(m, "plain_numbers"):
            monkeypatch.setattr(m, "plain_numbers", lambda values: None)


def load(path, module, ctx):
    result = conform_result(module.load(read_sheets(path), ctx))
    return result.frame, result.warnings, result.rows_read, {k: v for k, v in result.extra_tables.items()}


def both_routes(path, module, ctx, monkeypatch):
    fast = load(path, module, ctx)
    with monkeypatch.context() as m:
        slow_route(m)
        slow = load(path, module, ctx)
    return fast, slow


def assert_same(fast, slow):
    pd.testing.assert_frame_equal(fast[0], slow[0], check_exact=True)
    assert list(fast[0].dtypes) == list(slow[0].dtypes)
    assert fast[1:3] == slow[1:3]
    assert fast[3].keys() == slow[3].keys()
    for k in fast[3]:
        pd.testing.assert_frame_equal(fast[3][k], slow[3][k], check_exact=True)


FILES = [
    (lambda: SAMPLE / "gp-reg-pat-prac-quin-age.csv", gp_registrations),
    (lambda: SAMPLE / "gp-reg-pat-prac-all.csv", gp_registrations),
    (lambda: SAMPLE / "fingertips_lewisham_indicators.csv", fingertips),
    (lambda: SAMPLE / "fingertips_older_export.csv", fingertips),
    (lambda: SAMPLE / "2014 SNPP Population persons.csv", ons_population),
    (lambda: SAMPLE / "2014 SNPP Population females.csv", ons_population),
    (lambda: real_file("nhs-digital/gp-reg-pat-prac-all-jan2021.csv"), gp_registrations),
    (lambda: real_file("fingertips/fingertips-gp-practice-imd2019.csv"), fingertips),
    (lambda: real_file("fingertips/fingertips-county-ua-campylobacter-2015-17.csv"), fingertips),
    (lambda: real_file("ons/2022 SNPP Population persons (County Durham excerpt).csv"), ons_population),
]


@pytest.mark.parametrize("file, module", FILES, ids=[
    "sample-gp-quinary", "sample-gp-totals", "sample-fingertips", "sample-fingertips-older",
    "sample-snpp-persons", "sample-snpp-females", "real-gp-totals", "real-fingertips-imd",
    "real-fingertips-crlf", "real-snpp-durham"])
def test_fast_and_slow_routes_give_identical_frames(file, module, ctx, monkeypatch):
    fast, slow = both_routes(file(), module, ctx, monkeypatch)
    assert len(fast[0]) > 0
    assert_same(fast, slow)


def test_the_fast_paths_are_taken_on_a_plain_national_style_file(tmp_path, ctx, monkeypatch):
    """A clean GP file is settled without a per-column edge scan and with the Arrow cast."""
    path = write_csv(tmp_path / "gp-reg-pat-prac-quin-age.csv", [
        "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS".split(","),
        ["P", "01APR2021", "GP", "G85004", "NA", "SE13 6JU", "MALE", "0_4", "120"],
        ["P", "01APR2021", "GP", "G85004", "NA", "SE13 6JU", "FEMALE", "0_4", "1e2"]])
    data = path.read_bytes()
    assert edge_space(data) is False
    assert list(cell_parsing.plain_numbers(pd.Series(["120", "1e2", None]))[:2]) == [120.0, 100.0]
    frame = load(path, gp_registrations, ctx)[0]
    assert frame["patients"].tolist() == [120, 100]
    assert frame["practice_postcode"].tolist() == ["SE13 6JU", "SE13 6JU"]


@pytest.mark.parametrize("data, spaced", [
    (b"a,b\n1,2\n", False), (b"a,b\r\n1,2\r\n", False), (b"a,b \n1,2\n", True), (b"a, b\n1,2\n", True),
    (b" a,b\n1,2", True), (b"a,b\n1,2 ", True), (b'a,"b "\n1,2\n', True), (b'a,"b\r"\n1,2\n', True),
    (b"a,b\t\n1,2\n", True), ("a,b\n1,\u00a02\n".encode(), True),
    (b'a,"x, y"\n1,2\n', False), (b'a,"x ,y"\r\n1,"2, 3"\r\n', False), (b'a," x,y"\n1,2\n', True),
    (b'a,"x,y "\n1,2\n', True), (b'a,"x\ny"\n1,2\n', True), (b'a,b\n\n1,2\n', False),
    (b"\xef\xbb\xbfa,b\n1,2\n", False), (b"\xef\xbb\xbf a,b\n1,2\n", True), ("\ufeffa,b\n1,caf\u00e9\n".encode(), True)])
def test_edge_space_judged_from_the_bytes(data, spaced):
    assert edge_space(data) is spaced


def edge_space(data: bytes) -> bool:
    """`_read_csv`'s verdict: the shape scan's, then the file-level checks."""
    from pathlib import Path
    records = len(csv_arrow._parse_csv(data, "utf-8", ",", csv_arrow._csv_shape(Path("x.csv"), data, ",")[0]))
    return csv_arrow._edge_space_in_csv(data, ",", records, csv_arrow._csv_shape(Path("x.csv"), data, ",")[1])


@pytest.mark.parametrize("cells", [["1", "nan"], ["1", "inf"], ["1,234"], ["£5"], ["*"], [True], ["1", " 2"]])
def test_anything_but_a_plain_number_leaves_the_cast_to_the_slow_route(cells):
    assert cell_parsing.plain_numbers(pd.Series(cells, dtype=object)) is None


BAD = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n"


@pytest.mark.parametrize("body, message", [
    ("P,01APR2021,GP,G85004,NA,SE13 6JU,MALE,0_4,12\nP,01APR2021,GP,G85004,NA,SE13 6JU,FEMALE,0_4,-3\n",
     "gp-reg-pat-prac-quin-age.csv, row 3, column 'NUMBER_OF_PATIENTS': found a negative value (-3) "
     "(expected a count of zero or more)"),
    ("P,01APR2021,GP,G85004,NA,SE13 6JU,MALE,0_4,12\nP,01APR2021,GP,G85004,NA,SE13 6JU,FEMALE,0_4,lots\n",
     "gp-reg-pat-prac-quin-age.csv, row 3, column 'NUMBER_OF_PATIENTS': found 'lots' where a number belongs "
     "(expected a number such as 1,234 or £1,234.50)"),
    ("P,01APR2021,GP,G85004,NA,SE13 6JU,MALE,0_4,12\nP,01APR2021,GP,G85004\n",
     "gp-reg-pat-prac-quin-age.csv, row 3, column 'SEX': found '' where a sex belongs (expected ALL, MALE or FEMALE)"),
])
def test_a_file_that_forces_the_slow_route_gives_the_same_located_error(tmp_path, ctx, monkeypatch, body, message):
    path = tmp_path / "gp-reg-pat-prac-quin-age.csv"
    path.write_text(BAD + body, encoding="latin-1")
    with pytest.raises(InputError) as fast:
        load(path, gp_registrations, ctx)
    with monkeypatch.context() as m:
        slow_route(m)
        with pytest.raises(InputError) as slow:
            load(path, gp_registrations, ctx)
    assert fast.value.message == slow.value.message == message


def test_ons_year_block_with_a_bad_cell_gives_the_same_error_both_ways(tmp_path, ctx, monkeypatch):
    src = (SAMPLE / "2014 SNPP Population persons.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = src[6].split(",")
    cells[-1] = "12x"
    src[6] = ",".join(cells)
    path = tmp_path / "2014 SNPP Population persons.csv"
    path.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as fast:
        load(path, ons_population, ctx)
    with monkeypatch.context() as m:
        slow_route(m)
        with pytest.raises(InputError) as slow:
            load(path, ons_population, ctx)
    assert fast.value.message == slow.value.message
    assert "row 7" in fast.value.message and "'12x'" in fast.value.message


def test_the_arrow_cast_reads_every_plain_number_as_pandas_does():
    """Same float64, bit for bit, for short and 20-digit decimals, integers and exponents."""
    import numpy as np
    rng = np.random.default_rng(14)
    x = (rng.random(5000) * 10.0 ** rng.integers(-5, 8, 5000)).tolist()
    cells = pd.Series([repr(v) for v in x] + [f"{v:.20g}" for v in x] + [f"{v:.25f}" for v in x[:500]]
                      + ["0", "-0", "007", "1e5", "-2.5E-3", "+4", None], dtype=object)
    fast = cell_parsing.plain_numbers(cells)
    assert fast is not None
    assert np.array_equal(fast, pd.to_numeric(cells).to_numpy(dtype="float64"), equal_nan=True)
