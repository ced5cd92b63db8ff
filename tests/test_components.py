"""Presentational pieces shared by pages (layouts/components.py), as a page renders them."""
import numpy as np
import pandas as pd
import pytest

from layouts import components

NOTE = "<5: fewer than 5; hidden to protect privacy"


def _has_note(table) -> bool:
    return NOTE in str(table.to_plotly_json())


@pytest.mark.parametrize("column", [
    pd.Series(["12", "<5"]),  # text (Arrow-backed str)
    pd.Series(["12", "<5"], dtype=object),
    pd.Series(["12", "<5"], dtype="string"),
    pd.Series(["12", "<5"], dtype="category"),
    pd.Series([12, "<5"], dtype=object),  # numbers and a suppressed count in one column
])
def test_a_table_with_a_suppressed_count_says_what_less_than_5_means(column):
    frame = pd.DataFrame({"neighbourhood": ["N1", "N2"], "people": column, "share": [0.5, np.nan]})
    assert _has_note(components.data_table(frame, "Caption"))


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"neighbourhood": ["N1", "N2"], "people": [12, 5]}),
    pd.DataFrame({"neighbourhood": ["N1", None], "people": [12.0, np.nan], "flag": [True, False]}),
    pd.DataFrame({"label": ["<5 ", "< 5", "<50"], "when": pd.to_datetime(["2020-01-01"] * 3)}),
    pd.DataFrame(columns=["a", "b"]),
])
def test_a_table_without_a_suppressed_count_has_no_note(frame):
    assert not _has_note(components.data_table(frame, "Caption"))


def test_the_note_is_found_as_every_cell_as_text_would_find_it():
    """Only cells that can be text are looked at (a number, flag or date never reads "<5"): the
    same answer as turning every cell into text, over columns of every kind, a repeated name too."""
    def as_text(frame):
        return bool(frame.astype(str).isin(["<5"]).any().any())
    kinds = {"int": [1, 2], "float": [1.5, np.nan], "bool": [True, False], "str": ["x", None],
             "object": pd.Series([None, 3], dtype=object), "category": pd.Series(["a", "b"], dtype="category"),
             "date": pd.to_datetime(["2020-01-01", None])}
    for suppressed in ("str", "object", "category", None):
        columns = dict(kinds)
        if suppressed:
            values = list(pd.Series(columns[suppressed]).astype(object))
            values[1] = "<5"
            columns[suppressed] = pd.Series(values, dtype=pd.Series(kinds[suppressed]).dtype
                                            if suppressed != "category" else "category")
        frame = pd.DataFrame(columns)
        assert components._has_suppressed(frame) == as_text(frame) == bool(suppressed), suppressed
    inside = pd.DataFrame({"cells": pd.Series([np.array([1, 2]), ["<5"], "x"], dtype=object)})  # not a cell of "<5"
    assert not components._has_suppressed(inside) and not as_text(inside)
    repeated = pd.DataFrame([[1, "<5"]], columns=["a", "a"])
    assert components._has_suppressed(repeated) and as_text(repeated)
