"""Supply metrics (metrics/supply/): contracts and opportunities, growth intentions, beds, the carers'
target, and Market health (directory editions side by side, changes between them checked by hand
against the sample's two editions (data/sample/README.md), HHI against worked examples, quality,
segment ratings, workforce and prices), pinned by hand from the sample."""
import datetime as dt
import shutil

import pandas as pd
import pytest

from conftest import SAMPLE
from metrics.supply import market, segments
from store import Store
from sentences.supply import provider_messages


@pytest.fixture(scope="module")
def store(sample_store):
    return Store(sample_store)


def pd_isna(v):
    import pandas as pd
    return pd.isna(v)


JUNE = "01_June_2017_HSCA_Active_Locations.xlsx"
DECEMBER = "01_December_2016_HSCA_Active_Locations.xlsx"


def _changes(store, change):
    c = market.market_changes(store)
    return sorted(c.loc[c["change"] == change, ["location_name", "segment"]].itertuples(index=False, name=None))


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


def test_carers_reached_is_65_plus_supported_over_poppi_65_plus_carers(store):
    """council_activity.csv row 288: 1,139 carers aged 65+ supported in 2016/17; POPPI's unpaid
    carers aged 65+ in 2017 (POPPI_Lewisham_carers_2017.ods, row 10): 3,380. 1,139 / 3,380 = 33.7%."""
    from metrics.supply import gaps
    row = gaps.all_gaps(store).set_index("metric").loc["carers_reached_pct"]
    assert (row["numerator"], row["denominator"]) == (1139, 3380)
    assert row["value"] == pytest.approx(1139 / 3380 * 100) and round(row["value"], 1) == 33.7


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
    from loaders.store import ingest
    from metrics.supply import opportunities as o
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


def test_both_editions_are_kept_and_the_latest_is_current(store):
    assert market.editions(store) == ["2016-12-01", "2017-06-01"]
    current = store.table("care_providers")
    assert set(current["as_at"]) == {"2017-06-01"} and set(current["source_file"]) == {JUNE}
    editions = store.table("care_provider_editions")
    assert editions.groupby("as_at")["source_file"].first().to_dict() == {"2016-12-01": DECEMBER,
                                                                          "2017-06-01": JUNE}


def test_homes_opened_and_closed_between_editions_by_hand(store):
    # December 2016 -> June 2017 in Lewisham (data/sample/README.md): Manor Park Care Home (residential,
    # 12 beds) registered in February 2017 and Alpha Care Agency in December 2016 opened; Sydenham Park
    # Nursing Home (45 beds) and Lee Manor Rest Home (residential, 16 beds) closed.
    assert _changes(store, "opened") == [("Alpha Care Agency", "home_care"), ("Manor Park Care Home", "care_homes_65")]
    assert _changes(store, "closed") == [("Lee Manor Rest Home", "care_homes_65"),
                                         ("Sydenham Park Nursing Home", "nursing_65")]
    summary = market.change_summary(store).set_index("segment")
    assert summary.loc["care_homes_65", ["opened", "closed", "beds_opened", "beds_closed", "net_beds"]].tolist() == \
        [1, 1, 12, 16, 12 - 16]
    # Nursing: one home of 45 beds closed, Meadowbank House grew from 70 to 75 beds: net 5 - 45 = -40.
    assert summary.loc["nursing_65", ["opened", "closed", "beds_closed", "beds_changed_at_open_homes", "net_beds"]].tolist() \
        == [0, 1, 45, 5, -40]


def test_opened_and_closed_by_client_band_by_hand(store):
    bands = market.changes_by_band(store).set_index("user_band")
    # Older People: opened Manor Park (12 beds) and Alpha Care Agency (no beds); closed Sydenham Park
    # (45) and Lee Manor (16).
    assert bands.loc["Older People"].tolist() == [2, 2, 12, 61]


def test_rating_changes_between_editions_by_hand(store):
    assert _changes(store, "rating_improved") == [("Thistle Home Care", "home_care"),
                                                  ("Willow Domiciliary Care", "home_care")]
    assert _changes(store, "rating_declined") == [("Larchfield View", "nursing_65")]
    first = _changes(store, "first_rated")
    assert len(first) == 7 and ("Linden Grove Extra Care", "extra_care") in first
    c = market.market_changes(store)
    larchfield = c[c["location_name"] == "Larchfield View"].iloc[0]
    assert (larchfield["rating_from"], larchfield["rating_to"], larchfield["rating_published"]) == \
        ("Good", "Requires improvement", "2017-02-20")


def test_rating_change_kinds():
    assert market.rating_change("Good", "Outstanding") == "rating_improved"
    assert market.rating_change("Good", "Inadequate") == "rating_declined"
    assert market.rating_change(None, "Good") == "first_rated"
    assert market.rating_change("Good", "") == "rating_removed"
    assert market.rating_change("Good", "Good") is None
    with pytest.raises(ValueError):
        market.rating_change("Good", "Excellent")


def test_hhi_worked_examples():
    assert market.hhi([40, 30, 20, 10]) == pytest.approx(1600 + 900 + 400 + 100)
    assert market.hhi([482]) == pytest.approx(10_000)
    assert market.hhi([1, 1, 1, 1]) == pytest.approx(4 * 25 ** 2)
    assert market.top_share([40, 30, 20, 10], 3) == pytest.approx(90)
    for bad in ([], [0, 0], [5, -1], [float("nan")]):
        with pytest.raises(ValueError):
            market.hhi(bad)


def test_nursing_concentration_by_hand(store):
    # June 2017 nursing homes 65+ in Lewisham, beds by group: Meadowbank 75 + 68 = 143, Larchfield
    # 62 + 67 = 129, Hartwell 70, and four independents 39, 38, 33, 30 (total 482).
    c = market.concentration(store).set_index(["as_at", "segment"]).loc[("2017-06-01", "nursing_65")]
    squares = 143 ** 2 + 129 ** 2 + 70 ** 2 + 39 ** 2 + 38 ** 2 + 33 ** 2 + 30 ** 2
    assert c["total"] == 482 and c["groups"] == 7
    assert c["hhi"] == pytest.approx(squares * 10_000 / 482 ** 2)  # 2,020.6: highly concentrated
    assert c["top3_pct"] == pytest.approx(100 * (143 + 129 + 70) / 482)


def test_quality_by_segment_by_hand(store):
    q = market.quality(store).set_index(["segment", "area_type"])
    nursing = q.loc[("nursing_65", "la")]
    # 9 nursing homes, all rated: 6 Good or Outstanding (Larchfield View, Meadowbank Lodge and Sydenham
    # Hill Requires improvement); beds in Good/Outstanding homes 75 + 70 + 62 + 39 + 30 + 38 = 314.
    assert (nursing["rated"], nursing["good_or_outstanding"], nursing["beds_good"]) == (9, 6, 314)
    assert nursing["pct_locations_good"] == pytest.approx(100 * 6 / 9)
    assert q.loc[("care_homes_65", "la"), "not_yet_rated"] == 1  # Manor Park, opened in February
    # The sample directory holds four London authorities, not England or all of London: the region's row
    # says so, and the whole file (the same four) is not shown twice.
    rows = q.xs("nursing_65")
    assert rows.loc["region", "area_name"] == "London (4 authorities in the file)"
    assert "england" not in rows.index and "file" not in rows.index
    # Comparators from the profile (GSS codes, named through the areas lookup): the sample directory
    # holds Southwark and Greenwich only.
    assert set(q.xs("nursing_65").query("area_type == 'comparator'")["area_name"]) == {"Southwark", "Greenwich"}
    assert market.missing_comparators(store) == ["Lambeth", "Hackney", "Haringey", "Waltham Forest"]


def test_segment_ratings_follow_their_rules_and_the_override(store):
    r = segments.segment_ratings(store).set_index("segment")
    assert list(r.index) == list(segments.MARKET_SEGMENTS)
    nursing = r.loc["nursing_65"]
    assert nursing["supply_mark"] == "Short of demand" and nursing["derived_direction"] == "grow"
    assert "97 of 225" in nursing["supply_reason"] and "Rule: " in nursing["supply_reason"]
    homes = r.loc["care_homes_65"]
    assert (homes["direction"], homes["derived_direction"]) == ("hold", "grow")
    assert "London averages" in homes["override_reason"]
    assert r.loc["supported_living", "direction"] == "hold" and pd.isna(r.loc["supported_living", "override_reason"])


def test_derived_direction_rule():
    m = segments.Mark
    assert segments.derived_direction({"supply": m("short", ""), "demand": m("stable", "")}) == "grow"
    assert segments.derived_direction({"supply": m("no_data", ""), "demand": m("growing", "")}) == "grow"
    assert segments.derived_direction({"supply": m("met", ""), "demand": m("falling", "")}) == "shrink"
    assert segments.derived_direction({"supply": m("met", ""), "demand": m("growing", "")}) == "hold"
    assert segments.derived_direction({"supply": m("no_data", ""), "demand": m("no_data", "")}) == "not_rated"


def test_workforce_estimates_load_and_mark_pressure(store):
    w = store.table("workforce")
    lewisham = w[(w["area_name"] == "Lewisham") & (w["job_role"] == "All job roles")
                 & (w["service"] == "Care home services with nursing")].set_index("measure")["value"]
    assert lewisham["vacancy_rate"] == pytest.approx(10.1)  # written 0.101: fractions become percentages
    assert set(w["area_type"]) == {"la", "region", "england"}
    # Suppressed care worker cells are missing, not zero.
    suppressed = w[(w["job_role"] == "Care worker") & (w["area_name"] == "Lewisham") & (w["service"] != "All services")]
    assert set(suppressed["measure"]) == {"filled_posts", "median_hourly_pay"}  # the rates were '*'

    r = segments.segment_ratings(store).set_index("segment")
    assert r.loc["nursing_65", "workforce_mark"] == "High pressure"  # 10.1% against England's 7.2%
    assert "10.1%" in r.loc["nursing_65", "workforce_reason"] and "7.2% in England" in r.loc["nursing_65", "workforce_reason"]
    assert r.loc["home_care", "workforce_mark"] == "No more than elsewhere"  # 7.4% against 8.1%


def test_prices_against_the_cost_of_care_by_hand(store):
    p = segments.prices(store).set_index(["service", "age_band"])
    nursing = p.loc[("nursing", "65+")]
    # Lewisham's nursing 65+ unit cost £612 a week against its cost-of-care median £705: 86.8%;
    # comparators Southwark 690, Greenwich 655, Lambeth 702: median 690.
    assert (nursing["council_rate"], nursing["cost_of_care_median"]) == (612, 705)
    assert nursing["rate_vs_median_pct"] == pytest.approx(100 * 612 / 705)
    assert nursing["comparator_median"] == 690
    r = segments.segment_ratings(store).set_index("segment")
    assert r.loc["nursing_65", "price_mark"] == "Below cost of care (lower quartile)"  # 612 < 642
    assert r.loc["care_homes_65", "price_mark"] == "Below median cost of care"  # 560 <= 585 < 612
    assert r.loc["home_care", "price_mark"] == "Below cost of care (lower quartile)"  # 15.90 < 16.40
    assert r.loc["supported_living", "price_mark"] == "No data"


def test_changes_between_named_editions_are_checked(store):
    same = market.market_changes(store, from_as_at="2016-12-01", to_as_at="2017-06-01")
    assert same.equals(market.market_changes(store))
    with pytest.raises(ValueError, match="must be earlier"):
        market.market_changes(store, from_as_at="2017-06-01", to_as_at="2016-12-01")
    with pytest.raises(ValueError, match="no directory edition dated '2015-01-01'"):
        market.market_changes(store, from_as_at="2015-01-01")


def _recording(monkeypatch, owner, name: str, pick) -> list:
    """Each call to `owner.name` recorded as `pick(*args)` in the list returned; the original still answers."""
    seen, original = [], getattr(owner, name)

    def recorded(*args, **kwargs):
        seen.append(pick(*args, **kwargs))
        return original(*args, **kwargs)
    monkeypatch.setattr(owner, name, recorded)
    return seen


def test_the_whole_directory_is_worked_out_once_for_every_authority(store, monkeypatch):
    """An edition's locations with their segments (every authority's; the quality table's whole-file
    rows, an authority's changes) are the same whichever authority the store is seen as: worked out
    once per store version and edition and shared, not once per authority (serving every authority
    recomputed them for each)."""
    from store import clear_caches
    clear_caches()
    whole_file = _recording(monkeypatch, market, "_edition_rows", lambda _store, as_at: as_at)
    codes = [code for code, _ in store.authorities()][:3]
    assert len(codes) >= 2
    views = [store.for_authority(code) for code in codes]
    answers = [market.quality(v) for v in views] + [market.quality(v) for v in views]
    assert whole_file == [market.editions(store)[-1]]
    for v in views:  # each authority's changes between the two editions, from the same shared rows
        market.missing_comparators(v)
        market.market_changes(v)
    assert sorted(whole_file) == market.editions(store)  # each edition once, for every authority
    # Each view still has its own rows: the authority's own and its comparators'.
    assert all(not a.empty for a in answers)
    assert market.quality(store).equals(market.quality(store.for_authority(store.authority.area_code)))


def _quality_by_filters(store):
    """`market.quality` as it was written before its shared rows: a comparison over the whole
    directory for the authority, each comparator, the region and each segment."""
    everything = market._every_location(store, market.editions(store)[-1])
    own = everything[everything["authority_key"] == (store.authority.area_name or "").lower()]
    region = own["region"].mode().iloc[0] if own["region"].notna().any() else None
    authorities = everything["local_authority"].nunique()
    whole = ("england", "England") if authorities >= market.NATIONAL_AUTHORITIES else (
        "file", f"All locations in the file ({authorities} authorities)")
    areas = [("la", store.authority.area_name or "The authority", own)]
    areas += [("comparator", c, everything[everything["authority_key"] == c.lower()])
              for c in market.comparator_names(store)]
    in_region = everything[everything["region"] == region] if region else everything.iloc[0:0]
    if region and whole[0] == "file":
        region = f"{region} ({in_region['local_authority'].nunique()} authorities in the file)"
    if region:
        areas.append(("region", region, in_region))
    if whole[0] == "england" or len(in_region) < len(everything):
        areas.append((*whole, everything))
    rows = [market._quality_row(seg, t, name, f[f["segments"] == seg])
            for seg in market.MARKET_SEGMENTS + ("care_homes_18_64",) for t, name, f in areas
            if (f["segments"] == seg).any()]
    return pd.DataFrame(rows, columns=market.QUALITY_COLUMNS)


def test_quality_shares_the_region_and_whole_file_rows_between_authorities(store, monkeypatch):
    """The quality table's region and whole-file rows are the same for every authority of a
    region: worked out once per store version, and each authority's and comparator's rows are
    picked by positions grouped once (a comparison over the national directory for each of fifteen
    comparators was most of a cold Market health visit). The table is the one the filters give."""
    from store import clear_caches
    clear_caches()
    original = market._quality_row
    counted = _recording(monkeypatch, market, "_quality_row", lambda _seg, area_type, *_: area_type)
    views = [store.for_authority(code) for code, _ in store.authorities()]
    assert len(views) >= 2
    answers = [market.quality(v) for v in views]
    shared = [t for t in counted if t in ("region", "england", "file")]
    # Each shared row worked out once for all the authorities together: the sample's London rows
    # (the file holds only London, so no whole-file row beside them) and, for the authority with no
    # locations in the directory (no region), the whole file's.
    distinct = {tuple(r) for a in answers
                for r in a.loc[a["area_type"].isin(["region", "england", "file"]),
                               ["segment", "area_type", "area_name"]].itertuples(index=False)}
    assert len(shared) == len(distinct) == 14
    # A comparator's rows too, whichever authority it is a comparator of.
    of_comparators = {tuple(r) for a in answers
                      for r in a.loc[a["area_type"] == "comparator", ["segment", "area_name"]].itertuples(index=False)}
    shown = sum(a["area_type"].eq("comparator").sum() for a in answers)
    assert counted.count("comparator") == len(of_comparators) < shown
    assert sum(a["area_type"].isin(["region", "england", "file"]).sum() for a in answers) == 7 * len(answers)
    monkeypatch.setattr(market, "_quality_row", original)
    for view, answer in zip(views, answers):
        pd.testing.assert_frame_equal(answer, _quality_by_filters(view))


def test_segment_ratings_read_the_demand_and_workforce_tables_once(store, monkeypatch):
    """The eight segments' demand and workforce marks share one read of the demand projections and
    of the workforce table (each segment read and filtered them again), with the same marks."""
    from metrics.demand import demand
    from store import clear_caches
    clear_caches()
    expected = segments.segment_ratings(store)
    clear_caches()
    headline = _recording(monkeypatch, demand, "headline", lambda *_: True)
    older = _recording(monkeypatch, demand, "older_population", lambda *_: True)
    tables = _recording(monkeypatch, Store, "table", lambda _self, name: name)
    got = segments.segment_ratings(store)
    calls = {"headline": len(headline), "older_population": len(older), "workforce": tables.count("workforce")}
    assert calls == {"headline": 1, "older_population": 1, "workforce": 1}
    pd.testing.assert_frame_equal(got, expected)
    assert got.set_index("segment").loc["nursing_65", "workforce_mark"] == "High pressure"


def test_the_directory_is_grouped_once_for_every_authoritys_locations(store, monkeypatch):
    """Each location's service types and user bands, providers' spread and the rows by authority
    are the whole directory's, worked out once per store version for every authority (each view
    grouped the national directory again); an authority's locations and an edition's are the rows
    a filter on its name gives."""
    from metrics.supply import supply
    from store import clear_caches
    clear_caches()
    grouped = _recording(monkeypatch, supply, "_flags", lambda _store, family: family)
    views = [store.for_authority(code) for code, _ in store.authorities()]
    found = [supply.locations(v) for v in views]
    assert grouped == ["service_type", "service_user_band"]
    cp = store.table("care_providers")
    for view, got in zip(views, found):
        name = view.authority.area_name.lower()
        expected = cp[~cp["dormant"].fillna(False).astype(bool) & (cp["local_authority"].str.lower() == name)]
        assert list(got.index) == list(expected.index) and list(got["location_id"]) == list(expected["location_id"])
        latest = market.edition_locations(view, market.editions(view)[-1])
        whole = market.edition_locations(view, market.editions(view)[-1], "")
        pd.testing.assert_frame_equal(latest, whole[whole["local_authority"].str.lower() == name].reset_index(drop=True))
    assert sum(len(f) for f in found) == len(cp[~cp["dormant"].fillna(False).astype(bool)]) > 0


def test_the_dementia_diagnosis_rate_reads_the_authoritys_indicator_rows_only(store, monkeypatch):
    """The rate needs the authority's own Fingertips rows: it asks for those, not for a copy of
    every row of its scope (region, England and comparators too). 1,330 on the register against
    POPPI's 1,800 aged 65+ (seed 000 s3.3)."""
    from metrics.supply import gaps
    from store import clear_caches
    clear_caches()
    table = Store.table

    def no_whole_indicators(self, name):
        assert name != "indicators", "the whole scope's indicators copied"
        return table(self, name)
    monkeypatch.setattr(Store, "table", no_whole_indicators)
    rate = gaps.dementia_diagnosis_rate(store)
    assert (rate.numerator, rate.denominator, round(rate.value)) == (1330, 1800, 74)


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
    sentence = provider_messages(store, None).set_index("client_group").loc["older_people", "sentence"]
    assert "11 care contracts worth £21.4m a year are running, whatever their end date" in sentence


def test_carers_target_comes_from_the_profile(sample_store, tmp_path):
    """mps.toml [targets] carers_new_contacts = 500 (seed 000 s4.8); the sample's council activity
    has 561 new carer contacts, so 561 / 500 = 112.2%. Without the target: no value, no crash."""
    import shutil

    import re

    from conftest import PROFILE, SAMPLE
    from loaders.store import ingest
    from metrics.supply import gaps
    from store import Store
    g = gaps.all_gaps(Store(sample_store)).set_index("metric")
    row = g.loc["carers_new_contacts_vs_target_pct"]
    assert (row["numerator"], row["denominator"]) == (561, 500)
    assert row["value"] == pytest.approx(112.2)

    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    # Another profile for the same authority, without targets.
    profile = tmp_path / "profile"
    shutil.copytree(PROFILE, profile)
    toml = (profile / "profile.toml").read_text()
    (profile / "profile.toml").write_text(re.sub(r"\[targets\][^\[]*", "", toml))
    assert ingest(src, tmp_path / "store", profile_dir=profile).ok
    store = Store(tmp_path / "store")
    assert store.manifest.targets == {}
    row = gaps.all_gaps(store).set_index("metric").loc["carers_new_contacts_vs_target_pct"]
    assert row["numerator"] == 561
    assert row["value"] is None or row["value"] != row["value"]  # missing (None or NaN), never a guess
