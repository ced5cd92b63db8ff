"""Neighbourhood page callbacks (pages and exports share metrics.tables' suppressed table)."""
import pandas as pd
from dash import Input, Output

from layouts import figures, ids
from metrics import neighbourhoods
from domain.labels import client_group_label, fmt_count
from metrics.tables import mps_tables
from .common import chart_outputs, chart_result, query_string, PageCallbacks, store

page = PageCallbacks("neighbourhoods")


@page.callback(*chart_outputs(ids.HOOD_SUPPLY_CHART), Input(ids.HOOD_GROUP, "value"))
def update_neighbourhood_supply(_client_group):
    frame = neighbourhoods.supply_by_neighbourhood(store())
    fig = figures.bars(frame.assign(value=frame.get("beds_per_1000_aged_75_plus")), "name", "value",
                       "Care home beds per 1,000 registered patients aged 75+", y_title="Beds per 1,000")
    return chart_result(frame.round(1), fig, "Care homes, beds and practices by neighbourhood",
                        "CQC care directory (postcode district to neighbourhood lookup); NHS Digital GP registrations.")


@page.callback(*chart_outputs(ids.HOOD_MAP), *chart_outputs(ids.HOOD_CASELOAD_CHART), *chart_outputs(ids.HOOD_PRACTICES),
          Output(ids.query("neighbourhoods"), "data"), Input(ids.HOOD_GROUP, "value"))
def update_neighbourhoods(client_group):
    s = store()
    table = mps_tables(s)["neighbourhoods"]
    names = neighbourhoods.neighbourhood_names(s)
    label = "Registered patients" if client_group == "registered_patients" else client_group_label(client_group)
    if table.empty:
        empty = figures.empty("No neighbourhood data in the store")
        blank = chart_result(table, empty, label, "")
        return (*blank, *blank, *blank, query_string(client_group=client_group))
    body = table[table["neighbourhood"] != "total"].copy()
    body["name"] = body["neighbourhood"].map(names).fillna(body["neighbourhood"])
    body["display"] = body[client_group].map(lambda v: v if isinstance(v, str) else fmt_count(v, suppressed="n/a"))
    numeric = body[client_group].map(lambda v: None if isinstance(v, str) else v)
    shown = body.assign(value=numeric)[["neighbourhood", "name", "value", "display"]]
    wards = s.table("boundaries")
    if len(wards):  # the user supplied ward boundaries: draw them, shaded by neighbourhood
        fig = figures.ward_map(wards, shown.set_index("neighbourhood"), "value", f"{label} by neighbourhood (ward boundaries)")
    else:
        tiles = shown.join(neighbourhoods.tile_positions(s), on="neighbourhood")
        fig = figures.tile_map(tiles, "value", f"{label} by neighbourhood")
    map_block = chart_result(shown.drop(columns=["value"]).rename(columns={"display": label}), fig,
                             f"{label} by neighbourhood",
                             "Estimates: POPPI/PANSI age-band rates x GP registrations by practice (NHS Digital).")
    case_cols = ["neighbourhood", "registered_patients", "dn_cases", "dn_pct", "asc_cases", "asc_pct", "joint_cases", "joint_pct"]
    cases = table[case_cols]
    long = cases[cases["neighbourhood"] != "total"].melt(id_vars="neighbourhood",
                                                         value_vars=["dn_cases", "asc_cases", "joint_cases"],
                                                         var_name="caseload", value_name="cases")
    long["cases"] = long["cases"].map(lambda v: None if isinstance(v, str) else v)
    long["neighbourhood"] = long["neighbourhood"].map(names).fillna(long["neighbourhood"])
    long["caseload"] = long["caseload"].map({"dn_cases": "District nursing", "asc_cases": "Adult social care",
                                             "joint_cases": "Joint"})
    cfig = figures.bars(long, "neighbourhood", "cases", "Caseloads by neighbourhood", series="caseload", y_title="Cases")
    cases_block = chart_result(cases, cfig, "Registered patients and caseloads (% of registered patients)",
                               "Caseloads: council records; registered patients: NHS Digital GP registrations.")
    prac = mps_tables(s)["practices"]
    if len(prac):
        totals = prac.assign(total_65=pd.to_numeric(prac["total_65_plus"], errors="coerce"))
        pfig = figures.bars(totals.sort_values("total_65"), "practice_name", "total_65",
                            "Registered patients aged 65+ by practice", horizontal=True, y_title="Patients aged 65+")
    else:
        pfig = figures.empty("No practice registrations in the store")
    prac_block = chart_result(prac, pfig, "Registered patients aged 65+ by practice and age band",
                              "NHS Digital GP registrations.")
    return (*map_block, *cases_block, *prac_block, query_string(client_group=client_group))


page.download(ids.HOOD_MAP, "neighbourhood-demand")
page.download(ids.HOOD_CASELOAD_CHART, "neighbourhood-caseloads")
page.download(ids.HOOD_PRACTICES, "practices")
page.download(ids.HOOD_SUPPLY_CHART, "neighbourhood-supply")
page.url_sync()
