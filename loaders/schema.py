"""The store's tables and their columns: the contract between loaders and metrics.

Each loader returns exactly these columns (in any order; extra columns are dropped with no
complaint). Provenance columns `source_file`, `source_sheet` (None for CSV) and `source_row`
(the 1-based row a person sees in the file) are on every table.
"""
PROVENANCE = ["source_file", "source_sheet", "source_row"]

TABLES: dict[str, list[str]] = {
    # POPPI/PANSI (and any table of the same shape): one row per label row x year.
    "prevalence": ["tool", "area_code", "area_name", "area_type", "measure", "client_group",
                   "sex", "age_band", "is_total", "year", "value", "table_title",
                   "source_version"],
    # ONS SNPP / mid-year estimates: single years of age aggregated to 5-year bands + totals.
    "population": ["dataset", "area_code", "area_name", "area_type", "sex", "age_band", "year",
                   "value"],
    # OHID Fingertips: one row per indicator x area x sex x age x category x period.
    "indicators": ["indicator_id", "indicator_name", "parent_code", "parent_name", "area_code",
                   "area_name", "area_type", "sex", "age", "category_type", "category",
                   "is_breakdown", "period", "year", "value", "lower_ci_95", "upper_ci_95",
                   "lower_ci_99_8", "upper_ci_99_8", "count", "denominator", "value_note",
                   "recent_trend", "compared_to_england", "compared_to_parent",
                   "compared_to_parent_label"],
    # CQC HSCA active locations: one row per location (core columns).
    "care_providers": ["location_id", "location_name", "care_home", "dormant", "beds",
                       "type_sector", "directorate", "primary_category", "rating",
                       "publication_date", "region", "local_authority", "ccg_code", "ccg_name",
                       "address", "city", "postcode", "latitude", "longitude", "brand_id",
                       "brand_name", "provider_id", "provider_name", "ownership_type",
                       "hsca_start_date", "as_at"],
    # The flag families of the same file, long: one row per location x flag that is 'Y'.
    "care_provider_services": ["location_id", "family", "flag"],
    # NHS Digital registered patients: practice x sex x age band at an extract date.
    "registrations": ["extract_date", "publication", "practice_code", "practice_postcode",
                      "ccg_code", "sex", "age_band", "patients"],
    # Contracts registers, mapped through the synonym table.
    "contracts": ["organisation", "reference", "title", "department", "description", "supplier",
                  "start_date", "end_date", "total_value", "annual_value", "client_group",
                  "service", "sme", "vcse"],
    # Council-funded people (SALT-like, the council's own table).
    "activity": ["period", "year", "client_group", "support_reason", "support_setting",
                 "setting", "age_band", "location", "clients"],
    # Budgets and savings (the council's own table).
    "finance": ["organisation", "item", "period", "year", "value_gbp", "note"],
    # Caseloads per neighbourhood (seed 003 Table 1 shape; the council's own table).
    "caseloads": ["period", "neighbourhood_code", "neighbourhood_name", "service", "cases"],
}


def columns(table: str) -> list[str]:
    return TABLES[table] + PROVENANCE
