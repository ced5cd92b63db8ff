"""Confidence intervals and benchmarking, one function per statistic (after PHEindicatormethods).

Each function checks its arguments strictly and says its units, method and reference.
"""
from __future__ import annotations

import math
from statistics import NormalDist


def _z(confidence: float) -> float:
    if not 0.5 < confidence < 1:
        raise ValueError(f"confidence must be between 0.5 and 1, got {confidence!r}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson_interval(numerator: float, denominator: float, confidence: float = 0.95,
                    multiplier: float = 100) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Units: the proportion times ``multiplier`` (100 gives a percentage).
    Method: Wilson EB (1927), as PHEindicatormethods ``phe_proportion`` (no continuity correction).
    Reference: Wilson EB. Probable inference... JASA 1927;22:209-212; Newcombe RG (1998).
    """
    if denominator is None or numerator is None:
        raise ValueError("numerator and denominator are required")
    if denominator <= 0:
        raise ValueError(f"denominator must be positive, got {denominator!r}")
    if numerator < 0 or numerator > denominator:
        raise ValueError(f"numerator must be between 0 and the denominator, got {numerator!r}")
    z = _z(confidence)
    p = numerator / denominator
    centre = 2 * numerator + z ** 2
    spread = z * math.sqrt(z ** 2 + 4 * numerator * (1 - p))
    bottom = 2 * (denominator + z ** 2)
    return (centre - spread) / bottom * multiplier, (centre + spread) / bottom * multiplier


def byars_interval(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval for a count.

    Units: the same as ``count`` (divide by a denominator afterwards for a rate).
    Method: Byar's method as in PHEindicatormethods ``byars_lower``/``byars_upper``;
    good for counts of about 10 and over.
    Reference: Breslow NE, Day NE. Statistical methods in cancer research, vol II (1987), p69.
    """
    if count is None or count < 0:
        raise ValueError(f"count must be zero or more, got {count!r}")
    z = _z(confidence)
    if count == 0:
        lower = 0.0
    else:
        lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower, upper


def rate_interval(count: float, denominator: float, per: float = 100_000,
                  confidence: float = 0.95) -> tuple[float, float]:
    """Crude rate interval: Byar's limits on the count divided by the denominator, times ``per``."""
    if denominator is None or denominator <= 0:
        raise ValueError(f"denominator must be positive, got {denominator!r}")
    lo, hi = byars_interval(count, confidence)
    return lo / denominator * per, hi / denominator * per


def compare_to_benchmark(value: float | None, lower: float | None, upper: float | None,
                         benchmark: float | None, polarity: str | None) -> str:
    """Benchmark by confidence interval, as Fingertips does.

    Returns ``better``/``similar``/``worse`` when ``polarity`` is ``high_is_good`` or
    ``low_is_good``; ``higher``/``similar``/``lower`` when polarity is unknown; ``not_compared``
    when the value, its interval or the benchmark is missing.
    """
    if polarity not in (None, "", "high_is_good", "low_is_good", "no_judgement"):
        raise ValueError(f"unknown polarity {polarity!r}")
    if value is None or benchmark is None or lower is None or upper is None or \
            any(isinstance(v, float) and math.isnan(v) for v in (value, benchmark, lower, upper)):
        return "not_compared"
    if lower > benchmark:
        direction = "higher"
    elif upper < benchmark:
        direction = "lower"
    else:
        return "similar"
    if polarity == "high_is_good":
        return "better" if direction == "higher" else "worse"
    if polarity == "low_is_good":
        return "better" if direction == "lower" else "worse"
    return direction
