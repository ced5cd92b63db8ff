"""One label dictionary: the human name, unit and rounding of every key a person reads, used by
the pages, the workbook and the brief alike, and the formatting rules that go with them.

Keys are the vocabulary's (`domain.vocabulary`) and the contract's column names
(`domain.contract`). A key with no entry is shown as itself with underscores made spaces, so a
new column is readable before it is labelled; `tests/test_domain.py` checks every declared
client group, measure, service type and export column has a label.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import kinds
from . import vocabulary as v


@dataclass(frozen=True)
class Label:
    name: str
    unit: str = ""            # "people", "beds", "£", "%", "per 1,000 aged 75+", "year", ...
    decimals: int = 0         # rounding when shown
    phrase: str = ""          # for sentences: "people with dementia"


CLIENT_GROUP_LABELS: dict[str, str] = {
    "older_people": "Older people",
    "dementia": "Dementia",
    "learning_disability": "Learning disability",
    "physical_sensory": "Physical and sensory disability",
    "mental_health": "Mental health",
    "substance_misuse": "Substance misuse",
    "carers": "Carers",
}

MEASURE_LABELS: dict[str, Label] = {
    "population": Label("Population", "people", phrase="residents"),
    "dementia": Label("Dementia", "people", phrase="people with dementia"),
    "learning_disability": Label("Learning disability", "people", phrase="people with a learning disability"),
    "learning_disability_living_with_parent": Label(
        "Learning disability, living with a parent", "people",
        phrase="people with a learning disability living with a parent"),
    "physical_disability_moderate": Label("Moderate physical disability", "people",
                                          phrase="people with a moderate physical disability"),
    "physical_disability_serious": Label("Serious physical disability", "people",
                                         phrase="people with a serious physical disability"),
    "visual_impairment_serious": Label("Serious visual impairment", "people",
                                       phrase="people with a serious visual impairment"),
    "hearing_impairment_moderate_severe": Label("Moderate or severe hearing impairment", "people",
                                                phrase="people with a moderate or severe hearing impairment"),
    "hearing_impairment_profound": Label("Profound hearing impairment", "people",
                                         phrase="people with a profound hearing impairment"),
    "psychotic_disorder": Label("Psychotic disorder", "people", phrase="people with a psychotic disorder"),
    "two_or_more_psychiatric_disorders": Label("Two or more psychiatric disorders", "people",
                                               phrase="people with two or more psychiatric disorders"),
    "common_mental_disorder": Label("Common mental disorder", "people", phrase="people with a common mental disorder"),
    "alcohol_dependence": Label("Alcohol dependence", "people", phrase="people dependent on alcohol"),
    "drug_dependence": Label("Drug dependence", "people", phrase="people dependent on drugs"),
    "unpaid_carers": Label("Unpaid carers", "people", phrase="people providing unpaid care"),
    "unpaid_carers_50_plus_hours": Label("Unpaid carers, 50+ hours a week", "people",
                                         phrase="people providing 50 or more hours of unpaid care a week"),
}

SERVICE_TYPE_LABELS: dict[str, str] = {
    "all": "All services", "nursing": "Nursing care", "residential": "Residential care",
    "supported_living": "Supported living", "shared_lives": "Shared Lives",
    "extra_care": "Extra care housing", "day_care": "Day care", "home_care": "Home care",
    "direct_payment": "Direct payment", "carers_register": "Carers on register",
    "carers_supported": "Carers supported", "carers_new_contacts": "New carer contacts",
    "in_treatment_alcohol": "In treatment (alcohol)", "in_treatment_drugs": "In treatment (drugs)",
}

SEGMENT_LABELS: dict[str, str] = {
    "care_homes_65": "Care homes 65+ (residential)", "nursing_65": "Nursing homes 65+",
    "home_care": "Home care", "supported_living": "Supported living", "extra_care": "Extra care housing",
    "shared_lives": "Shared Lives", "day_opportunities": "Day opportunities", "carers_support": "Carers' support",
    "care_homes_18_64": "Care homes, younger adults", "other": "Other registered services",
}

CHANGE_LABELS: dict[str, str] = {
    "opened": "Opened", "closed": "Closed", "beds_changed": "Beds changed", "rating_improved": "Rating improved",
    "rating_declined": "Rating declined", "first_rated": "Rated for the first time",
    "rating_removed": "Rating withdrawn",
}

DIRECTION_LABELS: dict[str, str] = {"grow": "Grow", "hold": "Hold", "shrink": "Shrink", "not_rated": "Not rated"}

POLARITY_LABELS: dict[str, str] = {
    v.HIGH_IS_GOOD: "Higher is better", v.LOW_IS_GOOD: "Lower is better",
    v.NO_JUDGEMENT: "No judgement (context only)", "unknown": "Polarity not stated",
}

# Columns a person reads in tables, the workbook and the brief.
COLUMN_LABELS: dict[str, Label] = {
    "client_group": Label("Client group"), "measure": Label("Measure"), "metric": Label("Measure"),
    "area_code": Label("Area code"), "area_name": Label("Area"), "area_type": Label("Area type"),
    "authority_code": Label("Authority code"), "authority_name": Label("Authority"),
    "peer_code": Label("Peer code"), "peer_name": Label("Peer"), "rank": Label("Rank"),
    "distance": Label("Distance", decimals=3), "features": Label("Features used"), "source": Label("Source"),
    "sex": Label("Sex"), "age_band": Label("Age band"), "age": Label("Age"),
    "year": Label("Year", "year"), "from_year": Label("From year", "year"), "to_year": Label("To year", "year"),
    "period": Label("Period"), "value": Label("Value", decimals=1),
    "index": Label("Index (base year = 100)", decimals=1), "base_year": Label("Base year", "year"),
    "base_value": Label("People in base year", "people"),
    "value_from": Label("From", "people"), "value_to": Label("To", "people"),
    "change": Label("Change", "people"), "change_pct": Label("Change", "%", 1),
    "age_group": Label("Age group"), "area_role": Label("Area's role"),
    "residents_from": Label("Residents at the start", "people"),
    "residents_to": Label("Residents at the end", "people"),
    "numerator": Label("Numerator", decimals=1), "denominator": Label("Denominator", decimals=1),
    "benchmark": Label("Benchmark", decimals=1), "polarity": Label("Polarity"),
    "service": Label("Service"), "setting": Label("Setting"), "type": Label("Type"),
    "homes": Label("Homes", "homes"), "beds": Label("Beds", "beds"),
    "pct_beds": Label("Share of beds", "%", 1), "avg_beds_per_home": Label("Average beds per home", "beds", 1),
    "neighbourhood": Label("Neighbourhood"), "registered_patients": Label("Registered patients", "people"),
    "registered_as_at": Label("Registered patients as at"),
    "caseload_list_patients": Label("Registered patients at the caseload date", "people"),
    "caseload_as_at": Label("Caseloads as at"),
    "dn_cases": Label("District nursing cases", "people"), "dn_pct": Label("District nursing, % of patients", "%", 1),
    "asc_cases": Label("Social care cases", "people"), "asc_pct": Label("Social care, % of patients", "%", 1),
    "joint_cases": Label("Joint cases", "people"), "joint_pct": Label("Joint cases, % of patients", "%", 1),
    "indicator_id": Label("Indicator id"), "indicator_name": Label("Indicator"),
    "measure_code": Label("ASCOF measure"), "measure_name": Label("Measure"),
    "disaggregation": Label("Disaggregation"),
    "council_fee": Label("Council's average fee (£)", decimals=2), "region_fee": Label("Region's fee (£)", decimals=2),
    "england_fee": Label("England's fee (£)", decimals=2),
    "fee_vs_cost_of_care_pct": Label("Fee as % of cost-of-care median", "%", decimals=1),
    "lower_ci": Label("Lower 95% limit", decimals=1), "upper_ci": Label("Upper 95% limit", decimals=1),
    "compared_to_england": Label("Compared with England"), "compared_to_region": Label("Compared with region"),
    "comparison_source": Label("Comparison made by"), "polarity_source": Label("Polarity from"),
    "region_code": Label("Region code"), "region_value": Label("Region", decimals=1),
    "england_value": Label("England", decimals=1),
    "comparators_value": Label("Comparator authorities (mean)", decimals=1),
    "comparators_n": Label("Comparator authorities with a value", "authorities"),
    "dataset": Label("Dataset"), "is_total": Label("Total row"),
    "reference": Label("Reference"), "title": Label("Title"), "rag": Label("Mark"), "supplier": Label("Supplier"),
    "start_date": Label("Start date"), "end_date": Label("End date"),
    "total_value": Label("Total value", "£"), "annual_value": Label("Annual value", "£"),
    "organisation": Label("Organisation"), "item": Label("Item"), "value_gbp": Label("Value", "£"),
    "amount": Label("Amount (rounded)"),
    "path": Label("File"), "kind": Label("Kind of file"), "table": Label("Store table"),
    "sha256": Label("SHA-256"), "rows_read": Label("Rows read", "rows"), "rows_kept": Label("Rows kept", "rows"),
    "ingested_at": Label("Ingested at"), "source_file": Label("Source file"), "source_row": Label("Source row"),
    "source_sheet": Label("Source sheet"),
    "rate_per_1000": Label("Rate per 1,000", "per 1,000", 1), "population": Label("Population", "people"),
    "beds_needed": Label("Beds needed", "beds"),
    "occupied_per_1000": Label("Occupied beds per 1,000 aged 75+", "per 1,000 aged 75+", 1),
    "clients": Label("Clients", "people"), "patients": Label("Patients", "people"),
    "measure_label": Label("Measure"), "setting_label": Label("Setting"), "location": Label("Location"),
    "total_65_plus": Label("Registered patients aged 65+", "people"), "name": Label("Name"),
    "practice_code": Label("Practice code"), "practice_name": Label("Practice"),
    "neighbourhood_code": Label("Neighbourhood code"),
    "demand_growth_pct": Label("Projected demand growth", "%", 1), "growth_measure": Label("Growth of"),
    "cqc_service_type": Label("CQC service type"), "care_homes": Label("Care homes", "homes"),
    "care_home_beds": Label("Care home beds", "beds"), "registered_75_plus": Label("Registered patients aged 75+", "people"),
    "beds_per_1000_aged_75_plus": Label("Beds per 1,000 registered patients aged 75+", "per 1,000", 1),
    "pct_homes": Label("Share of homes", "%", 1), "ownership": Label("Ownership"),
    "beds_now": Label("Beds today", "beds"), "gap": Label("Beds needed less beds today", "beds"),
    "practices": Label("GP practices"),
    # Market health
    "segment": Label("Segment"), "from_edition": Label("From edition"), "to_edition": Label("To edition"),
    "location_id": Label("CQC location id"), "user_bands": Label("Service user bands"), "user_band": Label("Service user band"),
    "beds_from": Label("Beds before", "beds"), "beds_to": Label("Beds after", "beds"),
    "beds_change": Label("Change in beds", "beds"), "rating_from": Label("Rating before"),
    "rating_to": Label("Rating after"), "rating_published": Label("Rating published"),
    "opened": Label("Opened"), "closed": Label("Closed"), "beds_opened": Label("Beds opened", "beds"),
    "beds_closed": Label("Beds closed", "beds"), "beds_changed_at_open_homes": Label("Beds changed at open homes", "beds"),
    "net_beds": Label("Net change in beds", "beds"), "rating_improved": Label("Ratings improved"),
    "rating_declined": Label("Ratings declined"), "first_rated": Label("Rated for the first time"),
    "as_at": Label("Edition"), "size_measure": Label("Market size in"), "total": Label("Market size", decimals=0),
    "groups": Label("Groups"), "largest_group": Label("Largest group"),
    "top1_pct": Label("Largest group's share", "%", 1), "top3_pct": Label("Three largest groups' share", "%", 1),
    "hhi": Label("Herfindahl-Hirschman index", decimals=0),
    "locations": Label("Locations"), "rated": Label("Rated"), "not_yet_rated": Label("Not yet rated"),
    "good_or_outstanding": Label("Good or Outstanding"),
    "pct_locations_good": Label("Locations Good or Outstanding", "%", 1), "beds_rated": Label("Beds rated", "beds"),
    "beds_good": Label("Beds Good or Outstanding", "beds"), "pct_beds_good": Label("Beds Good or Outstanding", "%", 1),
    "sector": Label("Sector"), "job_role": Label("Job role"),
    "age_band_label": Label("Age band"), "council_rate": Label("Council's rate (£)", decimals=2),
    "cost_of_care_lower_quartile": Label("Cost of care, lower quartile (£)", decimals=2),
    "cost_of_care_median": Label("Cost of care, median (£)", decimals=2),
    "cost_of_care_upper_quartile": Label("Cost of care, upper quartile (£)", decimals=2),
    "rate_vs_median_pct": Label("Council's rate against the cost-of-care median", "%", 1),
    "comparator_median": Label("Comparators' median rate (£)", decimals=2), "unit": Label("Per"),
    "direction": Label("Direction"), "derived_direction": Label("Derived direction"),
    "override_reason": Label("Authority's reason for overriding"),
    **{f"{c}_{part}": Label(f"{c.capitalize()}: {'mark' if part == 'mark' else 'evidence and rule'}")
       for c in ("quality", "supply", "demand", "workforce", "price") for part in ("mark", "reason")},
    **{f"contracts_ending_{m}m": Label(f"Contracts ending within {m} months") for m in (6, 12, 24)},
    **{f"annual_value_ending_{m}m": Label(f"Annual value ending within {m} months", "£") for m in (6, 12, 24)},
    "contracts_running": Label("Care contracts running"), "annual_value_running": Label("Annual value running", "£"),
    **{g: Label(name, "people") for g, name in CLIENT_GROUP_LABELS.items()},
    # Demand against supply where people live (metrics.places.neighbourhood_gaps, metrics.places.areas)
    "level": Label("Level"), "demand_measure": Label("Demand measure"),
    "population_basis": Label("Population basis"), "demand": Label("Estimated people", "people"),
    "supply_unit": Label("Unit"), "supply": Label("Supply"),
    "per_1000": Label("Supply per 1,000 of demand", "per 1,000", 1),
    "benchmark_per_1000": Label("Borough supply per 1,000 of demand", "per 1,000", 1),
    "expected": Label("At the borough rate", decimals=1), "supply_gap": Label("Supply less borough rate", decimals=1),
    "shortfall_pct": Label("Shortfall", "%", 1), "gap_rank": Label("Rank"), "sentence": Label("What it says"),
    "ward_code": Label("Ward code"), "ward_name": Label("Ward"), "residents": Label("Residents", "people"),
    "registered": Label("Registered patients", "people"), "difference": Label("Difference", "people"),
    "registered_per_100_residents": Label("Registered per 100 residents", decimals=1),
    "ward_sum": Label("Sum of wards", "people"), "authority": Label("Authority row", "people"),
    "census_year": Label("Census year", "year"), "topic": Label("Census topic"),
    "base": Label("Base population", "people"), "share_pct": Label("Share of base", "%", 1),
    "authority_share_pct": Label("Authority's share", "%", 1),
    "indicator": Label("Indicator"), "area_pct": Label("Area", "%", 1), "borough_pct": Label("Borough", "%", 1),
    "difference_pts": Label("Difference (percentage points)", decimals=1), "location_name": Label("Location"),
    "rating": Label("CQC rating"), "placed_by": Label("Placed by"), "display": Label("Value"),
    # Opportunities for providers (metrics.supply.opportunities)
    "procurement_route": Label("Procurement route"), "service_category": Label("Service category (register)"),
    "sme": Label("SME"), "vcse": Label("VCSE"), "contracts_ending": Label("Care contracts ending"),
    "annual_value_ending": Label("Annual value ending", "£"), "note": Label("Note"),
    "intention": Label("Commissioning intention"),
}

# ---------------------------------------------------------------------------------------------


def _humanise(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def client_group_label(key: str | None) -> str:
    return CLIENT_GROUP_LABELS.get(key, _humanise(key)) if key else ""


def measure_label(key: str) -> str:
    label = MEASURE_LABELS.get(key)
    return label.name if label else _humanise(key)


def measure_phrase(key: str) -> str:
    label = MEASURE_LABELS.get(key)
    return label.phrase if label else str(key).replace("_", " ")


def service_label(key: str) -> str:
    return SERVICE_TYPE_LABELS.get(key, _humanise(key))


def column_label(column: str) -> str:
    label = COLUMN_LABELS.get(column)
    if label is None:
        return _humanise(column)
    if label.unit in {"£", "%"} and label.unit not in label.name:  # never 'Share, % of patients (%)'
        return f"{label.name} ({label.unit})"
    return label.name


def column_unit(column: str) -> str:
    label = COLUMN_LABELS.get(column)
    return label.unit if label else ""


def age_phrase(age_band: str) -> str:
    """'65+' -> 'aged 65 and over'; '18-64' -> 'aged 18-64'; 'all' -> 'of all ages'."""
    if age_band == v.ALL_AGES:
        return "of all ages"
    if age_band.endswith("+"):
        return f"aged {age_band[:-1]} and over"
    return f"aged {age_band}"


def rate_unit(per: int, age_band: str) -> str:
    """'per 1,000 aged 75+' (a rate always names its denominator)."""
    who = "people" if age_band == v.ALL_AGES else f"aged {age_band}"
    return f"per {per:,} {who}"


# ---------------------------------------------------------------------------------------------
# Formatting: one rule for each kind of number, shared by pages, workbook and brief.

def _missing(value) -> bool:
    """None, NaN, NaT and pandas' NA (whose truth is ambiguous) are missing: shown blank, never as
    "nan" or "<NA>"."""
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(value != value)
    except TypeError:  # pd.NA
        return True


def fmt_count(value, suppressed: str = "<5") -> str:
    """Counts are whole numbers with thousands separators; None (suppressed) shows the marker."""
    return suppressed if _missing(value) else f"{float(value):,.0f}"


def fmt_year(value) -> str:
    """Years never carry separators ('2017', not '2,017')."""
    return "" if _missing(value) else str(int(value))


def fmt_date(value) -> str:
    """A date as a person reads it: '1 April 2017'; with a time, '6 December 2026 at 23:52 UTC'.
    Text that is not an ISO date (a version line, '2014/15') is left as it is."""
    if _missing(value) or value == "":
        return ""
    text = str(value)
    try:
        when = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    day = f"{when.day} {when:%B %Y}"
    if len(text) <= 10:
        return day
    return f"{day} at {when:%H:%M} UTC" if when.utcoffset() in (None, _dt.timedelta(0)) else f"{day} at {when:%H:%M}"


def fmt_rate(value, decimals: int = 1) -> str:
    return "" if _missing(value) else f"{float(value):,.{decimals}f}"


def fmt_percent(value, decimals: int = 1) -> str:
    """Percentages are held 0-100."""
    return "" if _missing(value) else f"{float(value):,.{decimals}f}%"


def fmt_money(value) -> str:
    """Money as £m to one decimal place from £1m, £k to the nearest thousand from £1k, else pounds.
    Stated rounding: '£1.2m' is 1,150,000-1,249,999."""
    if _missing(value):
        return ""
    x = float(value)
    sign, x = ("-" if x < 0 else ""), abs(x)
    # Half up on the decimal value, as the docstring states: binary floats would round £1,950,000
    # down to £1.9m and £3,850,000 up to £3.9m.
    if _half_up(x, -3) >= 1_000_000:
        return f"{sign}£{_half_up(x / 1_000_000, 1):,.1f}m"
    if _half_up(x, 0) >= 1_000:
        return f"{sign}£{_half_up(x / 1_000, 0):,.0f}k"
    return f"{sign}£{_half_up(x, 0):,.0f}"


def _half_up(x: float, places: int) -> float:
    """``x`` rounded half away from zero at ``places`` decimals of its shortest decimal form."""
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# Identifiers print without separators, like years (whose unit is declared above).
IDENTIFIER_COLUMNS = {"indicator_id", "source_row", "period"}


def fmt_value(column: str, value) -> str:
    """A cell as a person reads it, in page tables and the brief alike, by its column's label:
    years and identifiers without separators, money as £k/£m, percentages with their sign, the
    label's decimals where a value has a fraction; other numbers with thousands separators and
    one decimal place where they have a fraction (132.6 stays 132.6). Missing cells are blank."""
    if _missing(value):
        return ""
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar -> Python
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    label = COLUMN_LABELS.get(column)
    unit = label.unit if label else ""
    if unit == "year" or column in IDENTIFIER_COLUMNS:
        return fmt_year(value) if float(value).is_integer() else str(value)
    if unit == "£":
        return fmt_money(value)
    if unit == "%":
        return fmt_percent(value, label.decimals)
    if label and label.decimals and not float(value).is_integer():
        return fmt_rate(value, label.decimals)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{value:,.0f}"


# Codes that travel in table cells, made readable: one dictionary per column.
FILE_KIND_LABELS: dict[str, str] = kinds.labels()  # one label per kind of input file, declared in domain/kinds.py
OWNERSHIP_LABELS: dict[str, str] = {"national_group": "National group", "small_independent": "Small independent"}
AREA_TYPE_LABELS: dict[str, str] = {"la": "Local authority", "region": "Region", "england": "England",
                                    "comparator": "Comparator authority", "file": "Whole directory"}
CENSUS_MEASURE_LABELS: dict[str, str] = {  # census categories by ward (data/lookups/census_measures.csv, metrics.places.areas)
    "residents": "All usual residents",
    "total_general_health": "General health: all usual residents",
    "very_good_health": "Very good health", "good_health": "Good health", "fair_health": "Fair health",
    "bad_health": "Bad health", "very_bad_health": "Very bad health",
    "total_long_term_illness": "Disability / long-term illness: all usual residents",
    "limited_a_lot": "Day-to-day activities limited a lot", "limited_a_little": "Day-to-day activities limited a little",
    "not_limited": "Day-to-day activities not limited",
    "not_limited_with_condition": "Long-term condition, activities not limited",
    "no_long_term_condition": "No long-term condition",
    "limited_a_lot_16_64": "Activities limited a lot, aged 16 to 64",
    "limited_a_little_16_64": "Activities limited a little, aged 16 to 64",
    "not_limited_16_64": "Activities not limited, aged 16 to 64",
    "total_unpaid_care": "Unpaid care: all usual residents in the table (2021: aged 5 and over)",
    "no_unpaid_care": "Provides no unpaid care", "unpaid_carers": "Provides unpaid care (any hours)",
    "unpaid_care_1_19": "Unpaid care, 19 hours or less a week", "unpaid_care_20_49": "Unpaid care, 20 to 49 hours a week",
    "unpaid_care_9_or_less": "Unpaid care, 9 hours or less a week",
    "unpaid_care_10_19": "Unpaid care, 10 to 19 hours a week", "unpaid_care_20_34": "Unpaid care, 20 to 34 hours a week",
    "unpaid_care_35_49": "Unpaid care, 35 to 49 hours a week",
    "unpaid_care_50_plus": "Unpaid care, 50 or more hours a week",
    "bad_or_very_bad_health": "Bad or very bad health",
    "disabled": "Disabled under the Equality Act", "not_disabled": "Not disabled under the Equality Act",
    "total_age": "Age: all usual residents", "age_0_4": "Aged 4 and under",
    "age_5_9": "Aged 5 to 9",
    "age_10_14": "Aged 10 to 14",
    "age_15_19": "Aged 15 to 19",
    "age_20_24": "Aged 20 to 24",
    "age_25_29": "Aged 25 to 29",
    "age_30_34": "Aged 30 to 34",
    "age_35_39": "Aged 35 to 39",
    "age_40_44": "Aged 40 to 44",
    "age_45_49": "Aged 45 to 49",
    "age_50_54": "Aged 50 to 54",
    "age_55_59": "Aged 55 to 59",
    "age_60_64": "Aged 60 to 64",
    "age_65_69": "Aged 65 to 69",
    "age_70_74": "Aged 70 to 74",
    "age_75_79": "Aged 75 to 79",
    "age_80_84": "Aged 80 to 84",
    "age_85_plus": "Aged 85 and over",
}
CENSUS_AREA_TYPE_LABELS: dict[str, str] = {"ward": "Ward", "wards_total": "Sum of the wards"}
WORKFORCE_MEASURE_LABELS: dict[str, str] = {  # Skills for Care estimates (metrics.supply.workforce)
    "filled_posts": "Filled posts", "vacancy_rate": "Vacancy rate (%)", "turnover_rate": "Turnover rate (%)",
    "median_hourly_pay": "Median hourly pay (£)"}
CODE_LABELS: dict[str, dict[str, str]] = {
    "client_group": CLIENT_GROUP_LABELS, "kind": FILE_KIND_LABELS, "polarity": POLARITY_LABELS,
    "ownership": OWNERSHIP_LABELS, "type": {**SERVICE_TYPE_LABELS, "total": "Total"},
    "service": {**SERVICE_TYPE_LABELS, "domiciliary_care": "Home care (domiciliary)", "total": "Total"},
    "setting": SERVICE_TYPE_LABELS,
    "growth_measure": {k: lab.name for k, lab in MEASURE_LABELS.items()},
    "measure": {**CENSUS_MEASURE_LABELS, **{k: lab.name for k, lab in MEASURE_LABELS.items()},
                **WORKFORCE_MEASURE_LABELS},
    "area_type": {**AREA_TYPE_LABELS, **CENSUS_AREA_TYPE_LABELS},
}


def fmt_cell(column: str, value) -> str:
    """A cell as a person reads it: a code in a coded column by its label (no raw codes), any
    other value by `fmt_value`."""
    if isinstance(value, str):
        labels = CODE_LABELS.get(column)
        if labels is not None:
            return labels.get(value, value)
        return value
    return fmt_value(column, value)


# The workbook (exports/xlsx_export.py) shows coded columns by name, with the code beside them.
EXPORT_CODE_LABELS: dict[str, dict[str, str]] = {
    **CODE_LABELS,
    "client_group": {**CLIENT_GROUP_LABELS, "all_patients": "All registered patients"},
    "dataset": FILE_KIND_LABELS, "segment": SEGMENT_LABELS, "change": CHANGE_LABELS,
    "direction": DIRECTION_LABELS, "derived_direction": DIRECTION_LABELS, "area_type": AREA_TYPE_LABELS,
    "demand_measure": {**CODE_LABELS["measure"], "registered_patients": "Registered patients"},
    "metric": {},  # gap measures: their names come with the measures (metrics.supply.gaps.all_gaps)
}


def code_label(column: str, value, extra: dict[str, str] | None = None):
    """A coded cell's human name: the column's dictionary (plus `extra`), else a key made readable
    ('clients_in_area' -> 'Clients in area'); text that is already a name ('All services', 'PANSI')
    is left as it is."""
    if not isinstance(value, str) or not value:
        return value
    labels = {**EXPORT_CODE_LABELS.get(column, {}), **(extra or {})}
    if value in labels:
        return labels[value]
    return _humanise(value) if value == value.lower() and " " not in value else value
