"""Demand against the region, England and the comparator authorities from the same national ONS
projections (comparators on the demand view), for any authority the store has ONS rows
for, POPPI/PANSI or not. Each figure is worked out in the test from the raw CSV with pandas."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from conftest import SAMPLE, real_file
from metrics.demand.demand import growth_years, older_growth_comparison, ons_years
from store import Store

DURHAM = "E06000047"
ONS_EXCERPT = "ons/2022 SNPP Population persons (County Durham excerpt).csv"
YEARS = [str(y) for y in range(2022, 2048)]


def _raw_group(path, code, lowest: int, year: str) -> float:
    raw = pd.read_csv(path, dtype={"AGE_GROUP": str})
    rows = raw[(raw["AREA_CODE"] == code) & (raw["SEX"] == "persons")]
    age = rows["AGE_GROUP"].str.extract(r"^(\d+)")[0].astype(float)
    return float(rows.loc[age >= lowest, year].sum())  # "90 and over" counts as 90


@pytest.fixture(scope="module")
def store_with(tmp_path_factory):
    def build(*extra):
        from loaders.store import ingest
        src = tmp_path_factory.mktemp("src") / "sample"
        shutil.copytree(SAMPLE, src)
        for name, path in extra:
            shutil.copy(path, src / name)
        store = tmp_path_factory.mktemp("store") / "store"
        report = ingest(src, store)
        assert report.ok, [f.error for f in report.files if f.error]
        return store
    return build


def test_an_authority_without_poppi_gets_its_growth_from_the_real_ons_file(store_with):
    path = real_file(ONS_EXCERPT)
    store = Store(store_with(("2022 SNPP Population persons (County Durham excerpt).csv", path))).for_authority(DURHAM)
    assert growth_years(ons_years(store)) == (2022, 2032)
    g = older_growth_comparison(store, 2024, 2034)
    row = g[(g["area_role"] == "authority") & (g["age_group"] == "85+")].iloc[0]
    start, end = _raw_group(path, DURHAM, 85, "2024"), _raw_group(path, DURHAM, 85, "2034")
    assert row["residents_from"] == pytest.approx(start) and row["residents_to"] == pytest.approx(end)
    assert row["change_pct"] == pytest.approx((end - start) / start * 100)
    assert round(row["change_pct"], 1) == 44.7
    # The sample's England is a 2014-based projection: not mixed with a 2022-based authority.
    assert set(g["area_role"]) == {"authority"}


def test_comparators_median_from_one_national_file(store_with, tmp_path):
    """Southwark (no profile: the other London boroughs are its comparators) in a file holding it,
    three other boroughs, London and England."""
    areas = {"E09000028": ("Southwark", 100), "E09000022": ("Lambeth", 200), "E09000023": ("Lewisham", 300),
             "E09000008": ("Croydon", 400), "E12000007": ("London", 5000), "E92000001": ("England", 90000)}
    lines = [",".join(f'"{h}"' for h in ["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP", *YEARS])]
    for code, (name, base) in areas.items():
        for age in ["64", "65", "80", "85", "90 and over"]:
            grow = {"64": 0, "65": 1, "80": 2, "85": 3, "90 and over": 4}[age]  # residents added a year
            lines.append(",".join([code, name, "Population", "persons", age]
                                  + [str(base + grow * (y - 2022) * (base // 100)) for y in range(2022, 2048)]))
    path = tmp_path / "2022 SNPP Population persons.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(store_with(("2022 SNPP Population persons.csv", path))).for_authority("E09000028")
    g = older_growth_comparison(store, 2022, 2032)
    older = g[g["age_group"] == "65+"].set_index("area_name")
    # Southwark 65+: four single years of 100 each in 2022; +10 years x (1+2+3+4) = +100 -> 25%.
    assert older.loc["Southwark", "residents_from"] == 400 and older.loc["Southwark", "residents_to"] == 500
    assert older.loc["Southwark", "change_pct"] == pytest.approx(25.0)
    # Each borough grows by the same share (growth scales with its base): the median is 25% too,
    # and it is the median of three comparators.
    median = g[(g["area_role"] == "comparators_median") & (g["age_group"] == "65+")].iloc[0]
    assert median["area_name"] == "Comparator authorities (median of 3)"
    assert median["change_pct"] == pytest.approx(25.0)
    assert set(g["area_role"]) == {"authority", "region", "england", "comparator", "comparators_median"}
    # 85+: (3 + 4) x 10 = 70 on 200 -> 35%.
    assert g[(g["area_name"] == "Southwark") & (g["age_group"] == "85+")]["change_pct"].iloc[0] == pytest.approx(35.0)


def test_the_demand_page_shows_the_growth_for_an_authority_without_poppi(store_with):
    from app import create_app
    store = store_with(("2022 SNPP Population persons (County Durham excerpt).csv", real_file(ONS_EXCERPT)))
    app = create_app(store)
    from layouts import context
    from layouts.pages import demand  # registered once an app exists (Dash Pages)
    with app.server.test_request_context(f"/demand?authority={DURHAM}"):
        context.use_view(DURHAM)  # as the page's framed layout does with the address's query
        text = json.dumps(demand.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "demand-growth-chart" in text and "County Durham against North East" in text
    assert "not available for County Durham" in text  # POPPI/PANSI are Lewisham's only


def test_the_comparison_chart_names_the_authoritys_region(sample_store):
    from app import create_app
    app = create_app(sample_store)
    from layouts.pages import demand
    with app.server.test_request_context("/demand"):
        text = json.dumps(demand.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "Rate per 1,000 compared with London and England" in text  # Lewisham's region, from the lookup
    assert "demand-growth-chart" in text


def test_the_export_and_the_brief_carry_the_growth(sample_store):
    """Lewisham 85+ (sample 2014-based SNPP): 2014 to 2024, beside London and England."""
    from exports.brief import build_sections
    from metrics.tables import mps_tables
    table = mps_tables(Store(sample_store))["older_growth"]
    row = table[(table["area_role"] == "authority") & (table["age_group"] == "85+")].iloc[0]
    assert (row["from_year"], row["to_year"]) == (2014, 2024)
    path = SAMPLE / "2014 SNPP Population persons.csv"
    start, end = _raw_group(path, "E09000023", 85, "2014"), _raw_group(path, "E09000023", 85, "2024")
    assert row["change_pct"] == pytest.approx((end - start) / start * 100)
    text = " ".join(p for s in build_sections(Store(sample_store)) for p in s.paragraphs)
    assert f"Residents aged 85 and over in Lewisham are projected to change by {row['change_pct']:+.0f}%" in text
    assert "London" in text.split("Residents aged 85 and over in Lewisham")[1].split(".")[0]
