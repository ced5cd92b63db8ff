"""Against published worked examples (PHEindicatormethods vignettes / Newcombe 1998)."""
import pytest

from metrics.performance.statistics import byars_interval, compare_to_benchmark, rate_interval, wilson_interval


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
