"""Numbers a user reads, worked out by hand from the sample's files, so that a changed formula
fails (the opportunities window, carers reached, neighbourhood demand, the export
contract's population, client and comparator rows)."""
import csv
import datetime as dt

import pytest

from conftest import PROFILE, SAMPLE


@pytest.fixture(scope="module")
def store(sample_store):
    from store import Store
    return Store(sample_store)


# ----------------------------------------------------------------------------- opportunities

def test_contracts_ending_within_a_window_from_the_reference_date(store):
    """Reference date: the CQC directory's as-at, 1 June 2017. Ending within 6 months means an end
    date on or after 1 June and before 1 December 2017: the two carers' contracts ending 30
    September 2017 (CCG-1516-007 £103,000 and LBL-CS-2014-003 £312,000) and the older people's
    LBL-CS-2014-012 (30 November 2017, £590,000). Within 12 months (before 1 June 2018) older
    people add three ending 31 March 2018 (£1.3m, £1.3m, £1.95m): 4 contracts, £5.14m."""
    from metrics.supply import opportunities
    assert opportunities.reference_date(store) == dt.date(2017, 6, 1)
    t = opportunities.opportunities_table(store).set_index("client_group")
    assert (t.loc["carers", "contracts_ending_6m"], t.loc["carers", "annual_value_ending_6m"]) == (2, 415_000)
    assert (t.loc["older_people", "contracts_ending_6m"], t.loc["older_people", "annual_value_ending_6m"]) == (1, 590_000)
    assert (t.loc["older_people", "contracts_ending_12m"], t.loc["older_people", "annual_value_ending_12m"]) == (4, 5_140_000)
    assert t.loc["dementia", "contracts_ending_6m"] == 0 and t.loc["dementia", "contracts_ending_12m"] == 2


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
    from sentences.supply import provider_messages
    sentence = provider_messages(store, None).set_index("client_group").loc["older_people", "sentence"]
    assert "11 care contracts worth £21.4m a year are running, whatever their end date" in sentence


def test_the_window_includes_its_first_day_and_excludes_its_last(store):
    """From 30 September 2017, the carers' contracts ending that day are inside any window; from
    31 March 2017, six months run to 30 September 2017, which is excluded."""
    from metrics.supply import opportunities
    carers = opportunities.contract_timeline(store, 6, as_of=dt.date(2017, 9, 30))
    assert sorted(carers.loc[carers["client_group"] == "carers", "reference"]) == ["CCG-1516-007", "LBL-CS-2014-003"]
    before = opportunities.contract_timeline(store, 6, as_of=dt.date(2017, 3, 31))
    assert "carers" not in set(before["client_group"].dropna())
    with pytest.raises(ValueError):
        opportunities.contract_timeline(store, 0)


# ----------------------------------------------------------------------------- carers reached

def test_carers_reached_is_65_plus_supported_over_poppi_65_plus_carers(store):
    """council_activity.csv row 288: 1,139 carers aged 65+ supported in 2016/17; POPPI's unpaid
    carers aged 65+ in 2017 (POPPI_Lewisham_carers_2017.ods, row 10): 3,380. 1,139 / 3,380 = 33.7%."""
    from metrics.supply import gaps
    row = gaps.all_gaps(store).set_index("metric").loc["carers_reached_pct"]
    assert (row["numerator"], row["denominator"]) == (1139, 3380)
    assert row["value"] == pytest.approx(1139 / 3380 * 100) and round(row["value"], 1) == 33.7


# ----------------------------------------------------------------------------- neighbourhood demand

def _registered_by_band(neighbourhood: str) -> dict[str, int]:
    """Persons by quinary band in the April 2017 extract, summed over the neighbourhood's practices
    (read straight from the CSV and the profile, not through the loaders)."""
    with open(PROFILE / "practices.csv", encoding="utf-8") as f:
        members = {r["practice_code"] for r in csv.DictReader(f) if r["neighbourhood_code"] == neighbourhood}
    out: dict[str, int] = {}
    with open(SAMPLE / "gp-reg-pat-prac-quin-age.csv", encoding="latin-1") as f:
        for r in csv.DictReader(f):
            if r["ORG_TYPE"] == "GP" and r["ORG_CODE"] in members and r["SEX"] == "ALL" and r["AGE_GROUP_5"] != "ALL":
                band = r["AGE_GROUP_5"].replace("_", "-")
                out[band] = out.get(band, 0) + int(r["NUMBER_OF_PATIENTS"])
    return out


def test_neighbourhood_dementia_is_poppi_rates_times_registered_patients(store):
    """South East Lewisham (N3) in 2017: each POPPI band's rate (dementia / population, e.g. 65-69:
    126 / 8,100) times the neighbourhood's registered persons in the same ages; POPPI's 90+ is the
    extract's 90-94 and 95+. The sample's six N3 practices give 424 (their 6,019 persons aged 65+)."""
    from metrics.places import neighbourhoods
    reg = _registered_by_band("N3")
    poppi = {"65-69": (126, 8100, ["65-69"]), "70-74": (180, 6300, ["70-74"]), "75-79": (279, 4900, ["75-79"]),
             "80-84": (398, 3800, ["80-84"]), "85-89": (418, 2400, ["85-89"]), "90+": (399, 1300, ["90-94", "95+"])}
    expected = sum(cases / pop * sum(reg[b] for b in bands) for cases, pop, bands in poppi.values())
    d = neighbourhoods.neighbourhood_demand(store)
    got = d[(d["neighbourhood_code"] == "N3") & (d["measure"] == "dementia")]["estimated_cases"].sum()
    assert got == pytest.approx(expected)
    assert round(got) == 424
    first = d[(d["neighbourhood_code"] == "N3") & (d["measure"] == "dementia") & (d["age_band"] == "65-69")]
    assert first["estimated_cases"].iloc[0] == pytest.approx(126 / 8100 * reg["65-69"])


def test_age_based_figures_survive_a_newer_extract_without_age_bands(tmp_path):
    """A newer totals-only extract (no age bands) beside the quinary one: demand by neighbourhood
    still comes from the quinary extract (never blanked), and the ingest says so on the newer file."""
    import shutil

    from loaders.store import ingest
    from metrics.places import neighbourhoods
    from store import Store
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    text = (src / "gp-reg-pat-prac-all.csv").read_text(encoding="latin-1").replace("01-Jul-13", "01-Jan-21")
    (src / "gp-reg-pat-prac-all.csv").write_text(text, encoding="latin-1")
    report = ingest(src, tmp_path / "store")
    assert report.ok
    notes = next(f for f in report.files if f.path.name == "gp-reg-pat-prac-all.csv").warnings
    assert any("has no age bands" in n and "gp-reg-pat-prac-quin-age.csv" in n for n in notes)
    d = neighbourhoods.neighbourhood_demand(Store(tmp_path / "store"))
    got = d[(d["neighbourhood_code"] == "N3") & (d["measure"] == "dementia")]["estimated_cases"].sum()
    assert round(got) == 424


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

def test_real_registrations_give_lewishams_real_practices_only(tmp_path):
    """NHS Digital's January 2021 file (every practice in England) beside the sample: the registered
    population by neighbourhood counts only the profile's practices, by their real ODS codes (all 34
    are in the file; totals read straight from it), the ingest finds no profile practice missing, and
    names the one practice under CCG 72Q in Lewisham's districts the profile lacks (Y06545)."""
    import shutil

    from conftest import real_file
    from loaders.store import ingest
    from metrics.places import neighbourhoods
    from store import Store
    real = real_file("nhs-digital/gp-reg-pat-prac-all-jan2021.csv")
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    shutil.copy(real, src)
    report = ingest(src, tmp_path / "store")
    assert report.ok
    notes = " ".join(next(f for f in report.files if f.path.name == real.name).warnings)
    assert "of the profile's" not in notes and "not in this file" not in notes
    assert "1 practice(s) under the authority's CCG" in notes and "Y06545" in notes and "G85633" not in notes

    with open(PROFILE / "practices.csv", encoding="utf-8") as f:
        profile = {r["practice_code"]: r["neighbourhood_code"] for r in csv.DictReader(f)}
    expected: dict[str, int] = {}
    with open(real, encoding="latin-1") as f:
        for r in csv.DictReader(f):
            if r["CODE"] in profile and r["SEX"] == "ALL":
                expected[profile[r["CODE"]]] = expected.get(profile[r["CODE"]], 0) + int(r["NUMBER_OF_PATIENTS"])
    store = Store(tmp_path / "store")
    p = neighbourhoods.practice_populations(store)
    assert p["extract_date"].iloc[0] == "2021-01-01"
    counted = p.dropna(subset=["patients"])
    assert len(counted) == 34 and set(counted["practice_code"]) == set(profile)
    assert neighbourhoods.registered_by_neighbourhood(store).to_dict() == expected


def test_sources_state_the_gp_extract_date_not_the_series_name(store):
    """gp-reg-pat-prac-quin-age.csv states PUBLICATION GP_PRAC_PAT_LIST (the series) and EXTRACT_DATE
    01APR2017: the Sources page's version column shows the date."""
    from metrics.summary.overview import sources
    s = sources(store).set_index("file")
    assert s.loc["gp-reg-pat-prac-quin-age.csv", "version or date"] == "2017-04-01"


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

@pytest.mark.parametrize("text,judgement", [
    ("Better", "better"), ("Better 95%", "better"), ("  Worse 99.8%", "worse"), ("Similar", "similar"),
    ("Higher", "higher"), ("LOWER", "lower"), ("Not compared", None), ("Cannot be calculated", None),
    ("", None), (None, None), (float("nan"), None)])
def test_publisher_judgement(text, judgement):
    from metrics.performance.kpis import publisher_judgement
    assert publisher_judgement(text) == judgement


def test_publisher_polarity_is_implied_by_better_and_worse():
    """Indicator 1: an area above England judged Better, so high is good; indicator 2: an area below
    England judged Better, so low is good; indicator 3: Higher/Lower only, no judgement; indicator 4:
    only Similar, so the file does not say. England's own row and breakdown rows cast no vote."""
    import pandas as pd

    from metrics.performance.kpis import publisher_polarity

    def row(ind, area, value, judged, breakdown=False):
        return {"indicator_id": ind, "area_code": area, "sex": "Persons", "age": "All ages", "period": "2016",
                "value": value, "compared_to_england": judged, "is_breakdown": breakdown}
    rows = [row(1, "E92000001", 50, "Not compared"), row(1, "A", 60, "Better 95%"), row(1, "B", 40, "Worse"),
            row(1, "C", 30, "Better", breakdown=True),
            row(2, "E92000001", 50, None), row(2, "A", 40, "Better"), row(2, "B", 45, "Similar"),
            row(3, "E92000001", 50, None), row(3, "A", 70, "Higher"),
            row(4, "E92000001", 50, None), row(4, "A", 52, "Similar")]
    assert publisher_polarity(pd.DataFrame(rows)) == {1: "high_is_good", 2: "low_is_good", 3: "no_judgement"}


# ----------------------------------------------------------------------------- argument checks at the edges

def test_statistics_accept_their_edges_and_refuse_nonsense():
    """A proportion of 5 out of 5 and of 1 out of 1 is legitimate (Wilson's upper limit is 1); a
    missing count, a zero denominator or a count above it is refused, as is an unknown polarity.
    "no_judgement" and an empty polarity compare as higher/lower."""
    from metrics.performance.statistics import compare_to_benchmark, wilson_interval
    lo, hi = wilson_interval(5, 5)
    assert hi == pytest.approx(100.0) and 0 < lo < 100
    assert wilson_interval(1, 1)[1] == pytest.approx(100.0)
    for bad in [(None, 10), (5, None), (1, 0), (-1, 10), (11, 10)]:
        with pytest.raises(ValueError):
            wilson_interval(*bad)
    assert compare_to_benchmark(10, 8, 12, 20, "no_judgement") == "lower"
    assert compare_to_benchmark(10, 8, 12, 5, "") == "higher"
    with pytest.raises(ValueError, match="polarity"):
        compare_to_benchmark(10, 8, 12, 5, "NO_JUDGEMENT")
