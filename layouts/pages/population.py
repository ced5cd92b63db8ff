"""Population (MPS s3.1): projections by broad age group and the age profile."""
import dash
from dash import html

from metrics.population import areas
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


MEASURES = [("people", "Number of people"), ("index", "Index (base year = 100)")]


def layout(area=None, measure=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    options = areas(store)
    if not options:
        return page("Population", "", missing_notice(["ONS population projections (SNPP)"], store),
                    query_id=ids.query("population"))
    codes = [c for c, _ in options]
    area = area if area in codes else (store.authority.area_code if store.authority.area_code in codes else codes[0])
    measure = measure if measure in dict(MEASURES) else "people"
    return page(
        "Population",
        "Current and projected population from ONS subnational population projections.",
        html.Div([select(ids.POP_AREA, "Area", options, area),
                  select(ids.POP_MEASURE, "Show", MEASURES, measure)], className="controls"),
        chart_block(ids.POP_CHART, "Projected population by age group"),
        chart_block(ids.POP_AGE_CHART, "Age profile now and in ten years"),
        query_id=ids.query("population"),
    )


dash.register_page(__name__, path="/population", name="Population",
                   title="Population - Market Position Statement", order=10, layout=layout)
