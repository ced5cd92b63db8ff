"""Shared numbers for the sample generators: one reconstructed population, used by every file.

The ONS 2014-based SNPP files (`ons.py`), the POPPI/PANSI population tables and every POPPI/PANSI
prevalence table (`ipc.py`), and the Fingertips denominators (`fingertips.py`) all read the single
population built here, so the sample is internally consistent.

Lewisham 2017 is pinned to the seed figures (seed 000, s3.1 and s3.2):
  all ages 305,945; about 24% aged under 19; about 9% aged 65+; 65+ rounds to 26,800;
  growth of about 20,000 residents over the next five years (2017 -> 2022).
Everything else (single-year shape, sex split, the cohort projection, London and England) is
illustrative: a young, inner-London age structure for Lewisham and an older one for England.
"""
from __future__ import annotations

import numpy as np

SEED = 2017
YEARS = list(range(2014, 2040))          # 2014-based SNPP runs 2014..2039
MYE_YEARS = list(range(2011, 2017))      # MYEB1 sample: mid-2011 .. mid-2016
AGES = list(range(91))                   # 0..89 single years, 90 = "90 and over"

AREAS = {
    "Lewisham": "E09000023",
    "London": "E12000007",
    "England": "E92000001",
}

POPPI_BANDS = [(65, 69), (70, 74), (75, 79), (80, 84), (85, 89), (90, 90)]
POPPI_BAND_LABELS = ["65-69", "70-74", "75-79", "80-84", "85-89", "90 and over"]
PANSI_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64)]
PANSI_BAND_LABELS = ["18-24", "25-34", "35-44", "45-54", "55-64"]
IPC_YEARS = [2017, 2020, 2025, 2030, 2035]

# --- Seed-pinned Lewisham 2017 figures -------------------------------------------------------
LEWISHAM_TOTAL_2017 = 305_945                       # seed 000 s3.1
LEWISHAM_UNDER19_2017 = 73_427                      # 24.0% of 305,945 (seed 000 s3.1: 24% under 19)
# 65+ by POPPI band, 2017. Sum 26,812; each rounds to the nearest 100 and those sum to 26,800
# (seed 000 s3.2: "26,800 Lewisham residents aged 65 and over").
LEWISHAM_65PLUS_BANDS_2017 = [8_112, 6_281, 4_906, 3_788, 2_437, 1_288]
LEWISHAM_GROWTH_2017_2022 = 20_000                  # seed 000 s3.1 ("grow by 20,000 ... five years")

# Anchor points (age, persons per single year of age) for the 2017 shape; interpolated linearly.
_SHAPES = {
    # Inner London: many births, fewer teenagers, a large 25-39 peak, a small older population.
    "Lewisham": dict(anchors=[(0, 4950), (4, 4500), (10, 3900), (16, 3300), (18, 3200), (20, 3350),
                              (23, 4300), (27, 5900), (32, 6000), (37, 5300), (42, 4700),
                              (47, 4450), (52, 3950), (57, 3050), (62, 2200), (65, 1800),
                              (89, 300)],
                     total=LEWISHAM_TOTAL_2017),
    "London": dict(anchors=[(0, 128000), (4, 122000), (10, 108000), (16, 96000), (20, 104000),
                            (25, 150000), (30, 163000), (35, 150000), (40, 134000), (45, 124000),
                            (50, 114000), (55, 98000), (60, 82000), (65, 70000), (70, 58000),
                            (75, 45000), (80, 33000), (85, 21000), (89, 11500)],
                   over90=53_000, total=8_830_700),
    "England": dict(anchors=[(0, 666000), (4, 672000), (10, 640000), (16, 610000), (20, 680000),
                             (25, 730000), (30, 735000), (35, 690000), (40, 690000), (45, 780000),
                             (50, 790000), (55, 705000), (60, 630000), (65, 610000), (70, 560000),
                             (75, 410000), (80, 300000), (85, 195000), (89, 118000)],
                    over90=505_000, total=55_619_400),
}

# Male share of persons by single year of age (illustrative; women outlive men).
_MALE_SHARE_ANCHORS = [(0, 0.512), (15, 0.510), (20, 0.496), (30, 0.488), (45, 0.492),
                       (60, 0.482), (65, 0.474), (70, 0.462), (75, 0.445), (80, 0.415),
                       (85, 0.370), (89, 0.320), (90, 0.280)]

# Net migration per year as a share of the age's population (illustrative: London gains young
# adults and loses families and retirees).
_MIG_ANCHORS = {
    "Lewisham": [(0, -0.020), (5, -0.025), (15, -0.015), (18, 0.020), (21, 0.060), (26, 0.060),
                 (29, 0.010), (31, -0.015), (44, -0.015), (46, -0.008), (64, -0.008),
                 (66, -0.010), (90, -0.004)],
    "London": [(0, -0.018), (5, -0.022), (15, -0.012), (18, 0.025), (21, 0.060), (26, 0.055),
               (29, 0.010), (31, -0.014), (44, -0.014), (46, -0.008), (64, -0.008),
               (66, -0.012), (90, -0.004)],
    "England": [(0, 0.002), (15, 0.002), (20, 0.010), (25, 0.010), (30, 0.004), (40, 0.001),
                (60, 0.0), (90, 0.0)],
}
_GROWTH_TARGET_2017_2022 = {"Lewisham": LEWISHAM_GROWTH_2017_2022, "London": 520_000,
                            "England": 1_900_000}


def largest_remainder(values, total: int, unit: int = 1) -> list[int]:
    """Round `values` to multiples of `unit` so that they sum to exactly `total` (a multiple of unit).

    Each value goes to the multiple of `unit` below it, then the shortfall is given one unit at a
    time to the largest remainders (ties broken by position). Result is within one unit of each
    value scaled to the total.
    """
    v = np.asarray(values, dtype=float)
    if v.sum() > 0:
        v = v * (total / v.sum())
    units = v / unit
    floor = np.floor(units)
    short = int(round(total / unit - floor.sum()))
    order = np.argsort(-(units - floor), kind="stable")
    out = floor.copy()
    if short > 0:
        out[order[:short]] += 1
    elif short < 0:
        out[order[::-1][: -short]] -= 1
    return [int(x) * unit for x in out]


def _interp(anchors, ages):
    xs, ys = zip(*anchors)
    return np.interp(ages, xs, ys)


def _mortality(ages) -> np.ndarray:
    a = np.asarray(ages, dtype=float)
    q = np.exp(-10.4 + 0.094 * a)             # Gompertz-style annual death probability
    q = np.where(a < 1, 0.004, q)
    q = np.where((a >= 1) & (a < 30), 0.0003, q)
    return np.clip(q, 0, 0.30)


def _shape_2017(area: str) -> np.ndarray:
    """Integer persons by single year (0..89, 90+) for 2017, meeting the area's pinned totals."""
    spec = _SHAPES[area]
    ages = np.arange(90)
    base = _interp(spec["anchors"], ages)
    if area == "Lewisham":
        out = np.zeros(91)
        # 0-18: 24% of the total.
        out[0:19] = largest_remainder(base[0:19], LEWISHAM_UNDER19_2017)
        # 65+: the seed-pinned POPPI bands, spread over single years by the interpolated shape.
        for (lo, hi), n in zip(POPPI_BANDS, LEWISHAM_65PLUS_BANDS_2017):
            if lo == 90:
                out[90] = n
            else:
                out[lo:hi + 1] = largest_remainder(base[lo:hi + 1], n)
        rest = LEWISHAM_TOTAL_2017 - out[0:19].sum() - out[65:].sum()
        out[19:65] = largest_remainder(base[19:65], int(rest))
        return out.astype(int)
    raw = np.append(base, spec["over90"])
    return np.array(largest_remainder(raw, spec["total"]))


def _project(area: str, start: np.ndarray, mig_scale: float, years_ahead: int) -> list[np.ndarray]:
    """Simple cohort-component projection (floats) from 2017 forward."""
    ages = np.arange(91)
    surv = 1 - _mortality(ages)
    mig = _interp(_MIG_ANCHORS[area], ages) + mig_scale
    women_share = 1 - _interp(_MALE_SHARE_ANCHORS, ages)
    fert_ages = (ages >= 15) & (ages <= 44)
    women_1544 = (start * women_share)[fert_ages].sum()
    gfr = start[0] / women_1544                       # births per woman 15-44 held at 2017 level
    pops = [start.astype(float)]
    for _ in range(years_ahead):
        p = pops[-1]
        nxt = np.zeros(91)
        nxt[1:90] = p[0:89] * surv[0:89]
        nxt[90] = p[89] * surv[89] + p[90] * 0.82
        nxt[0] = gfr * (p * women_share)[fert_ages].sum() * 0.995
        nxt = nxt * (1 + mig)
        pops.append(nxt)
    return pops


def _build_area(area: str) -> dict[int, np.ndarray]:
    start = _shape_2017(area)
    target = _GROWTH_TARGET_2017_2022[area]

    def growth(scale):
        return _project(area, start, scale, 5)[5].sum() - start.sum()

    # growth is (nearly) linear in the migration scale: two-point secant, a few iterations.
    a, b = 0.0, 0.001
    ga, gb = growth(a), growth(b)
    for _ in range(30):
        if gb == ga:
            break
        c = b + (target - gb) * (b - a) / (gb - ga)
        a, ga, b, gb = b, gb, c, growth(c)
        if abs(gb - target) < 0.5:
            break
    _CACHE.setdefault('mig', {})[area] = b
    forward = _project(area, start, b, YEARS[-1] - 2017)
    pops: dict[int, np.ndarray] = {2017: start.astype(int)}
    for k, p in enumerate(forward[1:], start=1):
        pops[2017 + k] = np.rint(p).astype(int)
    # Backwards to 2011 by reversing the same cohort model (survival and migration), holding
    # births near the 2017 level.
    surv = 1 - _mortality(np.arange(91))
    mig = _interp(_MIG_ANCHORS[area], np.arange(91)) + b
    nxt = forward[0]
    for y in range(2016, MYE_YEARS[0] - 1, -1):
        cur = nxt / (1 + mig)
        prev = np.zeros(91)
        prev[0:89] = cur[1:90] / surv[0:89]
        prev[89] = nxt[89] * 0.985
        prev[90] = max((cur[90] - prev[89] * surv[89]) / 0.82, nxt[90] * 0.9)
        prev[0] = nxt[0] * 0.99
        pops[y] = np.rint(prev).astype(int)
        nxt = prev
    return pops


def _split_sex(persons: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
    share = _interp(_MALE_SHARE_ANCHORS, np.arange(91))
    # Older men's share creeps up over time (male life expectancy catching up), illustrative.
    share = share + np.clip(np.arange(91) - 60, 0, 30) / 30 * 0.0015 * (year - 2017)
    males = np.rint(persons * share).astype(int)
    return males, persons - males


_CACHE: dict = {}


def snpp() -> dict[str, dict[str, dict[int, np.ndarray]]]:
    """{area: {sex: {year: int array by age 0..90}}}, sex in persons/male/female, 2011..2039.

    Years 2011-2013 exist only to back the MYEB1 sample; the SNPP files carry 2014..2039.
    """
    if "snpp" not in _CACHE:
        out = {}
        for area in AREAS:
            persons = _build_area(area)
            males, females = {}, {}
            for y, p in persons.items():
                males[y], females[y] = _split_sex(p, y)
            out[area] = {"persons": persons, "male": males, "female": females}
        _CACHE["snpp"] = out
    return _CACHE["snpp"]


def band_sum(by_age: np.ndarray, bands) -> list[int]:
    return [int(by_age[lo:hi + 1].sum()) for lo, hi in bands]


def ipc_population(area: str, tool: str, sex: str = "persons") -> dict[int, list[int]]:
    """POPPI / PANSI population bands: SNPP bands rounded to the nearest 100 (persons).

    The rounding is a largest-remainder apportionment of the total rounded to 100, so the bands
    sum exactly to the total row; for Lewisham 2017 (POPPI) this equals plain nearest-100
    rounding of each band (checked in the self-test).
    """
    bands = POPPI_BANDS if tool == "POPPI" else PANSI_BANDS
    data = snpp()[area][sex]
    out = {}
    for y in IPC_YEARS:
        raw = band_sum(data[y], bands)
        total = int(round(sum(raw), -2))
        out[y] = largest_remainder(raw, total, unit=100)
    return out


def ipc_population_by_sex(area: str, tool: str) -> dict[str, dict[int, list[int]]]:
    """Persons bands as above, split into males and females (also to 100s) that add up."""
    persons = ipc_population(area, tool)
    bands = POPPI_BANDS if tool == "POPPI" else PANSI_BANDS
    males = {}
    for y in IPC_YEARS:
        m = band_sum(snpp()[area]["male"][y], bands)
        p = band_sum(snpp()[area]["persons"][y], bands)
        males[y] = [int(round(pp * mm / max(ppp, 1), -2)) for pp, mm, ppp in zip(persons[y], m, p)]
    females = {y: [p - m for p, m in zip(persons[y], males[y])] for y in IPC_YEARS}
    return {"persons": persons, "male": males, "female": females}


def rng():
    return np.random.default_rng(SEED)


FIXED_STAMP = "2017-06-01T00:00:00Z"


def normalise_zip(path) -> None:
    """Make an .xlsx/.ods byte-for-byte reproducible: fixed entry times and document dates.

    Entry order and compression (an .ods needs `mimetype` first and stored) are kept.
    """
    import re
    import zipfile
    from pathlib import Path

    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    stamp = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?")
    with zipfile.ZipFile(path, "w") as zout:
        for info, data in entries:
            if info.filename in ("docProps/core.xml", "meta.xml"):
                data = stamp.sub(FIXED_STAMP.encode(), data)
            new = zipfile.ZipInfo(info.filename, date_time=(2017, 6, 1, 0, 0, 0))
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            zout.writestr(new, data)
