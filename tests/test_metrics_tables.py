"""The export tables (metrics/tables.py), built from every topic: numbers a user reads, worked out
by hand from the sample's files, so that a changed formula fails (the export contract's
population, client and comparator rows)."""
import pytest


@pytest.fixture(scope="module")
def store(sample_store):
    from store import Store
    return Store(sample_store)


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
