"""National files are read by Arrow and loaded on whole columns (loaders at
raw-read speed). These pin that the Arrow paths change speed, never what is read: the same cell grid as
the pandas reader, the same store rows, warnings and provenance as the cell-by-cell loaders, on
the sample, on the publishers' real files and on files built to be awkward; and that a bad cell
in a file Arrow reads still gets the cell-by-cell error naming its row and column."""
import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLE, real_file, write_csv
from loaders import csv_arrow, fingertips, gp_registrations, ons_population
from loaders.errors import InputError
from loaders.sheets import object_grid, read_sheets
from loaders.store import conform_result


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as Python objects, missing as None: Arrow-backed text and object text compare equal."""
    return frame.astype(object).where(frame.notna(), None)


def _both_paths(path: Path, module, fast_name: str, monkeypatch):
    """(Arrow path's result, cell-by-cell result) of one file through one loader, conformed."""
    sheets = read_sheets(path)
    assert sheets[0].arrow is not None, f"{path.name} was not read by Arrow"
    called = []
    fast = getattr(module, fast_name)
    monkeypatch.setattr(module, fast_name, lambda *a: called.append(fast(*a)) or called[-1])
    arrow = conform_result(module.load(sheets, None))
    assert called and called[0] is not None, f"the Arrow path declined {path.name}"
    monkeypatch.setattr(module, fast_name, lambda *a: None)
    cells = conform_result(module.load(read_sheets(path), None))
    return arrow, cells


def _assert_same(arrow, cells):
    assert (arrow.kind, arrow.table, arrow.rows_read) == (cells.kind, cells.table, cells.rows_read)
    assert arrow.warnings == cells.warnings
    assert arrow.meta == cells.meta
    assert list(arrow.frame.columns) == list(cells.frame.columns)
    pd.testing.assert_frame_equal(_plain(arrow.frame), _plain(cells.frame), check_dtype=False)
    # Text stays in Arrow (written without a copy per cell); numbers keep their types.
    for col in arrow.frame.columns:
        if cells.frame[col].dtype.kind in "iufb":
            assert arrow.frame[col].dtype == cells.frame[col].dtype, col


GP_FILES = [SAMPLE / "gp-reg-pat-prac-quin-age.csv", SAMPLE / "gp-reg-pat-prac-all.csv"]
ONS_FILES = sorted(SAMPLE.glob("*SNPP Population*.csv"))
FINGERTIPS_FILES = [SAMPLE / "fingertips_lewisham_indicators.csv", SAMPLE / "fingertips_older_export.csv"]


@pytest.mark.parametrize("path", GP_FILES, ids=lambda p: p.name)
def test_gp_sample_same_on_both_paths(path, monkeypatch):
    _assert_same(*_both_paths(path, gp_registrations, "_load_arrow", monkeypatch))


def test_gp_real_file_same_on_both_paths(monkeypatch):
    arrow, cells = _both_paths(real_file("nhs-digital/gp-reg-pat-prac-all-jan2021.csv"), gp_registrations,
                               "_load_arrow", monkeypatch)
    _assert_same(arrow, cells)
    assert arrow.meta["extract_date"] == "2021-01-01"


@pytest.mark.parametrize("path", ONS_FILES, ids=lambda p: p.name)
def test_ons_sample_same_on_both_paths(path, monkeypatch):
    _assert_same(*_both_paths(path, ons_population, "_arrow_snpp", monkeypatch))


def test_ons_real_file_same_on_both_paths_to_the_bit(monkeypatch):
    arrow, cells = _both_paths(real_file("ons/2022 SNPP Population persons (County Durham excerpt).csv"),
                               ons_population, "_arrow_snpp", monkeypatch)
    _assert_same(arrow, cells)
    # Sums of single years: the same compensated sum in the same order, equal to the last bit.
    assert (arrow.frame["value"].to_numpy() == cells.frame["value"].to_numpy()).all()


@pytest.mark.parametrize("path", FINGERTIPS_FILES, ids=lambda p: p.name)
def test_fingertips_sample_same_on_both_paths(path, monkeypatch):
    _assert_same(*_both_paths(path, fingertips, "_load_arrow", monkeypatch))


@pytest.mark.parametrize("name", ["fingertips-county-ua-campylobacter-2015-17.csv",
                                  "fingertips-gp-practice-imd2019.csv"])
def test_fingertips_real_files_same_on_both_paths(name, monkeypatch):
    """The county export's header has one name more than its rows, and its indicator name ends in
    a quoted line break: Arrow reads it (the header line apart) and the text is stripped as
    `str.strip` strips."""
    arrow, cells = _both_paths(real_file(f"fingertips/{name}"), fingertips, "_load_arrow", monkeypatch)
    _assert_same(arrow, cells)
    if "campylobacter" in name:
        assert arrow.frame["indicator_name"].iloc[0] == "Campylobacter incidence rate/100,000"


# --------------------------------------------------------------------------- the cell grid

AWKWARD = {
    "bom_crlf_quotes": b'\xef\xbb\xbfa,b,c\r\n1,"x, y","line\r\nbreak"\r\n2,,"q""r"\r\n',
    "title_line_narrower": b"Table 1: patients\nA,B,C\n1,2,3\n4,5,6\n",
    "header_line_wider": b"A,B,C,D\n1,2,3\n4,5,6\n",
    "blank_line_inside": b"A,B\n1,2\n\n3,4\n",
    "whitespace_cells": b"A,B\n  ,x \n y,\t\n",
    "spaces_inside_cells_only": b"A,B\nSE13 6RU,x\nBR1 1AA,y\n",
    "quoted_spaces_at_edges": b'A,B\n" x",1\n"y ",2\n',
    "tab_separated": b"A\tB\n1\t2\n",
    "non_ascii": "A,B\nCaf\u00e9,\u00a0\n".encode("utf-8"),
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_arrow_grid_is_the_pandas_grid(name, tmp_path):
    """Where Arrow reads a CSV, its grid (blank cells None) and its verdict on edge whitespace are
    the pandas reader's; where it cannot (ragged rows), the pandas reader reads it."""
    path = tmp_path / f"{name}.csv"
    path.write_bytes(AWKWARD[name])
    data, encoding = csv_arrow._decode(path, AWKWARD[name])
    fast = csv_arrow._arrow_csv(path, data, encoding, csv_arrow._separator(data))
    cells, clean = csv_arrow._read_csv(path, AWKWARD[name])
    if fast is None:
        assert read_sheets(path)[0].arrow is None
        return
    grid = object_grid(fast[0])
    pd.testing.assert_frame_equal(grid, cells)
    # Arrow's verdict is exact (the pandas reader's may be cautious): clean means no cell has
    # whitespace at an edge.
    text = data.decode("utf-8-sig")
    edged = any(c != c.strip() for row in csv.reader(io.StringIO(text), delimiter=csv_arrow._separator(data)) for c in row)
    assert fast[1] is not edged
    if clean:
        assert fast[1]


def test_spaces_inside_cells_leave_the_file_clean(tmp_path):
    """A postcode's space is inside the cell, not at its edge: the file stays `clean_text`, so the
    loaders skip the strip."""
    path = write_csv(tmp_path / "p.csv", [["A", "B"], ["SE13 6RU", "x"]])
    sheet = read_sheets(path)[0]
    assert sheet.arrow is not None and sheet.clean_text
    path.write_bytes(b"A,B\nSE13 6RU ,x\n")
    sheet = read_sheets(path)[0]
    assert sheet.arrow is not None and not sheet.clean_text


def test_sniffing_does_not_build_the_whole_grid(tmp_path):
    """Sniffers look at the first rows only: the Python-object grid is not built for them."""
    rows = [["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE", "SEX",
             "AGE_GROUP_5", "NUMBER_OF_PATIENTS"]]
    rows += [["GP_PRAC_PAT_LIST", "01APR2024", "GP", f"G{i:05d}", "E38000001", "SE1 1AA", "MALE", "0_4", "10"]
             for i in range(200)]
    sheets = read_sheets(write_csv(tmp_path / "gp-reg-pat-prac-quin-age.csv", rows))
    from loaders.store import detect
    assert detect(sheets) is gp_registrations
    assert sheets[0]._cells is None
    gp_registrations.load(sheets, None)
    assert sheets[0]._cells is None  # loaded on Arrow columns: no object grid at all


# --------------------------------------------------------------------------- bad cells still named

GP_HEADER = ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE", "SEX", "AGE_GROUP_5",
             "NUMBER_OF_PATIENTS"]


@pytest.mark.parametrize("bad_cell, column, found", [
    (("NUMBER_OF_PATIENTS", "12a"), "NUMBER_OF_PATIENTS", "found '12a' where a number belongs"),
    (("SEX", "UNKNOWN"), "SEX", "found 'UNKNOWN' where a sex belongs"),
    (("AGE_GROUP_5", "old"), "AGE_GROUP_5", "found 'old' where an age band belongs"),
])
def test_a_bad_cell_in_a_file_arrow_reads_is_named(tmp_path, bad_cell, column, found):
    rows = [GP_HEADER] + [["GP_PRAC_PAT_LIST", "01APR2024", "GP", f"G{i:05d}", "E38000001", "SE1 1AA", "MALE",
                           "0_4", "10"] for i in range(5)]
    rows[4][GP_HEADER.index(bad_cell[0])] = bad_cell[1]
    path = write_csv(tmp_path / "gp-reg-pat-prac-quin-age.csv", rows)
    assert read_sheets(path)[0].arrow is not None
    with pytest.raises(InputError) as err:
        gp_registrations.load(read_sheets(path), None)
    assert "row 5" in err.value.message and f"column '{column}'" in err.value.message
    assert found in err.value.message


def test_a_repeated_practice_row_is_named_from_the_arrow_path(tmp_path):
    rows = [GP_HEADER] + [["GP_PRAC_PAT_LIST", "01APR2024", "GP", "G00001", "E38000001", "SE1 1AA", "MALE", "0_4",
                           "10"]] * 2
    with pytest.raises(InputError, match="practice G00001 has the same sex and age band twice"):
        gp_registrations.load(read_sheets(write_csv(tmp_path / "gp-reg-pat-prac-quin-age.csv", rows)), None)


def test_a_fingertips_suppressed_value_gets_the_same_note(tmp_path):
    """A number column that is not all plain numbers is read cell by cell (its notes are the
    cell-by-cell path's), while the rest of the file stays on Arrow."""
    header = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
              "Time period", "Value"]
    rows = [header, ["1", "x", "E09000023", "Lewisham", "UA", "Persons", "All ages", "2017", "5"],
            ["1", "x", "E09000024", "Merton", "UA", "Persons", "All ages", "2017", "*"]]
    result = fingertips.load(read_sheets(write_csv(tmp_path / "ft.csv", rows)), None)
    assert any("suppressed value '*' kept as missing" in w and "row 3" in w for w in result.warnings)
    assert result.frame["value"].isna().tolist() == [False, True]
