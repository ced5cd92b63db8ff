"""Numbers, dates and names at the edges, written into publishers' files and read by the real
loaders: each file is refused in one line naming the file and row, or loaded with every
value inside its plausible range (domain.plausibility) or missing, so no figure can show an absurd
number. Never a traceback. Examples are bounded and derandomised: quick and the same every run."""
import datetime as dt
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_csv, write_xlsx
from domain import plausibility
from loaders import LoadContext
from loaders.store import load_file

EDGE = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
CTX = LoadContext(area_code="E09000023", area_name="Lewisham")

EDGE_NUMBERS = ["1e308", "1e309", "-1e308", "Infinity", "-Infinity", "inf", "NaN", "nan", "1,2,3", "1,23",
                "1,234", "1,234,567", "12,34,567", "0", "-0", "-1", "(5)", "5%", "£1,000", "£-5", "1_000",
                "0x10", "١٢٣", "1e-320", " 12 ", "10000000", "9223372036854775808", "1.5", "300001",
                "1 234", "1  234", "+7", "--7", ".5", "5.", "e5", "1e", "", "*", "c", "n/a"]
EDGE_DATES = ["01/01/0001", "31/12/9999", "29/02/2001", "29/02/2000", "00/00/0000", "1/1/1", "01-Apr-20",
              "01APR2021", "2020-13-01", "31/12/1899", "01/01/1900", "31/12/2100", "01/01/2101", "01/01/1989",
              "01/01/1990", "99/99/99", "31/03/18", "01/01/70", "", "TBC", "0001-01-01", "9999-12-31"]


def number_text():
    return st.one_of(st.sampled_from(EDGE_NUMBERS),
                     st.floats(allow_nan=True, allow_infinity=True).map(repr),
                     st.integers(-10 ** 22, 10 ** 22).map(str),
                     st.integers(0, 10 ** 12).map(lambda n: f"{n:,}"))


def date_text():
    return st.one_of(st.sampled_from(EDGE_DATES),
                     st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(
                         lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"))


def name_text():
    return st.one_of(st.sampled_from(["=1+1", "@SUM(A1)", "-", "Acme Care\r@SUM(1+1)", "\u202eevil", "x" * 5000]),
                     st.text(max_size=60))


def within_rules(result) -> None:
    """Every value the loader will store is finite, and inside its column's range or window, or missing."""
    for name, frame in {result.table: result.frame, **result.extra_tables}.items():
        for column in frame.columns:
            rule = plausibility.range_for(name, column)
            window = plausibility.window_for(name, column)
            values = frame[column]
            if values.dtype.kind == "f" or str(values.dtype) in ("Int64", "Float64"):
                numbers = values.to_numpy(dtype="float64", na_value=np.nan)
                assert not np.isinf(numbers).any(), (name, column)
                if rule:
                    kept = numbers[~np.isnan(numbers)]
                    assert ((kept >= rule.low) & (kept <= rule.high)).all(), (name, column, kept)
            if column in ("year", "census_year"):
                years = values.to_numpy(dtype="float64", na_value=np.nan)
                assert ((years >= 1900) & (years <= 2100) | np.isnan(years)).all(), (name, column)
            if window:
                dates = [v for v in values if isinstance(v, str)]
                assert all(window.earliest.isoformat() <= d <= window.latest.isoformat() for d in dates), dates


def loads_or_refuses_by_name(name: str, write) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / name)
        report, result = load_file(path, CTX)  # must not raise
    if report.ok:
        within_rules(result)
        return result
    assert report.error.startswith(name + ","), report.error
    assert "row " in report.error, report.error
    assert "\n" not in report.error and "Traceback" not in report.error
    return None


CONTRACT_HEADER = ["Reference Number", "Title of agreement", "Supplier Name", "Start Date", "End Date",
                   "Total Contract Value", "Estimated Annual Value"]


@EDGE
@given(total=number_text(), annual=number_text(), start=date_text(), end=date_text(), supplier=name_text())
def test_a_contracts_register_at_the_edges(total, annual, start, end, supplier):
    rows = [CONTRACT_HEADER,
            ["R-1", "Home care for older people", supplier, start, end, total, annual],
            ["R-2", "Day care", "Acme Ltd", "01/04/2017", "31/03/2020", "£300,000", ""]]
    result = loads_or_refuses_by_name("register.csv", lambda p: write_csv(p, rows))
    if result is not None:
        frame = result.frame
        # the plain row beside it is read as written, whatever the other holds: £300,000 over
        # 01/04/2017-31/03/2020 (1,096 days, 3.0007 years) is £99,977.19 a year
        steady = frame.iloc[1]
        assert steady["total_value"] == 300_000 and math.isclose(steady["annual_value"], 99_977.19, abs_tol=0.005)


CQC_HEADER = ["Location ID", "Location Name", "Care home?", "Care homes beds", "Location Local Authority",
              "Location Latitude", "Location Longitude", "Location HSCA start date", "Service user band - Older People"]


def cell(text: str):
    """A number as a spreadsheet would hold it where it is one, else the text."""
    try:
        return float(text) if text.strip() and text.strip().lower() not in ("nan", "inf", "-inf", "infinity") else text
    except ValueError:
        return text


@EDGE
@given(beds=number_text(), latitude=number_text(), start=date_text(), name=name_text(), as_number=st.booleans())
def test_a_care_directory_at_the_edges(beds, latitude, start, name, as_number):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # what no .xlsx can hold
    name = ILLEGAL_CHARACTERS_RE.sub("", name)
    rows = [CQC_HEADER,
            ["1-1", name, "Y", cell(beds) if as_number else beds, "Lewisham", latitude, "-0.02", start, "Y"],
            ["1-2", "Steady Home", "Y", 40, "Lewisham", 51.45, -0.02, "01/10/2010", "Y"]]
    result = loads_or_refuses_by_name("HSCA_Active_Locations.xlsx",
                                      lambda p: write_xlsx(p, {"HSCA_Active_Locations": rows}))
    if result is not None:
        beds_read = pd.array(result.frame["beds"], dtype="Float64")
        assert beds_read[1] == 40
        assert result.meta["care_home_beds"] <= 40 + 1_000  # the directory's summary: never absurd


@EDGE
@given(patients=number_text(), extract=date_text(), code=name_text())
def test_a_practice_list_at_the_edges(patients, extract, code):
    header = ["PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE", "CODE", "POSTCODE", "SEX", "AGE",
              "NUMBER_OF_PATIENTS"]
    rows = [header, ["GP_PRAC_PAT_LIST", extract, "GP", "72Q", "E38000098", code or "G1", "SE6 1AA", "ALL", "ALL",
                     patients],
            ["GP_PRAC_PAT_LIST", extract, "GP", "72Q", "E38000098", "G85005", "SE6 1AA", "ALL", "ALL", "9000"]]
    loads_or_refuses_by_name("gp-reg-pat-prac-all.csv", lambda p: write_csv(p, rows))


def sample_rows(name: str) -> list[list[str]]:
    import csv
    import io

    from conftest import SAMPLE
    return list(csv.reader(io.StringIO((SAMPLE / name).read_text(encoding="utf-8-sig"))))


FINGERTIPS = sample_rows("fingertips_lewisham_indicators.csv")
SNPP = sample_rows("2014 SNPP Population persons.csv")


@EDGE
@given(indicator=number_text(), value=number_text(), count=number_text(), period=date_text())
def test_a_fingertips_export_at_the_edges(indicator, value, count, period):
    rows = [list(r) for r in FINGERTIPS]
    header = rows[0]
    for column, text in (("Indicator ID", indicator), ("Value", value), ("Count", count), ("Time period", period)):
        rows[1][header.index(column)] = text
    loads_or_refuses_by_name("fingertips_lewisham_indicators.csv", lambda p: write_csv(p, rows))


@EDGE
@given(people=st.lists(number_text(), min_size=1, max_size=3), year=st.sampled_from(["2014", "0001", "9999", "14"]))
def test_an_ons_projection_at_the_edges(people, year):
    rows = [list(r) for r in SNPP]
    rows[0][5] = year
    for j, text in enumerate(people):
        rows[1 + j][6] = text
    loads_or_refuses_by_name("2014 SNPP Population persons.csv", lambda p: write_csv(p, rows))


def test_a_projection_for_the_year_1_is_refused(tmp_path):
    rows = [list(r) for r in SNPP]
    rows[0][5] = "0001"
    report, _ = load_file(write_csv(tmp_path / "2014 SNPP Population persons.csv", rows), CTX)
    assert "found the year 1, outside the plausible range (expected a year from 1900 to 2100)" in report.error


def test_the_edge_cases_are_not_vacuous(tmp_path):
    """Both outcomes happen: a plain register loads; 1e309 is refused and 10,000,000 beds kept out."""
    plain = [CONTRACT_HEADER, ["R-1", "Day care", "Acme", "01/04/2017", "31/03/2020", "£300,000", ""]]
    report, result = load_file(write_csv(tmp_path / "register.csv", plain), CTX)
    assert report.ok and result.frame["total_value"].iloc[0] == 300_000
    plain[1][5] = "1e309"
    report, _ = load_file(write_csv(tmp_path / "register.csv", plain), CTX)
    assert "found '1e309', which is too large to be a number" in report.error
    rows = [CQC_HEADER, ["1-1", "Home", "Y", 10_000_000, "Lewisham", 51.45, -0.02, "01/10/2010", "Y"]]
    report, result = load_file(write_xlsx(tmp_path / "HSCA_Active_Locations.xlsx", {"HSCA_Active_Locations": rows}),
                               CTX)
    assert report.ok and pd.isna(result.frame["beds"].iloc[0]) and result.meta["care_home_beds"] == 0
    assert any("row 2 (10,000,000)" in w for w in report.warnings)

