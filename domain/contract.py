"""The store contract, declared once: every Parquet table `mps ingest` writes, every table the
exports publish, and the manifest beside them.

Loaders validate their frames against `STORE_TABLES` (`conform`), metrics read through the same
declaration (`Store.table` hands out exactly the declared columns), the workbook's README sheet
and `docs/contract.md` are generated from it (`python -m domain.contract > docs/contract.md`;
a test fails when the file is stale). A column name mistyped anywhere fails at import or in the
tests, not on the page that happens to use it.

Types are logical: ``str`` (text, may be missing), ``int`` (whole numbers, may be missing where the
description says so), ``float``, ``bool``, ``date`` (ISO 8601 text, YYYY-MM-DD).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

import pandas as pd

from . import kinds

DTYPES = ("str", "int", "float", "bool", "date")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    unit: str = ""

    def __post_init__(self):
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: unknown type {self.dtype!r}")


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    produced_by: str = ""          # the lookup or metric that writes it (a kind's loader: from domain/kinds.py)
    key: tuple[str, ...] = ()      # the columns that identify a row
    open_columns: str = ""         # tables with columns that depend on the data say so here
    provenance: tuple[Column, ...] = ()  # where each row came from (see PROVENANCE below)
    partitioned: bool = False      # rows are areas: stored partitioned by area code (PARTITIONED_TABLES)
    profile_own: bool = False      # the profile authority's own: empty seen as another (PROFILE_TABLES)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.all_columns]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.provenance

    def column(self, name: str) -> Column:
        for c in self.all_columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} declares no column {name!r}")

    def empty(self) -> pd.DataFrame:
        """The declared columns with no rows: a copy of a frame built once per table (building it
        a column at a time cost ~5 ms, and a view of another authority than the profile's asks
        for the council's own tables, empty, many times a visit)."""
        return _empty_frame(self).copy()


@cache
def _empty_frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=_PANDAS[c.dtype]) for c in table.all_columns})


class ContractError(Exception):
    """A frame does not match its declaration (a bug in a loader or metric, not bad input)."""


PROVENANCE: tuple[Column, ...] = (
    Column("source_file", "str", "The file's name as it was ingested"),
    Column("source_sheet", "str", "The sheet the row came from (empty for CSV)"),
    Column("source_row", "int", "The 1-based row a person sees when they open the file"),
)

LOOKUP_PROVENANCE: tuple[Column, ...] = (PROVENANCE[0],)  # lookups carry the file they came from

_PANDAS = {"str": "object", "int": "Int64", "float": "float64", "bool": "boolean", "date": "object"}


def _c(name, dtype, description, unit=""):
    return Column(name, dtype, description, unit)


AREA = (_c("area_code", "str", "ONS GSS code of the area (E09..., E12..., E92000001)"),
        _c("area_name", "str", "The area's name as the file gives it"),
        _c("area_type", "str", "la, region or england"))

# ---------------------------------------------------------------------------------------------
# Store tables (what `mps ingest` writes)
STORE_TABLES: dict[str, Table] = {t.name: t for t in [
    Table("prevalence", "POPPI/PANSI projections (and any table of the same shape): one row per "
          "label row x year.", (
              _c("tool", "str", "POPPI or PANSI"), *AREA,
              _c("measure", "str", "Measure key (data/lookups/ipc_measures.csv; population for the denominator)"),
              _c("client_group", "str", "Client group key the measure belongs to"),
              _c("sex", "str", "persons, male or female"),
              _c("age_band", "str", "Age band: 18-24, 65+ or all"),
              _c("is_total", "bool", "True for the table's total row"),
              _c("year", "int", "Projection year", "year"),
              _c("value", "float", "Estimated people", "people"),
              _c("table_title", "str", "The table's title in the file"),
              _c("source_version", "str", "The tool version the file states")),
          "", ("area_code", "measure", "sex", "age_band", "year"), provenance=PROVENANCE, partitioned=True),
    Table("population", "ONS subnational projections and mid-year estimates: single years of age "
          "summed to five-year bands, plus totals.", (
              _c("dataset", "str", "snpp or mye, with the base year"), *AREA,
              _c("sex", "str", "persons, male or female"),
              _c("age_band", "str", "Five-year age band, 90+ or all"),
              _c("year", "int", "Year", "year"),
              _c("value", "float", "Residents", "people")),
          "", ("dataset", "area_code", "sex", "age_band", "year"), provenance=PROVENANCE, partitioned=True),
    Table("indicators", "OHID Fingertips data export: one row per indicator x area x sex x age x "
          "category x period.", (
              _c("indicator_id", "int", "Fingertips indicator id"),
              _c("indicator_name", "str", "Indicator name"),
              _c("parent_code", "str", "The parent area's code (region)"),
              _c("parent_name", "str", "The parent area's name"), *AREA,
              _c("sex", "str", "Persons, Male or Female"), _c("age", "str", "Age as Fingertips writes it"),
              _c("category_type", "str", "Breakdown category type (empty for the whole population)"),
              _c("category", "str", "Breakdown category"),
              _c("is_breakdown", "bool", "True for rows of a breakdown category"),
              _c("period", "str", "Time period as written (2016/17, 2015 - 17)"),
              _c("year", "int", "First calendar year of the period", "year"),
              _c("value", "float", "The indicator's value, in its own unit"),
              _c("lower_ci_95", "float", "Lower 95% confidence limit"),
              _c("upper_ci_95", "float", "Upper 95% confidence limit"),
              _c("lower_ci_99_8", "float", "Lower 99.8% confidence limit"),
              _c("upper_ci_99_8", "float", "Upper 99.8% confidence limit"),
              _c("count", "float", "Numerator"), _c("denominator", "float", "Denominator"),
              _c("value_note", "str", "The publisher's note on the value"),
              _c("recent_trend", "str", "The publisher's recent-trend judgement"),
              _c("compared_to_england", "str", "The publisher's comparison with England"),
              _c("compared_to_parent", "str", "The publisher's comparison with the parent area"),
              _c("compared_to_parent_label", "str", "Which parent the comparison is with")),
          "", ("indicator_id", "area_code", "sex", "age", "category_type", "category", "period"),
          provenance=PROVENANCE, partitioned=True),
    Table("care_providers", "CQC care directory (HSCA active locations): one row per location.", (
              _c("location_id", "str", "CQC location id"), _c("location_name", "str", "Location name"),
              _c("care_home", "bool", "Registered as a care home"), _c("dormant", "bool", "Dormant location"),
              _c("beds", "int", "Registered beds (care homes; missing otherwise)", "beds"),
              _c("type_sector", "str", "Social Care Org or other"), _c("directorate", "str", "CQC directorate"),
              _c("primary_category", "str", "CQC primary inspection category"),
              _c("rating", "str", "Latest overall rating"), _c("publication_date", "date", "Rating published"),
              _c("region", "str", "CQC region"), _c("local_authority", "str", "Local authority"),
              _c("ccg_code", "str", "ONS code of the CCG / sub-ICB"), _c("ccg_name", "str", "CCG / sub-ICB name"),
              _c("address", "str", "Street address"), _c("city", "str", "Town"), _c("postcode", "str", "Postcode"),
              _c("latitude", "float", "Latitude (WGS84)"), _c("longitude", "float", "Longitude (WGS84)"),
              _c("brand_id", "str", "Brand id"), _c("brand_name", "str", "Brand name"),
              _c("provider_id", "str", "CQC provider id"), _c("provider_name", "str", "Provider name"),
              _c("ownership_type", "str", "Ownership type"), _c("hsca_start_date", "date", "Registered since"),
              _c("as_at", "date", "The directory's edition date")),
          "", ("location_id",), provenance=PROVENANCE),
    Table("care_provider_services", "The same directory's flag families, long: one row per location x "
          "flag that is Y.", (
              _c("location_id", "str", "CQC location id"),
              _c("family", "str", "regulated_activity, service_type or service_user_band"),
              _c("flag", "str", "The flag's name as the directory writes it")),
          "", ("location_id", "family", "flag"), provenance=PROVENANCE),
    Table("registrations", "NHS Digital patients registered at a GP practice: practice x sex x age band "
          "at an extract date.", (
              _c("extract_date", "date", "The extract's date"), _c("publication", "str", "quinary or totals"),
              _c("practice_code", "str", "ODS practice code"), _c("practice_postcode", "str", "Practice postcode"),
              _c("ccg_code", "str", "CCG / sub-ICB code"), _c("sex", "str", "persons, male or female"),
              _c("age_band", "str", "Five-year age band, 95+ or all"),
              _c("patients", "int", "Registered patients", "people")),
          "", ("extract_date", "practice_code", "sex", "age_band"), provenance=PROVENANCE),
    Table("contracts", "Contracts registers, mapped through the header synonym table.", (
              _c("organisation", "str", "The publishing organisation"), _c("reference", "str", "Contract reference"),
              _c("title", "str", "Title"), _c("department", "str", "Department"),
              _c("description", "str", "Description"), _c("supplier", "str", "Supplier"),
              _c("start_date", "date", "Start date"), _c("end_date", "date", "End date"),
              _c("total_value", "float", "Total contract value", "£"),
              _c("annual_value", "float", "Annual value (stated, or total over the years)", "£"),
              _c("client_group", "str", "Client group by keyword (lookups/contract_services.csv)"),
              _c("service", "str", "Service by keyword"), _c("sme", "bool", "Supplier is an SME"),
              _c("vcse", "bool", "Supplier is a voluntary, community or social enterprise"),
              _c("procurement_route", "str", "Procurement route as the register gives it (open tender, framework ...)"),
              _c("service_category", "str", "The register's own service category, where it has one")),
          "", ("organisation", "reference"), provenance=PROVENANCE, profile_own=True),
    Table("activity", "Council-funded people (SALT-like; the council's own table).", (
              _c("period", "str", "Financial year as written"), _c("year", "int", "First calendar year", "year"),
              _c("client_group", "str", "Client group key"), _c("support_reason", "str", "Primary support reason"),
              _c("support_setting", "str", "Support setting as written"),
              _c("setting", "str", "Service type key (domain.vocabulary.SERVICE_TYPES)"),
              _c("age_band", "str", "18-64, 65+ or all"), _c("location", "str", "in_area, out_of_area or all"),
              _c("clients", "float", "People (missing where suppressed)", "people")),
          "", ("period", "client_group", "support_reason", "setting", "age_band", "location"),
          provenance=PROVENANCE, profile_own=True),
    Table("finance", "Budgets and savings (the council's own table).", (
              _c("organisation", "str", "Council or CCG"), _c("item", "str", "Budget line or saving"),
              _c("period", "str", "Financial year as written"), _c("year", "int", "First calendar year", "year"),
              _c("value_gbp", "float", "Pounds", "£"), _c("note", "str", "Note")),
          "", ("organisation", "item", "period"), provenance=PROVENANCE, profile_own=True),
    Table("caseloads", "Caseloads per neighbourhood (seed 003 Table 1 shape; the council's own table).", (
              _c("period", "str", "Period"), _c("neighbourhood_code", "str", "Neighbourhood code (profile)"),
              _c("neighbourhood_name", "str", "Neighbourhood name"),
              _c("service", "str", "district_nursing, social_care or joint"),
              _c("cases", "float", "Cases (missing where suppressed)", "people")),
          "", ("period", "neighbourhood_code", "service"), provenance=PROVENANCE, profile_own=True),
    Table("boundaries", "Ward boundaries from the authority's GeoJSON: one row per ring vertex.", (
              _c("ward_code", "str", "GSS ward code"), _c("ward_name", "str", "Ward name"),
              _c("neighbourhood_code", "str", "Neighbourhood (from the wards lookup)"),
              _c("polygon", "int", "Polygon number within the ward"), _c("ring", "int", "Ring within the polygon"),
              _c("point", "int", "Vertex number"), _c("lon", "float", "Longitude"), _c("lat", "float", "Latitude")),
          "", ("ward_code", "polygon", "ring", "point"), provenance=PROVENANCE, profile_own=True),
    Table("neighbourhood_boundaries", "Neighbourhood outlines dissolved from their wards' boundaries at "
          "ingest (simplified): one row per ring vertex.", (
              _c("neighbourhood_code", "str", "Neighbourhood code (profile)"),
              _c("polygon", "int", "Polygon number within the neighbourhood"),
              _c("ring", "int", "Ring within the polygon (0 = exterior)"),
              _c("point", "int", "Vertex number"), _c("lon", "float", "Longitude"), _c("lat", "float", "Latitude")),
          "", ("neighbourhood_code", "polygon", "ring", "point"), provenance=PROVENANCE, profile_own=True),
    Table("census", "Census tables by area (wards and their references: authority, region, England): one row "
          "per area x measure.", (
              _c("area_code", "str", "GSS code of the ward or area"), _c("area_name", "str", "Name, where the file gives one"),
              _c("area_type", "str", "ward, la, region, england or other (from the code)"),
              _c("measure", "str", "Measure key (data/lookups/census_measures.csv)"),
              _c("topic", "str", "population, long_term_illness, general_health, unpaid_care or age"),
              _c("census_year", "int", "Census year", "year"),
              _c("value", "float", "Usual residents", "people")),
          "", ("area_code", "measure", "census_year"), provenance=PROVENANCE, profile_own=True),
    Table("lsoa_wards", "ONS LSOA (2021) to electoral ward best-fit lookup: one row per LSOA of the authority "
          "(every LSOA where no authority is named); Census 2021 LSOA counts are summed to wards through it.", (
              _c("lsoa_code", "str", "LSOA 2021 code (LSOA21CD)"), _c("lsoa_name", "str", "LSOA 2021 name"),
              _c("ward_code", "str", "Electoral ward code (WD22CD, WD23CD, ...)"),
              _c("ward_name", "str", "Electoral ward name"),
              _c("ward_year", "int", "The year of the ward boundaries (from the column name, e.g. WD23CD: 2023)", "year"),
              _c("lad_code", "str", "Local authority district code (LAD22CD, ...)"),
              _c("lad_name", "str", "Local authority district name")),
          "", ("lsoa_code",), provenance=PROVENANCE),
    # Market health (issue 15): every CQC directory edition side by side, workforce and prices.
    Table("care_provider_edition_services", "The flag families of every edition, long: one row per edition x "
          "location x flag that is Y.", (
              _c("as_at", "date", "The directory's edition date"),
              _c("location_id", "str", "CQC location id"),
              _c("family", "str", "regulated_activity, service_type or service_user_band"),
              _c("flag", "str", "The flag's name as the directory writes it")),
          "loaders.editions", ("as_at", "location_id", "family", "flag"), provenance=PROVENANCE),
    Table("workforce", "Skills for Care local-authority workforce estimates: one row per area x sector x "
          "service x job role x measure.", (
              _c("period", "str", "The estimates' year as the file states it (2016/17)"),
              _c("area_name", "str", "Area as the file writes it (CSSR, region or England)"),
              _c("area_type", "str", "la, region or england"),
              _c("sector", "str", "Sector as written (All sectors, Independent, Local authority)"),
              _c("service", "str", "Service as written (All services, Care home services with nursing, ...)"),
              _c("job_role", "str", "Job role as written (All job roles, Care worker, ...)"),
              _c("measure", "str", "vacancy_rate, turnover_rate, filled_posts or median_hourly_pay"),
              _c("value", "float", "The estimate, in the measure's unit (rates 0-100; pay in pounds an hour)")),
          "", ("period", "area_name", "sector", "service", "job_role", "measure"),
          provenance=PROVENANCE),
    Table("unit_costs", "Adult social care finance return unit costs: one row per area x year x service x "
          "age band.", (
              _c("period", "str", "Financial year as written (2016-17)"),
              _c("year", "int", "First calendar year of the period", "year"), *AREA,
              _c("service", "str", "residential, nursing or home_care"),
              _c("age_band", "str", "18-64, 65+ or all"),
              _c("measure", "str", "gross_weekly_cost (residential, nursing) or hourly_rate (home care)"),
              _c("value_gbp", "float", "Pounds a week or an hour", "£")),
          "", ("period", "area_code", "service", "age_band", "measure"), provenance=PROVENANCE, partitioned=True),
    Table("ascof", "DHSC Adult Social Care Outcomes Framework (ASCOF) CSV: one row per financial year x area x "
          "measure x disaggregation, its numerator, denominator and outcome side by side.", (
              _c("period", "str", "Financial year (2024-25): the file's year column, else its name"),
              _c("year", "int", "First calendar year of the period", "year"), *AREA,
              _c("geography_code", "str", "The publisher's geographical code (CASSR code, region code, England)"),
              _c("measure_code", "str", "ASCOF measure code as published (1A, 1C(1A), 2A(2))"),
              _c("disaggregation", "str", "Disaggregation level as published (Total, 65 and over, Female)"),
              _c("numerator", "float", "The Numerator row's value (missing where not given or suppressed)"),
              _c("denominator", "float", "The Denominator row's value (missing where not given or suppressed)"),
              _c("outcome", "float", "The Outcome row's value, in the measure's unit "
                 "(data/lookups/ascof_measures.csv)")),
          "", ("period", "area_code", "measure_code", "disaggregation"), provenance=PROVENANCE, partitioned=True),
    Table("care_home_occupancy", "DHSC adult social care monthly statistics (Capacity Tracker): care home "
          "occupancy per area and month.", (
              _c("month", "date", "The month (its first day)"), *AREA,
              _c("occupancy_pct", "float", "Beds occupied as a percentage of beds (0-100)", "%"),
              _c("occupied_beds", "float", "Occupied beds, where the file gives them", "beds"),
              _c("total_beds", "float", "Beds (capacity), where the file gives them", "beds")),
          "", ("month", "area_code"), provenance=PROVENANCE, partitioned=True),
    Table("fee_rates", "DHSC MSIF provider fee reporting: the average fee an authority pays external providers, "
          "one row per year x area x service x age band.", (
              _c("period", "str", "Financial year (2024-25): the column heading's, else the file's name"),
              _c("year", "int", "First calendar year of the period", "year"), *AREA,
              _c("service", "str", "home_care, supported_living, residential or nursing"),
              _c("age_band", "str", "18-64, 65+ or all"),
              _c("unit", "str", "week or hour"),
              _c("fee_gbp", "float", "Average fee, pounds a week or an hour", "£")),
          "", ("period", "area_code", "service", "age_band"), provenance=PROVENANCE, partitioned=True),
    # Lookups travel with the store so metrics read nothing else.
    Table("lookup_practices", "GP practices and their neighbourhood (authority profile).", (
              _c("practice_code", "str", "ODS code"), _c("practice_name", "str", "Name"),
              _c("map_number", "str", "Number on the authority's practice map"),
              _c("neighbourhood_code", "str", "Neighbourhood code"),
              _c("neighbourhood_name", "str", "Neighbourhood name"),
              _c("ods_name", "str", "The practice's name as NHS Digital / Fingertips publish it"),
              _c("code_source", "str", "How the code was found (matched by name, or by CQC location)")),
          "authorities/<code>/practices.csv", ("practice_code",), provenance=LOOKUP_PROVENANCE, profile_own=True),
    Table("lookup_neighbourhoods", "The authority's neighbourhoods (authority profile).", (
              _c("neighbourhood_code", "str", "Code"), _c("neighbourhood_name", "str", "Name"),
              _c("number", "str", "Order in which the authority lists them"),
              _c("tile_col", "float", "Column on the schematic tile map (0 = west), drawn when no ward "
                 "boundaries are loaded; empty lays the tiles out in order"),
              _c("tile_row", "float", "Row on the schematic tile map (0 = south)")),
          "authorities/<code>/neighbourhoods.csv", ("neighbourhood_code",), provenance=LOOKUP_PROVENANCE, profile_own=True),
    Table("lookup_wards", "Wards and their neighbourhood (authority profile).", (
              _c("ward_code", "str", "GSS ward code (matched first; the name second)"),
              _c("ward_name", "str", "Ward name"), _c("neighbourhood_code", "str", "Neighbourhood code"),
              _c("ward_set", "str", "Boundary edition (2022)")),
          "authorities/<code>/wards.csv", ("ward_name", "ward_set"), provenance=LOOKUP_PROVENANCE, profile_own=True),
    Table("lookup_postcode_districts", "Postcode districts and their neighbourhood (authority profile).", (
              _c("postcode_district", "str", "Outward code (SE13)"), _c("neighbourhood_code", "str", "Neighbourhood code")),
          "authorities/<code>/postcode_districts.csv", ("postcode_district",), provenance=LOOKUP_PROVENANCE, profile_own=True),
    Table("lookup_postcode_wards", "Full postcodes and their ward (authority profile, optional): places CQC "
          "locations in wards exactly.", (
              _c("postcode", "str", "Full postcode (SE6 4RU)"), _c("ward_code", "str", "GSS ward code")),
          "authorities/<code>/postcode_wards.csv", ("postcode",), provenance=LOOKUP_PROVENANCE, profile_own=True),
    Table("lookup_client_group_bands", "CQC service user bands that count as supply for each client group.", (
              _c("client_group", "str", "Client group key"),
              _c("service_user_band", "str", "CQC service user band, as the directory writes it")),
          "lookups/client_group_bands.csv", ("client_group", "service_user_band"), provenance=LOOKUP_PROVENANCE),
    Table("lookup_areas", "ONS area codes, names and types: England, the regions and every upper-tier authority.",
          AREA + (_c("parent_code", "str", "The region an authority sits in (England's code for a region)"),),
          "lookups/areas.csv", ("area_code",),
          provenance=LOOKUP_PROVENANCE),
    Table("lookup_indicator_polarity", "Fingertips indicators' polarity where the export omits it, their plain "
          "names and units, and which are adult social care indicators (the only ones findings are drawn from).", (
              _c("indicator_id", "str", "Fingertips indicator id"),
              _c("polarity", "str", "high_is_good, low_is_good or no_judgement"),
              _c("short_name", "str", "Short name in plain English (no publisher's method labels)"),
              _c("unit", "str", "What the value counts, as a reader says it (per 100,000 people aged 65+, %)"),
              _c("care_related", "str", "yes: an adult social care indicator, eligible for the findings")),
          "lookups/indicator_polarity.csv", ("indicator_id",), provenance=LOOKUP_PROVENANCE),
    Table("lookup_ascof_measures", "The declared ASCOF measures: polarity, plain name, unit and which interval "
          "their numerator and denominator allow.", (
              _c("measure_code", "str", "ASCOF measure code (a sub-measure such as 1C(1A), or its stem 1C)"),
              _c("polarity", "str", "high_is_good, low_is_good or no_judgement"),
              _c("short_name", "str", "Short name in plain English"),
              _c("unit", "str", "What the outcome counts (%, per 100,000 people aged 65+, score out of 24)"),
              _c("interval", "str", "wilson (a proportion), byar (a rate per 100,000) or none (a score, or no sample)")),
          "lookups/ascof_measures.csv", ("measure_code",), provenance=LOOKUP_PROVENANCE),
    Table("lookup_cost_of_care", "The authority's own cost-of-care figures (authority profile): quartiles of "
          "what efficient providers need, per home type and age band.", (
              _c("period", "str", "The year the exercise priced (2017-18)"),
              _c("service", "str", "residential, nursing or home_care"),
              _c("age_band", "str", "18-64, 65+ or all"),
              _c("unit", "str", "week or hour"),
              _c("lower_quartile", "float", "Lower quartile, pounds a unit"),
              _c("median", "float", "Median, pounds a unit"),
              _c("upper_quartile", "float", "Upper quartile, pounds a unit")),
          "authorities/<code>/cost_of_care.csv", ("period", "service", "age_band"), provenance=LOOKUP_PROVENANCE,
          profile_own=True),
    Table("lookup_scrutiny_questions", "Suggested scrutiny questions for the brief's findings: the generic "
          "list, or the authority's own when its profile folder holds one.", (
              _c("finding_key", "str", "A finding's key (kpi_<indicator id>, a gap metric, beds_needed, "
                 "demand_growth) or any_red / any_amber / any_green / any_context for the rest"),
              _c("question", "str", "The question, one sentence")),
          "lookups/scrutiny_questions.csv (or authorities/<code>/scrutiny_questions.csv)", ("finding_key",),
          provenance=LOOKUP_PROVENANCE),
]}
# Every CQC directory edition side by side (market health): the latest edition's columns, per edition.
STORE_TABLES["care_provider_editions"] = (
    Table("care_provider_editions", "Every CQC directory edition in the store, side by side: one row per "
          "edition x location (care_providers holds the latest edition only).",
          STORE_TABLES["care_providers"].columns, "loaders.editions", ("as_at", "location_id"),
          provenance=PROVENANCE))
# Peer groups (metrics.comparators.peers): Census 2021 counts by LSOA, the LSOA -> authority lookup, a user's peers list.
STORE_TABLES["census_lsoa"] = Table(
    "census_lsoa", "Census 2021 counts by LSOA (Nomis bulk files ts007a, ts021, ts029, ts054, ts062, ts067), "
    "LSOA areas (ONS Standard Area Measurements) and distance to the sea, as the peer-group method uses them.", (
        _c("lsoa_code", "str", "ONS LSOA 2021 code"),
        _c("measure", "str", "What is counted (metrics.comparators.peers.FEATURES: age_15_plus, ethnic_total, area_sq_km...)"),
        _c("value", "float", "People or households (area_sq_km: km2; distance_to_sea_km: km)")),
    "", ("lsoa_code", "measure"), provenance=LOOKUP_PROVENANCE)
STORE_TABLES["lsoa_authorities"] = Table(
    "lsoa_authorities", "ONS LSOA 2021 to upper-tier authority best-fit lookup.", (
        _c("lsoa_code", "str", "ONS LSOA 2021 code"),
        _c("authority_code", "str", "The upper-tier authority's GSS code"),
        _c("authority_name", "str", "The authority's name as the lookup gives it")),
    "", ("lsoa_code",), provenance=LOOKUP_PROVENANCE)
STORE_TABLES["peer_groups"] = Table(
    "peer_groups", "A peers list the user already has (the published method's peers.csv): each authority's "
    "nearest peers by rank, codes found from the names in the areas lookup.", (
        _c("authority_code", "str", "The authority's GSS code (empty when the areas lookup lacks its name)"),
        _c("authority_name", "str", "The authority as the file names it"),
        _c("peer_code", "str", "The peer's GSS code (empty when the areas lookup lacks its name)"),
        _c("peer_name", "str", "The peer as the file names it"),
        _c("rank", "int", "1 for the nearest")),
    "", ("authority_name", "rank"), provenance=LOOKUP_PROVENANCE)
# A table that a kind of input file feeds is written by that kind's loader: said once, in the kind's
# declaration (domain/kinds.py), and filled in here; a table declaring its loader by hand as well fails.
for _name in sorted({t for k in kinds.KINDS for t in k.tables} - set(STORE_TABLES)):
    raise ContractError(f"input kind feeding {_name}: declare the table in domain/contract.py")
for _name, _table in list(STORE_TABLES.items()):
    if kinds.produced_by(_name):
        if _table.produced_by:
            raise ContractError(f"table {_name}: written by {kinds.produced_by(_name)} (domain/kinds.py); "
                                f"declare it there only, not as {_table.produced_by!r}")
        STORE_TABLES[_name] = replace(_table, produced_by=kinds.produced_by(_name))
LOOKUP_TABLES = [name for name in STORE_TABLES if name.startswith("lookup_")]
PARTITIONED_TABLES = frozenset(name for name, t in STORE_TABLES.items() if t.partitioned)
"""Store tables with an authority dimension (their rows are areas: authorities, regions, England),
written as Hive-partitioned Parquet datasets by area code so that one authority's rows are read
from disk without reading every authority's (store.layout). Every other table with an `area_code`
is a lookup (`lookup_areas`) or the profile authority's own (`census`, by ward), so stays one file."""
PROFILE_TABLES = frozenset(name for name, t in STORE_TABLES.items() if t.profile_own)
"""Tables that are the profile authority's own (its council's files and its profile's lookups),
not rows of a national file: another authority seen through `Store.for_authority` gets none of them."""

# ---------------------------------------------------------------------------------------------
# Export tables (what `mps export` writes, one CSV each or one workbook sheet each)
_NEIGHBOURHOOD_GROUPS = tuple(_c(g, "float", f"Estimated {g.replace('_', ' ')} (rounded; <5 suppressed)", "people")
                              for g in ("older_people", "dementia", "learning_disability", "physical_sensory",
                                        "mental_health", "substance_misuse", "carers"))

EXPORT_TABLES: dict[str, Table] = {t.name: t for t in [
    Table("demand", "POPPI (65+) and PANSI (18-64) estimates by client group, area, sex, age band and year, and "
          "the population rows the rates are built on (measure population: POPPI/PANSI population tables "
          "and ONS projections, every age band and year the inputs hold).", (
              _c("client_group", "str", "Client group key (empty for population rows)"),
              _c("measure", "str", "Measure key, or population"),
              _c("dataset", "str", "POPPI, PANSI, or the ONS dataset (ons_snpp, ons_mid_year_estimates): rows of different "
                 "datasets overlap, never sum across them"), *AREA,
              _c("sex", "str", "persons, male or female"), _c("age_band", "str", "Age band (all for every age)"),
              _c("year", "int", "Year", "year"), _c("value", "float", "Estimated people", "people"),
              _c("is_total", "bool", "True for a table's total row (the sum of its age bands)"),
              _c("source_file", "str", "Source file"), _c("source_row", "int", "Row in the source file")),
          "metrics.demand.demand.demand_export", provenance=()),
    Table("supply", "CQC-registered services and council-funded people by client group and setting.", (
              _c("client_group", "str", "Client group key"), _c("service", "str", "Service type key"),
              _c("measure", "str", "homes, beds, locations or clients"),
              _c("area_code", "str", "Area code"), _c("area_type", "str", "Area type"),
              _c("age_band", "str", "Age band of the people counted (all for CQC services; 65+ for "
                 "older people's care homes); never summed across bands"),
              _c("year", "int", "Year", "year"), _c("value", "float", "Count"),
              _c("source_file", "str", "Source file"),
              _c("source_row", "int", "First row of the source file counted (council returns)")),
          "metrics.supply.supply.supply_rows", provenance=()),
    Table("gaps", "Demand against supply: numerator, denominator, value, benchmark and polarity per measure.", (
              _c("client_group", "str", "Client group key"), _c("metric", "str", "Gap measure key"),
              _c("area_code", "str", "Area code"), _c("area_type", "str", "Area type"),
              _c("year", "int", "Year", "year"), _c("numerator", "float", "Numerator"),
              _c("denominator", "float", "Denominator"), _c("value", "float", "Value, in the measure's unit"),
              _c("benchmark", "float", "Benchmark (England or London)"),
              _c("polarity", "str", "high_is_good, low_is_good or no_judgement")),
          "metrics.supply.gaps.all_gaps", provenance=()),
    Table("care_homes", "Older people's care homes by type (residential = without nursing), as the MPS prints it.", (
              _c("type", "str", "Nursing, Residential or Total"), _c("homes", "int", "Homes", "homes"),
              _c("beds", "int", "Registered beds", "beds"), _c("pct_beds", "int", "Share of beds", "%"),
              _c("avg_beds_per_home", "int", "Average beds per home", "beds")),
          "metrics.supply.supply.care_home_table", provenance=()),
    Table("neighbourhoods", "Registered patients, caseloads (% of registered patients) and estimated demand "
          "per neighbourhood; counts below 5 suppressed.", (
              _c("neighbourhood", "str", "Neighbourhood name, or total"),
              _c("registered_patients", "float", "Registered patients at the neighbourhood's practices, latest "
                 "GP extract (the figure every page and the brief show)", "people"),
              _c("registered_as_at", "date", "The GP extract's date"),
              _c("caseload_list_patients", "float", "Registered patients in the GP extract nearest the caseload "
                 "date: the base of the caseload percentages (seed 003 Table 1)", "people"),
              _c("dn_cases", "float", "District nursing cases", "people"), _c("dn_pct", "float", "% of patients", "%"),
              _c("asc_cases", "float", "Social care cases", "people"), _c("asc_pct", "float", "% of patients", "%"),
              _c("joint_cases", "float", "Joint cases", "people"), _c("joint_pct", "float", "% of patients", "%"),
              _c("caseload_as_at", "date", "The caseload return's date"),
              *_NEIGHBOURHOOD_GROUPS), "metrics.places.neighbourhoods.neighbourhood_table", provenance=()),
    Table("kpis", "Fingertips indicators for the authority beside its region and England, with the publisher's "
          "comparison (or one computed by 95% confidence interval where the file gives none).", (
              _c("indicator_id", "int", "Fingertips indicator id"), _c("indicator_name", "str", "Indicator"),
              _c("area_code", "str", "Area code"), _c("area_name", "str", "Area"),
              _c("sex", "str", "Sex"), _c("age", "str", "Age"), _c("period", "str", "Period"),
              _c("year", "int", "First year of the period", "year"),
              _c("value", "float", "Value"), _c("lower_ci", "float", "Lower 95% limit"),
              _c("upper_ci", "float", "Upper 95% limit"),
              _c("region_code", "str", "The parent region's code"),
              _c("region_value", "float", "The region's value for the same indicator, sex, age and period"),
              _c("england_value", "float", "England's value for the same indicator, sex, age and period"),
              _c("comparators_value", "float", "The comparator authorities' mean value for the same indicator, sex, "
                 "age and period (the profile's comparators, else the region's other authorities)"),
              _c("comparators_n", "int", "How many comparator authorities have a value", "authorities"),
              _c("compared_to_england", "str", "better, similar, worse (or higher/lower without polarity; not_compared)"),
              _c("compared_to_region", "str", "The same against the region"),
              _c("comparison_source", "str", "publisher (the export's own judgement) or computed (95% CI)"),
              _c("polarity", "str", "high_is_good, low_is_good, no_judgement or unknown"),
              _c("polarity_source", "str", "publisher (implied by the export's judgements), lookup, or none"),
              _c("source_file", "str", "Source file"), _c("source_row", "int", "Row in the source file")),
          "metrics.performance.kpis.kpi_table", provenance=()),
    Table("ascof", "ASCOF outcomes for the authority (every year, measure and disaggregation the files give) beside "
          "its region, England and its comparator authorities, with 95% intervals where the numerator and "
          "denominator allow.", (
              _c("period", "str", "Financial year"), _c("year", "int", "First year of the period", "year"),
              _c("measure_code", "str", "ASCOF measure code"), _c("measure_name", "str", "The measure in plain English"),
              _c("unit", "str", "The outcome's unit"),
              _c("disaggregation", "str", "Disaggregation level as published (Total, 65 and over, ...)"),
              _c("area_code", "str", "Area code"), _c("area_name", "str", "Area"),
              _c("numerator", "float", "Numerator"), _c("denominator", "float", "Denominator"),
              _c("value", "float", "Outcome"),
              _c("lower_ci", "float", "Lower 95% limit (Wilson for a proportion, Byar for a rate; blank otherwise)"),
              _c("upper_ci", "float", "Upper 95% limit"),
              _c("region_code", "str", "The authority's region"),
              _c("region_value", "float", "The region's outcome for the same year, measure and disaggregation"),
              _c("england_value", "float", "England's outcome for the same year, measure and disaggregation"),
              _c("comparators_value", "float", "The comparator authorities' mean outcome for the same year, measure "
                 "and disaggregation"),
              _c("comparators_n", "int", "How many comparator authorities have an outcome", "authorities"),
              _c("compared_to_england", "str", "better, similar, worse by 95% interval and polarity (higher/lower "
                 "without polarity; not_compared without an interval)"),
              _c("compared_to_region", "str", "The same against the region"),
              _c("polarity", "str", "high_is_good, low_is_good, no_judgement or unknown (not declared)"),
              _c("source_file", "str", "Source file"), _c("source_row", "int", "The Outcome row in the source file")),
          "metrics.performance.ascof.ascof_table", provenance=()),
    Table("fee_rates", "Average fees the authority pays external providers (DHSC MSIF provider fee reporting), "
          "latest year per service, beside its region, England, its comparators and its own cost-of-care median.", (
              _c("period", "str", "Financial year"), _c("service", "str", "Service key"),
              _c("age_band", "str", "Age band"), _c("unit", "str", "week or hour"),
              _c("council_fee", "float", "The authority's average fee", "£"),
              _c("region_fee", "float", "The region's fee: its own row where the file has one, else the mean of "
                 "the region's authorities in the file", "£"),
              _c("england_fee", "float", "England's fee: its own row where the file has one, else the mean of every "
                 "authority in the file", "£"),
              _c("comparator_median", "float", "The comparator authorities' median fee", "£"),
              _c("comparators_n", "int", "How many comparator authorities have a fee", "authorities"),
              _c("cost_of_care_median", "float", "The authority's cost-of-care median (profile), where it has one", "£"),
              _c("fee_vs_cost_of_care_pct", "float", "The authority's fee as a % of its cost-of-care median", "%"),
              _c("source_file", "str", "Source file"), _c("source_row", "int", "The authority's row in the source file")),
          "metrics.supply.segments.fee_rates", provenance=()),
    Table("contracts", "Contracts registers, classified to client group and service by keyword.", (
              _c("reference", "str", "Reference"), _c("title", "str", "Title"), _c("supplier", "str", "Supplier"),
              _c("organisation", "str", "The publishing organisation"),
              _c("client_group", "str", "Client group key"), _c("service", "str", "Service key"),
              _c("start_date", "date", "Start date"), _c("end_date", "date", "End date"),
              _c("total_value", "float", "Total value", "£"), _c("annual_value", "float", "Annual value", "£"),
              _c("procurement_route", "str", "Procurement route as the register gives it"),
              _c("sme", "bool", "Supplier is an SME (blank: the register does not say)"),
              _c("vcse", "bool", "Supplier is a voluntary, community or social enterprise (blank: not said)"),
              _c("service_category", "str", "The register's own service category, where it has one")),
          "metrics.supply.opportunities.contracts", provenance=()),
    Table("finance", "Budgets and savings by organisation, item and period (pounds).", (
              _c("organisation", "str", "Organisation"), _c("item", "str", "Item"),
              _c("period", "str", "Period"), _c("value_gbp", "float", "Pounds", "£")),
          "store table finance", provenance=()),
    Table("sources", "Every source file in the store, with its SHA-256 hash and rows read and kept.", (
              _c("path", "str", "File name"), _c("kind", "str", "Kind of file"), _c("table", "str", "Store table"),
              _c("sha256", "str", "SHA-256 of the file's bytes"), _c("rows_read", "int", "Rows read"),
              _c("rows_kept", "int", "Rows kept"), _c("ingested_at", "str", "When (UTC, ISO 8601)")),
          "the store's manifest", provenance=()),
    Table("beds_needed", "Care-home beds needed by year to hold a ratio of occupied beds per 1,000 aged 75+.", (
              _c("year", "int", "Year", "year"), _c("population", "float", "Residents aged 75+", "people"),
              _c("occupied_per_1000", "float", "Occupied beds per 1,000 aged 75+", "per 1,000"),
              _c("beds_needed", "float", "Registered beds needed at the occupancy", "beds"),
              _c("beds_now", "float", "Registered beds today", "beds"),
              _c("gap", "float", "Beds needed less beds today", "beds")), "metrics.supply.gaps.beds_needed",
          provenance=()),
    Table("older_growth", "Projected growth of residents aged 65+, 75+ and 85+: the authority beside its region, "
          "England, each comparator authority and the comparators' median, from one ONS projection (first "
          "projection year to ten years on).", (
              _c("area_code", "str", "Area code (none for the comparators' median)"), _c("area_name", "str", "Area"),
              _c("area_role", "str", "authority, region, england, comparator or comparators_median"),
              _c("age_group", "str", "65+, 75+ or 85+"),
              _c("from_year", "int", "From year", "year"), _c("to_year", "int", "To year", "year"),
              _c("residents_from", "float", "Residents in the from year", "people"),
              _c("residents_to", "float", "Residents in the to year", "people"),
              _c("change_pct", "float", "Change", "%"), _c("source_file", "str", "The projection file")),
          "metrics.demand.demand.older_growth_comparison", provenance=()),
    Table("ownership", "Older people's care homes by ownership.", (
              _c("ownership", "str", "Ownership type"), _c("homes", "int", "Homes", "homes"),
              _c("beds", "int", "Beds", "beds"), _c("pct_homes", "float", "Share of homes", "%"),
              _c("pct_beds", "float", "Share of beds", "%")), "metrics.supply.supply.ownership_table", provenance=()),
    Table("opportunities", "Care contracts ending within 6, 12 and 24 months and all those running, by client "
          "group, beside projected demand growth (the Opportunities page's definitions).", (
              _c("client_group", "str", "Client group key"),
              *(c for m in (6, 12, 24) for c in (
                  _c(f"contracts_ending_{m}m", "int", f"Care contracts ending within {m} months"),
                  _c(f"annual_value_ending_{m}m", "float", "Their annual value", "£"))),
              _c("contracts_running", "int", "Care contracts running, whatever their end date"),
              _c("annual_value_running", "float", "Their annual value", "£"),
              _c("demand_growth_pct", "float", "Projected growth in the group's fastest-growing measure (older "
                 "people: residents aged 65+)", "%"),
              _c("growth_measure", "str", "The measure the growth is of"),
              _c("from_year", "int", "From year", "year"), _c("to_year", "int", "To year", "year")),
          "metrics.supply.opportunities.opportunities_table", provenance=()),
    Table("practices", "Registered patients aged 65+ per GP practice by age band; counts below 5 suppressed.", (
              _c("practice_code", "str", "ODS code"), _c("practice_name", "str", "Name"),
              _c("neighbourhood_code", "str", "Neighbourhood code"),
              _c("total_65_plus", "float", "Registered patients aged 65+", "people")),
          "metrics.places.neighbourhoods.suppressed_practice_table",
          open_columns="one column per five-year age band from 65 (65-69 ... 95+), patients", provenance=()),
    Table("neighbourhood_gaps", "Demand against supply where people live: for every client group and "
          "neighbourhood (and ward, where the authority gives ward boundaries and census residents), estimated "
          "demand, CQC supply placed by postcode or coordinates (beds by care home type, domiciliary care, "
          "supported living, extra care) and social care caseloads, supply per 1,000 of demand against the "
          "borough rate, and the largest shortfalls ranked with a sentence each. Estimated people and "
          "caseloads below 5 are suppressed with the figures that would reveal them.", (
              _c("level", "str", "neighbourhood or ward"),
              _c("area_code", "str", "Neighbourhood code or GSS ward code"), _c("area_name", "str", "Name"),
              _c("neighbourhood_code", "str", "The neighbourhood (a ward's own, or the row's)"),
              _c("client_group", "str", "Client group key (all_patients for caseloads)"),
              _c("demand_measure", "str", "The POPPI/PANSI measure that stands for the group's demand"),
              _c("population_basis", "str", "The population the prevalence rates were applied to"),
              _c("demand", "float", "Estimated people (prevalence x population)", "people"),
              _c("service", "str", "nursing_beds, residential_beds, domiciliary_care, supported_living, "
                 "extra_care or social_care_cases"),
              _c("supply_unit", "str", "beds, services or cases"),
              _c("supply", "float", "Beds, services or cases in the area"),
              _c("per_1000", "float", "Supply per 1,000 of demand", "per 1,000"),
              _c("benchmark_per_1000", "float", "The borough's supply per 1,000 of demand", "per 1,000"),
              _c("expected", "float", "Supply the area would have at the borough rate"),
              _c("supply_gap", "float", "Supply less expected (negative: short of the borough rate)"),
              _c("shortfall_pct", "float", "Shortfall as a share of expected", "%"),
              _c("gap_rank", "int", "1 = the largest shortfall at this level (missing: no shortfall)"),
              _c("sentence", "str", "The gap in one sentence")),
          "metrics.places.neighbourhood_gaps.gap_table", provenance=()),
    Table("census_wards", "The census by ward, long: one row per ward and census measure (every category the "
          "authority's census tables give, with all usual residents and unpaid carers added where a table lacks "
          "them), its share of the ward's base population against the authority's share; then per measure the "
          "wards' sum and the authority's own row, with the difference between them (census counts are "
          "perturbed by ONS, so a few people either way is expected). Published census counts, not suppressed.", (
              _c("census_year", "int", "The census the counts are from (stated in the file)", "year"),
              _c("area_type", "str", "ward, wards_total (the sum of the wards) or la (the authority's own row)"),
              _c("area_code", "str", "GSS code of the ward (the authority's for the sum and its row)"),
              _c("area_name", "str", "Ward name (the boundary file's or profile's, else the census file's)"),
              _c("neighbourhood_code", "str", "The ward's neighbourhood (profile), where it has one"),
              _c("topic", "str", "population, general_health, long_term_illness (disability) or unpaid_care"),
              _c("measure", "str", "Census category key (data/lookups/census_measures.csv; residents, unpaid_carers "
                 "and total_<topic> added)"),
              _c("value", "float", "Usual residents in the category", "people"),
              _c("base", "float", "The population the share is of (the topic's total; 2021 unpaid care: residents "
                 "aged 5+)", "people"),
              _c("share_pct", "float", "Value as a share of base", "%"),
              _c("authority_share_pct", "float", "The authority's share (its own row, else the wards' sum)", "%"),
              _c("difference", "float", "Wards' sum less the authority's row (wards_total rows only)", "people")),
          "metrics.places.areas.census_ward_table", provenance=()),
    Table("census_demand", "Census unpaid carers, people in bad or very bad health and disabled people: the "
          "authority, its comparators, its region and England, then each ward against the authority (LSOA counts "
          "summed to wards through ONS's best-fit lookup where the tables came by LSOA). Published census counts, "
          "not suppressed.", (
              _c("census_year", "int", "The census the counts are from (stated in the file)", "year"),
              _c("area_role", "str", "authority, comparator, region, england or ward"),
              _c("area_code", "str", "GSS code of the area or ward"), _c("area_name", "str", "Area or ward name"),
              _c("neighbourhood_code", "str", "The ward's neighbourhood (profile), where it has one"),
              _c("measure", "str", "unpaid_carers, bad_or_very_bad_health or disabled"),
              _c("value", "float", "Usual residents in the measure", "people"),
              _c("base", "float", "The population the share is of (general health and disability: all usual "
                 "residents; 2021 unpaid care: residents aged 5+)", "people"),
              _c("share_pct", "float", "Value as a share of base", "%"),
              _c("authority_share_pct", "float", "The authority's share (its own row, else the wards' sum)", "%"),
              _c("source_file", "str", "The census file the count came from (a zip's CSV as zip/csv)"),
              _c("source_row", "int", "Its row in that file (a ward summed from LSOAs: the first LSOA's row)")),
          "metrics.places.areas.census_demand_table", provenance=()),
    Table("neighbourhood_supply", "Care homes, beds and GP practices per neighbourhood.", (
              _c("neighbourhood", "str", "Neighbourhood code"), _c("name", "str", "Neighbourhood name"),
              _c("practices", "int", "GP practices"), _c("care_homes", "int", "Care homes"),
              _c("care_home_beds", "float", "Registered beds", "beds"),
              _c("registered_75_plus", "float", "Registered patients aged 75+", "people"),
              _c("beds_per_1000_aged_75_plus", "float", "Beds per 1,000 registered patients aged 75+", "per 1,000")),
          "metrics.places.neighbourhoods.supply_by_neighbourhood", provenance=()),
    # Market health
    Table("market_changes", "What changed in the authority between the last two CQC directory editions: one row "
          "per location x segment x change (opened, closed, beds_changed, rating_improved, rating_declined, "
          "first_rated, rating_removed).", (
              _c("from_edition", "date", "The earlier edition"), _c("to_edition", "date", "The later edition"),
              _c("change", "str", "Kind of change"), _c("location_id", "str", "CQC location id"),
              _c("location_name", "str", "Location"), _c("segment", "str", "Market segment key"),
              _c("user_bands", "str", "CQC service user bands"),
              _c("beds_from", "float", "Registered beds in the earlier edition", "beds"),
              _c("beds_to", "float", "Registered beds in the later edition", "beds"),
              _c("beds_change", "float", "Later less earlier (closed homes negative)", "beds"),
              _c("rating_from", "str", "Overall rating before"), _c("rating_to", "str", "Overall rating after"),
              _c("rating_published", "date", "When the later rating was published")),
          "metrics.supply.market.market_changes", provenance=()),
    Table("concentration", "Ownership concentration per directory edition and segment in the authority (group = "
          "brand, else provider; size = beds for care homes, locations otherwise).", (
              _c("as_at", "date", "Directory edition"), _c("segment", "str", "Market segment key"),
              _c("size_measure", "str", "beds or locations"), _c("total", "float", "Market size"),
              _c("groups", "int", "Groups"), _c("largest_group", "str", "The largest group"),
              _c("top1_pct", "float", "Largest group's share", "%"),
              _c("top3_pct", "float", "Three largest groups' share", "%"),
              _c("hhi", "float", "Herfindahl-Hirschman index (0-10,000)")),
          "metrics.supply.market.concentration", provenance=()),
    Table("quality", "Share of locations and of care-home beds rated Good or Outstanding by segment: the authority, "
          "its comparators, its region and the whole directory (England when national).", (
              _c("segment", "str", "Market segment key"),
              _c("area_type", "str", "la, comparator, region, england or file"), _c("area_name", "str", "Area"),
              _c("locations", "int", "Active locations"), _c("rated", "int", "Locations with a rating"),
              _c("not_yet_rated", "int", "Locations not yet rated"),
              _c("good_or_outstanding", "int", "Locations rated Good or Outstanding"),
              _c("pct_locations_good", "float", "Share of rated locations Good or Outstanding", "%"),
              _c("beds", "float", "Registered beds (care homes)", "beds"),
              _c("beds_rated", "float", "Beds in rated homes", "beds"),
              _c("beds_good", "float", "Beds in homes rated Good or Outstanding", "beds"),
              _c("pct_beds_good", "float", "Share of rated beds Good or Outstanding", "%")),
          "metrics.supply.market.quality", provenance=()),
    Table("workforce", "Skills for Care workforce estimates, all sectors and job roles: the authority, its region "
          "and England, per service and measure.", (
              _c("period", "str", "Estimates' year"), _c("service", "str", "Service as Skills for Care writes it"),
              _c("measure", "str", "vacancy_rate, turnover_rate (%), filled_posts, median_hourly_pay (£)"),
              _c("area_type", "str", "la, region or england"), _c("area_name", "str", "Area"),
              _c("value", "float", "The estimate")),
          "metrics.supply.workforce.workforce_comparison", provenance=()),
    Table("prices", "The council's unit costs against its own cost-of-care quartiles and its comparators' median.", (
              _c("period", "str", "Financial year"), _c("service", "str", "residential, nursing or home_care"),
              _c("age_band", "str", "Age band"), _c("unit", "str", "week or hour"),
              _c("council_rate", "float", "The council's unit cost (ASC finance return)", "£"),
              _c("cost_of_care_lower_quartile", "float", "Cost of care, lower quartile", "£"),
              _c("cost_of_care_median", "float", "Cost of care, median", "£"),
              _c("cost_of_care_upper_quartile", "float", "Cost of care, upper quartile", "£"),
              _c("rate_vs_median_pct", "float", "Council's rate as a share of the cost-of-care median", "%"),
              _c("comparator_median", "float", "Median unit cost of the comparator authorities", "£")),
          "metrics.supply.segments.prices", provenance=()),
    Table("peers", "Each authority's nearest peers by NHS England's peer-group method (Census 2021 features, "
          "Euclidean distance over transformed, weighted features), or the peers list the user gave.", (
              _c("authority_code", "str", "The authority's GSS code"), _c("authority_name", "str", "The authority"),
              _c("peer_code", "str", "The peer's GSS code"), _c("peer_name", "str", "The peer"),
              _c("rank", "int", "1 for the nearest"),
              _c("distance", "float", "Euclidean distance over the scaled features (empty for a user's list)"),
              _c("features", "str", "The features used, each with its weight and chosen transform"),
              _c("source", "str", "computed (from the Census files named) or the user's peers list")),
          "metrics.comparators.peers.peer_table", provenance=()),
    Table("segment_ratings", "Where the council wants each market segment to grow, hold or shrink: the direction "
          "(the authority's override where given), the derived direction, and each criterion's mark with its "
          "evidence and rule (docs/market_health.md).", (
              _c("segment", "str", "Market segment key"), _c("direction", "str", "grow, hold, shrink or not_rated"),
              _c("derived_direction", "str", "The direction the rules give"),
              _c("override_reason", "str", "The authority's reason, where it overrides"),
              *(c for crit in ("quality", "supply", "demand", "workforce", "price") for c in (
                  _c(f"{crit}_mark", "str", f"{crit.capitalize()} mark"),
                  _c(f"{crit}_reason", "str", f"{crit.capitalize()}: the evidence, then the rule")))),
          "metrics.supply.segments.segment_ratings", provenance=()),
]}


# The workbook's sheet tab for each export table: words a reader knows, at most 31 characters and
# none of []:*?/\ (a spreadsheet's limits). The CSV keeps the machine name (contracts.csv); the
# workbook's tab reads "Contracts". One place: the workbook writer, its README and the tests read it.
SHEET_TITLES: dict[str, str] = {
    "demand": "Demand", "supply": "Supply", "gaps": "Gaps", "care_homes": "Care homes",
    "neighbourhoods": "Neighbourhoods", "kpis": "Performance indicators", "contracts": "Contracts",
    "finance": "Finance", "sources": "Sources", "beds_needed": "Beds needed",
    "older_growth": "Growth of older residents", "ownership": "Care home ownership",
    "opportunities": "Opportunities", "practices": "GP practices", "neighbourhood_gaps": "Neighbourhood gaps",
    "census_wards": "Census by ward", "neighbourhood_supply": "Neighbourhood supply",
    "market_changes": "Market changes", "concentration": "Ownership concentration",
    "quality": "Quality ratings", "workforce": "Workforce", "prices": "Prices and cost of care",
    "segment_ratings": "Market segment ratings", "ascof": "ASCOF outcomes", "fee_rates": "Fee rates",
    "census_demand": "Census carers and health", "peers": "Peer group",
}


def sheet_title(table: str) -> str:
    """The workbook sheet that holds export table `table` (its tab's name)."""
    return SHEET_TITLES[table]


# ---------------------------------------------------------------------------------------------
# "No data" is not 0: export cells that one kind of input file alone gives
@dataclass(frozen=True)
class NoData:
    """Export cells that only one kind of input file gives. When the store holds no file of that
    kind for the authority (or, for the CQC directory, a directory with no location in it), these
    cells are blank or their rows absent: never 0, never a number from elsewhere."""
    table: str
    columns: tuple[str, ...]
    kind: str                                      # the file kind (a prefix: gp_registrations covers both)
    rows: tuple[str, tuple[str, ...]] | None = None  # only rows whose column holds one of these values

    def applies(self, kinds) -> bool:
        """Whether the rule applies to a store holding files of ``kinds``: none of them is this kind."""
        return not any(k.startswith(self.kind) for k in kinds if k)


_CQC = "cqc_locations"
_CQC_SERVICES = ("nursing_beds", "residential_beds", "domiciliary_care", "supported_living", "extra_care")
NO_DATA: tuple[NoData, ...] = (
    NoData("supply", ("value",), _CQC, ("measure", ("homes", "beds", "locations"))),
    NoData("care_homes", ("homes", "beds", "pct_beds", "avg_beds_per_home"), _CQC),
    NoData("ownership", ("homes", "beds", "pct_homes", "pct_beds"), _CQC),
    NoData("beds_needed", ("occupied_per_1000", "beds_needed", "beds_now", "gap"), _CQC),
    NoData("gaps", ("numerator", "value"), _CQC,
           ("metric", ("care_home_beds_per_1000_75plus", "care_home_beds_per_1000_65plus"))),
    NoData("neighbourhood_supply", ("care_homes", "care_home_beds", "beds_per_1000_aged_75_plus"), _CQC),
    NoData("neighbourhood_gaps", ("supply", "per_1000", "benchmark_per_1000", "supply_gap"), _CQC,
           ("service", _CQC_SERVICES)),
    NoData("quality", ("locations", "rated", "not_yet_rated", "good_or_outstanding", "beds"), _CQC),
    NoData("concentration", ("total", "groups", "top1_pct", "hhi"), _CQC),
    NoData("market_changes", ("beds_from", "beds_to", "beds_change"), _CQC),
    NoData("neighbourhoods", ("registered_patients",), "gp_registrations"),
    NoData("neighbourhoods", ("dn_cases", "dn_pct", "asc_cases", "asc_pct", "joint_cases", "joint_pct"),
           "neighbourhood_caseloads"),
    NoData("neighbourhood_supply", ("registered_75_plus",), "gp_registrations"),
    NoData("practices", ("total_65_plus",), "gp_registrations"),
    NoData("neighbourhood_gaps", ("supply", "per_1000", "benchmark_per_1000", "supply_gap"),
           "neighbourhood_caseloads", ("service", ("social_care_cases",))),
    NoData("kpis", ("value", "region_value", "england_value", "comparators_value"), "fingertips"),
    NoData("ascof", ("value", "region_value", "england_value", "comparators_value"), "ascof"),
    NoData("fee_rates", ("council_fee", "region_fee", "england_fee", "comparator_median"), "msif_fee_rates"),
    NoData("finance", ("value_gbp",), "council_finance"),
    NoData("opportunities", tuple(f"{what}_{when}" for when in ("ending_6m", "ending_12m", "ending_24m", "running")
                                  for what in ("contracts", "annual_value")), "contracts_register"),
    NoData("workforce", ("value",), "skills_for_care_workforce"),
    NoData("prices", ("council_rate",), "asc_finance_unit_costs"),
)
for _rule in NO_DATA:  # a rule naming a column the table does not declare fails at import
    for _name in _rule.columns + ((_rule.rows[0],) if _rule.rows else ()):
        EXPORT_TABLES[_rule.table].column(_name)


# ---------------------------------------------------------------------------------------------
# The manifest (manifest.json beside the tables)
@dataclass(frozen=True)
class Authority:
    area_code: str | None = None
    area_name: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    comparators: tuple[str, ...] = ()   # GSS codes of the authorities it benchmarks against


@dataclass(frozen=True)
class SourceFile:
    path: str
    kind: str | None
    table: str | None
    sha256: str
    rows_read: int
    rows_kept: int
    ingested_at: str
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """What `mps ingest` writes beside the tables, and all the app reads of it."""
    ingested_at: str = ""
    source_dir: str = ""
    authority: Authority = Authority()
    profile: str | None = None                     # the profile folder the authority's facts came from
    branding: dict = field(default_factory=dict)   # organisation, primary_colour, logo (profile)
    targets: dict = field(default_factory=dict)    # the authority's targets (profile [targets])
    contacts: dict = field(default_factory=dict)   # commissioning contacts (profile [contacts])
    intentions: dict = field(default_factory=dict)  # commissioning intentions by client group
    default_client_group: str | None = None        # the client group Demand and Supply open on (profile)
    horizon: dict = field(default_factory=dict)    # the MPS horizon: target_year (profile [horizon])
    segment_overrides: dict = field(default_factory=dict)  # segment -> {direction, reason} (profile)
    peers: dict = field(default_factory=dict)      # peer-group settings: n_peers, excluded, weights (profile [peers])
    tables: dict = field(default_factory=dict)     # table name -> rows
    files: tuple[SourceFile, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        if not data:
            return cls()
        found = data.get("authority", {}) or {}
        authority = Authority(**{k: found.get(k) for k in ("area_code", "area_name", "region_code", "region_name")},
                              comparators=tuple(found.get("comparators") or ()))
        return cls(ingested_at=data.get("ingested_at", ""), source_dir=data.get("source_dir", ""),
                   authority=authority, profile=data.get("profile"),
                   branding=dict(data.get("branding", {})), targets=dict(data.get("targets", {})),
                   contacts=dict(data.get("contacts", {}) or {}), intentions=dict(data.get("intentions", {}) or {}),
                   segment_overrides=dict(data.get("segment_overrides", {}) or {}),
                   default_client_group=data.get("default_client_group") or None,
                   horizon=dict(data.get("horizon", {}) or {}),
                   peers=dict(data.get("peers", {}) or {}),
                   tables=dict(data.get("tables", {})),
                   files=tuple(SourceFile(**{k: f.get(k) for k in SourceFile.__dataclass_fields__ if k in f})
                               for f in data.get("files", [])))

    def file(self, name: str) -> SourceFile | None:
        return next((f for f in self.files if f.path == name), None)


# ---------------------------------------------------------------------------------------------
# Checking and conforming frames

def store_table(name: str) -> Table:
    try:
        return STORE_TABLES[name]
    except KeyError:
        raise ContractError(f"no store table {name!r} is declared in domain/contract.py") from None


def conform(frame: pd.DataFrame, table: Table | str, *, strict: bool = False) -> pd.DataFrame:
    """Exactly the declared columns, in declared order, each cast to its declared type; with
    ``strict``, a column the declaration does not name is refused too (what loaders must meet).

    Raises ContractError naming the table and the missing, undeclared or uncastable column: that
    is a bug in the code that built the frame (loaders turn bad input into InputError before this)."""
    table = store_table(table) if isinstance(table, str) else table
    missing = [c for c in table.names if c not in frame.columns]
    undeclared = [c for c in frame.columns if c not in table.names] if strict and not table.open_columns else []
    if missing or undeclared:
        raise ContractError(f"table {table.name}: missing {missing or 'none'}, undeclared {undeclared or 'none'}")
    out = {}
    for col in table.all_columns:
        values = frame[col.name]
        try:
            out[col.name] = _cast(values, col.dtype)
        except (TypeError, ValueError) as exc:
            raise ContractError(f"table {table.name}, column {col.name}: not {col.dtype} ({exc})") from None
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def _cast(values: pd.Series, dtype: str) -> pd.Series:
    if dtype in ("str", "date"):
        return _texts(values)
    if dtype == "float":
        return pd.to_numeric(values, errors="raise").astype("float64")
    if dtype == "int":
        numbers = pd.to_numeric(values, errors="raise")
        if numbers.isna().any():
            return numbers.astype("Int64")
        if len(numbers) and not (numbers == numbers.round()).all():
            raise ValueError("has fractions")
        return numbers.astype("int64")
    if dtype == "bool":
        if values.isna().any():
            return values.astype("boolean")
        return values.astype(bool)
    raise ValueError(dtype)


def _texts(values: pd.Series) -> pd.Series:
    """`_text` of every value, vectorised where the column allows: text (and missing) values are
    kept as they are with None for missing; a column of one numeric or boolean type converts each
    distinct value once; only a column mixing types goes value by value."""
    if isinstance(values.dtype, pd.StringDtype):  # Arrow-backed text (a national CSV's columns):
        return values.astype("str")  # kept in Arrow, so it is written without a copy per cell
    if values.dtype.kind in "iufb":
        return values.map({v: _text(v) for v in values.dropna().unique()}).astype(object).where(values.notna(), None)
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.where(values.notna(), None).astype(object)
    return values.map(_text).astype(object)


def _text(v) -> str | None:
    """A cell as stored text: None when missing, dates as ISO 8601 (YYYY-MM-DD)."""
    if _isna(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def _isna(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# docs/contract.md

def markdown() -> str:
    """The contract as Markdown: `python -m domain.contract > docs/contract.md`."""
    lines = ["# The store contract", "",
             "Generated from `domain/contract.py` by `python -m domain.contract > docs/contract.md`; "
             "do not edit by hand (a test fails when this file and the declaration differ).", "",
             "Types: `str` text, `int` whole number, `float` number, `bool` true/false, "
             "`date` ISO 8601 text (YYYY-MM-DD). Every value may be missing unless its description "
             "says otherwise; a suppressed count is missing, never zero.", "",
             "## Store tables (`mps ingest` writes one Parquet file each)", ""]
    for t in STORE_TABLES.values():
        lines += _table_md(t)
    lines += ["## Export tables (`mps export` writes one CSV or workbook sheet each)", ""]
    for t in EXPORT_TABLES.values():
        lines += _table_md(t)
    lines += ["## The manifest (`manifest.json`)", "",
              "| field | what it is |", "|---|---|"]
    notes = {"ingested_at": "UTC time of the ingest (ISO 8601); the store's version",
             "source_dir": "The folder that was ingested",
             "authority": "area_code, area_name, region_code, region_name and comparators (GSS codes)",
             "profile": "The authority's profile folder (docs/profile.md), or null when it has none",
             "branding": "organisation, primary_colour and logo from the profile (or mps.toml)",
             "targets": "The authority's targets from its profile's [targets] (e.g. carers_new_contacts)",
             "contacts": "Commissioning contacts from the profile's [contacts]",
             "intentions": "Commissioning intentions by client group from the profile's [intentions]",
             "default_client_group": "The client group Demand and Supply open on (profile), or null",
             "horizon": "The MPS horizon's target year from the profile's [horizon] (target_year), or empty: 2030",
             "segment_overrides": "The authority's own direction per market segment, with its reason "
                                  "(profile [segment_overrides.<segment>])",
             "peers": "Peer-group settings from the profile's [peers]: n_peers, excluded (names), "
                      "[peers.weights] (metrics/comparators/peers.py; empty: the published defaults)",
             "tables": "Rows per table", "files": "One entry per source file: " +
             ", ".join(SourceFile.__dataclass_fields__)}
    for name in Manifest.__dataclass_fields__:
        lines.append(f"| `{name}` | {notes[name]} |")
    return "\n".join(lines) + "\n"


def _table_md(t: Table) -> list[str]:
    out = [f"### `{t.name}`", "", t.description, ""]
    if t.name in SHEET_TITLES and EXPORT_TABLES.get(t.name) is t:
        out += [f"Workbook sheet: {SHEET_TITLES[t.name]}.", ""]
    if t.produced_by:
        out.append("Written by " + ", ".join(f"`{w}`" for w in t.produced_by.split(", ")) + "."
                   + (f" Key: {', '.join(t.key)}." if t.key else ""))
        out.append("")
    if t.open_columns:
        out += [f"Further columns: {t.open_columns}.", ""]
    if t.partitioned:
        out += ["Partitioned by area code (a folder per area, `<table>/area_code=<GSS>/`): read per authority.", ""]
    if t.profile_own:
        out += ["The profile authority's own: empty when the store is seen as another authority.", ""]
    out += ["| column | type | unit | description |", "|---|---|---|---|"]
    out += [f"| `{c.name}` | {c.dtype} | {c.unit} | {c.description} |" for c in t.all_columns]
    rules = [r for r in NO_DATA if r.table == t.name and t.name in EXPORT_TABLES and EXPORT_TABLES[t.name] is t]
    if rules:
        out += [""] + [f"Blank (or the row left out), never 0, when the store holds no `{r.kind}` file for the "
                       f"authority: {', '.join(f'`{c}`' for c in r.columns)}"
                       + (f" of rows whose `{r.rows[0]}` is {', '.join(f'`{v}`' for v in r.rows[1])}" if r.rows else "")
                       + "." for r in rules]
    return out + [""]


if __name__ == "__main__":
    print(markdown(), end="")
