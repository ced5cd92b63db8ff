"""Demand metrics (metrics/demand/): change between years, the population index, broad age groups
from five-year bands and the years a growth runs over, pinned against hand-computed values."""
from __future__ import annotations

import pandas as pd
import pytest

from metrics.demand.demand import change_between, older_growth_comparison
from store import Store


def test_change_between_number_and_percent():
    f = pd.DataFrame({"client_group": ["x"] * 2, "measure": ["m"] * 2, "area_code": ["A"] * 2,
                      "sex": ["persons"] * 2, "age_band": ["18-64"] * 2, "year": [2017, 2020], "value": [1120, 1190]})
    c = change_between(f, 2017, 2020).iloc[0]
    assert c.change == 70 and c.change_pct == pytest.approx(6.25)
    with pytest.raises(ValueError):
        change_between(f, 2017, 2017)


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


def test_years_must_run_forwards(sample_store):
    with pytest.raises(ValueError, match="must be before"):
        older_growth_comparison(Store(sample_store), 2027, 2017)


def test_broad_age_groups_from_ons_five_year_bands(sample_store):
    """Lewisham 2014 (2014 SNPP persons): 18-64 = 2/5 of 15-19 (15,807) + 20-24 ... 60-64 (193,074)
    = 199,396.8, shown as 199,397. The 90+ band (1,006) belongs to 65+ (25,304), not to 18-64."""
    from metrics.demand.population import broad_groups
    from store import Store
    b = broad_groups(Store(sample_store), "E09000023").query("year == 2014").set_index("age_group")["value"]
    assert b["Aged 18-64"] == round(0.4 * 15_807 + 193_074)
    assert b["Aged 65 and over"] == 25_304
