"""Census 2021 bulk tables from Nomis (loaders/census_bulk.py) and the ONS LSOA to ward lookup
(loaders/lsoa_wards.py), through ingest to the Demand page.

The fixtures (tests/fixtures/census2021/, written by make_census2021.py in Nomis's bulk layout)
hold TS037 as a zip with ctry, rgn, utla, ltla, msoa and lsoa CSVs, TS039 as extracted CSVs,
TS038 and TS007A by authority, and a best-fit lookup placing three Lewisham LSOAs in two wards.
Every figure below is worked out by hand from those files:

- Lewisham's bad or very bad health: 11,000 + 4,000 = 15,000 of 300,000 residents = 5.0%;
  Southwark 15,000 of 307,000 = 4.886%; London 400,000 of 8,800,000 = 4.545%; England
  3,500,000 of 56,500,000 = 6.195%.
- Unpaid carers (everyone aged 5+ less those giving none): Lewisham 282,000 - 261,000 = 21,000
  (7.447%); Southwark 20,000 of 290,000 (6.897%); London 600,000 of 8,300,000 (7.229%); England
  5,000,000 of 53,000,000 (9.434%).
- Blackheath = LSOAs E01003189 + E01003190: bad health 70 + 60 = 130, very bad 30 + 40 = 70, so
  200 of 1,500 + 1,600 = 3,100 (6.452%); carers (1,400 - 1,300) + (1,500 - 1,380) = 220 of 2,900
  (7.586%). Brockley = E01003191: 100 of 1,700 (5.882%); 150 of 1,600 (9.375%).
- Disabled under the Equality Act: Lewisham 45,000 of 300,000 = 15.0%.
"""
import shutil
import zipfile
from pathlib import Path

import pytest

from loaders.errors import InputError
from loaders.sheets import read_sheets

FIXTURES = Path(__file__).parent / "fixtures" / "census2021"
LOOKUP = "LSOA_(2021)_to_Electoral_Ward_(2022)_to_LAD_(2022)_Best_Fit_Lookup_in_EW.csv"
LEWISHAM = "E09000023"


def _folder(tmp_path, names=None) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for f in FIXTURES.iterdir():
        if f.suffix in (".csv", ".zip") and (names is None or f.name in names):
            shutil.copy(f, src)
    return src


@pytest.fixture(scope="module")
def census_store(tmp_path_factory):
    from loaders.store import ingest
    root = tmp_path_factory.mktemp("census2021")
    report = ingest(_folder(root), root / "store", authority=LEWISHAM)
    assert report.ok, [f.error for f in report.files if f.error]
    return root / "store", {f.path.name: f for f in report.files}


def test_each_file_is_recognised_by_its_content(census_store):
    _store, files = census_store
    assert files["census2021-ts037.zip"].kind == "census_bulk"
    assert files["census2021-ts039-lsoa.csv"].kind == "census_bulk"
    assert files["census2021-ts007a-ltla.csv"].kind == "census_bulk"
    assert files[LOOKUP].kind == "lsoa_wards"


def test_the_zip_names_what_it_does_not_read_and_keeps_each_area_once(census_store):
    _store, files = census_store
    w = " ".join(files["census2021-ts037.zip"].warnings)
    assert "not read" in w and "census2021-ts037-msoa.csv" in w
    # Hartlepool (not a comparator) and Wales are kept out; Lewisham and Southwark are in both the
    # utla and ltla files and are kept once: 14 rows read, 42 kept = 6 measures x (England, 2
    # regions, Lewisham, Southwark) + 6 x 2 wards.
    assert "2 other area(s)" in w
    assert "3 LSOA(s) summed to 2 ward(s)" in w
    assert files["census2021-ts037.zip"].rows_read == 14 and files["census2021-ts037.zip"].rows_kept == 42
    assert "column(s) not used: 'ObjectId'" in " ".join(files[LOOKUP].warnings)


def test_authority_level_counts_and_totals(census_store):
    from store import Store
    c = Store(census_store[0]).table("census")
    la = c[c["area_code"] == LEWISHAM].set_index("measure")["value"]
    assert la["total_general_health"] == 300000 and la["bad_health"] == 11000 and la["very_bad_health"] == 4000
    assert la["total_long_term_illness"] == 300000 and la["disabled"] == 45000 and la["limited_a_lot"] == 20000
    assert la["total_unpaid_care"] == 282000 and la["unpaid_care_1_19"] == 10500 and la["unpaid_care_50_plus"] == 6000
    assert la["total_age"] == 300000 and la["age_85_plus"] == 4500 and la["age_0_4"] == 20000
    assert "residents" not in la.index  # each table's total is its topic's: two tables never double residents
    assert set(c["census_year"]) == {2021}
    assert not c["area_code"].isin(["E06000001", "W92000004"]).any()
    src = c[(c["area_code"] == LEWISHAM) & (c["measure"] == "bad_health")].iloc[0]
    assert src["source_file"] == "census2021-ts037.zip/census2021-ts037-utla.csv" and src["source_row"] == 3


def test_lsoas_summed_to_wards(census_store):
    from store import Store
    c = Store(census_store[0]).table("census")
    w = c[c["area_type"] == "ward"].pivot_table(index="area_code", columns="measure", values="value")
    assert sorted(w.index) == ["E05013715", "E05013716"]  # Southwark's LSOA is not Lewisham's
    assert w.loc["E05013715", "bad_health"] == 130 and w.loc["E05013715", "very_bad_health"] == 70
    assert w.loc["E05013715", "total_general_health"] == 3100
    assert w.loc["E05013716", "no_unpaid_care"] == 1450 and w.loc["E05013716", "total_unpaid_care"] == 1600
    lookup = Store(census_store[0]).table("lsoa_wards")
    assert sorted(lookup["lsoa_code"]) == ["E01003189", "E01003190", "E01003191"]
    assert set(lookup["ward_year"]) == {2022}


def test_comparators_region_and_england_rates(census_store):
    from metrics.places import areas
    from store import Store
    t = areas.census_demand_comparison(Store(census_store[0]))
    r = t.set_index(["measure", "area_code"])["share_pct"].round(3)
    assert r[("bad_or_very_bad_health", LEWISHAM)] == 5.0
    assert r[("bad_or_very_bad_health", "E09000028")] == 4.886
    assert r[("bad_or_very_bad_health", "E12000007")] == 4.545
    assert r[("bad_or_very_bad_health", "E92000001")] == 6.195
    assert r[("unpaid_carers", LEWISHAM)] == 7.447 and r[("unpaid_carers", "E09000028")] == 6.897
    assert r[("unpaid_carers", "E12000007")] == 7.229 and r[("unpaid_carers", "E92000001")] == 9.434
    assert r[("disabled", LEWISHAM)] == 15.0
    # The North East (another region) is not a comparator; the region and England have no
    # disability table in the fixtures, so they have no disability row (missing, never 0).
    assert "E12000001" not in set(t["area_code"])
    assert ("disabled", "E92000001") not in r.index
    assert set(t["census_year"]) == {2021}


def test_wards_against_the_authority(census_store):
    from metrics.places import areas
    from store import Store
    t = areas.census_demand_by_ward(Store(census_store[0])).set_index(["measure", "area_name"])
    assert t.loc[("bad_or_very_bad_health", "Blackheath"), "value"] == 200
    assert round(t.loc[("bad_or_very_bad_health", "Blackheath"), "share_pct"], 3) == 6.452
    assert round(t.loc[("bad_or_very_bad_health", "Brockley"), "share_pct"], 3) == 5.882
    assert t.loc[("unpaid_carers", "Blackheath"), "value"] == 220
    assert round(t.loc[("unpaid_carers", "Blackheath"), "share_pct"], 3) == 7.586
    assert round(t.loc[("unpaid_carers", "Brockley"), "share_pct"], 3) == 9.375
    assert round(t.loc[("unpaid_carers", "Brockley"), "authority_share_pct"], 3) == 7.447  # Lewisham's own row
    assert t.loc[("unpaid_carers", "Brockley"), "neighbourhood_code"] == "N1"


def test_demand_page_shows_the_census_year_wards_and_comparators(census_store):
    from app import create_app
    from benchmarks.bench_callbacks import payload
    client = create_app(census_store[0]).server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    page = client.post("/_dash-update-component", json=payload(router, ["/demand", ""])).get_data(as_text=True)
    assert "Census 2021: unpaid carers and people in bad health by ward" in page
    assert "against its comparators, London and England" in page
    cb = next(d for d in deps if "demand-census-wards-chart" in d["output"])
    answer = client.post("/_dash-update-component", json=payload(cb, ["demand-census"]))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Blackheath" in text and "Southwark" in text and "England" in text
    assert "Census 2021" in text


def test_lsoa_rows_without_the_lookup_are_left_out_and_said(tmp_path):
    from loaders.store import ingest
    from store import Store
    src = _folder(tmp_path, {"census2021-ts039-lsoa.csv", "census2021-ts039-ltla.csv"})
    report = ingest(src, tmp_path / "store", authority=LEWISHAM)
    assert report.ok
    lsoa = next(f for f in report.files if f.path.name == "census2021-ts039-lsoa.csv")
    assert any("4 LSOA(s) not summed to wards: no LSOA (2021) to ward lookup" in w for w in lsoa.warnings)
    assert lsoa.rows_kept == 0
    c = Store(tmp_path / "store").table("census")
    assert set(c["area_type"]) == {"la"}


def test_a_bad_count_in_the_zip_names_the_file_row_and_column(tmp_path):
    from loaders import LoadContext
    from loaders.census_bulk import load_zip
    path = tmp_path / "census2021-ts037.zip"
    with zipfile.ZipFile(FIXTURES / "census2021-ts037.zip") as z, zipfile.ZipFile(path, "w") as out:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith("-ltla.csv"):
                data = data.replace(b",11000,", b",eleven,", 1)
            out.writestr(name, data)
    with pytest.raises(InputError) as err:
        load_zip(path, LoadContext(area_code=LEWISHAM), path.read_bytes())
    assert str(err.value) == ("census2021-ts037-ltla.csv, row 3, column 'General health: Bad health': 'eleven' is "
                              "not a count (expected a whole number of people, 0 or more)")


def test_a_zip_without_census_csvs_is_refused_by_name(tmp_path):
    from loaders import LoadContext
    from loaders.census_bulk import load_zip
    path = tmp_path / "downloads.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "hello")
    with pytest.raises(InputError) as err:
        load_zip(path, LoadContext(area_code=LEWISHAM), path.read_bytes())
    assert "downloads.zip: the zip holds no Nomis census CSV" in str(err.value) and "notes.txt" in str(err.value)


def test_2011_wording_under_2021_is_refused(tmp_path):
    from loaders import LoadContext, census_bulk
    path = tmp_path / "census2021-ts039-ltla.csv"
    path.write_text('date,geography,geography code,Provision of unpaid care: Provides no unpaid care,'
                    'Provision of unpaid care: Provides 1 to 19 hours unpaid care a week\n2021,X,E09000023,10,5\n')
    sheets = read_sheets(path)
    assert census_bulk.sniff(sheets)
    with pytest.raises(InputError) as err:
        census_bulk.load(sheets, LoadContext(area_code=LEWISHAM))
    assert "is Census 2011 wording, but the file says 2021" in str(err.value)


def test_the_export_holds_each_share_with_its_source_file_and_row(census_store, tmp_path):
    import subprocess
    import sys

    import pandas as pd
    out = tmp_path / "tables"
    run = subprocess.run([sys.executable, "-m", "mps_cli", "export", "--store", str(census_store[0]), "--out",
                          str(out), "--format", "csv"], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert run.returncode == 0, run.stderr
    t = pd.read_csv(out / "census_demand.csv").set_index(["measure", "area_name"])
    england = t.loc[("unpaid_carers", "England")]
    assert england["value"] == 5000000 and england["base"] == 53000000 and round(england["share_pct"], 3) == 9.434
    assert england["source_file"] == "census2021-ts039-ctry.csv" and england["source_row"] == 2
    black = t.loc[("bad_or_very_bad_health", "Blackheath")]
    assert black["value"] == 200 and black["area_role"] == "ward" and black["authority_share_pct"] == 5.0
    assert black["source_file"] == "census2021-ts037.zip/census2021-ts037-lsoa.csv" and black["source_row"] == 2
    assert set(t["census_year"]) == {2021}
    assert "census_demand.csv" in (out / "README.txt").read_text()


def test_a_zip_that_would_inflate_past_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    from loaders import LoadContext
    from loaders.census_bulk import load_zip
    monkeypatch.setenv("MPS_MAX_COMPRESSION_RATIO", "5")
    path = tmp_path / "census2021-ts037.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("census2021-ts037-ltla.csv", "date,geography,geography code,General health: Good health\n"
                   + "2021,A,E09000023,1\n" * 100000)
    with pytest.raises(InputError) as err:
        load_zip(path, LoadContext(area_code=LEWISHAM), path.read_bytes())
    assert "census2021-ts037-ltla.csv' would inflate" in str(err.value) and "MPS_MAX_COMPRESSION_RATIO" in str(err.value)
