"""Resources: budgets and savings by organisation and year."""
import dash
from dash import html

from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


def layout(organisation=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    fin = store.table("finance")
    orgs = sorted(fin["organisation"].unique()) if len(fin) else []
    organisation = organisation if organisation in orgs else (orgs[0] if orgs else None)
    return page(
        "Resources",
        "Budgets and savings for adult social care and health, as published by the council and the NHS.",
        missing_notice(["council finance table"], store) if not orgs else None,
        html.Div([select(ids.RES_ORG, "Organisation", [(o, o) for o in orgs], organisation)],
                 className="controls") if orgs else None,
        chart_block(ids.RES_CHART, "Budgets and savings"),
        query_id=ids.query("resources"),
    )


dash.register_page(__name__, path="/resources", name="Resources", title="Resources - Market Position Statement",
                   order=80, layout=layout)
