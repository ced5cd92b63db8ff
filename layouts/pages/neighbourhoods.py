"""Neighbourhoods: demand against supply where people live. The ward map (the authority's own
boundaries, shaded by a rate, no map tiles) or the schematic tile map when no boundaries are
loaded; the client group x neighbourhood matrix with the borough rate as each cell's benchmark and
the largest gaps in words; resident against registered population; census by ward; caseloads,
care homes and practices. Small numbers are suppressed."""
import dash
from dash import dcc, html

from domain.labels import CENSUS_MEASURE_LABELS, CLIENT_GROUP_LABELS
from metrics.places import areas as census_areas
from metrics.places.area_profile import areas
from metrics.places.neighbourhood_gaps import CASELOAD_GROUP, CASELOAD_SERVICE, MAP_SERVICES, PHRASES
from sentences.places import carers_reach_sentence
from .. import context, figures, ids
from ..components import (chart_block, data_table, empty_store_notice, missing_notice, no_neighbourhoods_notice, page,
                          select)

REGISTERED_NOT_RESIDENT = (
    "Registered patients are counted at their GP practice, not where they live: people who live in a "
    "neighbouring borough but are registered here are included, so the neighbourhoods can add up to more "
    "than the borough's resident population.")
GROUPS = [*CLIENT_GROUP_LABELS.items(), (CASELOAD_GROUP, "All registered patients (caseloads)")]
SERVICE_OPTIONS = [("demand", "Estimated people (demand)")] + [
    (s, PHRASES[s].capitalize() + " per 1,000 of demand") for s in MAP_SERVICES if s != "demand"]
LEVELS = [("neighbourhood", "Neighbourhoods"), ("ward", "Wards")]


def choices(client_group=None, service=None, level=None, has_wards=False):
    """The page's selections from the URL, each checked against its options (defaults otherwise)."""
    client_group = client_group if client_group in dict(GROUPS) else "older_people"
    default_service = CASELOAD_SERVICE if client_group == CASELOAD_GROUP else "nursing_beds"
    service = service if service in dict(SERVICE_OPTIONS) else default_service
    level = level if level in dict(LEVELS) and has_wards else "neighbourhood"
    return client_group, service, level


CENSUS_SHARES = {"unpaid_carers_pct": "Provides unpaid care", "unpaid_care_50_plus_pct": "Unpaid care, 50+ hours",
                 "limited_a_lot_pct": "Activities limited a lot", "bad_health_pct": "Bad health"}
CENSUS_TITLE = "Census by ward: unpaid care, disability and general health"
CENSUS_INTRO = ("Share of each ward's residents against the authority's (its own row in the census files, else the "
                "wards' sum); unpaid care in Census 2021 is counted among residents aged 5 and over. Carers reached are "
                "counted for the borough only in the inputs, so carers are compared by ward with the borough's share, "
                "not with support by ward.")


def census_view(store):
    """(table, figure, caption, source) of the census by ward: every measure the authority's
    census tables give, by ward, with its share and the authority's; the wards' sums checked
    against the authority's row. Shared by the page's callback and its no-profile layout."""
    census = census_areas.census_by_ward(store)
    if census.empty:
        return census, figures.empty("No census table by ward in the store"), "Census by ward", ""
    year = int(census["census_year"].iloc[0])
    rec = census_areas.census_reconciliation(store)
    off = rec[(rec["difference"] != 0) & ~rec["measure"].str.startswith("total_")]
    if rec.empty:
        check = "No authority row in the census files to check the ward sums against."
    elif off.empty:
        check = "Ward sums match the authority's own row for every measure."
    else:
        check = (f"Ward sums differ from the authority's own row for {len(off)} measure(s) (ONS perturbs census "
                 "counts, so a few people either way is expected): "
                 + "; ".join(f"{CENSUS_MEASURE_LABELS.get(r.measure, r.measure)} by {r.difference:+,.0f}"
                             for r in off.itertuples()) + ".")
    shares = [c for c in CENSUS_SHARES if c in census and census[c].notna().any()]
    if shares:
        long = census.melt(id_vars="ward_name", value_vars=shares, var_name="measure", value_name="pct")
        long["measure"] = long["measure"].map(CENSUS_SHARES)
        base = " (unpaid care: of residents aged 5+)" if year >= 2021 and any("unpaid" in c for c in shares) else ""
        fig = figures.bars(long, "ward_name", "pct", f"Census {year}: unpaid care, disability and health by ward, "
                           f"% of residents{base}", series="measure", y_title="% of residents")
    else:
        fig = figures.empty(f"The Census {year} tables give no shares by ward")
    cols = ["ward_code", "ward_name", "neighbourhood_code", "census_year", "residents"] + [
        c for m in census_areas.WARD_MEASURES if m != "residents" for c in (m, f"{m}_pct", f"{m}_borough_pct")]
    table = census[[c for c in cols if c in census]]
    if table["neighbourhood_code"].isna().all():
        table = table.drop(columns="neighbourhood_code")
    source = (f"Census {year} (ONS) by ward, the authority's files. {check} " + carers_reach_sentence(store))
    return table.round(1), fig, f"Census {year} by ward", source.strip()


def _census_only(store):
    """The census by ward for an authority without a neighbourhood lookup: drawn here, with no
    callback (the page's callbacks need neighbourhoods)."""
    table, fig, caption, source = census_view(store)
    if table.empty:
        return None
    return html.Section([
        html.H2(CENSUS_TITLE, id=f"{ids.HOOD_CENSUS}-heading"),
        html.P(CENSUS_INTRO, className="intro"),
        html.Figure([dcc.Graph(figure=fig, config={"displaylogo": False, "responsive": "auto"}, className="chart"),
                     html.Figcaption(source, className="source")], className="chart-figure"),
        html.Details([html.Summary("Show the data as a table"), data_table(table, caption)], className="table-twin"),
        html.P(["Every census measure by ward, with the wards' sums against the authority's row, is the ",
                html.Code("census_wards"), " table of the CSV export and workbook (Downloads)."], className="note"),
    ], className="chart-block", **{"aria-labelledby": f"{ids.HOOD_CENSUS}-heading"})


def _area_links(known):
    return html.Details([
        html.Summary("Open an area's profile"),
        html.Ul([html.Li(dcc.Link(f"{r.name} ({r.level})", href=f"/area?code={r.code}")) for r in known.itertuples()],
                className="area-links"),
    ], className="area-index") if len(known) else None


def layout(client_group=None, service=None, level=None, area=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    if not store.has("lookup_neighbourhoods") or not store.has("lookup_practices"):
        return page("Neighbourhoods", "Demand by neighbourhood.", no_neighbourhoods_notice(store.authority.area_code),
                    _census_only(store), _area_links(areas(store)), query_id=ids.query("neighbourhoods"))
    missing = [k for k, t in [("GP registrations", "registrations")] if not store.has(t)]
    has_wards = store.has("boundaries") and store.has("census")  # ward values need census residents
    client_group, service, level = choices(client_group, service, level, has_wards)
    known = areas(store)
    area = area if area in set(known["code"]) else None
    links = _area_links(known)
    map_intro = ("The authority's ward boundaries, shaded by the rate chosen above, with each neighbourhood's outline "
                 "dissolved from its wards. Click an area's marker to select it; the table below the map holds every "
                 "value." if has_wards else
                 "A schematic map, each square one neighbourhood placed roughly north to south: load the authority's "
                 "ward boundaries (GeoJSON) to draw its wards instead.")
    return page(
        "Neighbourhoods",
        "Demand against supply where people live: the authority's age-specific prevalence rates applied to the "
        "patients registered at each neighbourhood's GP practices, set against the care services registered there.",
        missing_notice(missing, store) if missing else None,
        html.Div([select(ids.HOOD_GROUP, "Client group", GROUPS, client_group),
                  select(ids.HOOD_SERVICE, "Show", SERVICE_OPTIONS, service),
                  select(ids.HOOD_LEVEL, "Areas", LEVELS if has_wards else LEVELS[:1], level)], className="controls"),
        dcc.Store(id=ids.HOOD_AREA, data=area), dcc.Store(id=ids.HOOD_READY),
        chart_block(ids.HOOD_MAP, "Where people live: demand and supply on the map", map_intro),
        html.Section(id=ids.HOOD_SELECTED, className="selected-area", **{"aria-live": "polite"}),
        links,
        html.Section([html.H2("The largest gaps", id=f"{ids.HOOD_GAPS}-heading"),
                      html.P("Cells furthest below the borough rate (supply per 1,000 of demand), largest shortfall "
                             "first; only cells where the borough rate would give at least one bed, service or case.",
                             className="intro"),
                      html.Div(id=ids.HOOD_GAPS)], **{"aria-labelledby": f"{ids.HOOD_GAPS}-heading"}),
        chart_block(ids.HOOD_MATRIX, "Demand against supply: client group by neighbourhood",
                    "Each cell is the area's supply per 1,000 of its estimated demand as a share of the borough's "
                    "(100 = the borough rate). Supply is CQC-registered services placed by the authority's postcode "
                    "lookup, else by the directory's coordinates inside the ward boundaries, else by postcode "
                    "district (approximate); beds are counted once, under nursing if a home is registered for both."),
        chart_block(ids.HOOD_RESIDENT, "Resident and registered population by neighbourhood"),
        html.P(id=ids.HOOD_RESIDENT_NOTE, className="note"),
        chart_block(ids.HOOD_CENSUS, CENSUS_TITLE, CENSUS_INTRO),
        chart_block(ids.HOOD_CASELOAD_CHART, "Registered patients and caseloads",
                    REGISTERED_NOT_RESIDENT),
        chart_block(ids.HOOD_SUPPLY_CHART, "Care homes and GP practices by neighbourhood",
                    "Older people's care home beds per 1,000 registered patients aged 75 and over. Counts of homes and "
                    "practices are public register entries, not people, so they are not suppressed."),
        chart_block(ids.HOOD_PRACTICES, "Practices: registered patients aged 65 and over, by neighbourhood",
                    REGISTERED_NOT_RESIDENT),
        query_id=ids.query("neighbourhoods"),
    )


dash.register_page(__name__, path="/neighbourhoods", name="Neighbourhoods",
                   title="Neighbourhoods - Market Position Statement", order=50, layout=layout)
