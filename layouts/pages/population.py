"""Population (MPS s3.1): projections by broad age group and the age profile."""
import dash
from dash import html

from metrics.demand.population import areas
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
    auth = store.authority
    held = auth.area_code in codes
    # Never another authority's figures by default: the authority's own, else its region or England,
    # said in words (another authority's page once opened on the profile authority's population).
    fallback = next((c for c in (auth.region_code, "E92000001") if c in codes), codes[0])
    area = area if area in codes else (auth.area_code if held else fallback)
    measure = measure if measure in dict(MEASURES) else "people"
    notice = None if held else html.Div([
        html.H2(f"No population projection for {auth.area_name or auth.area_code} is in the data loaded"),
        html.P(f"The ONS subnational population projections loaded do not cover {auth.area_name or 'this authority'}, "
               f"so the page opens on {dict(options)[fallback]}. Add the ONS SNPP files that include it and run "
               "mps ingest again.")], className="notice missing-data", id="population-not-held")
    return page(
        "Population",
        "Current and projected population from ONS subnational population projections.",
        notice,
        html.Div([select(ids.POP_AREA, "Area", options, area),
                  select(ids.POP_MEASURE, "Show", MEASURES, measure)], className="controls"),
        chart_block(ids.POP_CHART, "Projected population by age group"),
        chart_block(ids.POP_AGE_CHART, "Age profile now and in ten years"),
        query_id=ids.query("population"),
    )


dash.register_page(__name__, path="/population", name="Population",
                   title="Population - Market Position Statement", order=10, layout=layout)
