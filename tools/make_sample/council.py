"""Council-designed tables (our own layouts, SPEC.md): `council_activity.csv`, `council_finance.csv`,
`neighbourhood_caseloads.csv`. CSV, UTF-8, header in row 1.

Every figure SPEC.md lists from the seeds is written exactly; the rest of the activity table
(other client groups, other years) is illustrative, deterministic (numpy default_rng(2017)).
"""
from __future__ import annotations

import csv
from pathlib import Path

from . import common as C

ACTIVITY_FILE = "council_activity.csv"
FINANCE_FILE = "council_finance.csv"
CASELOADS_FILE = "neighbourhood_caseloads.csv"
PERIODS = ["2014/15", "2015/16", "2016/17"]

PERSONAL = "Physical Support: Personal care support"
MOBILITY = "Physical Support: Access & mobility only"
VISUAL = "Sensory Support: Support for visual impairment"
HEARING = "Sensory Support: Support for hearing impairment"
MEMORY = "Support with Memory & Cognition"
LD = "Learning Disability Support"
MH = "Mental Health Support"
SUBSTANCE = "Social Support: Substance misuse support"
ISOLATION = "Social Support: Support for Social Isolation/Other"
CARER = "Carer Support"

SPLIT = {"Residential", "Nursing", "Supported Living", "Shared Lives", "Extra Care Housing", "Day Care"}

# --- Seed figures (seed 000 s3.3 / s4.2; SPEC.md) -----------------------------------------------
# LD 18-64, 2016/17: (setting, location) -> clients
LD_2016_17 = [
    ("All services", "", 755),                 # s3.3 "755 people with a learning disability"
    ("Residential", "In area", 52),            # s3.3 "123 of 180 placements (68.3%) are out of area"
    ("Residential", "Out of area", 112),       #   residential + nursing = 180; out of area 123
    ("Nursing", "In area", 5),
    ("Nursing", "Out of area", 11),
    ("Day Care", "In area", 197),              # s4.2 "Approximately 200 ... almost all within Lewisham"
    ("Day Care", "Out of area", 3),
    ("Supported Living", "In area", 121),      # s4.2 "130 people receive help with supported living"
    ("Supported Living", "Out of area", 9),    #   "largely provided locally"
    ("Shared Lives", "In area", 10),           # s4.2 "11 adult placements ... Ten of these are in Lewisham"
    ("Shared Lives", "Out of area", 1),
    ("Extra Care Housing", "In area", 3),      # s4.2 "just three people ... in extra-care housing"
    ("Direct Payment", "", 128),               # s3.3 "Only 17%" (128 / 755 = 17.0%)
]
# Carer Support, age All: period -> (on register, supported, new contacts)
CARERS = {
    "2014/15": (5_912, 4_380, 512),            # illustrative
    "2015/16": (6_273, 4_671, 540),            # s3.6 "supported 4,671 carers ... register of 6,273" (2015-16);
                                               # s4.5 target of 500 new contacts a year (540 illustrative)
    "2016/17": (6_544, 4_805, 561),            # illustrative
}
# People aged 18-64 in structured substance misuse treatment (illustrative, NDTMS-like levels for an
# inner-London borough); with PANSI's dependence estimates they give the unmet-need gap.
IN_TREATMENT = {"2014/15": (598, 1_214), "2015/16": (622, 1_190), "2016/17": (640, 1_180)}  # (alcohol, drugs)
# Of those supported, carers aged 65 and over (illustrative, about a quarter): lets the dashboard set
# carers reached against POPPI's estimate of unpaid carers aged 65+, like for like.
CARERS_65_PLUS_SUPPORTED = {"2014/15": 1_021, "2015/16": 1_096, "2016/17": 1_139}
# LD 18-64 in earlier years (illustrative; placements falling, s3.3 "halved over the past ten years").
LD_EARLIER = {
    "2014/15": {"All services": 731, "Residential": (60, 124), "Nursing": (6, 12), "Day Care": (214, 4),
                "Supported Living": (112, 10), "Shared Lives": (8, 1), "Extra Care Housing": (2, 0),
                "Direct Payment": 102},
    "2015/16": {"All services": 744, "Residential": (55, 118), "Nursing": (5, 12), "Day Care": (206, 3),
                "Supported Living": (117, 10), "Shared Lives": (9, 1), "Extra Care Housing": (3, 0),
                "Direct Payment": 115},
}

# --- Illustrative groups: (reason, age band) -> {setting: (2016/17 level, out-of-area share)} ---
# Levels are plausible for an inner-London borough of ~306k people; the out-of-area shares are
# higher for nursing and for mental health residential care (seed 000 s3.8: MH residential use is
# "significantly higher than other areas").
ILLUSTRATIVE = {
    (PERSONAL, "65+"): {"All services": (1_840, None), "Residential": (262, 0.30), "Nursing": (118, 0.42),
                        "Home Care": (1_120, None), "Direct Payment": (96, None),
                        "Extra Care Housing": (118, 0.0), "Day Care": (142, 0.04)},
    (PERSONAL, "18-64"): {"All services": (512, None), "Residential": (38, 0.55), "Nursing": (22, 0.60),
                          "Home Care": (268, None), "Direct Payment": (131, None), "Day Care": (44, 0.10),
                          "Supported Living": (18, 0.20)},
    (MOBILITY, "65+"): {"All services": (96, None), "Home Care": (58, None), "Direct Payment": (9, None)},
    (MOBILITY, "18-64"): {"All services": (41, None), "Home Care": (19, None), "Direct Payment": (12, None)},
    (VISUAL, "65+"): {"All services": (38, None), "Home Care": (21, None), "Residential": (6, 0.30)},
    (VISUAL, "18-64"): {"All services": (17, None), "Home Care": (6, None), "Direct Payment": (5, None)},
    (HEARING, "65+"): {"All services": (14, None), "Home Care": (8, None)},
    (HEARING, "18-64"): {"All services": (9, None), "Direct Payment": (4, None)},
    (MEMORY, "65+"): {"All services": (436, None), "Residential": (148, 0.35), "Nursing": (96, 0.45),
                      "Home Care": (152, None), "Day Care": (41, 0.05), "Extra Care Housing": (22, 0.0),
                      "Direct Payment": (11, None)},
    (LD, "65+"): {"All services": (46, None), "Residential": (14, 0.50), "Supported Living": (9, 0.0),
                  "Day Care": (15, 0.0)},
    (MH, "18-64"): {"All services": (618, None), "Residential": (96, 0.48), "Nursing": (12, 0.60),
                    "Supported Living": (74, 0.15), "Home Care": (58, None), "Direct Payment": (47, None)},
    (MH, "65+"): {"All services": (164, None), "Residential": (38, 0.35), "Nursing": (21, 0.45),
                  "Home Care": (62, None)},
    (SUBSTANCE, "18-64"): {"All services": (58, None), "Residential": (12, 0.70), "Home Care": (6, None)},
    (ISOLATION, "65+"): {"All services": (52, None), "Home Care": (18, None), "Day Care": (14, 0.0)},
    (ISOLATION, "18-64"): {"All services": (31, None), "Home Care": (7, None)},
}
# Yearly change (per year back from 2016/17) by setting: care homes fall, community settings grow.
TREND = {"Residential": 0.04, "Nursing": 0.05, "Home Care": -0.02, "Direct Payment": -0.08,
         "Extra Care Housing": -0.06, "Day Care": 0.03, "Supported Living": -0.03, "All services": 0.0}


def activity_rows() -> list[list]:
    rng = C.rng()
    rows = []
    for period in PERIODS:
        back = 2 - PERIODS.index(period)          # years before 2016/17
        # Learning disability 18-64 (seed-pinned 2016/17).
        if period == "2016/17":
            for setting, loc, n in LD_2016_17:
                rows.append([period, LD, setting, "18-64", loc, n])
        else:
            for setting, v in LD_EARLIER[period].items():
                if isinstance(v, tuple):
                    rows.append([period, LD, setting, "18-64", "In area", v[0]])
                    if v[1]:
                        rows.append([period, LD, setting, "18-64", "Out of area", v[1]])
                else:
                    rows.append([period, LD, setting, "18-64", "", v])
        # Illustrative groups.
        for (reason, age), settings in ILLUSTRATIVE.items():
            for setting, (level, share) in settings.items():
                f = (1 + TREND.get(setting, 0.0)) ** back * (1 + float(rng.normal(0, 0.03)))
                n = max(int(round(level * f)), 1)
                if setting in SPLIT:
                    out = int(round(n * share))
                    rows.append([period, reason, setting, age, "In area", n - out])
                    if out:
                        rows.append([period, reason, setting, age, "Out of area", out])
                else:
                    rows.append([period, reason, setting, age, "", n])
        alcohol, drugs = IN_TREATMENT[period]
        rows += [[period, SUBSTANCE, "In treatment: alcohol", "18-64", "", alcohol],
                 [period, SUBSTANCE, "In treatment: drugs", "18-64", "", drugs]]
        # Carers.
        reg, sup, new = CARERS[period]
        rows += [[period, CARER, "Carers on register", "All", "", reg],
                 [period, CARER, "Carers supported", "All", "", sup],
                 [period, CARER, "Carers supported", "65+", "", CARERS_65_PLUS_SUPPORTED[period]],
                 [period, CARER, "New carer contacts", "All", "", new]]
    return rows


FINANCE = [
    # (organisation, item, period, value in £, note)
    ("NHS Lewisham CCG", "Net spend budget", "2014/15", 377_826_000, "Seed 001 s4.4 (as at March 2014)"),
    ("NHS Lewisham CCG", "Net spend budget", "2015/16", 391_633_000, "Seed 001 s4.4"),
    ("NHS Lewisham CCG", "Net spend budget", "2016/17", 398_595_000, "Seed 001 s4.4"),
    ("NHS Lewisham CCG", "Savings required", "2014/15", 9_990_000, "Seed 001 s4.4"),
    ("NHS Lewisham CCG", "Savings required", "2015/16", 13_557_000, "Seed 001 s4.4"),
    ("NHS Lewisham CCG", "Savings required", "2016/17", 13_964_000, "Seed 001 s4.4"),
    ("NHS Lewisham CCG", "CCG allocation", "2014/15", 384_000_000, "Seed 001 s4.4 ('around £384m')"),
    ("NHS Lewisham CCG", "Acute hospital care", "2014/15", 205_000_000,
     "Seed 001 s4.4 (53% of the CCG's budget)"),
    ("Lewisham Council", "Net spend budget", "2014/15", 268_000_000, "Seed 001 s4.4"),
    ("Lewisham Council", "Savings required", "2014/15", 39_000_000, "Seed 001 s4.4"),
    ("Lewisham Council", "Savings required", "2015/16", 26_000_000, "Seed 001 s4.4"),
    ("Lewisham Council", "Savings required", "2016/17", 20_000_000, "Seed 001 s4.4"),
    ("Lewisham Council", "Adult Social Care net budget", "2014/15", 84_570_000,
     "Seed 001 s4.4 (87% spent on care to individuals)"),
    ("Lewisham Council", "Public Health budget", "2014/15", 20_000_000, "Seed 001 s4.4 (ring-fenced grant)"),
    ("Lewisham Council", "Care at Home budget", "2018/19", 19_588_000, "Seed 004 s10.2 (staff + home services)"),
    ("Lewisham Council", "Care at Home: social work staff", "2018/19", 5_588_000, "Seed 004 s10.2"),
    ("Lewisham Council", "Care at Home: home services from 4 lead providers", "2018/19", 14_000_000,
     "Seed 004 s10.2 ('£14m (approx.)')"),
    ("Lewisham Council", "Care at Home: Council contribution to implementation", "2018/19", 40_000,
     "Seed 004 s10.3 (from the Improved Better Care Fund)"),
]

CASELOADS = {  # seed 003 s6.2 Table 1: (district nursing, adult social care, joint)
    "Neighbourhood 1": (1264, 849, 309), "Neighbourhood 2": (1687, 1003, 397),
    "Neighbourhood 3": (2244, 1330, 486), "Neighbourhood 4": (2181, 802, 462),
}
SERVICES = ["District nursing", "Adult social care", "Joint adult social care and district nursing"]


def _csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [
        _csv(out_dir / ACTIVITY_FILE,
             ["Period", "Primary Support Reason", "Support Setting", "Age Band", "Location", "Clients"],
             activity_rows()),
        _csv(out_dir / FINANCE_FILE, ["Organisation", "Item", "Period", "Value (£)", "Note"],
             [[o, i, p, f"£{v:,}", n] for o, i, p, v, n in FINANCE]),
        _csv(out_dir / CASELOADS_FILE, ["As at", "Neighbourhood", "Service", "Cases"],
             [["01/07/2013", hood, s, n] for hood, ns in CASELOADS.items() for s, n in zip(SERVICES, ns)]),
    ]
    _write_readme()
    return files


def _write_readme() -> None:
    text = """## Council tables (our own layouts) — `council.py`

### `council_activity.csv` (modelled on SALT LTS001b; one row per count)
`Period,Primary Support Reason,Support Setting,Age Band,Location,Clients`. Periods 2014/15,
2015/16, 2016/17. Settings with an in/out split (`Residential`, `Nursing`, `Supported Living`,
`Shared Lives`, `Extra Care Housing`, `Day Care`) have one `In area` and (when non-zero) one
`Out of area` row and no total row; `All services` (distinct people), `Home Care`,
`Direct Payment` and the carers' settings have a blank Location. People can appear in several
settings, so settings do not add up to `All services`.
- From the seeds, learning disability 18-64 in 2016/17 (seed 000 s3.3 and s4.2): All services 755
  ("755 people with a learning disability are receiving services"); Residential + Nursing 180, of
  which 123 Out of area and 57 In area ("123 of 180 placements (68.3%) are out of area"; the split
  between residential 164 and nursing 16 is illustrative); Day Care 200, 197 In area ("Approximately
  200 ... almost all within Lewisham"); Supported Living 130 (121 In area, "largely provided
  locally"); Shared Lives 11, 10 In area, 1 Out of area ("11 adult placements ... Ten of these are in
  Lewisham"); Extra Care Housing 3; Direct Payment 128 (= 17% of 755, "Only 17% ... receive a
  direct payment").
- Carers (Primary Support Reason `Carer Support`, Age Band `All`), 2015/16: Carers on register
  6,273 and Carers supported 4,671 (seed 000 s3.6); New carer contacts 540 (against the target of
  500 a year, seed 000 s4.5; 540 itself is illustrative). Each year also has a `Carers supported`
  row for Age Band `65+` (illustrative, about a quarter of those supported) so that carers reached
  can be set against POPPI's estimate of unpaid carers aged 65+ like for like.
- Substance misuse, each year: `In treatment: alcohol` and `In treatment: drugs` (adults 18-64 in
  structured treatment; illustrative, NDTMS-like levels) so that unmet need can be set against
  PANSI's dependence estimates.
- Illustrative: every other year and client group (physical, sensory, memory & cognition, mental
  health, substance misuse, social isolation), with plausible inner-London levels, care homes
  falling and community settings growing over time, and a high mental health residential figure
  (seed 000 s3.8 says MH residential use is "significantly higher than other areas").

### `council_finance.csv`
`Organisation,Item,Period,Value (£),Note`; values written `£377,826,000`; Note cites the seed.
All 18 rows are seed figures: seed 001 s4.4 (CCG net spend budget £377.826m / £391.633m /
£398.595m for 2014/15-2016/17; CCG savings £9.990m / £13.557m / £13.964m; CCG allocation around
£384m and acute hospital care £205m in 2014/15; Council net spend budget £268m 2014/15; Council
savings £39.0m / £26.0m / £20.0m; Adult Social Care net budget £84.57m; Public Health £20m) and
seed 004 s10.2-10.3 (2018/19 Care at Home budget £19.588m = social work staff £5.588m + home
services from the 4 lead providers £14m; Council contribution £40,000).

### `neighbourhood_caseloads.csv` (seed 003 s6.2 Table 1)
`As at,Neighbourhood,Service,Cases`; As at `01/07/2013`; `Neighbourhood 1`..`4`; Services
`District nursing`, `Adult social care`, `Joint adult social care and district nursing`.
All 12 values from Table 1: N1 1264/849/309; N2 1687/1003/397; N3 2244/1330/486; N4 2181/802/462
(totals 7376/3984/1654). Registered patients come from `gp-reg-pat-prac-all.csv`.
"""
    (Path(__file__).parent / "readme_council.md").write_text(text, encoding="utf-8")
