"""The domain's facts, declared once: client groups, measures, age bands and their parsing,
service types, polarity and the defaults the methods use.

Labels a person reads (human names, units, rounding) are in `domain.labels`; this module holds the
keys and the rules. Nothing here names an authority or a neighbourhood.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

# ---------------------------------------------------------------------------------------------
# Client groups (the MPS's own grouping of people who need care and support)
CLIENT_GROUPS: tuple[str, ...] = (
    "older_people", "dementia", "learning_disability", "physical_sensory", "mental_health",
    "substance_misuse", "carers",
)

# POPPI/PANSI measures and the client group each belongs to are declared once, in
# data/lookups/ipc_measures.csv (one row adds a table); "population" is the denominator.

# ---------------------------------------------------------------------------------------------
# Service types / settings (SALT-like settings, council activity and CQC-derived supply)
SERVICE_TYPES: tuple[str, ...] = (
    "all", "nursing", "residential", "supported_living", "shared_lives", "extra_care", "day_care",
    "home_care", "direct_payment", "carers_register", "carers_supported", "carers_new_contacts",
    "in_treatment_alcohol", "in_treatment_drugs",
)

# ---------------------------------------------------------------------------------------------
# Indicator polarity (PHE/OHID Fingertips vocabulary)
HIGH_IS_GOOD = "high_is_good"
LOW_IS_GOOD = "low_is_good"
NO_JUDGEMENT = "no_judgement"
POLARITIES: tuple[str, ...] = (HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT)

# ---------------------------------------------------------------------------------------------
# Method defaults
MPS_TARGET_YEAR = 2030
"""The MPS horizon's target year: projections are read from the first projection year (the base
year) to this one on every page, export and the brief. The 2017 MPS looks to 2030 (seed 000); an
authority sets its own in its profile's [horizon] target_year. Where the projections stop before it,
their last year is the target, and a figure on another horizon (ONS growth) states its years."""
DEFAULT_OCCUPANCY = 0.90
"""Share of registered care-home beds occupied, used to turn beds into people (and back) in the
beds-needed what-if. 90% is the planning figure commissioners usually use for older people's
homes (LaingBuisson's market surveys put UK occupancy at 87-92% before 2020)."""
OCCUPANCY_RANGE = (0.50, 1.00)
"""Occupancies a user may choose in the what-if, as fractions."""

SUPPRESSION_THRESHOLD = 5
"""Counts below this are suppressed at neighbourhood and practice level (small-number disclosure
control, as in NHS Digital's and ONS's published tables)."""

OLDEST_SINGLE_AGE_BAND = 90
"""ONS projections and NHS Digital's quinary files stop single ages at '90 and over'."""

# ---------------------------------------------------------------------------------------------
# Age bands. A band is a string: "18-24" (both ends inclusive), "65+" (open), or "all".
ALL_AGES = "all"
_OPEN_AGE = 200  # upper limit of an open band such as "85+"
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})$")
_OPEN = re.compile(r"^(\d{1,3})\s*(?:\+|and over|and older|or over|or older|plus)$")
_SINGLE = re.compile(r"^(\d{1,3})$")
_ALL = {"all", "all ages", "total", "persons all ages"}


def parse_age_band(text: object) -> str | None:
    """Normalise the age bands publishers write to this product's form.

    "Aged 18-24" / "18 to 24" / "18–24" -> "18-24"; "85 and over" / "85+" / "aged 85 or over" ->
    "85+"; "All ages" -> "all"; a bare number -> that single year as a band ("7" -> "7-7").
    Returns None for text that is not an age band.
    """
    if text is None:
        return None
    t = re.sub(r"\s+", " ", str(text).strip().lower())
    t = re.sub(r"^(people |persons )?(aged|age|ages)\s*", "", t).strip()
    t = t.replace("years", "").replace("year", "").strip()
    if t in _ALL:
        return ALL_AGES
    m = _RANGE.match(t)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}"
    m = _OPEN.match(t)
    if m:
        return f"{int(m.group(1))}+"
    m = _SINGLE.match(t)
    if m:
        return f"{int(m.group(1))}-{int(m.group(1))}"
    return None


def band_limits(band: str) -> tuple[int, int]:
    """(lowest age, highest age) of a band; an open band ends at 200, "all" is (0, 200)."""
    if band == ALL_AGES:
        return 0, _OPEN_AGE
    if band.endswith("+"):
        return int(band[:-1]), _OPEN_AGE
    lo, hi = band.split("-")
    return int(lo), int(hi)


def band_inside(band: str, outer: str) -> bool:
    """True when every age in ``band`` lies in ``outer`` ("70-74" is inside "65+")."""
    lo, hi = band_limits(band)
    olo, ohi = band_limits(outer)
    return lo >= olo and hi <= ohi


def quinary_band(age: int, oldest: int = OLDEST_SINGLE_AGE_BAND) -> str:
    """Single year of age -> its five-year band; ``oldest`` and over is one open band."""
    if age < 0:
        raise ValueError(f"age must be 0 or more, got {age!r}")
    if age >= oldest:
        return f"{oldest}+"
    lo = age - age % 5
    return f"{lo}-{lo + 4}"


def bands_covering(bands: Iterable[str], outer: str) -> list[str]:
    """The bands of ``bands`` that lie inside ``outer``, when they start at its lowest age
    (so "65+" from quinary bands is 65-69, 70-74, ... 90+); [] when they do not."""
    inside = [b for b in bands if b != ALL_AGES and band_inside(b, outer)]
    lo = band_limits(outer)[0]
    return inside if any(band_limits(b)[0] == lo for b in inside) else []


def age_overlap_years(band: str, lo: int, hi: int) -> int:
    """How many single years of ``band`` fall in [lo, hi] (open bands count to ``hi``)."""
    blo, bhi = band_limits(band)
    return max(0, min(bhi, hi) - max(blo, lo) + 1)


def band_share(band: str, lo: int, hi: int = _OPEN_AGE) -> float:
    """The share of a band's people aged ``lo`` to ``hi``, assuming they spread evenly over its
    single years ("15-19" in 18-64 is 2/5). An open band ("90+") has no known spread: it counts
    wholly in a range open at the top that starts at or below its lowest age, else not at all."""
    blo, bhi = band_limits(band)
    if bhi == _OPEN_AGE:
        return 1.0 if hi >= _OPEN_AGE and blo >= lo else 0.0
    return age_overlap_years(band, lo, hi) / (bhi - blo + 1)

# ---------------------------------------------------------------------------------------------
# Market segments (market health): where the council wants its market to grow, hold or shrink.
MARKET_SEGMENTS: tuple[str, ...] = (
    "care_homes_65", "nursing_65", "home_care", "supported_living", "extra_care", "shared_lives",
    "day_opportunities", "carers_support",
)
CQC_SEGMENT_SERVICE_TYPES: dict[str, str] = {
    "home_care": "Domiciliary care service",
    "supported_living": "Supported living service",
    "extra_care": "Extra Care housing services",
    "shared_lives": "Shared Lives",
}
"""Segments read from a CQC `Service type - ...` flag (care homes are read from the care-home flag,
the Older People user band and the nursing / without nursing service types: metrics.supply.market)."""
DIRECTIONS: tuple[str, ...] = ("grow", "hold", "shrink")
