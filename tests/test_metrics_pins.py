"""Numbers a user reads, worked out by hand from the sample's files, so that a changed formula
fails (the opportunities window, carers reached, neighbourhood demand, the export
contract's population, client and comparator rows)."""

import pytest
from conftest import SAMPLE


@pytest.fixture(scope="module")
def store(sample_store):
    from store import Store
    return Store(sample_store)


# ----------------------------------------------------------------------------- opportunities


def test_the_opportunities_export_answers_as_the_page_does(store):
    """The export's growth is the page's: every client group from the first projection year to
    2030, older people by residents aged 65+ (POPPI: 26,800 in 2017 to 43,400 in 2030, +61.9%), and
    its running totals are what "Any time (all running)" reports in the providers' sentences."""
    from metrics.supply import opportunities
    t = opportunities.opportunities_table(store).set_index("client_group")
    page = opportunities.demand_growth_by_group(store).set_index("client_group")
    assert len(t) == 7
    assert (t["from_year"] == 2017).all() and (t["to_year"] == 2030).all()
    assert t.loc["older_people", "growth_measure"] == "population"
    assert t.loc["older_people", "demand_growth_pct"] == pytest.approx((43_400 / 26_800 - 1) * 100)
    assert t["demand_growth_pct"].equals(page["demand_growth_pct"])
    running = opportunities.contract_timeline(store)
    older = running[running["client_group"] == "older_people"]
    # 11 older people's care contracts worth £21.44m a year run at 1 June 2017; 5 of them end within 24 months
    assert (t.loc["older_people", "contracts_running"], t.loc["older_people", "contracts_ending_24m"]) == (11, 5)
    assert t.loc["older_people", "annual_value_running"] == pytest.approx(older["annual_value"].sum()) == 21_440_000
    sentence = opportunities.provider_messages(store, None).set_index("client_group").loc["older_people", "sentence"]
    assert "11 care contracts worth £21.4m a year are running, whatever their end date" in sentence


# ----------------------------------------------------------------------------- carers reached


# ----------------------------------------------------------------------------- neighbourhood demand

# ----------------------------------------------------------------------------- the export contract

def test_demand_export_holds_the_population_rows(store):
    """The rates' denominators travel with the estimates: POPPI's 65+ population 26,800 in 2017
    (POPPI_Lewisham_population_2017.xls row 11), PANSI's 18-64 208,800, and the ONS 2014-based
    projection's five-year bands for every year, each with its dataset and source row."""
    from metrics.tables import mps_tables
    d = mps_tables(store)["demand"]
    pop = d[d["measure"] == "population"]
    assert pop["client_group"].isna().all()
    row = pop[(pop["dataset"] == "POPPI") & (pop["area_code"] == "E09000023") & (pop["age_band"] == "65+")
              & (pop["sex"] == "persons") & (pop["year"] == 2017)]
    assert row["value"].tolist() == [26800] and row["source_row"].tolist() == [11]
    pansi = pop[(pop["dataset"] == "PANSI") & (pop["age_band"] == "18-64") & (pop["year"] == 2017)
                & (pop["sex"] == "persons") & (pop["area_code"] == "E09000023")]
    assert pansi["value"].tolist() == [208800]
    ons = pop[pop["dataset"] == "ons_snpp"]
    assert {"15-19", "90+", "all"} <= set(ons["age_band"]) and ons["year"].min() == 2014


def test_supply_export_counts_learning_disability_clients_by_age_band(store):
    """Seed 000 s4.2: 755 people with a learning disability aged 18-64 receive council-funded
    services (council_activity.csv row 194), 123 of 180 care-home placements out of area
    (residential 52 + 112, nursing 5 + 11). The 48 aged 65+ are a separate row, never added."""
    from metrics.tables import mps_tables
    s = mps_tables(store)["supply"]
    ld = s[(s["client_group"] == "learning_disability") & (s["year"] == 2016)]
    assert ld[(ld["service"] == "all") & (ld["measure"] == "clients") & (ld["age_band"] == "18-64")]["value"].tolist() == [755]
    assert ld[(ld["service"] == "all") & (ld["age_band"] == "65+")]["value"].tolist() == [48]
    homes = ld[ld["service"].isin(["residential", "nursing"]) & (ld["age_band"] == "18-64")]
    out = homes[homes["measure"] == "clients_out_of_area"]["value"].sum()
    assert (out, homes["value"].sum()) == (123, 180)


def test_kpis_export_sets_region_and_england_beside_the_authority(store):
    """Alcohol-related admissions (narrow), 2015/16: Lewisham 146.1 beside London 132.6 and
    England 141.5 (seed 000 s3.6), with the publisher's judgement and polarity."""
    from metrics.tables import mps_tables
    k = mps_tables(store)["kpis"]
    row = k[(k["indicator_id"] == 93764) & (k["period"] == "2015/16") & (k["sex"] == "Persons")].iloc[0]
    assert (row["value"], row["region_value"], row["england_value"]) == (146.1, 132.6, 141.5)
    assert row["region_code"] == "E12000007"
    assert (row["comparison_source"], row["polarity"], row["polarity_source"]) == ("publisher", "low_is_good", "publisher")


def test_without_the_publishers_judgement_polarity_comes_from_the_lookup_and_the_comparison_is_computed(tmp_path):
    """The same Fingertips exports with their comparison columns emptied: alcohol admissions
    (93764) take low_is_good from data/lookups/indicator_polarity.csv, and the comparison with
    England is made here by 95% confidence interval, saying so."""
    import pandas as pd

    from loaders.store import ingest
    from metrics.performance import kpis
    from metrics.performance.statistics import compare_to_benchmark
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    for name in ["fingertips_lewisham_indicators.csv", "fingertips_older_export.csv"]:
        frame = pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False)
        for col in [c for c in frame.columns if c.startswith("Compared to") and c != "Compared to goal"]:
            frame[col] = ""
        frame.to_csv(src / name, index=False)
    (src / "mps.toml").write_text('area_code = "E09000023"\n')
    assert ingest(src, tmp_path / "store").ok
    t = kpis.kpi_table(Store(tmp_path / "store"))
    row = t[(t["indicator_id"] == 93764) & (t["period"] == "2015/16") & (t["sex"] == "Persons")].iloc[0]
    assert (row["polarity"], row["polarity_source"]) == ("low_is_good", "lookup")
    assert row["comparison_source"] == "computed (95% CI)"
    expected = compare_to_benchmark(146.1, row["lower_ci"], row["upper_ci"], 141.5, "low_is_good")
    assert row["compared_to_england"] == expected and expected in {"worse", "similar"}
    listed = [int(i) for i in Store(tmp_path / "store").table("lookup_indicator_polarity")["indicator_id"]]
    unknown = t[~t["indicator_id"].isin(listed)]
    assert set(unknown["polarity_source"]) <= {"none"} and set(unknown["polarity"]) <= {"unknown"}


# ----------------------------------------------------------------------------- the real NHS Digital file


# ----------------------------------------------------------------------------- the overview's key facts

def test_key_facts_are_the_mps_figures_with_their_source_rows(store):
    """Seed 000 s3: 305,945 residents (2014 SNPP persons, row 93, 2017), 26,800 aged 65+ (POPPI
    population row 11), 1,800 with dementia (POPPI dementia row 11), diagnosis 1,330 / 1,800 =
    73.9%, 1,120 adults with a learning disability (PANSI row 10), 18 older people's homes with
    672 beds, 123 of 180 LD placements out of area = 68.3%."""
    from sentences.overview import key_facts
    facts = {f.label: f for f in key_facts(store)}
    expected = {"Residents (all ages)": (305945, "2014 SNPP Population persons.csv, row 93"),
                "Residents aged 65 and over": (26800, "POPPI_Lewisham_population_2017.xls, row 11"),
                "People aged 65+ estimated to have dementia": (1800, "POPPI_Lewisham_dementia_2017.xlsx, row 11"),
                "Adults aged 18-64 estimated to have a learning disability":
                    (1120, "PANSI_Lewisham_learning_disability_2017.xlsx, row 10")}
    for label, (value, source) in expected.items():
        assert (facts[label].value, facts[label].source) == (value, source), label
    assert facts["Dementia diagnosis rate (national target 67%)"].value == pytest.approx(1330 / 1800 * 100)
    assert facts["Older people's care homes"].value == 18 and facts["Beds in older people's care homes"].value == 672
    assert facts["Learning disability placements out of area"].value == pytest.approx(123 / 180 * 100)


# ----------------------------------------------------------------------------- the publisher's judgement


# ----------------------------------------------------------------------------- argument checks at the edges
