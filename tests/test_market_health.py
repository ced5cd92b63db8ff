"""Market health: directory editions side by side, changes between them checked by hand against the
sample's two editions (data/sample/README.md), HHI against worked examples, quality, segment ratings,
and the cross-file checks on editions."""
import shutil

import pandas as pd
import pytest

from conftest import SAMPLE
from loaders.store import load_folder
from metrics.supply import market, segments
from store import Store

JUNE = "01_June_2017_HSCA_Active_Locations.xlsx"
DECEMBER = "01_December_2016_HSCA_Active_Locations.xlsx"


@pytest.fixture(scope="module")
def store(sample_store):
    return Store(sample_store)


def test_both_editions_are_kept_and_the_latest_is_current(store):
    assert market.editions(store) == ["2016-12-01", "2017-06-01"]
    current = store.table("care_providers")
    assert set(current["as_at"]) == {"2017-06-01"} and set(current["source_file"]) == {JUNE}
    editions = store.table("care_provider_editions")
    assert editions.groupby("as_at")["source_file"].first().to_dict() == {"2016-12-01": DECEMBER,
                                                                          "2017-06-01": JUNE}


def _changes(store, change):
    c = market.market_changes(store)
    return sorted(c.loc[c["change"] == change, ["location_name", "segment"]].itertuples(index=False, name=None))


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


def test_a_segment_override_without_a_reason_is_refused_at_ingest(tmp_path):
    from loaders.errors import InputError
    (tmp_path / "mps.toml").write_text('area_code = "E09000023"\n[segment_overrides.home_care]\n'
                                       'direction = "grow"\n', encoding="utf-8")
    shutil.copy(SAMPLE / JUNE, tmp_path / JUNE)
    with pytest.raises(InputError) as err:
        load_folder(tmp_path)
    assert err.value.message.startswith("mps.toml, column 'segment_overrides.home_care': the override gives no reason")


def _download(client, chart: str, selection: dict) -> pd.DataFrame:
    import base64
    import io
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if d["output"] == f"{chart}-download.data")
    body = {"output": cb["output"], "outputs": {"id": f"{chart}-download", "property": "data"},
            "inputs": [{"id": f"{chart}-download-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": s["id"], "property": s["property"], "value": selection.get(s["id"], s["id"])}
                      for s in cb["state"]],
            "changedPropIds": [f"{chart}-download-button.n_clicks"]}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.data[:300]
    sent = r.get_json()["response"][f"{chart}-download"]["data"]
    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    return pd.read_csv(io.BytesIO(content))


def test_market_health_downloads_are_what_the_page_shows(sample_store):
    from app import create_app
    from layouts import ids
    client = create_app(sample_store).server.test_client()
    ratings = _download(client, ids.MH_RATINGS_CHART, {})
    assert len(ratings) == 8 and ratings["supply_reason"].str.contains("Rule: ").all()
    nursing = _download(client, ids.MH_CHANGES_CHART, {ids.MH_SEGMENT: "nursing_65", ids.MH_FROM: "2016-12-01"})
    assert sorted(nursing["location_name"]) == ["Larchfield View", "Meadowbank House", "Sydenham Park Nursing Home"]


def test_the_whole_directory_is_worked_out_once_for_every_authority(store, monkeypatch):
    """An edition's locations with their segments (every authority's; the quality table's whole-file
    rows, an authority's changes) are the same whichever authority the store is seen as: worked out
    once per store version and edition and shared, not once per authority (serving every authority
    recomputed them for each)."""
    from store import clear_caches
    clear_caches()
    whole_file = []
    original = market._edition_rows

    def counting(s, as_at):
        whole_file.append(as_at)
        return original(s, as_at)

    monkeypatch.setattr(market, "_edition_rows", counting)
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
