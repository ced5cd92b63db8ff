"""An area's profile, one per ward or neighbourhood (/area?code=N1 or a ward's GSS code):
population, demand by client group, supply and the gaps against the borough, care services and
GP practices, census indicators against the borough; printable (a print button and print styles)."""
import dash
from dash import dcc, html

from domain.labels import client_group_label
from metrics.places import area_profile
from metrics.coverage import directory_missing_short
from metrics.places.neighbourhood_gaps import PHRASES
from .. import context, ids
from ..components import data_table, empty_store_notice


def _section(title: str, frame, caption: str, empty: str):
    body = data_table(frame, caption) if frame is not None and len(frame) else html.P(empty)
    return html.Section([html.H2(title), body], className="profile-section")


def _readable(frame):
    return frame.assign(client_group=frame["client_group"].map(client_group_label),
                        service=frame["service"].map(lambda s: PHRASES.get(s, "none held by area").capitalize()))


def layout(code=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    area = area_profile.find_area(store, code)
    if area is None:
        known = area_profile.areas(store)
        return html.Div([
            html.H1("Area profile"),
            html.P("Choose a ward or neighbourhood." if len(known) else
                   "The store holds no neighbourhoods or wards: add the authority's profile (docs/profile.md)."),
            html.Ul([html.Li(dcc.Link(f"{r.name} ({r.level})", href=f"/area?code={r.code}")) for r in known.itertuples()]),
        ])
    gaps = area_profile.gaps(store, area)
    census = area_profile.indicators(store, area)
    ranked = gaps[gaps["gap_rank"].notna()] if len(gaps) else gaps
    hood = f", in {area['neighbourhood_code']}" if area["level"] == "ward" and area["neighbourhood_code"] else ""
    where = f"/neighbourhoods?level={area['level']}&area={area['code']}"
    return html.Div([
        html.H1(f"{area['name']}: area profile"),
        html.P(f"A {area['level']} of {store.authority.area_name or 'the authority'}{hood}. Every figure is the same "
               "as on the Neighbourhoods page and in the neighbourhood_gaps export.", className="lead"),
        html.Div([html.Button("Print this profile", id=ids.AREA_PRINT, className="button secondary", n_clicks=0),
                  dcc.Link("Back to the map", href=where, className="button secondary")], className="controls"),
        html.Div(id=ids.AREA_PRINT_SINK, hidden=True),
        _section("Population", area_profile.population(store, area), "Residents and registered patients",
                 "No population figures for this area."),
        _section("Demand by client group", area_profile.demand(store, area), "Estimated people by client group",
                 "No demand estimates for this area."),
        html.Section([html.H2("Gaps against the borough"),
                      html.Ol([html.Li(s) for s in ranked["sentence"]]) if len(ranked) else
                      html.P("No cell here is short of the borough rate." if len(gaps) else
                             "No supply figures for this area.")], className="profile-section"),
        _section("Supply against demand", _readable(gaps[["client_group", "service", "demand", "supply", "per_1000",
                                                          "benchmark_per_1000", "supply_gap"]]) if len(gaps) else None,
                 "Supply per 1,000 of demand against the borough rate", "No supply figures for this area."),
        _section("Care services registered here", area_profile.services(store, area), "CQC locations in the area",
                 directory_missing_short(store) or "No CQC locations placed in this area."),
        _section("GP practices", area_profile.practices(store, area),
                 "Practices of the neighbourhood and their registered patients", "No practices for this area."),
        _section("Indicators against the borough", census,
                 f"Census {census['census_year'].iloc[0] if len(census) else ''}: share of residents (unpaid care: "
                 "of residents in the table, aged 5+ in 2021), area against borough",
                 "No census table by ward in the store."),
    ], className="area-profile")


dash.register_page(__name__, path="/area", name="Area profile", title="Area profile - Market Position Statement",
                   order=55, layout=layout, nav=False)
