"""Comparator authorities (metrics/comparators/): the peer-group method - features, weights and
transforms checked by hand and against scipy, settings from the profile, and what is said when a
file or enough authorities are missing."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from metrics.comparators import peers

ALL_OFF = {k: 0.0 for k in peers.FEATURES}


def lsoa_rows(data: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame([(code, m, float(v)) for code, measures in data.items() for m, v in measures.items()],
                        columns=["lsoa_code", "measure", "value"])


def lookup(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lsoa_code", "authority_code", "authority_name"])


def full(pop, area, age15, age85, eth, tenure, nssec, english, qual, sea):
    """One LSOA's measures: eth = (total, african, caribbean, bangladeshi, indian, chinese, pakistani),
    tenure = (households, social rented), nssec = (16+, students), english = (3+, not well, not at all),
    qual = (16+, level 4)."""
    return {"population_total": pop, "area_sq_km": area, "age_15_plus": age15, "age_85_plus": age85,
            "ethnic_total": eth[0], "ethnic_black_african": eth[1], "ethnic_black_caribbean": eth[2],
            "ethnic_bangladeshi": eth[3], "ethnic_indian": eth[4], "ethnic_chinese": eth[5],
            "ethnic_pakistani": eth[6], "tenure_total": tenure[0], "tenure_social_rented": tenure[1],
            "nssec_total": nssec[0], "nssec_students": nssec[1], "english_total": english[0],
            "english_not_well": english[1], "english_not_at_all": english[2], "qualification_total": qual[0],
            "qualification_level4": qual[1], "distance_to_sea_km": sea}


def hand_case():
    data = {
        # Authority X: three LSOAs of different densities.
        "E01000001": full(1000, 10, 800, 40, (1000, 10, 20, 30, 40, 50, 60), (400, 100), (820, 80), (950, 20, 5),
                          (820, 200), 10),
        "E01000002": full(500, 20, 400, 30, (500, 5, 5, 5, 5, 5, 5), (200, 20), (410, 10), (480, 0, 0),
                          (410, 100), 30),
        "E01000003": full(3000, 1, 2400, 30, (3000, 100, 50, 0, 150, 30, 20), (1400, 280), (2450, 410),
                          (2800, 70, 25), (2450, 700), 20),
        # Authority Y: one LSOA.
        "E01000004": full(2000, 2, 1600, 80, (2000, 40, 40, 40, 40, 40, 40), (800, 80), (1640, 40), (1900, 10, 10),
                          (1640, 400), 5),
        # City of London (left out by default) and a Welsh LSOA (never counted).
        "E01000005": full(8000, 3, 7000, 100, (8000, 1, 1, 1, 1, 1, 1), (4000, 1), (7000, 1), (7500, 1, 1),
                          (7000, 1), 1),
        "W01000001": full(9000, 1, 8000, 900, (9000, 9, 9, 9, 9, 9, 9), (4000, 9), (8000, 9), (8500, 9, 9),
                          (8000, 9), 9),
        # Not in the lookup: left out (an inner join, as the method has it).
        "E01000099": full(7000, 1, 7000, 700, (7000, 7, 7, 7, 7, 7, 7), (3000, 7), (7000, 7), (7000, 7, 7),
                          (7000, 7), 7),
    }
    look = lookup([("E01000001", "E06000091", "X"), ("E01000002", "E06000091", "X"),
                   ("E01000003", "E06000091", "X"), ("E01000004", "E06000092", "Y"),
                   ("E01000005", "E09000001", "City of London"), ("W01000001", "W06000001", "Wales one")])
    return lsoa_rows(data), look


EXCLUDED = peers.PeerSettings(excluded=("Isles of Scilly", "City of London"))  # data/lookups/peer_groups.toml


def six_authorities():
    """Six authorities, one LSOA each; only residents aged 15+ (100..600) and social renters' share
    (10, 40, 20, 50, 30, 60 %) weighted. Evenly spaced values are closest to Gaussian untransformed
    (Shapiro-Wilk p 0.961 against 0.953 for Yeo-Johnson and Box-Cox), so the scaled features are
    A (0, 0), B (0.2, 0.6), C (0.4, 0.2), D (0.6, 0.8), E (0.8, 0.4), F (1, 1)."""
    rows, look = {}, []
    for i, (name, over15, renters) in enumerate(zip("ABCDEF", (100, 200, 300, 400, 500, 600),
                                                    (10, 40, 20, 50, 30, 60)), start=1):
        rows[f"E0100000{i}"] = {"age_15_plus": over15, "tenure_total": 100, "tenure_social_rented": renters}
        look.append((f"E0100000{i}", f"E0600000{i}", name))
    settings = peers.PeerSettings(weights={**ALL_OFF, "over_15_population": 1, "social_renters_pct": 1}, n_peers=3)
    return lsoa_rows(rows), lookup(look), settings


def scipy_choice(x: np.ndarray, weight: float) -> str:
    """The method's choice worked straight from scipy: every candidate, scaled to 0..weight, the
    highest Shapiro-Wilk p (first on a tie)."""
    cands = {"none": x, "yeo_johnson": stats.yeojohnson(x)[0], "square_root": np.sqrt(x), "log1p": np.log1p(x),
             "square": x ** 2}
    if x.min() > 0:
        cands |= {"box_cox": stats.boxcox(x)[0], "reciprocal_square_root": x ** -0.5, "reciprocal": 1 / x}
    p = {}
    for name, v in cands.items():
        scaled = (v - v.min()) / (v.max() - v.min()) * weight
        p[name] = stats.shapiro(scaled).pvalue
    return max(p, key=p.get)


def test_features_by_hand():
    lsoa, look = hand_case()
    raw, notes = peers.features(lsoa, look, EXCLUDED)
    assert notes == []
    assert list(raw.index) == [("E06000091", "X"), ("E06000092", "Y")]  # City of London and Wales left out
    x, y = raw.loc[("E06000091", "X")], raw.loc[("E06000092", "Y")]
    assert x["over_15_population"] == 3600 and y["over_15_population"] == 1600
    assert x["aged_85_plus_pct"] == pytest.approx(100 * 100 / 3600)          # 2.7778
    assert y["aged_85_plus_pct"] == pytest.approx(5.0)                        # 80 / 1600
    assert x["black_african_pct"] == pytest.approx(100 * 115 / 4500)          # 2.5556
    assert x["black_caribbean_pct"] == pytest.approx(100 * 75 / 4500)
    assert x["bangladeshi_pct"] == pytest.approx(100 * 35 / 4500)
    assert x["indian_pct"] == pytest.approx(100 * 195 / 4500)
    assert x["chinese_pct"] == pytest.approx(100 * 85 / 4500)
    assert x["pakistani_pct"] == pytest.approx(100 * 85 / 4500)
    assert y["indian_pct"] == pytest.approx(2.0)
    assert x["social_renters_pct"] == pytest.approx(100 * 400 / 2000)         # 20.0
    assert y["social_renters_pct"] == pytest.approx(10.0)
    assert x["students_pct"] == pytest.approx(100 * 500 / 3680)               # 13.587
    assert x["low_english_pct"] == pytest.approx(100 * 120 / 4230)            # (20+5+0+0+70+25) / 4230
    assert y["low_english_pct"] == pytest.approx(100 * 20 / 1900)
    assert x["level4_pct"] == pytest.approx(100 * 1000 / 3680)
    assert x["people_per_sq_km"] == pytest.approx(4500 / 31)                  # 145.16
    assert y["people_per_sq_km"] == pytest.approx(1000.0)
    assert x["distance_to_sea_km"] == pytest.approx(20.0)                     # mean of 10, 30, 20
    # Sparsity: LSOA 1 is 1 person a hectare (counted once), LSOA 2 is 0.25 (counted twice), LSOA 3 30.
    assert x["sparsity"] == pytest.approx((1000 + 2 * 500) / 4500)            # 0.4444
    assert y["sparsity"] == 0                                                 # 10 a hectare


def test_a_missing_file_drops_its_feature_and_says_so():
    lsoa, look = hand_case()
    no_sea = lsoa[lsoa["measure"] != "distance_to_sea_km"]
    raw, notes = peers.features(no_sea, look, EXCLUDED)
    assert "distance_to_sea_km" not in raw.columns and "sparsity" in raw.columns
    assert notes == ["Distance to the sea (km), mean of its LSOAs: left out, no file gave distance_to_sea_km"]
    # A weight of 0 drops a feature without a note.
    raw, notes = peers.features(lsoa, look, peers.PeerSettings(weights={**peers.PeerSettings().weights,
                                                                        "sparsity": 0}, excluded=EXCLUDED.excluded))
    assert "sparsity" not in raw.columns and notes == []


def test_peers_of_a_hand_made_case():
    lsoa, look, settings = six_authorities()
    table, notes = peers.compute(lsoa, look, settings)
    assert notes == []
    assert set(table["features"]) == {"over_15_population (weight 1, none); social_renters_pct (weight 1, none)"}
    a = table[table["authority_name"] == "A"]
    # A to C: sqrt(0.4^2 + 0.2^2) = 0.4472; to B: sqrt(0.2^2 + 0.6^2) = 0.6325; to E: sqrt(0.8^2 + 0.4^2) = 0.8944
    assert list(a["peer_name"]) == ["C", "B", "E"] and list(a["rank"]) == [1, 2, 3]
    assert list(a["distance"]) == pytest.approx([math.sqrt(0.2), math.sqrt(0.4), math.sqrt(0.8)])
    d = table[table["authority_name"] == "D"]
    # D is sqrt(0.2) from B, E and F alike: equal distances in code order; A (1.0) and C (0.6325) further.
    assert list(d["peer_name"]) == ["B", "E", "F"]
    assert list(d["distance"]) == pytest.approx([math.sqrt(0.2)] * 3)
    assert list(table.loc[table["authority_name"] == "F", "peer_name"]) == ["D", "E", "B"]  # 0.4472, 0.7211, 0.8944
    assert set(table.columns) >= {"authority_code", "peer_code", "rank", "distance"}


def test_weight_scales_the_feature_range():
    lsoa, look, settings = six_authorities()
    half = peers.PeerSettings(weights={**settings.weights, "social_renters_pct": 0.5}, n_peers=1)
    table, _ = peers.compute(lsoa, look, half)
    # Renters' share scaled to 0..0.5: B is (0.2, 0.3), 0.3606 from A; C (0.4, 0.1) is 0.4123: B becomes the nearest.
    first = table[table["authority_name"] == "A"].iloc[0]
    assert first["peer_name"] == "B" and first["distance"] == pytest.approx(math.sqrt(0.13))


@pytest.mark.parametrize("values", [
    np.array([1.0, 1.2, 1.5, 2.0, 2.8, 4.0, 6.5, 11.0, 19.0, 35.0]),          # right-skewed: a log-like pull
    np.array([0.0, 0.1, 0.1, 0.2, 0.3, 0.5, 0.9, 1.6, 3.0, 6.0, 12.0]),        # with a zero: no Box-Cox
    np.array([50.0, 80.0, 88.0, 92.0, 95.0, 96.5, 97.5, 98.2, 98.8, 99.5]),    # left-skewed: squaring helps
    np.array([3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),                             # even: none
])
def test_transform_choice_matches_scipy(values):
    name, scaled, p = peers.best_transform(values, 0.5)
    assert name == scipy_choice(values, 0.5)
    assert scaled.min() == 0 and scaled.max() == pytest.approx(0.5)
    assert p[name] == max(p.values())


def test_transform_candidates_follow_the_sign_of_the_values():
    assert set(peers.candidate_transforms(np.array([0.0, 1, 2, 5]))) == {"none", "yeo_johnson", "square_root",
                                                                         "log1p", "square"}
    assert len(peers.candidate_transforms(np.array([1.0, 2, 5]))) == 8


def test_settings_from_the_profile():
    s = peers.PeerSettings.from_profile({"n_peers": 5, "excluded": [], "weights": {"distance_to_sea_km": 0}})
    assert s.n_peers == 5 and s.excluded == () and s.weights["distance_to_sea_km"] == 0
    assert s.weights["indian_pct"] == 0.5 and s.weights["sparsity"] == 1
    assert peers.PeerSettings().n_peers == 15 and peers.PeerSettings().excluded == ()


def test_the_published_defaults_travel_with_the_store(tmp_path):
    """data/lookups/peer_groups.toml (the published settings) under the profile's [peers], in the manifest."""
    from loaders import LoadContext
    from loaders.store import peer_settings
    s = peers.PeerSettings.from_profile(peer_settings(LoadContext()))
    assert s == peers.PeerSettings(excluded=("Isles of Scilly", "City of London"))
    own = peer_settings(LoadContext(config={"peers": {"n_peers": 5, "weights": {"sparsity": 0}}}))
    s = peers.PeerSettings.from_profile(own)
    assert s.n_peers == 5 and s.weights["sparsity"] == 0 and s.weights["indian_pct"] == 0.5
    assert s.excluded == ("Isles of Scilly", "City of London")
    for bad, said in [({"weights": {"nope": 1}}, "'nope' is not a feature"), ({"n_peers": 0}, "n_peers = 0"),
                      ({"weights": {"sparsity": 2}}, "from 0 to 1"), ({"k": 3}, "no setting 'k'")]:
        with pytest.raises(ValueError, match=said):
            peers.PeerSettings.from_profile(bad)


def test_too_few_authorities_is_said():
    lsoa, look, settings = six_authorities()
    keep = look[look["authority_name"].isin(["A", "B"])]
    with pytest.raises(ValueError, match="at least 3 authorities"):
        peers.compute(lsoa, keep, settings)
