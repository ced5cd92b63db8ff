"""Performance: ASCOF outcomes and JSNA/KPI indicators against the region and England with confidence
intervals."""
import dash
from dash import html

from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select


def layout(sex="all", **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    sex = sex if sex in {"all", "Persons", "Male", "Female"} else "all"
    return page(
        "Performance",
        "Adult social care outcomes (ASCOF, DHSC) and indicators from OHID Fingertips compared with England, "
        "the region and the comparator authorities. A difference is called "
        "better or worse only when the 95% confidence interval does not include the benchmark.",
        missing_notice(["Fingertips indicators"], store) if not store.has("indicators") else None,
        html.P(f"Comparator authorities (their mean is shown): {store.comparators_named()}.",
               id=ids.PERF_COMPARATORS, className="comparators-named"),
        html.Div([select(ids.PERF_SEX, "Sex", [("all", "All rows (persons, male and female)"), ("Persons", "Persons"),
                                               ("Male", "Male"),
                                                ("Female", "Female")], sex)], className="controls"),
        chart_block(ids.PERF_ASCOF, "Adult social care outcomes (ASCOF) compared with England",
                    "DHSC's adult social care outcomes framework: each dot is the authority's latest outcome with "
                    "its 95% interval where the numerator and denominator allow one; England is 100."),
        chart_block(ids.PERF_CHART, "Indicators compared with England",
                    "Each dot is the authority's latest value with its 95% confidence interval; England is 100."),
        query_id=ids.query("performance"),
    )


dash.register_page(__name__, path="/performance", name="Performance",
                   title="Performance - Market Position Statement", order=70, layout=layout)
