"""Metrics against hand-computed values on small frames."""
import pandas as pd
import pytest

from metrics.demand.demand import change_between
from metrics.disclosure import apply_suppression, suppression_mask
from metrics.places.neighbourhoods import _band_weights


def test_change_between_number_and_percent():
    f = pd.DataFrame({"client_group": ["x"] * 2, "measure": ["m"] * 2, "area_code": ["A"] * 2,
                      "sex": ["persons"] * 2, "age_band": ["18-64"] * 2, "year": [2017, 2020], "value": [1120, 1190]})
    c = change_between(f, 2017, 2020).iloc[0]
    assert c.change == 70 and c.change_pct == pytest.approx(6.25)
    with pytest.raises(ValueError):
        change_between(f, 2017, 2017)


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


def test_band_weights_split_quinary_bands():
    assert _band_weights("18-24") == {"15-19": pytest.approx(0.4), "20-24": 1.0}
    assert _band_weights("90+") == {"90-94": 1.0, "95+": 1.0}
    assert _band_weights("65-69") == {"65-69": 1.0}


def test_population_index_uses_the_base_year_as_100_and_leaves_a_zero_base_blank():
    from metrics.demand.population import indexed
    g = pd.DataFrame({"age_group": ["Aged 65 and over"] * 3 + ["Aged 85 and over"] * 2,
                      "year": [2016, 2017, 2027, 2017, 2027], "value": [900.0, 1000.0, 1250.0, 0.0, 40.0],
                      "source_file": "snpp.csv"})
    out = indexed(g, 2017)
    row = out[(out["age_group"] == "Aged 65 and over") & (out["year"] == 2027)].iloc[0]
    assert row["index"] == 125.0 and row["base_value"] == 1000 and row["base_year"] == 2017
    assert out[(out["age_group"] == "Aged 65 and over") & (out["year"] == 2016)]["index"].iloc[0] == 90.0
    assert out[out["age_group"] == "Aged 85 and over"]["index"].isna().all()  # no base: no index
    assert indexed(g, 1999)["base_year"].iloc[0] == 2016  # a base year not shown: the first year
    assert indexed(g.iloc[0:0]).empty
