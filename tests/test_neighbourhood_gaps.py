"""Demand against supply where people live, on the authority's real files
(../shared/real/lewisham-open-data): the census-by-ward loader and the ward boundaries, placement of
care services in wards, resident against registered population, the export table and the map
callback. The gap matrix by hand is in tests/test_metrics_places.py."""
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, real_file
from loaders.errors import InputError
from loaders.sheets import read_sheets

REAL = "lewisham-open-data"
GEOJSON = "lbl_wd22.geojson"
CENSUS = "census2011_health_unpaid_care_wd22.csv"
REFERENCES = "census2011_health_unpaid_care_references.csv"


def real(name: str) -> Path:
    """The authority's real file: skipped with the reason outside CI, a failure under CI=true."""
    return real_file(f"{REAL}/{name}")


# --------------------------------------------------------------------------- the matrix, by hand


# --------------------------------------------------------------------------- the authority's real files

def test_census_by_ward_reads_the_real_file_and_its_references(ctx):
    from loaders import census_wards
    wards = census_wards.load(read_sheets(real(CENSUS)), ctx)
    refs = census_wards.load(read_sheets(real(REFERENCES)), ctx)
    w, r = wards.frame, refs.frame
    assert w["area_code"].nunique() == 19 and set(w["area_type"]) == {"ward"}
    assert set(r["area_type"]) == {"england", "region", "la"}
    bellingham = w[w["area_code"] == "E05013714"].set_index("measure")["value"]
    assert (bellingham["residents"], bellingham["unpaid_care_50_plus"], bellingham["limited_a_lot"]) == (10627, 284, 957)
    # Every measure summed over the 19 wards is the authority's row of the references file.
    la = r[r["area_code"] == "E09000023"].set_index("measure")["value"]
    assert (w.groupby("measure")["value"].sum() - la).abs().max() == 0
    assert la["residents"] == 275885


def test_real_ward_boundaries_match_the_profile_by_code_and_dissolve_into_neighbourhoods(ctx):
    from loaders.boundaries import load_path
    result = load_path(real(GEOJSON), ctx)
    f = result.frame
    assert f["ward_code"].nunique() == 19 and f["neighbourhood_code"].notna().all() and not result.warnings
    hoods = f.drop_duplicates("ward_code").set_index("ward_code")["neighbourhood_code"]
    assert hoods["E05013714"] == "N3" and hoods["E05013731"] == "N4"  # Bellingham, Sydenham (by GSS code)
    outlines = result.extra_tables["neighbourhood_boundaries"]
    assert sorted(outlines["neighbourhood_code"].unique()) == ["N1", "N2", "N3", "N4"]
    assert (outlines["ring"] == 0).all()


def test_a_ward_census_file_with_a_bad_cell_is_named(tmp_path, ctx):
    from loaders import census_wards
    text = real(CENSUS).read_text().splitlines()
    text[3] = text[3].replace(",", ",lots", 1)
    bad = tmp_path / "census.csv"
    bad.write_text("\n".join(text))
    with pytest.raises(InputError) as e:
        census_wards.load(read_sheets(bad), ctx)
    assert e.value.row == 4 and "census.csv" in e.value.message


def make_real_store(folder: Path) -> Path:
    """The sample with the authority's real ward boundaries and census files beside it, ingested."""
    from loaders.store import ingest
    src = folder / "src"
    shutil.copytree(SAMPLE, src)
    for name in (GEOJSON, CENSUS, REFERENCES):
        shutil.copy(real(name), src / name)
    store = folder / "store"
    report = ingest(src, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return store


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    return make_real_store(tmp_path_factory.mktemp("real"))


def test_matrix_covers_every_client_group_and_neighbourhood(real_store):
    from domain.vocabulary import CLIENT_GROUPS
    from metrics.tables import mps_tables
    from store import Store
    t = mps_tables(Store(real_store))["neighbourhood_gaps"]
    hood = t[t["level"] == "neighbourhood"]
    assert {(h, g) for h in ["N1", "N2", "N3", "N4"] for g in CLIENT_GROUPS} <= set(zip(hood["area_code"], hood["client_group"]))
    assert t[t["level"] == "ward"]["area_code"].nunique() == 19
    ranked = hood[hood["gap_rank"].notna()].sort_values("gap_rank")
    assert ranked["gap_rank"].iloc[0] == 1 and ranked["sentence"].str.contains("borough rate").all()


def test_services_are_placed_in_wards_by_coordinates_and_neighbourhoods_follow(real_store):
    from metrics.places.areas import PLACED_BY_COORDINATES, place_locations, wards
    from store import Store
    s = Store(real_store)
    loc = place_locations(s)
    by_coords = loc[loc["placed_by"] == PLACED_BY_COORDINATES]
    assert len(by_coords) > len(loc) / 2
    hood_of = dict(zip(wards(s)["ward_code"], wards(s)["neighbourhood_code"]))
    assert (by_coords["ward_code"].map(hood_of) == by_coords["neighbourhood_code"]).all()


def test_resident_and_registered_reconcile_with_the_borough(real_store):
    from metrics.places.areas import census_reconciliation
    from metrics.places.neighbourhoods import resident_vs_registered
    from sentences.places import resident_sentence
    from store import Store
    s = Store(real_store)
    t = resident_vs_registered(s).set_index("neighbourhood")
    assert t.loc["total", "residents"] == 275885 == t.drop("total")["residents"].sum()
    assert t.loc["total", "registered"] == t.drop("total")["registered"].sum()
    assert "exceed Census 2011 residents (275,885) by" in resident_sentence(s)
    assert (census_reconciliation(s)["difference"] == 0).all()


def test_carers_demand_by_ward_is_the_census_count_of_carers(real_store):
    """Carers by ward come from the census where it gives them, not the neighbourhood estimate
    shared out: Bellingham (E05013714) 539 + 172 + 284 = 995 residents providing unpaid care in
    2011 (census2011_health_unpaid_care_wd22.csv)."""
    from metrics.tables import mps_tables
    from store import Store
    t = mps_tables(Store(real_store))["neighbourhood_gaps"]
    carers = t[(t["level"] == "ward") & (t["client_group"] == "carers")].drop_duplicates("area_code")
    bellingham = carers.set_index("area_code").loc["E05013714"]
    assert bellingham["demand"] == 995 and bellingham["demand_measure"] == "census_unpaid_carers"
    assert bellingham["population_basis"] == "Census 2011 residents providing unpaid care"
    assert len(carers) == 19
    others = t[(t["level"] == "ward") & (t["client_group"] == "dementia")]
    assert (others["demand_measure"] == "dementia").all()  # other groups still share their neighbourhood's


def test_carers_reach_is_a_figure_and_its_sentence_says_it(real_store):
    """The council supported 4,805 carers (all ages) in 2016/17, the sample's latest
    council_activity.csv row; against the census's unpaid carers in the borough (the census_wards
    export's authority row). The metric gives the numbers, sentences.places words them."""
    from metrics.places.areas import carers_reach
    from metrics.tables import mps_tables
    from sentences.places import carers_reach_sentence
    from store import Store
    s = Store(real_store)
    r = carers_reach(s)
    t = mps_tables(s)["census_wards"]
    census = t[(t["measure"] == "unpaid_carers") & (t["area_type"] == "la")]["value"].iloc[0]
    assert (r["supported"], r["period"], r["census_year"]) == (4805, "2016/17", 2011)
    assert r["census_carers"] == census and r["pct"] == 4805 / census * 100
    assert carers_reach_sentence(s).startswith(
        f"The council supported 4,805 carers in 2016/17: {4805 / census * 100:.1f}% of the {census:,.0f} residents "
        "providing unpaid care at Census 2011.")


def test_the_census_wards_export_says_2011_and_reconciles_with_lewishams_row(real_store):
    from metrics.tables import mps_tables
    from store import Store
    t = mps_tables(Store(real_store))["census_wards"]
    assert set(t["census_year"]) == {2011}
    fifty = t[t["measure"] == "unpaid_care_50_plus"]
    assert fifty[fifty["area_type"] == "ward"]["value"].sum() == 5088 == fifty.set_index("area_type").loc["la", "value"]
    assert (t[t["area_type"] == "wards_total"]["difference"] == 0).all()
    bell = t[(t["area_code"] == "E05013714") & (t["measure"] == "unpaid_care_50_plus")].iloc[0]
    assert bell["area_name"] == "Bellingham" and bell["neighbourhood_code"] == "N3"
    assert round(bell["share_pct"], 2) == round(284 / 10627 * 100, 2)  # of its 10,627 residents
    # An age group's count (16 to 64) has no total in the tables: no share of all residents is made.
    assert t[t["measure"] == "limited_a_lot_16_64"]["share_pct"].isna().all()
    from metrics.places import area_profile
    s = Store(real_store)
    profile = area_profile.indicators(s, area_profile.find_area(s, "E05013714")).set_index("indicator")
    fifty = profile.loc["Unpaid care, 50 or more hours a week"]
    assert fifty["people"] == 284 and round(fifty["area_pct"], 2) == 2.67
    assert round(fifty["borough_pct"], 2) == round(5088 / 275885 * 100, 2) == 1.84
    assert not profile.index.str.contains("16 to 64").any()


def test_neighbourhoods_census_block_names_its_year_and_every_ward(real_store):
    """The page's census by ward (the callback a browser calls): Census 2011, the 19 wards, every
    measure the tables give, and the ward sums checked against Lewisham's row."""
    from app import create_app
    from benchmarks.bench_callbacks import payload
    client = create_app(real_store).server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "neighbourhood-census-graph" in d["output"])
    out = client.post("/_dash-update-component", json=payload(cb, [True])).get_json()["response"]
    source = out["neighbourhood-census-source"]["children"]
    assert source.startswith("Census 2011 (ONS) by ward") and "Ward sums match the authority's own row" in source
    table = str(out["neighbourhood-census-table"]["children"])
    assert "Census 2011 by ward" in table and "Bellingham" in table and "Sydenham" in table
    assert "10,627" in table and "284" in table  # Bellingham: residents, 50+ hours of unpaid care
    figure = out["neighbourhood-census-graph"]["figure"]
    assert {t["name"] for t in figure["data"]} == {"Provides unpaid care", "Unpaid care, 50+ hours",
                                                   "Activities limited a lot", "Bad health"}


def test_map_callback_draws_19_wards_with_a_legend_and_no_tiles(real_store):
    import json

    from app import create_app
    from benchmarks.bench_callbacks import payload
    client = create_app(real_store).server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "neighbourhood-map-graph" in d["output"])
    body = client.post("/_dash-update-component", json=payload(cb, ["dementia", "nursing_beds", "ward", None])).get_json()
    figure = body["response"]["neighbourhood-map-graph"]["figure"]
    markers = figure["data"][-1]
    assert len(markers["customdata"]) == 19 and all(c[0].startswith("E05") for c in markers["customdata"])
    legend = [t["name"] for t in figure["data"] if t.get("fill") == "toself"]
    assert legend and all(" to " in n or "No value" in n for n in legend)
    assert "per 1,000" in figure["layout"]["legend"]["title"]["text"]
    assert "mapbox" not in json.dumps(figure["layout"]) and "tiles" not in json.dumps(figure["layout"])
