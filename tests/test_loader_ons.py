import pytest

from loaders import ons_population
from loaders.errors import InputError
from loaders.sheets import read_sheets
from conftest import write_csv, write_xlsx


def snpp_rows():
    header = ["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP", "2018", "2019"]
    rows = [header]
    for age in list(range(0, 90)) + ["90 and over"]:
        rows.append(["E09000023", "Lewisham", "Population", "persons", str(age), "10", "11"])
    rows.append(["E09000023", "Lewisham", "Population", "persons", "All ages", "910", "1001"])
    return rows


def test_snpp_bands_and_totals(tmp_path, ctx):
    sheets = read_sheets(write_csv(tmp_path / "2018 SNPP Population persons.csv", snpp_rows()))
    assert ons_population.sniff(sheets)
    f = ons_population.load(sheets, ctx).frame.set_index(["age_band", "year"])["value"]
    assert f[("0-4", 2018)] == 50 and f[("85-89", 2019)] == 55 and f[("90+", 2018)] == 10
    assert f[("all", 2019)] == 1001


def test_mid_year_estimates_workbook(tmp_path, ctx):
    rows = [["Mid-year population estimates"],
            ["ladcode23", "laname23", "country", "sex", "age", "population_2011", "population_2012"]]
    for sex in "MF":
        for age in range(0, 91):
            rows.append(["E09000023", "Lewisham", "E", sex, age, 1, 2])
    sheets = read_sheets(write_xlsx(tmp_path / "myeb1.xlsx", {"MYEB1": rows}))
    assert ons_population.sniff(sheets)
    f = ons_population.load(sheets, ctx).frame.set_index(["sex", "age_band", "year"])["value"]
    assert f[("persons", "all", 2012)] == 2 * 91 * 2
    assert f[("male", "90+", 2011)] == 1 and f[("persons", "0-4", 2011)] == 10


def test_bad_age(tmp_path, ctx):
    rows = snpp_rows()
    rows[3][4] = "twelve"
    with pytest.raises(InputError) as e:
        ons_population.load(read_sheets(write_csv(tmp_path / "s.csv", rows)), ctx)
    assert (e.value.row, e.value.column) == (4, "AGE_GROUP")
