"""Neighbourhoods: demand against supply where people live. The ward map (the authority's own
boundaries, shaded by a rate, no map tiles) or the schematic tile map when no boundaries are
loaded; the client group x neighbourhood matrix with the borough rate as each cell's benchmark and
the largest gaps in words; resident against registered population; census by ward; caseloads,
care homes and practices. Small numbers are suppressed."""
import dash
from dash import dcc, html

from domain.labels import CLIENT_GROUP_LABELS
from metrics.area_profile import areas
from metrics.neighbourhood_gaps import CASELOAD_GROUP, CASELOAD_SERVICE, MAP_SERVICES, PHRASES
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, no_neighbourhoods_notice, page, select

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


def layout(client_group=None, service=None, level=None, area=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    if not store.has("lookup_neighbourhoods") or not store.has("lookup_practices"):
        return page("Neighbourhoods", "Demand by neighbourhood.", no_neighbourhoods_notice(store.authority.area_code),
                    query_id=ids.query("neighbourhoods"))
    missing = [k for k, t in [("GP registrations", "registrations")] if not store.has(t)]
    has_wards = store.has("boundaries") and store.has("census")  # ward values need census residents
    client_group, service, level = choices(client_group, service, level, has_wards)
    known = areas(store)
    area = area if area in set(known["code"]) else None
    links = html.Details([
        html.Summary("Open an area's profile"),
        html.Ul([html.Li(dcc.Link(f"{r.name} ({r.level})", href=f"/area?code={r.code}")) for r in known.itertuples()],
                className="area-links"),
    ], className="area-index") if len(known) else None
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
        chart_block(ids.HOOD_CENSUS, "Census by ward: long-term illness and unpaid care",
                    "Share of each ward's residents against the authority's (the references file's authority row). "
                    "Carers reached are counted for the borough only in the inputs, so carers are compared by ward "
                    "with the borough's share, not with support by ward."),
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
