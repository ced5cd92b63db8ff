"""Demand versus supply (gaps): today's beds position (registered, occupied, council-funded;
residential and nursing apart), benchmarks, and the what-if: benchmark, occupancy, home type,
projection year."""
import dash
from dash import html

from metrics.supply.gaps import bed_benchmarks, occupancy_basis, projection_years
from domain.vocabulary import OCCUPANCY_RANGE
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, number_input, page, select

BASES = ("today", "region", "england", "comparators", "custom")


def _num(v, default):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def _basis_options(store) -> list[tuple[str, str]]:
    """Benchmarks with their values shown; those the data cannot give say so."""
    bench = bed_benchmarks(store).set_index("basis")
    out = []
    for key in ("today", "region", "england", "comparators"):
        if key not in bench.index:
            continue
        r = bench.loc[key]
        name = "Today's ratio" if key == "today" else str(r["area_name"])
        if r["beds_per_1000"] == r["beds_per_1000"] and r["beds_per_1000"] is not None:
            out.append((key, f"{name}: {r['beds_per_1000']:.1f} beds per 1,000 aged 75+"))
        else:
            out.append((key, f"{name}: not in the data loaded"))
    return out + [("custom", "My own value (below)")]


def layout(basis=None, benchmark=None, occupancy=None, year=None, home_type=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    years = projection_years(store)
    missing = [k for k, t in [("CQC care directory", "care_providers"), ("POPPI/PANSI tables", "prevalence")]
               if not store.has(t)]
    if missing:
        return page("Demand versus supply", "", missing_notice(missing, store), query_id=ids.query("gaps"))
    year = int(year) if str(year).isdigit() and int(year) in years else (2030 if 2030 in years else
                                                                        (years[-1] if years else None))
    options = _basis_options(store)
    basis = basis if basis in dict(options) else ("custom" if benchmark not in (None, "") else "today")
    home_type = home_type if home_type in ("all", "residential", "nursing") else "all"
    low, high = (round(x * 100) for x in OCCUPANCY_RANGE)
    real = occupancy_basis(store)  # the authority's real occupancy where loaded, else the assumed default
    start = round(real.occupancy * 100, 1)
    basis_words = real.sentence[0].lower() + real.sentence[1:]
    return page(
        "Demand versus supply",
        "Where demand outstrips supply. It starts from today's position: the care home beds registered against "
        "the need projected as the older population grows; change the benchmark, occupancy and home type to see "
        "what would be needed.",
        html.Section([
            html.H2("Today's position", id="gaps-position-heading"),
            html.Div(id=ids.GAPS_POSITION, **{"aria-live": "polite"}),
        ], **{"aria-labelledby": "gaps-position-heading"}),
        chart_block(ids.GAPS_POSITION_CHART, "Beds today: registered, occupied and council-funded"),
        html.Div([
            select(ids.GAPS_BASIS, "Benchmark (care home beds per 1,000 people aged 75+)", options, basis),
            html.Div([
                number_input(ids.GAPS_BENCHMARK, "My own benchmark: occupied beds per 1,000 people aged 75+",
                             _num(benchmark, None), step=0.1,  # the range is checked (and said) by the callback
                             hint="Used when 'My own value' is chosen; 0 to 200.",
                             error_id=ids.GAPS_BENCHMARK_ERROR),
                number_input(ids.GAPS_OCCUPANCY, "Occupancy (%)", _num(occupancy, start),
                             step=0.1, hint=f"{low} to {high}. Starts at {basis_words}",
                             error_id=ids.GAPS_OCCUPANCY_ERROR),
            ]),
            select(ids.GAPS_HOME_TYPE, "Home type", [("all", "All care homes"), ("residential", "Residential"),
                                                     ("nursing", "Nursing")], home_type),
            select(ids.GAPS_YEAR, "Projection year", [(y, str(y)) for y in years], year),
        ], className="controls", role="group", **{"aria-label": "What-if settings"}),
        html.P(id=ids.GAPS_SUMMARY, className="summary", **{"aria-live": "polite"}),
        chart_block(ids.GAPS_BEDS_CHART, "Care home beds needed for older people"),
        chart_block(ids.GAPS_BENCH_CHART, "Benchmarks: beds per 1,000 people aged 75+",
                    "London, England and the comparator authorities where the data loaded holds their beds and "
                    "populations; the table says what is missing."),
        chart_block(ids.GAPS_TABLE_CHART, "Gap measures"),
        query_id=ids.query("gaps"),
    )


dash.register_page(__name__, path="/gaps", name="Demand vs supply", title="Demand versus supply - Market Position Statement",
                   order=40, layout=layout)
