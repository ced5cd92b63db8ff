"""Disclosure control (metrics/disclosure.py): primary and secondary suppression of small counts,
pinned on small frames."""
import pandas as pd

from metrics.disclosure import apply_suppression, suppression_mask


def test_primary_and_secondary_suppression_by_column():
    f = pd.DataFrame({"n": [3, 10, 20, 33]}, index=["N1", "N2", "N3", "total"])
    m = suppression_mask(f, ["n"], total_row="total")
    # 3 is primary; N2 (next smallest) is hidden too so 33 - 20 - x cannot reveal it
    assert m["n"].tolist() == [True, True, False, False]
    shown = apply_suppression(f, ["n"], total_row="total")
    assert shown["n"].tolist() == ["<5", "<5", 20, 33]


def test_suppression_by_row_and_zero_counts():
    f = pd.DataFrame({"a": [0, 50], "b": [12, 60], "c": [40, 70]})
    m = suppression_mask(f, ["a", "b", "c"], row_totals=True)
    assert m.loc[0].tolist() == [True, True, False] and not m.loc[1].any()


def test_nothing_hidden_when_all_large():
    f = pd.DataFrame({"n": [30, 10, 40]}, index=["N1", "N2", "total"])
    assert not suppression_mask(f, ["n"], total_row="total").any().any()
