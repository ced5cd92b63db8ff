"""Supply (MPS s4): care homes and beds, community services, council-funded placements."""
import dash
from dash import html

from domain.labels import CLIENT_GROUP_LABELS, CODE_LABELS
from metrics.coverage import DIRECTORY, directory
from sentences.coverage import directory_missing_sentence
from metrics.supply.supply import care_home_table, community_services
from .. import context, ids
from ..components import chart_block, data_table, empty_store_notice, missing_notice, page, select

VIEWS = [("type", "Type (residential or nursing)"), ("ownership", "Ownership"),
         ("rating", "CQC rating"), ("user_band", "Service user band")]


def _type_label(code):
    return CODE_LABELS["type"].get(code, code)


def _service_label(code):
    return CODE_LABELS["service"].get(code, code)


def layout(view="type", client_group=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    missing = [k for k, t in [("council activity", "activity")] if not store.has(t)]
    no_directory = directory_missing_sentence(store)  # the directory is missing for this authority: say so
    view = view if view in dict(VIEWS) else "type"
    groups = sorted(store.table("activity")["client_group"].dropna().unique()) if store.has("activity") else []
    preferred = store.manifest.default_client_group  # the URL's, else the profile's, else the first
    client_group = client_group if client_group in groups else (
        preferred if preferred in groups else (groups[0] if groups else None))
    homes = care_home_table(store)
    homes = homes.assign(type=homes["type"].map(_type_label))
    services = community_services(store)
    services = services.assign(service=services["service"].map(_service_label))
    return page(
        "Supply of services",
        "What exists today: care homes registered with the CQC, community services, and the places the "
        "council funds.",
        html.Div([html.H2(f"No {DIRECTORY} for {directory(store).authority}"), html.P(no_directory)],
                 className="notice missing-data", id="no-directory") if no_directory else None,
        missing_notice(missing, store) if missing else None,
        None if no_directory else html.Section([html.H2("Older people's care homes"),
                      data_table(homes.rename(columns={"type": "Type", "homes": "Homes – number",
                                                       "beds": "Beds – number", "pct_beds": "% of total beds",
                                                       "avg_beds_per_home": "Average number of beds per home"}),
                                 "Care homes for older people by type (as the MPS table)", id="care-home-table")]),
        html.Div([select(ids.SUPPLY_VIEW, "Show care homes by", VIEWS, view)], className="controls"),
        chart_block(ids.SUPPLY_CHART, "Care homes and beds"),
        None if no_directory else html.Section([html.H2("Community services registered with the CQC"),
                      data_table(services, "Locations by service type", id="community-services-table")]),
        html.Div([select(ids.SUPPLY_GROUP, "Client group", [(g, CLIENT_GROUP_LABELS.get(g, g)) for g in groups],
                         client_group)], className="controls") if groups else None,
        # Without a client group to choose the chart's callback cannot run: it would stay bare axes.
        chart_block(ids.SUPPLY_PLACEMENTS_CHART, "Council-funded people by setting, in and out of area")
        if groups else html.Section([
            html.H2("Council-funded people by setting, in and out of area"),
            html.P(f"Not known: no council activity file is loaded for {store.authority.area_name or 'the authority'}, "
                   "so the people the council funds in each setting are not shown.", id="no-placements")]),
        query_id=ids.query("supply"),
    )


dash.register_page(__name__, path="/supply", name="Supply", title="Supply of services - Market Position Statement",
                   order=30, layout=layout)
