"""Places metrics (metrics/places/): neighbourhoods, areas and their gaps - quinary band weights,
neighbourhood demand from registered patients, the gap matrix, suppression of small estimates and
placing services in wards, each pinned by hand."""
import csv
import shutil

import pandas as pd
import pytest

from conftest import PROFILE, SAMPLE, real_file
from metrics.places.neighbourhood_gaps import gap_matrix
from metrics.places.neighbourhoods import _band_weights


@pytest.fixture(scope="module")
def store(sample_store):
    from store import Store
    return Store(sample_store)


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


def test_band_weights_split_quinary_bands():
    assert _band_weights("18-24") == {"15-19": pytest.approx(0.4), "20-24": 1.0}
    assert _band_weights("90+") == {"90-94": 1.0, "95+": 1.0}
    assert _band_weights("65-69") == {"65-69": 1.0}


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


def test_real_registrations_give_lewishams_real_practices_only(tmp_path):
    """NHS Digital's January 2021 file (every practice in England) beside the sample: the registered
    population by neighbourhood counts only the profile's practices, by their real ODS codes (all 34
    are in the file; totals read straight from it), the ingest finds no profile practice missing, and
    names the one practice under CCG 72Q in Lewisham's districts the profile lacks (Y06545)."""
    import shutil

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


def test_gap_matrix_cells_pinned_by_hand():
    demand = pd.DataFrame({"level": "neighbourhood", "area_code": ["A", "B", "C"], "client_group": "dementia",
                           "demand": [200.0, 300.0, 500.0]})
    supply = pd.DataFrame({"level": "neighbourhood", "area_code": ["A", "C", "C"], "client_group": "dementia",
                           "service": "nursing_beds", "supply": [40.0, 30.0, 30.0]})
    m = gap_matrix(demand, supply).set_index("area_code")
    # Borough: (40 + 0 + 60) beds / (200 + 300 + 500) people x 1,000 = 100 per 1,000.
    assert m["benchmark_per_1000"].tolist() == [100.0, 100.0, 100.0]
    # A: 40 / 200 x 1,000 = 200 per 1,000; expected 200 x 100 / 1,000 = 20; gap +20 (above).
    a = m.loc["A"]
    assert (a.supply, a.per_1000, a.expected, a.supply_gap) == (40.0, 200.0, 20.0, 20.0)
    assert pd.isna(a.gap_rank)
    # B: no beds: 0 per 1,000; expected 300 x 100 / 1,000 = 30; 30 short, 100% shortfall, rank 1.
    b = m.loc["B"]
    assert (b.supply, b.per_1000, b.expected, b.supply_gap, b.shortfall_pct) == (0.0, 0.0, 30.0, -30.0, 100.0)
    assert b.gap_rank == 1
    # C: 60 / 500 x 1,000 = 120 per 1,000; expected 50; 10 above.
    assert (m.loc["C", "per_1000"], m.loc["C", "expected"], m.loc["C", "supply_gap"]) == (120.0, 50.0, 10.0)


def test_gap_matrix_ranks_by_shortfall_share_then_size_and_checks_arguments():
    demand = pd.DataFrame({"level": "ward", "area_code": ["A", "B", "C", "D"], "client_group": "older_people",
                           "demand": [1000.0, 1000.0, 2000.0, 100.0]})
    supply = pd.DataFrame({"level": "ward", "area_code": ["A", "B", "C"], "client_group": "older_people",
                           "service": "residential_beds", "supply": [50.0, 5.0, 10.0]})
    m = gap_matrix(demand, supply).set_index("area_code")
    # Borough 65 / 4,100 x 1,000 = 15.854 per 1,000. B: expected 15.85, 5 beds: 68.5% short;
    # C: expected 31.7, 10 beds: 68.5% short too, but larger: C's 21.7 ranks before B's 10.85.
    # D: expected 1.585 beds, none: 100% short, rank 1.
    assert m.loc["C", "expected"] == pytest.approx(2000 * 65 / 4100)
    assert m.loc["B", "shortfall_pct"] == pytest.approx((1000 * 65 / 4100 - 5) / (1000 * 65 / 4100) * 100)
    assert [m.loc[k, "gap_rank"] for k in "DCB"] == [1, 2, 3] and pd.isna(m.loc["A", "gap_rank"])
    with pytest.raises(ValueError):
        gap_matrix(demand.drop(columns="demand"), supply)
    with pytest.raises(ValueError):
        gap_matrix(demand.assign(demand=-1.0), supply)


def test_small_estimates_are_suppressed_with_what_would_reveal_them(monkeypatch, sample_store):
    from metrics.places import neighbourhood_gaps
    from store import Store
    small = pd.DataFrame({"level": "neighbourhood", "area_code": ["N1", "N2"], "area_name": ["N1", "N2"],
                          "neighbourhood_code": ["N1", "N2"], "client_group": "dementia", "demand_measure": "dementia",
                          "population_basis": "x", "demand": [3.0, 300.0], "service": "nursing_beds",
                          "supply_unit": "beds", "supply": [1.0, 30.0], "per_1000": [333.3, 100.0],
                          "benchmark_per_1000": [100.3, 100.3], "expected": [0.3, 30.1], "supply_gap": [0.7, -0.1],
                          "shortfall_pct": [None, 0.3], "gap_rank": [pd.NA, 1], "sentence": ["a", "b"]})
    monkeypatch.setattr(neighbourhood_gaps, "gap_table", lambda store: small)
    shown = neighbourhood_gaps.suppressed_gap_table.__wrapped__(Store(sample_store)).set_index("area_code")
    assert shown.loc["N1", "demand"] == "<5" and shown.loc["N1", "per_1000"] is None
    assert "fewer than 5" in shown.loc["N1", "sentence"] and shown.loc["N2", "demand"] == 300


def test_the_authoritys_postcode_lookup_places_a_service_in_its_ward_first(tmp_path):
    """postcode_wards.csv (the profile's) wins; without it or coordinates, the postcode district
    places the service in a neighbourhood and says it is approximate."""
    from conftest import PROFILE

    from loaders.store import ingest
    from metrics.places.areas import PLACED_BY_DISTRICT, PLACED_BY_POSTCODE, place_locations
    from store import Store
    profile = tmp_path / "profile"
    shutil.copytree(PROFILE, profile)
    homes = pd.read_excel(SAMPLE / "01_June_2017_HSCA_Active_Locations.xlsx", sheet_name="HSCA_Active_Locations",
                          engine="calamine")
    postcode = homes.loc[homes["Location Local Authority"] == "Lewisham", "Location Postal Code"].iloc[0]
    (profile / "postcode_wards.csv").write_text(f"postcode,ward_code\n{postcode.replace(' ', '').lower()},E05013714\n")
    report = ingest(SAMPLE, tmp_path / "store", profile_dir=profile)
    assert report.ok, [f.error for f in report.files if f.error]
    loc = place_locations(Store(tmp_path / "store")).set_index("postcode")
    assert loc.loc[postcode, "ward_code"] == "E05013714" and loc.loc[postcode, "placed_by"] == PLACED_BY_POSTCODE
    assert loc.loc[postcode, "neighbourhood_code"] == "N3"  # the ward's neighbourhood (profile wards.csv)
    others = loc.drop(index=postcode)
    assert (others["placed_by"] == PLACED_BY_DISTRICT).all() and "approximate" in PLACED_BY_DISTRICT
