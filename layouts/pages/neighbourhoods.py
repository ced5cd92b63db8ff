"""Neighbourhoods: a schematic tile map of the four (no map tiles, no network), the caseload
table (seed 003 Table 1 shape), and practices, with small numbers suppressed."""
import dash
from dash import html

from domain.labels import CLIENT_GROUP_LABELS
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


def layout(client_group="dementia", **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    missing = [k for k, t in [("GP registrations", "registrations"), ("practice lookup", "lookup_practices")]
               if not store.has(t)]
    options = [("registered_patients", "Registered patients")] + list(CLIENT_GROUP_LABELS.items())
    client_group = client_group if client_group in dict(options) else "dementia"
    return page(
        "Neighbourhoods",
        "Demand by neighbourhood: the authority's age-specific prevalence rates applied to the patients "
        "registered at each neighbourhood's GP practices.",
        missing_notice(missing) if missing else None,
        html.Div([select(ids.HOOD_GROUP, "Show", options, client_group)], className="controls"),
        chart_block(ids.HOOD_MAP, "Estimated demand by neighbourhood",
                    "A schematic map, each square one neighbourhood placed roughly north to south, unless ward "
                    "boundaries (GeoJSON) were ingested: then wards are drawn, shaded by their neighbourhood."),
        chart_block(ids.HOOD_CASELOAD_CHART, "Registered patients and caseloads"),
        chart_block(ids.HOOD_SUPPLY_CHART, "Care homes and GP practices by neighbourhood",
                    "Older people's care home beds per 1,000 registered patients aged 75 and over. Homes are "
                    "placed by postcode district, which can straddle a boundary. Counts of homes and "
                    "practices are public register entries, not people, so they are not suppressed."),
        chart_block(ids.HOOD_PRACTICES, "Practices: registered patients aged 65 and over"),
        query_id=ids.query("neighbourhoods"),
    )


dash.register_page(__name__, path="/neighbourhoods", name="Neighbourhoods",
                   title="Neighbourhoods - Market Position Statement", order=50, layout=layout)
