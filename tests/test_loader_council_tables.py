"""The shared reader of the council's own tables (loaders/council_tables.py, used by the activity,
finance and caseloads loaders): the header row found by its content below any title lines,
columns by name or synonym, an optional column left blank, a missing one named with its row."""
import pytest

from conftest import write_csv
from loaders.errors import InputError
from loaders.sheets import read_sheets
from loaders.council_tables import locate, read_table

FIELDS = {"period": ["Period", "Year"], "clients": ["Clients", "People"], "note": ["Note"]}


def test_the_header_is_found_below_a_title_and_columns_are_read_by_synonym(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Council-funded people, 2016/17"], [],
                                          ["Year", "People", "Other"], ["2016/17", "731", "x"], ["2015/16", "60", "y"]])
    sheets = read_sheets(path)
    sheet, h = locate(sheets, ["People"])
    assert sheet.row_number(h) == 3  # the third line of the file
    _, out = read_table(sheets, ["People"], FIELDS, optional={"note"})
    assert out["period"].tolist() == ["2016/17", "2015/16"] and out["clients"].tolist() == ["731", "60"]
    assert out["note"].isna().all() and "Other" not in out.columns  # optional: blank; unknown: not read
    assert out["_row"].tolist() == [4, 5]  # each row's line in the file


def test_a_missing_column_is_named_with_its_row_and_what_was_there(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Year", "People"], ["2016/17", "731"]])
    with pytest.raises(InputError) as e:
        read_table(read_sheets(path), ["Year"], {**FIELDS, "note": ["Note"]})
    assert "required column(s) missing: Note" in e.value.problem and e.value.row == 1
    assert "columns present were: Year, People" in e.value.expected


def test_a_file_without_the_header_is_refused_naming_what_it_lacks(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(InputError) as e:
        read_table(read_sheets(path), ["People"], FIELDS)
    assert e.value.problem == "no header row found" and e.value.expected == "a header row with People"
