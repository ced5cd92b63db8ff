import pytest

from loaders import gp_registrations as gp
from loaders.errors import InputError
from loaders.sheets import read_sheets
from domain.contract import store_table
from conftest import write_csv


def columns(table):
    return store_table(table).names

QUIN = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS".split(",")
TOTALS_CCG = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS".split(",")
TOTALS_ICB = ("PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,"
              "POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS").split(",")
PUB = "Patients Registered at a GP Practice"


def quinary(date="01-Apr-20"):
    return [QUIN,
            [PUB, date, "GP", "G85004", "", "SE13 6JU", "MALE", "0_4", "120"],
            [PUB, date, "GP", "G85004", "", "SE13 6JU", "FEMALE", "95+", "7"],
            [PUB, date, "GP", "G85004", "", "SE13 6JU", "ALL", "ALL", "9,876"],
            [PUB, date, "PCN", "U12345", "", "", "ALL", "ALL", "40000"],
            [PUB, date, "SUB_ICB_LOCATION", "72Q", "E38000244", "", "ALL", "ALL", "2000000"],
            [PUB, date, "CCG", "08L", "E38000098", "", "MALE", "0_4", "15000"],
            [PUB, date, "GP", "G85124", "", "SE6 3BT", "FEMALE", "90_94", "0"]]


def totals(header, date):
    return [header,
            [PUB, date, "GP", "72Q", "E38000244", "G85005", "SE6 4RU", "ALL", "ALL", "14321"],
            [PUB, date, "GP", "72Q", "E38000244", "G85005", "SE6 4RU", "MALE", "ALL", "7000"],
            [PUB, date, "CCG", "72Q", "E38000244", "72Q", "", "ALL", "ALL", "3000000"]]


def load(path, ctx):
    sheets = read_sheets(path)
    assert gp.sniff(sheets)
    return gp.load(sheets, ctx)


def test_quinary_latin1(tmp_path, ctx):
    rows = quinary()
    rows[1][0] = "Patients Registered at a GP Practice – April 2020"  # a non-ASCII dash
    path = write_csv(tmp_path / "gp-reg-pat-prac-quin-age.csv", rows, encoding="cp1252")
    result = load(path, ctx)
    f = result.frame
    assert result.kind == "gp_registrations_quinary" and result.table == "registrations"
    assert list(f.columns) == columns("registrations")
    assert result.rows_read == 7 and len(f) == 4
    assert any("not kept" in w and "PCN: 1" in w for w in result.warnings)
    assert f.age_band.tolist() == ["0-4", "95+", "all", "90-94"]
    assert f.sex.tolist() == ["male", "female", "persons", "female"]
    assert f.patients.tolist() == [120, 7, 9876, 0] and str(f.patients.dtype) == "int64"
    assert (f.extract_date == "2020-04-01").all() and result.meta["extract_date"] == "2020-04-01"
    assert f.ccg_code.isna().all() and f.ccg_code.iloc[0] is None
    assert f.practice_code.tolist() == ["G85004"] * 3 + ["G85124"]
    assert f.practice_postcode.iloc[0] == "SE13 6JU"
    assert f.source_row.tolist() == [2, 3, 4, 8] and f.source_sheet.isna().all()
    assert f.publication.iloc[0].startswith("Patients Registered")


@pytest.mark.parametrize("header,date,iso", [(TOTALS_CCG, "01APR2021", "2021-04-01"),
                                             (TOTALS_ICB, "2024-06-01", "2024-06-01"),
                                             (TOTALS_CCG, "01-Apr-20", "2020-04-01")])
def test_totals_both_vocabularies_and_date_forms(tmp_path, ctx, header, date, iso):
    path = write_csv(tmp_path / "gp-reg-pat-prac-all.csv", totals(header, date))
    result = load(path, ctx)
    f = result.frame
    assert result.kind == "gp_registrations_totals"
    assert list(f.columns) == columns("registrations")
    assert result.rows_read == 3 and len(f) == 2
    assert f.age_band.tolist() == ["all", "all"] and f.sex.tolist() == ["persons", "male"]
    assert f.patients.tolist() == [14321, 7000]
    assert (f.ccg_code == "72Q").all() and (f.practice_code == "G85005").all()
    assert (f.extract_date == iso).all()
    assert result.meta["ccg_vocabulary"] == header[3]


def test_quinary_iso_date(tmp_path, ctx):
    path = write_csv(tmp_path / "q.csv", quinary("2024-06-01"))
    assert (load(path, ctx).frame.extract_date == "2024-06-01").all()


def test_sniff_only_gp_files(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["AREA_CODE", "AGE_GROUP", "2018"], ["E09000023", "0", "1"]])
    assert not gp.sniff(read_sheets(path))
    assert "gp_registrations_quinary" in gp.KINDS and "gp_registrations_totals" in gp.KINDS


def bad(tmp_path, rows):
    return read_sheets(write_csv(tmp_path / "bad.csv", rows))


def test_missing_column_names_it_and_lists_present(tmp_path, ctx):
    rows = [[c for c in r] for r in quinary()]
    drop = QUIN.index("SEX")
    rows = [r[:drop] + r[drop + 1:] for r in rows]
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    err = e.value
    assert err.file == "bad.csv" and err.row == 1
    assert "SEX" in err.problem and "columns present were" in str(err) and "AGE_GROUP_5" in str(err)


def test_text_in_count(tmp_path, ctx):
    rows = quinary()
    rows[3][-1] = "lots"
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    assert (e.value.file, e.value.row, e.value.column) == ("bad.csv", 4, "NUMBER_OF_PATIENTS")
    assert "'lots'" in str(e.value)


def test_negative_count(tmp_path, ctx):
    rows = quinary()
    rows[2][-1] = "-3"
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    assert (e.value.row, e.value.column) == (3, "NUMBER_OF_PATIENTS")
    assert "negative" in str(e.value)


def test_blank_count_in_a_practice_row(tmp_path, ctx):
    rows = quinary()
    rows[1][-1] = ""
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    assert (e.value.row, e.value.column) == (2, "NUMBER_OF_PATIENTS") and "blank" in str(e.value)


def test_unparseable_date(tmp_path, ctx):
    rows = quinary()
    rows[5][1] = "April 2020ish"
    rows[5][2] = "GP"
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    assert (e.value.file, e.value.row, e.value.column) == ("bad.csv", 6, "EXTRACT_DATE")
    assert "where a date belongs" in str(e.value)


def test_bad_sex_and_age(tmp_path, ctx):
    rows = quinary()
    rows[2][6] = "UNKNOWN"
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    assert (e.value.row, e.value.column) == (3, "SEX")
    rows = quinary()
    rows[2][7] = "old"
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, rows), ctx)
    assert (e.value.row, e.value.column) == (3, "AGE_GROUP_5")


def test_no_header_row(tmp_path, ctx):
    with pytest.raises(InputError) as e:
        gp.load(bad(tmp_path, [["Patients registered"], ["G85004", "12"]]), ctx)
    assert e.value.file == "bad.csv" and e.value.row is None and e.value.column is None
    assert "no header row" in str(e.value)
