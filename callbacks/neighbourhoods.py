"""Neighbourhood page callbacks: thin (selections in, metrics and figures out; pages and exports
share metrics.tables' suppressed tables)."""
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from domain.labels import client_group_label, code_label
from layouts import figures, ids
from layouts.pages.neighbourhoods import SERVICE_OPTIONS, census_view, choices
from metrics.places import neighbourhood_gaps, neighbourhoods
from metrics.places.area_profile import find_area
from metrics.tables import mps_tables
from sentences.places import resident_sentence
from .common import PageCallbacks, chart_outputs, chart_result, query_string, store

page = PageCallbacks("neighbourhoods")
SOURCE = ("Demand: POPPI/PANSI age-band rates x GP registrations by practice (NHS Digital). Supply: CQC care directory, "
          "placed by postcode lookup, coordinates in ward boundaries or postcode district (approximate).")


@page.callback(*chart_outputs(ids.HOOD_MAP), Output(ids.HOOD_GAPS, "children"),
               Output(ids.query("neighbourhoods"), "data"), Output(ids.HOOD_READY, "data"),
               Input(ids.HOOD_GROUP, "value"), Input(ids.HOOD_SERVICE, "value"), Input(ids.HOOD_LEVEL, "value"),
               Input(ids.HOOD_AREA, "data"), State(ids.HOOD_READY, "data"))
def update_map(client_group, service, level, area, ready=None):
    """The map, its table twin and the ranked gaps; the first time, it also releases the blocks
    below (HOOD_READY), so the browser draws the map before anything else on the page."""
    s = store()
    wards = s.table("boundaries")
    client_group, service, level = choices(client_group, service, level, has_wards=len(wards) > 0 and s.has("census"))
    values = neighbourhood_gaps.map_values(s, client_group, service, level)
    shown_service = service
    if values["value"].notna().sum() == 0 and service != "demand":
        shown_service = "demand"
        values = neighbourhood_gaps.map_values(s, client_group, "demand", level)
    what = dict(SERVICE_OPTIONS)[shown_service]
    group = client_group_label(client_group)
    note = "" if shown_service == service else f" ({dict(SERVICE_OPTIONS)[service].lower()}: none held, so showing demand)"
    title = f"{group}: {what.lower()} by {level}{note}"
    benchmark = values["benchmark"].dropna()
    legend = what if benchmark.empty else f"{what}<br>(borough {benchmark.iloc[0]:,.1f})"
    if len(wards):
        fig = figures.area_map(wards, s.table("neighbourhood_boundaries"), values, title, legend, level=level,
                               selected=area, labels=wards["ward_code"].nunique() <= 60)
    else:
        tiles = values.join(neighbourhoods.tile_positions(s))
        fig = figures.tile_map(tiles.reset_index(), "value", title)
    table = values.reset_index().rename(columns={"area_code": level, "display": what})[[level, "name", what, "benchmark"]]
    block = chart_result(table.rename(columns={"benchmark": "benchmark_per_1000"}), fig, title, SOURCE)
    gaps = neighbourhood_gaps.top_gaps(mps_tables(s)["neighbourhood_gaps"], level)
    listing = (html.Ol([html.Li(g) for g in gaps["sentence"]], className="gap-list") if len(gaps)
               else html.P("No area is short of the borough rate, or the store holds no neighbourhood data."))
    query = query_string(client_group=client_group, service=service, level=level, area=area)
    return (*block, listing, query, no_update if ready else True)


@page.callback(Output(ids.HOOD_AREA, "data"), Input(ids.graph(ids.HOOD_MAP), "clickData"),
               State(ids.HOOD_AREA, "data"), prevent_initial_call=True)
def select_area(click, current):
    """A click on an area's marker selects it (its code rides in the marker's customdata)."""
    points = (click or {}).get("points") or []
    code = next((p["customdata"][0] for p in points if isinstance(p.get("customdata"), list) and p["customdata"]), None)
    return code if code and code != current else no_update


@page.callback(Output(ids.HOOD_SELECTED, "children"), Input(ids.HOOD_AREA, "data"))
def show_selected(code):
    s = store()
    area = find_area(s, code)
    if area is None:
        return html.P("No area selected: click an area's marker on the ward map, or open a profile from the "
                      "list below.", className="hint")
    t = mps_tables(s)["neighbourhood_gaps"]
    mine = t[(t["level"] == area["level"]) & (t["area_code"] == code)] if len(t) else t
    short = neighbourhood_gaps.top_gaps(mine, area["level"], 3)
    return [html.H2(f"Selected: {area['name']} ({area['level']})", id="selected-area-heading"),
            html.Ul([html.Li(x) for x in short["sentence"]]) if len(short) else
            html.P("No shortfall against the borough rate here."),
            dcc.Link(f"Open the profile of {area['name']}", href=f"/area?code={code}", id="selected-area-link",
                     className="button")]


@page.callback(*chart_outputs(ids.HOOD_MATRIX), Input(ids.HOOD_READY, "data"))
def update_matrix(_ready):
    """The client group x neighbourhood matrix (ward rows are on the map, in the profiles and in
    the export: 19 or 600 columns would not read as a heatmap)."""
    s = store()
    level = "neighbourhood"
    t = mps_tables(s)["neighbourhood_gaps"]
    t = t[(t["level"] == level) & t["service"].notna()] if len(t) else t
    if t.empty:
        return chart_result(t, figures.empty("No neighbourhood data in the store"), "Matrix", "")
    rows = t.assign(index=pd.to_numeric(t["per_1000"], errors="coerce")
                    / pd.to_numeric(t["benchmark_per_1000"], errors="coerce") * 100,
                    row=t["client_group"].map(client_group_label) + ": " + t["service"].map(neighbourhood_gaps.PHRASES))
    fig = figures.index_heatmap(rows, "area_name", "row", "index", f"Supply per 1,000 of demand by {level} "
                                "(borough = 100)", "Borough = 100")
    table = t[["area_name", "client_group", "demand", "service", "supply", "per_1000", "benchmark_per_1000",
               "expected", "supply_gap", "shortfall_pct", "gap_rank"]]
    table = table.assign(client_group=table["client_group"].map(lambda g: code_label("client_group", g)),
                         service=table["service"].map(lambda v: code_label("service", v)))  # names, not codes
    return chart_result(table, fig, "Demand, supply and supply per 1,000 of demand against the borough rate", SOURCE)


@page.callback(*chart_outputs(ids.HOOD_RESIDENT), Output(ids.HOOD_RESIDENT_NOTE, "children"),
               *chart_outputs(ids.HOOD_CENSUS), Input(ids.HOOD_READY, "data"))
def update_population(_ready):
    s = store()
    t = neighbourhoods.resident_vs_registered(s)
    if t.empty:
        blank = chart_result(t, figures.empty("No neighbourhood data in the store"), "Population", "")
    else:
        body = t[t["neighbourhood"] != "total"].melt(id_vars="name", value_vars=["residents", "registered"],
                                                     var_name="count", value_name="people").dropna()
        body["count"] = body["count"].map({"residents": "Residents (census)", "registered": "Registered patients"})
        fig = figures.bars(body, "name", "people", "Residents and registered patients by neighbourhood", series="count",
                           y_title="People")
        blank = chart_result(t, fig, "Residents (census wards summed) and registered patients by neighbourhood",
                             "Census ward tables (authority's file); NHS Digital GP registrations.")
    table, fig, caption, source = census_view(s)
    cblock = chart_result(table, fig, caption, source)
    return (*blank, resident_sentence(s), *cblock)


@page.callback(*chart_outputs(ids.HOOD_SUPPLY_CHART), Input(ids.HOOD_READY, "data"))
def update_neighbourhood_supply(_ready):
    from metrics.coverage import directory_missing_short
    s = store()
    frame = neighbourhoods.supply_by_neighbourhood(s)
    fig = figures.bars(frame.assign(value=frame.get("beds_per_1000_aged_75_plus")), "name", "value",
                       "Care home beds per 1,000 registered patients aged 75+", y_title="Beds per 1,000")
    missing = directory_missing_short(s)  # homes and beds are blank: the message names the file, not "no data"
    return chart_result(frame.round(1), fig, "Care homes, beds and practices by neighbourhood",
                        missing + " Registered patients: NHS Digital GP registrations." if missing else
                        "CQC care directory (postcode district to neighbourhood lookup); NHS Digital GP registrations.",
                        missing or "No registered patients aged 75+ by neighbourhood in the store")


@page.callback(*chart_outputs(ids.HOOD_CASELOAD_CHART), *chart_outputs(ids.HOOD_PRACTICES),
               Input(ids.HOOD_READY, "data"))
def update_caseloads(_ready):
    s = store()
    table = mps_tables(s)["neighbourhoods"]
    names = neighbourhoods.neighbourhood_names(s)
    case_cols = ["neighbourhood", "registered_patients", "dn_cases", "dn_pct", "asc_cases", "asc_pct", "joint_cases",
                 "joint_pct"]
    if table.empty:
        cases_block = chart_result(table, figures.empty("No neighbourhood data in the store"), "Caseloads", "")
    else:
        cases = table[case_cols]
        long = cases[cases["neighbourhood"] != "total"].melt(id_vars="neighbourhood",
                                                             value_vars=["dn_cases", "asc_cases", "joint_cases"],
                                                             var_name="caseload", value_name="cases")
        long["cases"] = long["cases"].map(lambda v: None if isinstance(v, str) else v)
        long["neighbourhood"] = long["neighbourhood"].map(names).fillna(long["neighbourhood"])
        long["caseload"] = long["caseload"].map({"dn_cases": "District nursing", "asc_cases": "Adult social care",
                                                 "joint_cases": "Joint"})
        cfig = figures.bars(long, "neighbourhood", "cases", "Caseloads by neighbourhood", series="caseload",
                            y_title="Cases")
        cases_block = chart_result(cases, cfig, "Registered patients and caseloads (% of registered patients)",
                                   "Caseloads: council records; registered patients: NHS Digital GP registrations.")
    prac = mps_tables(s)["practices"]
    if len(prac):
        # Grouped by neighbourhood: one colour and pattern per neighbourhood (named in the legend),
        # practices in order of size within it, so 44 bars read as four groups.
        totals = prac.assign(total_65=pd.to_numeric(prac["total_65_plus"], errors="coerce"),
                             neighbourhood_name=prac["neighbourhood_code"].map(names).fillna(prac["neighbourhood_code"]))
        totals = totals.sort_values(["neighbourhood_code", "total_65"], ascending=[False, True])
        pfig = figures.bars(totals, "practice_name", "total_65", "Registered patients aged 65+ by practice, "
                            "grouped by neighbourhood", series="neighbourhood_name", horizontal=True, stacked=True,
                            y_title="Patients aged 65+")
    else:
        pfig = figures.empty("No practice registrations in the store")
    prac_block = chart_result(prac, pfig, "Registered patients aged 65+ by practice and age band",
                              "NHS Digital GP registrations.")
    return (*cases_block, *prac_block)


page.download(ids.HOOD_MAP, "neighbourhood-map")
page.download(ids.HOOD_MATRIX, "neighbourhood-gaps")
page.download(ids.HOOD_RESIDENT, "resident-registered")
page.download(ids.HOOD_CENSUS, "census-by-ward")
page.download(ids.HOOD_CASELOAD_CHART, "neighbourhood-caseloads")
page.download(ids.HOOD_PRACTICES, "practices")
page.download(ids.HOOD_SUPPLY_CHART, "neighbourhood-supply")
page.url_sync()
