"""Peer groups through ingest and the store: hand-made Census 2021 LSOA files in the Nomis bulk
layout (and the lookup, areas, distance to sea), a user's peers.csv, and the comparator set chosen
per view (profile list, region, peers) that KPIs, exports and the brief follow."""
from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from conftest import CAMPYLOBACTER, SAMPLE, real_file, write_csv
from store import Store

# Six authorities (codes from data/lookups/areas.csv), one LSOA each, scale s = 1..6; City of London
# is in the files too and left out by default. Every feature is in proportion to s (so the same
# share, density and distance everywhere) except residents aged 15+ (100 s) and social renters'
# share (10, 40, 20, 50, 30, 60 %): the peers are those of tests/test_metrics_comparators.py's six.
SIX = [("E01000001", "E09000023", "Lewisham", 1, 10), ("E01000002", "E08000025", "Birmingham", 2, 40),
       ("E01000003", "E08000003", "Manchester", 3, 20), ("E01000004", "E08000035", "Leeds", 4, 50),
       ("E01000005", "E06000001", "Hartlepool", 5, 30), ("E01000006", "E09000028", "Southwark", 6, 60),
       ("E01000007", "E09000001", "City of London", 9, 90)]
AGES = ["Aged 4 years and under", "Aged 5 to 9 years", "Aged 10 to 14 years", "Aged 15 to 19 years",
        "Aged 20 to 24 years", "Aged 25 to 29 years", "Aged 30 to 34 years", "Aged 35 to 39 years",
        "Aged 40 to 44 years", "Aged 45 to 49 years", "Aged 50 to 54 years", "Aged 55 to 59 years",
        "Aged 60 to 64 years", "Aged 65 to 69 years", "Aged 70 to 74 years", "Aged 75 to 79 years",
        "Aged 80 to 84 years", "Aged 85 years and over"]
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
ASIAN = "Asian, Asian British or Asian Welsh"
NOT_ENGLISH = "Main language is not English (English or Welsh in Wales)"


def nomis(folder, name, topic, columns):
    """A Nomis bulk CSV: date, geography, geography code, then `Topic: Category` columns; `columns`
    maps each category to a function of the scale s and the renters' share."""
    rows = [["date", "geography", "geography code", *(f"{topic}: {c}" for c in columns)]]
    for lsoa, _code, name_, s, renters in SIX:
        rows.append([2021, f"{name_} 001A", lsoa, *(f(s, renters) for f in columns.values())])
    return write_csv(folder / name, rows)


def census_folder(folder, *, sea=True):
    folder.mkdir(parents=True, exist_ok=True)
    ages = {"Total": lambda s, r: 120 * s}
    ages |= {a: (lambda s, r: 0) for a in AGES[:3]} | {"Aged 15 to 19 years": lambda s, r: 20 * s}
    ages |= {a: (lambda s, r: 0) for a in AGES[4:17]} | {"Aged 85 years and over": lambda s, r: 80 * s}
    ages["Aged 4 years and under"] = lambda s, r: 20 * s
    nomis(folder, "census2021-ts007a-lsoa.csv", "Age", ages)
    nomis(folder, "census2021-ts021-lsoa.csv", "Ethnic group", {
        "Total: All usual residents": lambda s, r: 120 * s, f"{BLACK}: African": lambda s, r: 12 * s,
        f"{BLACK}: Caribbean": lambda s, r: 6 * s, f"{ASIAN}: Bangladeshi": lambda s, r: 3 * s,
        f"{ASIAN}: Chinese": lambda s, r: 2 * s, f"{ASIAN}: Indian": lambda s, r: 4 * s,
        f"{ASIAN}: Pakistani": lambda s, r: 1 * s, "White": lambda s, r: 92 * s})
    nomis(folder, "census2021-ts029-lsoa.csv", "Proficiency in English language", {
        "Total: All usual residents aged 3 years and over": lambda s, r: 110 * s,
        f"{NOT_ENGLISH}: Cannot speak English well": lambda s, r: 8 * s,
        f"{NOT_ENGLISH}: Cannot speak English": lambda s, r: 3 * s})
    nomis(folder, "census2021-ts054-lsoa.csv", "Tenure of household", {
        "Total: All households": lambda s, r: 100, "Owned": lambda s, r: 100 - r, "Social rented": lambda s, r: r})
    nomis(folder, "census2021-ts062-lsoa.csv", "National Statistics Socio-economic Classification (NS-SEC)", {
        "Total: All usual residents aged 16 years and over": lambda s, r: 100 * s,
        "L15 Full-time students": lambda s, r: 9 * s})
    nomis(folder, "census2021-ts067-lsoa.csv", "Highest level of qualification", {
        "Total: All usual residents aged 16 years and over": lambda s, r: 100 * s,
        "Level 4 qualifications and above": lambda s, r: 45 * s})
    write_csv(folder / "SAM_LSOA_DEC_2021_EW_in_KM.csv",
              [["LSOA21CD", "LSOA21NM", "Extent of the Realm (Area in KM2)"]]
              + [[lsoa, f"{n} 001A", 0.12 * s] for lsoa, _c, n, s, _r in SIX])
    if sea:
        write_csv(folder / "distance_to_sea.csv", [["LSOA21CD", "distance to sea km"]]
                  + [[lsoa, 5.0] for lsoa, *_ in SIX])
    write_csv(folder / "LSOA21_to_UTLA22.csv", [["LSOA21CD", "LSOA21NM", "UTLA22CD", "UTLA22NM"]]
              + [[lsoa, f"{n} 001A", code, n] for lsoa, code, n, _s, _r in SIX])
    return folder


def ingested(tmp_path, folder):
    from loaders.store import ingest
    store = tmp_path / "store"
    report = ingest(folder, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return Store(store)


def test_peers_computed_from_the_files(tmp_path):
    from metrics.comparators.peers import peer_table
    store = ingested(tmp_path, census_folder(tmp_path / "in"))
    table, notes = peer_table(store)
    # Every share, density (1,000 a km2, so no sparsity) and distance is the same everywhere: left out, said.
    assert "Distance to the sea (km), mean of its LSOAs: left out, the same for every authority" in notes
    assert set(table["features"]) == {"over_15_population (weight 1, none); social_renters_pct (weight 1, none)"}
    assert "E09000001" not in set(table["authority_code"]) | set(table["peer_code"])  # City of London left out
    lew = table[table["authority_name"] == "Lewisham"]
    assert list(lew["peer_name"]) == ["Manchester", "Birmingham", "Hartlepool", "Leeds", "Southwark"]
    assert list(lew["distance"][:3]) == pytest.approx([math.sqrt(0.2), math.sqrt(0.4), math.sqrt(0.8)])
    assert set(lew["source"]) == {"computed from LSOA21_to_UTLA22.csv, SAM_LSOA_DEC_2021_EW_in_KM.csv, "
                                  "census2021-ts007a-lsoa.csv, census2021-ts021-lsoa.csv, census2021-ts029-lsoa.csv, "
                                  "census2021-ts054-lsoa.csv, census2021-ts062-lsoa.csv, census2021-ts067-lsoa.csv, "
                                  "distance_to_sea.csv"}
    view = store.for_authority("E09000023").with_comparators("peers")
    assert view.authority.comparators == ("E08000003", "E08000025", "E06000001", "E08000035", "E09000028")
    assert view.comparator_set == "peers" and view.comparator_problem is None


def test_a_missing_feature_file_drops_the_feature_and_says_so(tmp_path):
    from metrics.comparators.peers import peer_table
    folder = census_folder(tmp_path / "in", sea=False)
    (folder / "census2021-ts067-lsoa.csv").unlink()
    table, notes = peer_table(ingested(tmp_path, folder))
    assert "Level 4 qualifications and above, % of residents aged 16+: left out, no file gave " \
           "qualification_level4, qualification_total" in notes
    assert "Distance to the sea (km), mean of its LSOAs: left out, no file gave distance_to_sea_km" in notes
    assert len(table) == 6 * 5


def test_a_bad_area_file_is_one_line(tmp_path):
    from loaders.store import ingest
    folder = census_folder(tmp_path / "in")
    write_csv(folder / "SAM_LSOA_DEC_2021_EW_in_KM.csv", [["LSOA21CD", "Extent of the Realm (Area in KM2)"],
                                                         ["E01000001", "0.12"], ["E01000002", "n/a"]])
    report = ingest(folder, tmp_path / "store")
    errors = [f.error for f in report.files if f.error]
    assert errors == ["SAM_LSOA_DEC_2021_EW_in_KM.csv, row 3, column 'Extent of the Realm (Area in KM2)': 'n/a' "
                      "is not a area sq km (expected a number above 0)"]


@pytest.fixture(scope="module")
def peers_store(tmp_path_factory):
    """The sample, the real national campylobacter export (every authority's values) and a peers
    list naming Lewisham's peers."""
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    shutil.copy(real_file(CAMPYLOBACTER), src / "fingertips-county-ua-campylobacter-2015-17.csv")
    write_csv(src / "peers.csv", [["UTLA22NM", "1", "2", "3"], ["Lewisham", "Birmingham", "Manchester", "Leeds"],
                                  ["Southwark", "Lambeth", "Lewisham", "Nowhere Borough"]])
    store = tmp_path_factory.mktemp("peers") / "store"
    report = ingest(src, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return store


PEERS = ["E08000025", "E08000003", "E08000035"]


def _raw_mean(codes, sex, age, period):
    raw = pd.read_csv(real_file(CAMPYLOBACTER), index_col=False, dtype={"Time period": str})
    rows = raw[raw["Area Code"].isin(codes) & raw["Category Type"].isna() & (raw["Sex"] == sex)
               & (raw["Age"] == age) & (raw["Time period"] == period) & raw["Value"].notna()]
    return rows["Value"].mean(), len(rows)


def _kpi(store):
    from metrics.performance.kpis import kpi_table
    k = kpi_table(store)
    return k[k["indicator_name"].str.startswith("Campylobacter") & (k["sex"] == "Persons")
             & (k["age"] == "All ages") & (k["period"].astype(str) == "2015")].iloc[0]


def test_a_users_peers_list(peers_store):
    store = Store(peers_store)
    given = store.table("peer_groups")
    assert list(given.loc[given["authority_name"] == "Lewisham", "peer_code"]) == PEERS
    assert given.loc[given["peer_name"] == "Nowhere Borough", "peer_code"].isna().all()
    warnings = store.manifest.file("peers.csv").warnings
    assert warnings == ["1 name(s) not in the areas lookup, kept without a code: Nowhere Borough"]
    assert store.with_comparators("peers").authority.comparators == tuple(PEERS)
    assert store.for_authority("E09000028").with_comparators("peers").authority.comparators == ("E09000022",
                                                                                                "E09000023")


def test_a_peers_list_names_found_in_the_lsoa_lookup(tmp_path):
    """A name the areas lookup spells otherwise takes its code from the LSOA lookup's names."""
    from metrics.comparators.peers import peer_table
    folder = census_folder(tmp_path / "in")
    write_csv(folder / "LSOA21_to_UTLA22.csv", [["LSOA21CD", "LSOA21NM", "UTLA22CD", "UTLA22NM"],
                                                ["E01000001", "x", "E09000023", "Lewisham"],
                                                ["E01000002", "y", "E06000023", "Bristol, City of"]])
    write_csv(folder / "peers.csv", [["UTLA22NM", "1"], ["Lewisham", "Bristol, City of"]])
    table, _ = peer_table(ingested(tmp_path, folder))
    assert list(table["peer_code"]) == ["E06000023"] and list(table["authority_code"]) == ["E09000023"]


def test_kpis_follow_the_comparator_set(peers_store):
    """The comparators' mean of campylobacter 2015, all ages, for each set, worked from the raw CSV."""
    store = Store(peers_store)
    profile = ["E09000028", "E09000022", "E09000011", "E09000012", "E09000014", "E09000031"]
    for chosen, codes in [(None, profile), ("profile", profile), ("peers", PEERS)]:
        row = _kpi(store.with_comparators(chosen))
        mean, n = _raw_mean(codes, "Persons", "All ages", "2015")
        assert row["comparators_n"] == n and row["comparators_value"] == pytest.approx(mean, rel=1e-12)
    region = store.with_comparators("region")
    assert len(region.authority.comparators) == 32 and "E09000023" not in region.authority.comparators
    mean, n = _raw_mean(list(region.authority.comparators), "Persons", "All ages", "2015")
    assert _kpi(region)["comparators_value"] == pytest.approx(mean, rel=1e-12)
    peers_mean = _raw_mean(PEERS, "Persons", "All ages", "2015")[0]
    assert round(peers_mean, 2) != round(_raw_mean(profile, "Persons", "All ages", "2015")[0], 2)


def test_exports_and_brief_follow_the_comparator_set(peers_store):
    from exports.brief import build_sections, render_html

    def build_html(store):  # the text a reader sees
        import html
        return html.unescape(render_html(store, build_sections(store)))
    from metrics.tables import mps_tables
    store = Store(peers_store).with_comparators("peers")
    peers = mps_tables(store)["peers"]
    assert list(peers["peer_name"]) == ["Birmingham", "Manchester", "Leeds"]
    assert list(peers["rank"]) == [1, 2, 3] and peers["distance"].isna().all()
    assert set(peers["source"]) == {"the user's peers list (peers.csv)"}
    html = build_html(store)
    assert "Comparator authorities: similar councils (peer groups): Birmingham, Manchester, Leeds." in html
    default = build_html(Store(peers_store))
    assert "Comparator authorities: the profile's list: Southwark, Lambeth, Greenwich" in default


def test_a_set_the_store_cannot_give_falls_back_and_says_so(sample_store):
    store = Store(sample_store).with_comparators("peers")
    assert store.comparator_set == "profile" and len(store.authority.comparators) == 6
    assert store.comparator_problem == ("No peer group for this authority (peer groups need Census 2021 LSOA files "
                                        "and the LSOA -> authority lookup): showing the profile's list instead.")
    with pytest.raises(ValueError, match="'nearest' is not a comparator set"):
        store.with_comparators("nearest")


def test_mps_export_takes_the_comparator_set(peers_store, tmp_path):
    """`mps export --comparators peers`: kpis.csv's comparators' mean is the peers' and peers.csv lists them."""
    from mps_cli import main
    assert main(["export", "--store", str(peers_store), "--out", str(tmp_path / "csv"), "--comparators", "peers"]) == 0
    kpis = pd.read_csv(tmp_path / "csv" / "kpis.csv")
    row = kpis[(kpis["period"].astype(str) == "2015") & (kpis["age"] == "All ages") & (kpis["sex"] == "Persons")
               & kpis["indicator_name"].str.startswith("Campylobacter")].iloc[0]
    mean, n = _raw_mean(PEERS, "Persons", "All ages", "2015")
    assert row["comparators_value"] == pytest.approx(mean, rel=1e-9) and row["comparators_n"] == n == 3
    peers = pd.read_csv(tmp_path / "csv" / "peers.csv")
    assert list(peers["peer_code"]) == PEERS and list(peers["rank"]) == [1, 2, 3]
