"""KPIs against the comparator authorities from the same national Fingertips rows
(comparators on the KPI view, in exports and the brief), and the age a value is for named
wherever it is shown. Pinned against the real County & UA campylobacter export, each mean worked
out in the test from the raw CSV with plain pandas."""
from __future__ import annotations


import pandas as pd
import pytest

from conftest import CAMPYLOBACTER, real_file
from store import Store


SOUTHWARK = "E09000028"
LEWISHAM_COMPARATORS = ["E09000028", "E09000022", "E09000011", "E09000012", "E09000014", "E09000031"]


def _raw_mean(codes, sex, age, period) -> tuple[float, int]:
    raw = pd.read_csv(real_file(CAMPYLOBACTER), index_col=False, dtype={"Time period": str})
    rows = raw[raw["Area Code"].isin(codes) & raw["Category Type"].isna() & (raw["Sex"] == sex)
               & (raw["Age"] == age) & (raw["Time period"] == period) & raw["Value"].notna()]
    return rows["Value"].mean(), len(rows)


def _kpi(store, age, period):
    from metrics.performance.kpis import kpi_table
    k = kpi_table(store)
    return k[k["indicator_name"].str.startswith("Campylobacter") & (k["sex"] == "Persons") & (k["age"] == age)
             & (k["period"].astype(str) == period)].iloc[0]


def test_profile_comparators_mean(national_store):
    """Lewisham against its profile's six comparators, all ages, 2015."""
    row = _kpi(Store(national_store), "All ages", "2015")
    mean, n = _raw_mean(LEWISHAM_COMPARATORS, "Persons", "All ages", "2015")
    assert n == 6 and row["comparators_n"] == 6
    assert row["comparators_value"] == pytest.approx(mean, rel=1e-12)
    assert round(row["comparators_value"], 2) == 52.84


def test_same_region_comparators_for_an_authority_without_a_profile(national_store):
    """Southwark has no profile: its comparators are the other London boroughs in the areas
    lookup, and the mean is of those the file holds (0-9 yrs, 2016)."""
    store = Store(national_store).for_authority(SOUTHWARK)
    row = _kpi(store, "0-9 yrs", "2016")
    mean, n = _raw_mean(list(store.authority.comparators), "Persons", "0-9 yrs", "2016")
    assert row["comparators_n"] == n == 31
    assert row["comparators_value"] == pytest.approx(mean, rel=1e-12)
    assert round(row["value"], 1) == 259.7  # Southwark's own, for children aged 0-9


def test_findings_come_from_adult_social_care_indicators_only(national_store):
    """Southwark holds only the national campylobacter export: food poisoning is not an adult social
    care indicator (data/lookups/indicator_polarity.csv declares which are), so it is never a finding
    for scrutiny, however far from England it is."""
    from sentences.findings import findings
    f = findings(Store(national_store).for_authority(SOUTHWARK))
    assert not f["sentence"].str.contains("ampylobacter").any()
    assert not f["finding_key"].str.startswith("kpi_").any()


def test_a_finding_says_whose_value_it_is_once():
    """Ages as a reader writes them ("0-9", not "0-9 yrs"), and not twice when the name says it
    (the brief printed "Hip fractures (65+) (65+ yrs)")."""
    from sentences.findings import _who
    assert _who("Persons", "0-9 yrs", "Campylobacter cases") == " (0-9)"
    assert _who("Female", "65+ yrs", "Hip fractures (65+)") == " (female)"
    assert _who("Persons", "65+ yrs", "Hip fractures (65+)") == ""
    assert _who("Persons", "All ages", "Alcohol-related hospital admissions") == ""


def test_the_kpi_chart_shows_the_comparators_and_the_age(national_store):
    from layouts.figures import spine
    from metrics.performance.kpis import latest_kpis
    fig = spine(latest_kpis(Store(national_store).for_authority(SOUTHWARK)), "t")
    names = [t.get("name") for t in fig["data"]]  # a figure as plotly JSON
    assert "Comparator authorities (mean)" in names
    labels = {str(y) for t in fig["data"] for y in list(t.get("y", []))}
    assert any(", 0-9)" in str(label) for label in labels)  # the age, as a reader writes it ("yrs" dropped)
