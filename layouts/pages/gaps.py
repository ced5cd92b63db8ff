"""Demand versus supply (gaps), with what-if controls: benchmark ratio, occupancy, projection year."""
import dash
from dash import html

from metrics.gaps import projection_years
from domain.vocabulary import DEFAULT_OCCUPANCY, OCCUPANCY_RANGE
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, number_input, page, select


def _num(v, default):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def layout(benchmark=None, occupancy=None, year=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    years = projection_years(store)
    missing = [k for k, t in [("CQC care directory", "care_providers"), ("POPPI/PANSI tables", "prevalence")]
               if not store.has(t)]
    if missing:
        return page("Demand versus supply", "", missing_notice(missing), query_id=ids.query("gaps"))
    year = int(year) if str(year).isdigit() and int(year) in years else (years[-1] if years else None)
    return page(
        "Demand versus supply",
        "Where demand outstrips supply: each measure with its numerator, denominator and benchmark, and the "
        "care home beds needed as the older population grows.",
        html.Div([
            number_input(ids.GAPS_BENCHMARK, "Benchmark: occupied beds per 1,000 people aged 75+",
                         _num(benchmark, None), min=0, max=200, step=0.1,
                         hint="Leave empty to hold today's ratio."),
            number_input(ids.GAPS_OCCUPANCY, "Occupancy (%)", _num(occupancy, round(DEFAULT_OCCUPANCY * 100)),
                         min=round(OCCUPANCY_RANGE[0] * 100), max=round(OCCUPANCY_RANGE[1] * 100), step=1),
            select(ids.GAPS_YEAR, "Projection year", [(y, str(y)) for y in years], year),
        ], className="controls", role="group", **{"aria-label": "What-if settings"}),
        html.P(id=ids.GAPS_SUMMARY, className="summary", **{"aria-live": "polite"}),
        chart_block(ids.GAPS_BEDS_CHART, "Care home beds needed for older people"),
        chart_block(ids.GAPS_TABLE_CHART, "Gap measures"),
        query_id=ids.query("gaps"),
    )


dash.register_page(__name__, path="/gaps", name="Demand vs supply", title="Demand versus supply - Market Position Statement",
                   order=40, layout=layout)
