"""Demand by client group (MPS s3): projections, comparison with London and England, and the
rationale-for-change sentences."""
import dash
from dash import html

from domain.labels import CLIENT_GROUP_LABELS
from metrics.places.areas import census_year
from metrics.demand.demand import client_groups_present, growth_years, mps_horizon, ons_years, years_present
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


def layout(client_group=None, from_year=None, to_year=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    groups = client_groups_present(store)
    years = years_present(store)
    growth = _growth_block(store)
    if not groups:  # another authority's POPPI/PANSI are not in the store: its ONS projections may be
        ons = ons_years(store)
        if not ons:
            return page("Demand by client group", "", missing_notice(["POPPI/PANSI tables"], store),
                        _census_block(store), query_id=ids.query("demand"))
        start, end = growth_years(ons, from_year, to_year)
        options = [(y, str(y)) for y in ons]
        return page(
            "Demand by client group", "How the number of older residents is projected to change (ONS).",
            missing_notice(["POPPI/PANSI tables"], store),
            html.Div([select(ids.DEMAND_FROM, "From year", options, start),
                      select(ids.DEMAND_TO, "To year", options, end)],
                     className="controls", role="group", **{"aria-label": "Choose what to show"}),
            growth, _census_block(store), query_id=ids.query("demand"))
    if client_group not in groups:  # the URL's, else the profile's, else the first the store holds
        preferred = store.manifest.default_client_group
        client_group = preferred if preferred in groups else groups[0]
    from_year = int(from_year) if str(from_year).isdigit() and int(from_year) in years else years[0]
    # The MPS horizon (metrics.demand.demand.mps_horizon) unless the address asks for other years.
    horizon = mps_horizon(store, [y for y in years if y >= from_year])[1]
    to_year = int(to_year) if str(to_year).isdigit() and int(to_year) in years else (horizon or years[0])
    year_options = [(y, str(y)) for y in years]
    return page(
        "Demand by client group",
        "How many people are estimated to need care and support, and how that is projected to change "
        "(POPPI for people aged 65 and over, PANSI for adults aged 18-64).",
        html.Div([
            select(ids.DEMAND_GROUP, "Client group", [(g, CLIENT_GROUP_LABELS.get(g, g)) for g in groups], client_group),
            select(ids.DEMAND_FROM, "From year", year_options, from_year),
            select(ids.DEMAND_TO, "To year", year_options, to_year),
        ], className="controls", role="group", **{"aria-label": "Choose what to show"}),
        html.Section([html.H2("Rationale for change"), html.Ul(id=ids.DEMAND_SENTENCES)],
                     className="sentences", **{"aria-live": "polite"}),
        chart_block(ids.DEMAND_CHART, "Projected numbers"),
        chart_block(ids.DEMAND_COMPARE_CHART,
                    f"Rate per 1,000 compared with {store.authority.region_name or 'the region'} and England",
                    "Shown where the store holds the region's and England's tables for the same measure."),
        growth,
        _census_block(store),
        query_id=ids.query("demand"),
    )


def _growth_block(store):
    a = store.authority
    return chart_block(
        ids.DEMAND_GROWTH_CHART,
        f"Projected growth of older residents: {a.area_name} against {a.region_name or 'its region'}, England "
        "and its comparator authorities",
        "From the ONS subnational population projections, one projection for every area: the change in "
        "residents aged 65+, 75+ and 85+ between the years chosen, the comparator authorities as their "
        "median.")


def _census_block(store):
    """Census unpaid carers and people in bad health: by ward, and against the comparators."""
    year = census_year(store)
    if year is None:
        return missing_notice(["Census 2021 tables (Nomis bulk TS037 general health, TS038 disability, TS039 "
                               "unpaid care)"], store)
    a = store.authority
    return html.Div([
        chart_block(ids.DEMAND_CENSUS_COMPARE_CHART,
                    f"Census {year}: unpaid carers, bad health and disability in {a.area_name} against its "
                    f"comparators, {a.region_name or 'its region'} and England",
                    "Shares of usual residents (unpaid care: of residents aged 5 and over), where the store holds "
                    "each area's census table."),
        chart_block(ids.DEMAND_CENSUS_WARDS_CHART, f"Census {year}: unpaid carers and people in bad health by ward",
                    "Each ward's share against the authority's (LSOA counts summed to wards through ONS's best-fit "
                    "lookup where the tables came by LSOA)."),
    ], id=ids.DEMAND_CENSUS)


dash.register_page(__name__, path="/demand", name="Demand", title="Demand by client group - Market Position Statement",
                   order=20, layout=layout)
