"""The provider's and the commissioner's numbers, pinned by hand from the sample."""
import pytest


@pytest.fixture(scope="module")
def store(sample_store):
    from store import Store
    return Store(sample_store)


def test_care_contracts_only_and_the_rest_counted(store):
    from metrics.supply import opportunities as o
    care, left_out = o.care_contracts(store), o.excluded_contracts(store)
    assert len(care) + len(left_out) == len(o.contracts(store)) == 43
    assert sorted(left_out["title"]) == ["Acute Hospital Services",
                                         "Adult Community Health Services (district nursing and therapies)",
                                         "Grounds Maintenance", "Library Self-Service Kiosks",
                                         "Specialist Palliative Care"]


def test_timeline_for_one_group_is_sorted_by_end_date_with_route_and_flags(store):
    from metrics.supply import opportunities as o
    t = o.contract_timeline(store, 12, "older_people")
    # Ending between 1 June 2017 (the CQC directory's date) and 31 May 2018.
    assert list(t["title"]) == ["Extra Care Housing - Care and Support (Linden Grove)",
                                "Block Contract - Nursing Care Beds",
                                "Continuing Healthcare Nursing Home Placements (block)", "Reablement Service"]
    assert list(t["end_date"].dt.strftime("%Y-%m-%d")) == ["2017-11-30", "2018-03-31", "2018-03-31", "2018-03-31"]
    assert t["procurement_route"].iloc[0] == "Restricted tender"
    assert t["vcse"].iloc[0] and not t["sme"].iloc[0]
    # POPPI 65+: 26,800 in 2017 -> 43,400 in 2030 = +61.9%
    assert t["demand_growth_pct"].iloc[0] == pytest.approx((43400 / 26800 - 1) * 100)
    with pytest.raises(ValueError):
        o.contract_timeline(store, 0)


def test_every_client_group_has_a_growth_row_or_a_reason(store):
    from domain.vocabulary import CLIENT_GROUPS
    from metrics.supply import opportunities as o
    g = o.demand_growth_by_group(store).set_index("client_group")
    assert list(g.index) == list(CLIENT_GROUPS)
    assert g.loc["carers", "demand_growth_pct"] == pytest.approx((5799 / 3380 - 1) * 100)  # unpaid carers 65+
    assert g.loc["dementia", "demand_growth_pct"] == pytest.approx((2451 / 1800 - 1) * 100)
    assert g["demand_growth_pct"].notna().all() and (g["note"] != "").all()


def test_growth_rows_say_why_when_a_group_has_no_estimate(tmp_path):
    import shutil
    from conftest import SAMPLE
    from loaders.store import ingest
    from metrics.supply import opportunities as o
    from sentences.supply import provider_messages
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLE.glob("POPPI_Lewisham_dementia*"):
        shutil.copy(p, src)
    assert ingest(src, tmp_path / "store").ok
    g = o.demand_growth_by_group(Store(tmp_path / "store")).set_index("client_group")
    assert g.loc["dementia", "demand_growth_pct"] > 0
    assert "no POPPI/PANSI table for this group is loaded" in g.loc["carers", "note"]
    sentences = provider_messages(Store(tmp_path / "store"))["sentence"]
    assert len(sentences) == 7 and all(s.endswith(".") for s in sentences)


def test_provider_sentences_one_per_group_with_intentions(store):
    from sentences.supply import provider_messages
    m = provider_messages(store).set_index("client_group")
    assert len(m) == 7
    assert m.loc["older_people", "sentence"].startswith(
        "Older people: people aged 65 and over projected to grow 62% from 2017 to 2030; 5 care contracts")
    assert m.loc["learning_disability", "intention"]  # from the profile's [intentions]
    with pytest.raises(ValueError):
        provider_messages(store, -1)


def test_council_funded_places_are_defined_once_for_every_page(store):
    """Demand vs supply and Market health read the same council-funded places: Market health's nursing
    mark says 97 of 225 (128 in the area + 97 outside) and Demand vs supply's nursing row holds the same."""
    from metrics.supply import gaps, segments, supply
    f = supply.council_funded_care_home_places(store).set_index("setting")
    p = gaps.beds_position(store).set_index("type")
    for setting in ("residential", "nursing"):
        assert p.loc[setting, "council_funded_in_area"] == f.loc[setting, "in_area"]
        assert p.loc[setting, "council_funded_out_of_area"] == f.loc[setting, "out_of_area"]
    assert segments.supply_mark(store, "nursing_65").evidence.startswith("97 of 225 council-funded people")
    assert segments.supply_mark(store, "care_homes_65").evidence.startswith("155 of 475 council-funded people")


def test_beds_position_separates_registered_occupied_and_council_funded(store):
    from metrics.supply import gaps
    p = gaps.beds_position(store, 0.9).set_index("type")
    assert p.loc["residential", "registered_beds"] == 190 and p.loc["residential", "homes"] == 9
    assert p.loc["nursing", "registered_beds"] == 482 and p.loc["all", "registered_beds"] == 672
    assert p.loc["nursing", "occupied_beds"] == pytest.approx(482 * 0.9)
    # Council activity 2016/17, people aged 65+ in care homes, every support reason (the one definition,
    # metrics.supply.supply.council_funded_care_home_places): residential in the area = physical 186 + visual 4
    # + memory and cognition 98 + learning disability 7 + mental health 25 = 320; nursing 68 + 48 + 12 = 128;
    # out of area 80 + 2 + 52 + 7 + 14 = 155 residential and 49 + 39 + 9 = 97 nursing.
    assert p.loc["residential", "council_funded_in_area"] == 186 + 4 + 98 + 7 + 25 == 320
    assert p.loc["nursing", "council_funded_in_area"] == 68 + 48 + 12 == 128
    assert p.loc["all", "council_funded_in_area"] == 448  # the activity file's 65+ in area
    assert p.loc["all", "council_funded_out_of_area"] == 155 + 97
    assert p.loc["all", "beds_per_1000_aged_75_plus"] == pytest.approx(672 / 12400 * 1000)
    with pytest.raises(ValueError):
        gaps.beds_position(store, 1.5)


def test_beds_needed_by_home_type(store):
    from metrics.supply import gaps
    nursing = gaps.beds_needed(store, home_type="nursing").set_index("year")
    # Today's nursing ratio held: 482 beds x 16,000 / 12,400 people aged 75+ in 2030.
    assert nursing.loc[2030, "beds_needed"] == pytest.approx(482 * 16000 / 12400)
    assert nursing.loc[2017, "beds_needed"] == pytest.approx(482)
    with pytest.raises(ValueError):
        gaps.beds_needed(store, home_type="hospital")


def test_bed_benchmarks_show_values_or_say_what_is_missing(store):
    from metrics.supply import gaps
    b = gaps.bed_benchmarks(store, 0.9).set_index("basis")
    assert b.loc["today", "beds_per_1000"] == pytest.approx(672 / 12400 * 1000)
    assert b.loc["today", "occupied_per_1000"] == pytest.approx(672 / 12400 * 1000 * 0.9)
    # The sample's CQC directory covers Lewisham and a few neighbours' homes: no London or England rate.
    assert pd_isna(b.loc["region", "beds_per_1000"]) and "covers only some of the region" in b.loc["region", "note"]
    assert pd_isna(b.loc["england", "beds_per_1000"]) and "national" in b.loc["england", "note"]
    assert "comparators" in b.index


def pd_isna(v):
    import pandas as pd
    return pd.isna(v)
