"""Gaps: demand set against supply, each with numerator, denominator, value, benchmark and
polarity (docs/contract.md, table gaps). Percentages are 0-100.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from domain.vocabulary import DEFAULT_OCCUPANCY, HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT
from metrics.coverage import DIRECTORY, covers_directory
from metrics.demand.demand import headline, population_for
from store import Store, per_store_version
from metrics.supply.supply import care_home_table, care_homes, council_funded_care_home_places, placements

NATIONAL_DEMENTIA_DIAGNOSIS_TARGET = 66.7  # NHS England ambition: two thirds diagnosed
DEMENTIA_DIAGNOSIS_INDICATOR = 92949


@dataclass
class Gap:
    client_group: str
    metric: str
    area_code: str | None
    area_type: str
    year: int | None
    numerator: float | None
    denominator: float | None
    value: float | None
    benchmark: float | None
    polarity: str
    label: str
    unit: str
    source: str


def _ratio(num, den, per):
    return (num / den * per) if (num is not None and den) else None


@per_store_version
def base_year(store: Store) -> int | None:
    h = headline(store)
    return int(h["year"].min()) if len(h) else None


@per_store_version
def projection_years(store: Store) -> list[int]:
    h = headline(store)
    return sorted(int(y) for y in h["year"].unique())


def older_beds(store: Store) -> tuple[float, str]:
    homes = care_homes(store)
    if homes.empty:
        return 0.0, ""
    return float(homes["beds"].sum()), str(homes["source_file"].iloc[0])


def beds_per_1000(store: Store, age_band: str = "75+", year: int | None = None) -> Gap:
    """Older people's care home beds per 1,000 residents of the age band.

    Units: beds per 1,000 population. Method: CQC registered beds in older people's care homes
    (active, in the authority) / POPPI (else ONS) population of the band in the base year x 1,000.
    """
    area = store.authority.area_code
    year = year or base_year(store)
    beds, src = older_beds(store)
    pop = population_for(store, area, age_band, year)
    metric = "care_home_beds_per_1000_75plus" if age_band == "75+" else "care_home_beds_per_1000_65plus"
    return Gap("older_people", metric, area, "la", year, beds, pop, _ratio(beds, pop, 1000), None,
               NO_JUDGEMENT, f"Care home beds per 1,000 people aged {age_band[:-1]} and over",
               "per 1,000", src)


@dataclass(frozen=True)
class OccupancyBasis:
    """The occupancy the beds what-if starts from, and how a reader is told where it comes from."""
    occupancy: float          # a fraction, 0-1
    month: str | None         # the month of the real figure (YYYY-MM-01); None when assumed
    sentence: str


@per_store_version
def occupancy_basis(store: Store) -> OccupancyBasis:
    """The authority's care home occupancy in the latest month the store has (DHSC's monthly
    statistics, from Capacity Tracker: `care_home_occupancy`), else the assumed default
    (domain.vocabulary.DEFAULT_OCCUPANCY), each with a sentence saying which.

    Units: a fraction of beds occupied. Method: the published rate, not recomputed (the file's
    occupied beds and capacity, where given, are kept beside it). Reference: DHSC, Adult social care
    in England, monthly statistics."""
    rows = store.table("care_home_occupancy")
    area = store.authority.area_code
    rows = rows[(rows["area_code"] == area) & rows["occupancy_pct"].notna()] if len(rows) and area else rows.iloc[0:0]
    if rows.empty:
        return OccupancyBasis(DEFAULT_OCCUPANCY, None, f"An assumed {DEFAULT_OCCUPANCY:.0%} occupancy: no care home "
                              "occupancy (DHSC monthly statistics, Capacity Tracker) is loaded for this authority.")
    latest = rows.sort_values("month").iloc[-1]
    month = pd.Timestamp(latest["month"]).strftime("%B %Y")
    pct = float(latest["occupancy_pct"])
    return OccupancyBasis(pct / 100, str(latest["month"]), f"{pct:.1f}% occupancy: the authority's care homes in "
                          f"{month} (DHSC monthly statistics, Capacity Tracker; {latest['source_file']}, "
                          f"row {int(latest['source_row'])}).")


def _occupancy(store: Store, occupancy: float | None) -> float:
    return occupancy_basis(store).occupancy if occupancy is None else occupancy


@per_store_version
def beds_needed(store: Store, benchmark_per_1000: float | None = None,
                occupancy: float | None = None, age_band: str = "75+", home_type: str = "all") -> pd.DataFrame:
    """Beds needed in each projection year to hold today's ratio (or a chosen benchmark).

    Method: today's occupied beds per 1,000 = beds x occupancy / population x 1,000 (or the chosen
    benchmark, read as occupied beds per 1,000); people needing a bed in a year = ratio x that
    year's population / 1,000; beds needed = people / occupancy. With no benchmark the base year's
    beds are reproduced exactly, so the gap is growth alone. ``home_type`` (all, residential or
    nursing) counts that type's registered beds only, so each is projected apart. ``occupancy``
    None: the authority's latest real occupancy where the store has it, else the assumed default
    (`occupancy_basis`).
    """
    occupancy = _occupancy(store, occupancy)
    if not 0 < occupancy <= 1:
        raise ValueError(f"occupancy must be in (0, 1], got {occupancy!r}")
    if benchmark_per_1000 is not None and benchmark_per_1000 < 0:
        raise ValueError("benchmark must be zero or more")
    area = store.authority.area_code
    beds = _beds_of(store, home_type)
    y0 = base_year(store)
    pop0 = population_for(store, area, age_band, y0)
    if not pop0 or not covers_directory(store) or pd.isna(beds):
        # Without the authority's beds today there is no ratio to hold and no gap: no rows, not 0.
        return pd.DataFrame(columns=["year", "population", "occupied_per_1000", "beds_needed", "beds_now", "gap"])
    # Today's ratio is occupied beds at the chosen occupancy, the same occupancy the projection divides
    # by: the base year then needs exactly today's beds whatever the occupancy (one what-if, no drift).
    ratio = benchmark_per_1000 if benchmark_per_1000 is not None else beds * occupancy / pop0 * 1000
    rows = []
    for y in projection_years(store):
        pop = population_for(store, area, age_band, y)
        if not pop:
            continue
        needed = ratio * pop / 1000 / occupancy
        rows.append({"year": y, "population": pop, "occupied_per_1000": ratio,
                     "beds_needed": needed, "beds_now": beds, "gap": needed - beds})
    return pd.DataFrame(rows)


@per_store_version
def dementia_diagnosis_rate(store: Store) -> Gap | None:
    """People on GP dementia registers / estimated prevalence 65+ x 100 (national target 66.7%).

    Numerator: Fingertips indicator 92949's Count for the authority; denominator: the POPPI
    estimate for the same year (else the indicator's own denominator).
    """
    area = store.authority.area_code
    # The authority's rows only (not a copy of its region's, England's and comparators' as well).
    ind = store.rows_where("indicators", "area_code", [area])
    rows = ind[(ind["indicator_id"] == DEMENTIA_DIAGNOSIS_INDICATOR) & ~ind["is_breakdown"]].sort_values("year")
    if rows.empty or pd.isna(rows["count"].iloc[-1]):
        return None
    r = rows.iloc[-1]
    h = headline(store)
    est = h[(h["measure"] == "dementia") & (h["year"] == r["year"]) & (h["age_band"] == "65+")]
    denominator = float(est["value"].iloc[0]) if len(est) else r["denominator"]
    return Gap("dementia", "dementia_diagnosis_rate", area, "la", int(r["year"]), float(r["count"]),
               denominator, _ratio(float(r["count"]), denominator, 100),
               NATIONAL_DEMENTIA_DIAGNOSIS_TARGET, HIGH_IS_GOOD,
               "Dementia diagnosis rate (65+)", "%", f"{r['source_file']}, row {int(r['source_row'])}")


def _latest_activity(store: Store, client_group: str) -> pd.DataFrame:
    p = placements(store)
    if p.empty:
        return p
    p = p[p["client_group"] == client_group]
    return p[p["year"] == p["year"].max()] if len(p) else p


@per_store_version
def ld_gaps(store: Store) -> list[Gap]:
    """Learning disability measures for adults aged 18-64 (the MPS's and PANSI's age range) when
    the activity table splits by age; otherwise over all ages."""
    area = store.authority.area_code
    a = _latest_activity(store, "learning_disability")
    if a.empty:
        return []
    if (a["age_band"] == "18-64").any():
        a = a[a["age_band"] == "18-64"]
    year = int(a["year"].iloc[0])
    src = str(a["source_file"].iloc[0])
    placed = a[a["setting"].isin(["residential", "nursing"])]
    out_of_area = placed.loc[placed["location"] == "out_of_area", "clients"].sum()
    total = placed["clients"].sum()
    community = a[a["setting"].isin(["supported_living", "shared_lives", "extra_care"])]["clients"].sum()
    everyone = a.loc[a["setting"] == "all", "clients"].sum()
    dp = a.loc[a["setting"] == "direct_payment", "clients"].sum()
    h = headline(store)
    ld = h[(h["measure"] == "learning_disability") & (h["year"] == year)]
    if ld.empty:
        ld = h[h["measure"] == "learning_disability"].sort_values("year").head(1)
    ld_estimate = float(ld["value"].iloc[0]) if len(ld) else None
    return [
        Gap("learning_disability", "ld_out_of_area_placements_pct", area, "la", year, out_of_area, total,
            _ratio(out_of_area, total, 100), None, LOW_IS_GOOD,
            "Residential placements out of area (learning disability)", "%", src),
        Gap("learning_disability", "ld_community_places_per_100", area, "la", year, community, ld_estimate,
            _ratio(community, ld_estimate, 100), None, HIGH_IS_GOOD,
            "Community places (supported living, Shared Lives, extra care) per 100 adults with a learning disability",
            "per 100", src),
        Gap("learning_disability", "ld_direct_payment_pct", area, "la", year, dp, everyone,
            _ratio(dp, everyone, 100), None, HIGH_IS_GOOD,
            "People with a learning disability receiving a direct payment", "%", src),
    ]


@per_store_version
def carers_gaps(store: Store) -> list[Gap]:
    """Carers reached = carers supported / estimated unpaid carers, like for like: carers aged 65+
    supported against POPPI's estimate of unpaid carers aged 65+ (POPPI has no younger ages);
    new carer contacts against the contract target (500 a year, MPS s4.5)."""
    area = store.authority.area_code
    a = _latest_activity(store, "carers")
    if a.empty:
        return []
    year = int(a["year"].iloc[0])
    src = str(a["source_file"].iloc[0])
    older = a[(a["setting"] == "carers_supported") & (a["age_band"] == "65+")]
    supported = float(older["clients"].sum()) if len(older) else None
    h = headline(store)
    carers = h[(h["measure"] == "unpaid_carers") & (h["age_band"] == "65+")]
    estimated = None
    if len(carers) and supported is not None:
        y = min(carers["year"], key=lambda v: abs(v - year))
        estimated = float(carers.loc[carers["year"] == y, "value"].sum())
    new_contacts = a.loc[a["setting"] == "carers_new_contacts", "clients"].sum()
    target = store.manifest.targets.get("carers_new_contacts")
    return [
        Gap("carers", "carers_reached_pct", area, "la", year, supported, estimated,
            _ratio(supported, estimated, 100), None, HIGH_IS_GOOD,
            "Carers aged 65+ supported as a share of estimated unpaid carers aged 65+", "%", src),
        Gap("carers", "carers_new_contacts_vs_target_pct", area, "la", year, new_contacts, target,
            _ratio(new_contacts, target, 100), 100.0, HIGH_IS_GOOD,
            "New carer contacts against the contract target", "%", src),
    ]


@per_store_version
def substance_misuse_gaps(store: Store) -> list[Gap]:
    """Unmet need = estimated dependent adults (PANSI) not in structured treatment, as a % of the
    estimate. PANSI's dependence measures are broader than treatment criteria, so read the level
    with care; the trend and the comparison between alcohol and drugs are the useful part."""
    area = store.authority.area_code
    a = _latest_activity(store, "substance_misuse")
    if a.empty:
        return []
    year = int(a["year"].iloc[0])
    src = str(a["source_file"].iloc[0])
    h = headline(store)
    out = []
    for setting, measure, what in [("in_treatment_alcohol", "alcohol_dependence", "alcohol"),
                                   ("in_treatment_drugs", "drug_dependence", "drugs")]:
        treated = a.loc[a["setting"] == setting, "clients"]
        est = h[h["measure"] == measure]
        if treated.empty or est.empty:
            continue
        y = min(est["year"], key=lambda v: abs(v - year))
        estimate = float(est.loc[est["year"] == y, "value"].iloc[0])
        unmet = estimate - float(treated.sum())
        out.append(Gap("substance_misuse", f"substance_misuse_{what}_unmet_need_pct", area, "la", year, unmet,
                       estimate, _ratio(unmet, estimate, 100), None, LOW_IS_GOOD,
                       f"Adults dependent on {what} not in treatment", "%", src))
    return out


def all_gaps(store: Store) -> pd.DataFrame:
    gaps: list[Gap] = []
    if covers_directory(store) and store.has("prevalence"):  # no directory for the authority: no row, not 0 beds
        gaps += [beds_per_1000(store, "75+"), beds_per_1000(store, "65+")]
    d = dementia_diagnosis_rate(store)
    if d:
        gaps.append(d)
    gaps += ld_gaps(store)
    gaps += carers_gaps(store)
    gaps += substance_misuse_gaps(store)
    return pd.DataFrame([asdict(g) for g in gaps])


# --- The beds position and benchmarks (issue 12: the commissioner's what-if) -----------------

HOME_TYPES = ("residential", "nursing")
POSITION_COLUMNS = ["type", "homes", "registered_beds", "occupied_beds", "council_funded_in_area",
                    "council_funded_out_of_area", "beds_per_1000_aged_75_plus", "population_75_plus", "year"]


def _beds_of(store: Store, home_type: str) -> float:
    if home_type not in ("all",) + HOME_TYPES:
        raise ValueError(f"home_type must be all, residential or nursing, got {home_type!r}")
    homes = care_homes(store)
    if homes.empty:
        return 0.0
    if home_type == "all":
        return float(homes["beds"].astype(float).sum(min_count=1))  # none known (no beds in the file): NaN
    table = care_home_table(store)
    row = table[table["type"] == home_type]
    return float(row["beds"].iloc[0]) if len(row) else 0.0


@per_store_version
def beds_position(store: Store, occupancy: float | None = None, age_band: str = "75+") -> pd.DataFrame:
    """Today's older people's care home beds by home type (residential, nursing, all), told apart:

    - registered: beds the CQC care directory registers (capacity, not use);
    - occupied: registered x ``occupancy`` (an estimate: the directory does not publish occupancy);
    - council-funded: people aged 65+ the council funds in residential or nursing care, every support
      reason (`metrics.supply.supply.council_funded_care_home_places`), in the area and placed outside it;
    and registered beds per 1,000 people of ``age_band`` in the base year.

    Units: beds and people; per 1,000 people aged 75+. Reference: MPS s4 (care homes) and SALT.
    ``occupancy`` None: as `occupancy_basis`."""
    occupancy = _occupancy(store, occupancy)
    if not 0 < occupancy <= 1:
        raise ValueError(f"occupancy must be in (0, 1], got {occupancy!r}")
    table = care_home_table(store)
    if table.empty:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    area = store.authority.area_code
    year = base_year(store)
    pop = population_for(store, area, age_band, year) if year else None
    funded = council_funded_care_home_places(store, "65+")  # the one definition (metrics.supply.supply)
    rows = []
    for kind in HOME_TYPES + ("all",):
        t = table[table["type"] == ("total" if kind == "all" else kind)]
        if t.empty:
            continue
        beds, homes = float(t["beds"].iloc[0]), int(t["homes"].iloc[0])
        f = funded if kind == "all" else funded[funded["setting"] == kind]
        inside = float(f["in_area"].sum()) if len(f) else None
        outside = float(f["out_of_area"].sum()) if len(f) else None
        rows.append({"type": kind, "homes": homes, "registered_beds": beds, "occupied_beds": beds * occupancy,
                     "council_funded_in_area": inside, "council_funded_out_of_area": outside,
                     "beds_per_1000_aged_75_plus": beds / pop * 1000 if pop else None,
                     "population_75_plus": pop, "year": year})
    return pd.DataFrame(rows, columns=POSITION_COLUMNS)


BENCHMARK_COLUMNS = ["basis", "area_name", "beds", "population", "beds_per_1000", "occupied_per_1000", "note"]


@per_store_version
def bed_benchmarks(store: Store, occupancy: float | None = None, age_band: str = "75+") -> pd.DataFrame:
    """Older people's care home beds per 1,000 people aged 75+ for the authority, its region,
    England and its comparator authorities (profile), where the store holds both the CQC beds
    (a directory covering the whole area) and the population; otherwise the row says what is
    missing. ``occupied_per_1000`` = beds per 1,000 x occupancy, the what-if's benchmark unit
    (``occupancy`` None: as `occupancy_basis`)."""
    occupancy = _occupancy(store, occupancy)
    if not 0 < occupancy <= 1:
        raise ValueError(f"occupancy must be in (0, 1], got {occupancy!r}")
    auth = store.authority
    year = base_year(store)
    cp = store.table("care_providers")
    areas = store.table("lookup_areas")
    held = set(cp["local_authority"].dropna()) if len(cp) else set()

    def las_in(code) -> set:
        if not len(areas) or not code:
            return set()
        return set(areas.loc[(areas["parent_code"] == code) & (areas["area_type"] != "region"), "area_name"])

    def beds_in(names) -> float:  # older people's care home beds, counted as the authority's are
        return float(sum(care_homes(store, True, n)["beds"].sum() for n in sorted(names) if n in held))
    rows = []

    def add(basis, name, code, beds, covered, why):
        pop = population_for(store, code, age_band, year) if code and year else None
        if covered and pop:
            per = beds / pop * 1000
            rows.append({"basis": basis, "area_name": name, "beds": beds, "population": pop, "beds_per_1000": per,
                         "occupied_per_1000": per * occupancy, "note": ""})
        else:
            note = why if not covered else f"no population aged {age_band} for {name} in the data loaded"
            rows.append({"basis": basis, "area_name": name, "beds": None, "population": pop, "beds_per_1000": None,
                         "occupied_per_1000": None, "note": note})

    own_beds = older_beds(store)[0]
    add("today", auth.area_name or "The authority", auth.area_code, own_beds, covers_directory(store),
        f"no {DIRECTORY} covering {auth.area_name or 'the authority'} in the store")
    region_las = las_in(auth.region_code) if auth.region_code else set()
    covered = bool(region_las) and region_las <= held
    add("region", auth.region_name or "Region", auth.region_code, beds_in(region_las) if covered else 0.0,
        covered, "the CQC directory loaded covers only some of the region (load the national directory)")
    national = len(held) >= 140  # every upper-tier authority in England (about 150)
    add("england", "England", "E92000001", beds_in(held) if national else 0.0,
        national, "the CQC directory loaded is not the national one (load it for England)")
    comp_codes = list(auth.comparators or ())
    if comp_codes:
        names = dict(zip(areas["area_code"], areas["area_name"])) if len(areas) else {}
        comp_names = {names.get(c) for c in comp_codes} - {None}
        pops = [population_for(store, c, age_band, year) for c in comp_codes] if year else []
        if comp_names and comp_names <= held and pops and all(pops):
            beds = beds_in(comp_names)
            per = beds / sum(pops) * 1000
            rows.append({"basis": "comparators", "area_name": "Comparator authorities", "beds": beds,
                         "population": sum(pops), "beds_per_1000": per, "occupied_per_1000": per * occupancy,
                         "note": ", ".join(sorted(comp_names))})
        else:
            rows.append({"basis": "comparators", "area_name": "Comparator authorities", "beds": None,
                         "population": None, "beds_per_1000": None, "occupied_per_1000": None,
                         "note": "the comparators' CQC beds or populations aged 75+ are not all in the data loaded"})
    return pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
