"""Every component id in one place, so pages and callbacks cannot drift apart."""
URL = "url"
AUTHORITY_PICKER = "authority-picker"
AUTHORITY_PROBLEM = "authority-problem"
COMPARATOR_PICKER = "comparator-picker"
COMPARATOR_PROBLEM = "comparator-problem"
PERF_COMPARATORS = "performance-comparators"
MAIN = "main-content"
NAV = "site-nav"


def graph(prefix: str) -> str:
    return f"{prefix}-graph"


def table(prefix: str) -> str:
    return f"{prefix}-table"


def source(prefix: str) -> str:
    return f"{prefix}-source"


def data(prefix: str) -> str:
    return f"{prefix}-data"


def download(prefix: str) -> str:
    return f"{prefix}-download"


def download_button(prefix: str) -> str:
    return f"{prefix}-download-button"


def query(page: str) -> str:
    return f"{page}-query"


# Population
POP_AREA = "population-area"
POP_CHART = "population-chart"
POP_AGE_CHART = "population-age-chart"
POP_MEASURE = "population-measure"
# Demand
DEMAND_GROUP = "demand-client-group"
DEMAND_FROM = "demand-from-year"
DEMAND_TO = "demand-to-year"
DEMAND_CHART = "demand-chart"
DEMAND_COMPARE_CHART = "demand-compare-chart"
DEMAND_SENTENCES = "demand-sentences"
DEMAND_GROWTH_CHART = "demand-growth-chart"
DEMAND_CENSUS = "demand-census"
DEMAND_CENSUS_WARDS_CHART = "demand-census-wards-chart"
DEMAND_CENSUS_COMPARE_CHART = "demand-census-compare-chart"
# Supply
SUPPLY_VIEW = "supply-view"
SUPPLY_CHART = "supply-chart"
SUPPLY_GROUP = "supply-client-group"
SUPPLY_PLACEMENTS_CHART = "supply-placements-chart"
# Gaps
GAPS_BENCHMARK = "gaps-benchmark"
GAPS_OCCUPANCY = "gaps-occupancy"
GAPS_YEAR = "gaps-year"
GAPS_BEDS_CHART = "gaps-beds-chart"
GAPS_TABLE_CHART = "gaps-metrics-chart"
GAPS_SUMMARY = "gaps-summary"
# Neighbourhoods
HOOD_GROUP = "neighbourhood-client-group"
HOOD_MAP = "neighbourhood-map"
HOOD_CASELOAD_CHART = "neighbourhood-caseload-chart"
HOOD_PRACTICES = "neighbourhood-practices"
HOOD_SUPPLY_CHART = "neighbourhood-supply-chart"
HOOD_SERVICE = "neighbourhood-service"
HOOD_LEVEL = "neighbourhood-level"
HOOD_AREA = "neighbourhood-area"            # the selected ward or neighbourhood (a dcc.Store)
HOOD_SELECTED = "neighbourhood-selected"
HOOD_MATRIX = "neighbourhood-matrix"
HOOD_GAPS = "neighbourhood-gaps"
HOOD_RESIDENT = "neighbourhood-resident"
HOOD_RESIDENT_NOTE = "neighbourhood-resident-note"
HOOD_CENSUS = "neighbourhood-census"
HOOD_READY = "neighbourhood-map-ready"     # set once the map is drawn: the blocks below load after it
# Area profile
AREA_PRINT = "area-print"
AREA_PRINT_SINK = "area-print-sink"
GAPS_BASIS = "gaps-basis"
GAPS_HOME_TYPE = "gaps-home-type"
GAPS_POSITION = "gaps-position"
GAPS_POSITION_CHART = "gaps-position-chart"
GAPS_BENCH_CHART = "gaps-benchmarks-chart"
GAPS_BENCHMARK_ERROR = "gaps-benchmark-error"
GAPS_OCCUPANCY_ERROR = "gaps-occupancy-error"
# Opportunities
OPP_WINDOW = "opportunities-window"
OPP_GROUP = "opportunities-client-group"
OPP_CHART = "opportunities-chart"
OPP_CONTRACTS_CHART = "opportunities-contracts-chart"
OPP_MEANING = "opportunities-meaning"
OPP_EXCLUDED_NOTE = "opportunities-excluded-note"
OPP_EXCLUDED_BUTTON = "opportunities-excluded-button"
OPP_EXCLUDED_DOWNLOAD = "opportunities-excluded-download"
# Performance
PERF_SEX = "performance-sex"
PERF_CHART = "performance-chart"
PERF_ASCOF = "performance-ascof"
# Resources
RES_ORG = "resources-organisation"
RES_CHART = "resources-chart"
# Market health
MH_SEGMENT = "market-health-segment"
MH_FROM = "market-health-from-edition"
MH_RATINGS = "market-health-ratings"
MH_RATINGS_CHART = "market-health-ratings-chart"
MH_CHANGES_CHART = "market-health-changes-chart"
MH_BANDS_CHART = "market-health-bands-chart"
MH_QUALITY_CHART = "market-health-quality-chart"
MH_CONCENTRATION_CHART = "market-health-concentration-chart"
MH_WORKFORCE_CHART = "market-health-workforce-chart"
MH_PRICES_CHART = "market-health-prices-chart"
MH_FEES_CHART = "market-health-fees"
OVERVIEW_CHANGES = "overview-changes"
