"""Performance metrics (metrics/performance/): confidence intervals and comparisons against a
benchmark, the publisher's judgement and the polarity it implies (whole columns give the row-by-row
answer; without the judgement, polarity from the lookup and the comparison computed), and KPIs
against the comparator authorities' mean worked out from the real County & UA campylobacter export
with plain pandas."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import CAMPYLOBACTER, SAMPLE, real_file
from metrics.performance.kpis import publisher_judgement, publisher_polarity
from metrics.performance.statistics import byars_interval, compare_to_benchmark, rate_interval, wilson_interval
from store import Store

ENGLAND = "E92000001"


def reference_polarity(indicators: pd.DataFrame) -> dict[int, str]:
    """The definition, one row at a time: each area's row judged Better/Worse against England votes
    high_is_good or low_is_good, Higher/Lower votes no_judgement; the most votes win, a tie going to
    the vote seen first."""
    if indicators.empty:
        return {}
    head = indicators[~indicators["is_breakdown"]]
    key = ["indicator_id", "sex", "age", "period"]
    england = head[head["area_code"] == ENGLAND].drop_duplicates(key).set_index(key)["value"]
    votes: dict[int, dict[str, int]] = {}
    for r in head.itertuples():
        judgement = publisher_judgement(r.compared_to_england)
        if judgement is None or judgement == "similar":
            continue
        if judgement in ("higher", "lower"):
            vote = "no_judgement"
        else:
            eng = england.get((r.indicator_id, r.sex, r.age, r.period))
            if eng is None or pd.isna(eng) or pd.isna(r.value) or r.value == eng:
                continue
            vote = "high_is_good" if (r.value > eng) == (judgement == "better") else "low_is_good"
        tally = votes.setdefault(int(r.indicator_id), {})
        tally[vote] = tally.get(vote, 0) + 1
    return {ind: max(tally, key=tally.get) for ind, tally in votes.items()}


def random_export(seed: int, areas: int, indicators: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = [ENGLAND] + [f"E0600{i:04d}" for i in range(areas)]
    texts = ["Better 95%", "Worse 95%", "Similar", "Higher", "Lower", "Not compared", None, "  better", "BETTER"]
    rows = []
    for ind in range(1, indicators + 1):
        for period in ("2019", "2020"):
            for sex in ("Persons", "Female"):
                for code in codes:
                    value = float(rng.integers(40, 60)) if rng.random() > 0.1 else np.nan
                    rows.append({"indicator_id": ind, "area_code": code, "sex": sex, "age": "All ages",
                                 "period": period, "value": value,
                                 "compared_to_england": texts[rng.integers(len(texts))],
                                 "is_breakdown": bool(rng.random() < 0.1)})
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype("Float64")
    return frame


SOUTHWARK = "E09000028"


LEWISHAM_COMPARATORS = ["E09000028", "E09000022", "E09000011", "E09000012", "E09000014", "E09000031"]


def _raw_mean(codes, sex, age, period) -> tuple[float, int]:
    raw = pd.read_csv(real_file(CAMPYLOBACTER), index_col=False, dtype={"Time period": str})
    rows = raw[raw["Area Code"].isin(codes) & raw["Category Type"].isna() & (raw["Sex"] == sex)
               & (raw["Age"] == age) & (raw["Time period"] == period) & raw["Value"].notna()]
    return rows["Value"].mean(), len(rows)


def _kpi(store, age, period):
    from metrics.performance.kpis import kpi_table
    k = kpi_table(store)
    return k[k["indicator_name"].str.startswith("Campylobacter") & (k["sex"] == "Persons") & (k["age"] == age)
             & (k["period"].astype(str) == period)].iloc[0]


def test_wilson_newcombe_example():
    # Newcombe (1998) Table I example 1: 81/263 -> 95% CI 0.2553 to 0.3662 (Wilson, no CC)
    lo, hi = wilson_interval(81, 263, multiplier=1)
    assert lo == pytest.approx(0.2553, abs=1e-4) and hi == pytest.approx(0.3662, abs=1e-4)


def test_wilson_zero_numerator():
    # Newcombe example 5: 0/20 -> 0 to 0.1611
    lo, hi = wilson_interval(0, 20, multiplier=1)
    assert lo == pytest.approx(0, abs=1e-9) and hi == pytest.approx(0.1611, abs=1e-4)


def test_byars_known_values():
    # Exact Poisson 95% limits for 10 events are 4.7954 and 18.3904 (Breslow & Day Table 2.10);
    # Byar's approximation is within 0.01 of them at this count.
    lo, hi = byars_interval(10)
    assert lo == pytest.approx(4.7954, abs=1e-2) and hi == pytest.approx(18.3904, abs=1e-2)
    # and much closer for larger counts: exact limits for 100 are 81.36 and 121.63
    lo, hi = byars_interval(100)
    assert lo == pytest.approx(81.36, abs=0.02) and hi == pytest.approx(121.63, abs=0.02)


def test_rate_interval_scales():
    lo, hi = rate_interval(10, 1000, per=1000)
    assert lo == pytest.approx(4.7954, abs=1e-2)


@pytest.mark.parametrize("args", [(5, 0), (6, 5), (-1, 5)])
def test_wilson_strict_arguments(args):
    with pytest.raises(ValueError):
        wilson_interval(*args)


def test_compare_polarity():
    assert compare_to_benchmark(146.1, 138.0, 154.5, 132.6, "low_is_good") == "worse"
    assert compare_to_benchmark(146.1, 138.0, 154.5, 141.5, "low_is_good") == "similar"
    assert compare_to_benchmark(80, 75, 85, 67, "high_is_good") == "better"
    assert compare_to_benchmark(80, 75, 85, 67, None) == "higher"
    assert compare_to_benchmark(None, None, None, 67, None) == "not_compared"
    with pytest.raises(ValueError):
        compare_to_benchmark(1, 0, 2, 1, "sideways")


def test_missing_intervals_are_computed_from_count_and_denominator():
    from types import SimpleNamespace as Row

    from metrics.performance.kpis import _fill_interval
    pct = Row(lower_ci_95=None, upper_ci_95=None, count=81, denominator=263, value=81 / 263 * 100)
    lo, hi = _fill_interval(pct)
    assert lo == pytest.approx(25.53, abs=0.01) and hi == pytest.approx(36.62, abs=0.01)  # Wilson
    rate = Row(lower_ci_95=None, upper_ci_95=None, count=100, denominator=50_000, value=200.0)
    lo, hi = _fill_interval(rate)
    assert lo == pytest.approx(81.36 / 50_000 * 100_000, abs=0.1)  # Byar, per 100,000
    given = Row(lower_ci_95=1.0, upper_ci_95=2.0, count=None, denominator=None, value=1.5)
    assert _fill_interval(given) == (1.0, 2.0)


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


@pytest.mark.parametrize("seed", range(8))
def test_whole_columns_give_the_row_by_row_answer(seed):
    frame = random_export(seed, areas=[3, 6, 20, 40][seed % 4])
    assert publisher_polarity(frame) == reference_polarity(frame)


def test_a_tie_goes_to_the_vote_seen_first():
    rows = [{"indicator_id": 7, "area_code": c, "sex": "Persons", "age": "All ages", "period": "2020",
             "value": v, "compared_to_england": j, "is_breakdown": False}
            for c, v, j in [(ENGLAND, 50.0, None), ("A", 40.0, "Better"), ("B", 60.0, "Better"),
                            ("C", 70.0, "Higher")]]
    # one low_is_good (A), one high_is_good (B), one no_judgement (C): A's comes first
    assert publisher_polarity(pd.DataFrame(rows)) == {7: "low_is_good"} == reference_polarity(pd.DataFrame(rows))


def test_a_national_export_is_judged_whole():
    """602,000 rows (a national export's size): every indicator judged. (Tests never assert speed;
    measured on the shared 2-core machine under load: row by row 69 s, on whole columns 2.4 s.)"""
    frame = random_export(1, areas=300, indicators=500)
    assert len(frame) == 602_000
    assert len(publisher_polarity(frame)) == 500


def test_profile_comparators_mean(national_store):
    """Lewisham against its profile's six comparators, all ages, 2015."""
    row = _kpi(Store(national_store), "All ages", "2015")
    mean, n = _raw_mean(LEWISHAM_COMPARATORS, "Persons", "All ages", "2015")
    assert n == 6 and row["comparators_n"] == 6
    assert row["comparators_value"] == pytest.approx(mean, rel=1e-12)
    assert round(row["comparators_value"], 2) == 52.84


def test_same_region_comparators_for_an_authority_without_a_profile(national_store):
    """Southwark has no profile: its comparators are the other London boroughs in the areas
    lookup, and the mean is of those the file holds (0-9 yrs, 2016)."""
    store = Store(national_store).for_authority(SOUTHWARK)
    row = _kpi(store, "0-9 yrs", "2016")
    mean, n = _raw_mean(list(store.authority.comparators), "Persons", "0-9 yrs", "2016")
    assert row["comparators_n"] == n == 31
    assert row["comparators_value"] == pytest.approx(mean, rel=1e-12)
    assert round(row["value"], 1) == 259.7  # Southwark's own, for children aged 0-9


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
