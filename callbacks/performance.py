"""Performance page callbacks."""
from dash import Input, Output

from layouts import figures, ids
from metrics.summary.findings import declared_indicators
from metrics.performance.ascof import latest_ascof
from metrics.performance.kpis import latest_kpis
from .common import chart_outputs, chart_result, query_string, PageCallbacks, source_line, store

page = PageCallbacks("performance")


@page.callback(*chart_outputs(ids.PERF_CHART), Output(ids.query("performance"), "data"), Input(ids.PERF_SEX, "value"))
def update_performance(sex):
    s = store()
    k = latest_kpis(s)
    if len(k) and sex != "all":
        k = k[k["sex"] == sex]
    # The chart speaks plain English: the declared short names, not the publishers' method labels.
    declared = declared_indicators(s)
    names = [declared.get(str(int(i)) if i == i else "", {}).get("short") or n
             for i, n in zip(k["indicator_id"], k["indicator_name"])] if len(k) else []
    fig = figures.spine(k.assign(indicator_name=names) if len(k) else k, "Latest values relative to England")
    cols = ["indicator_id", "indicator_name", "sex", "age", "period", "value", "lower_ci", "upper_ci",
            "region_value", "england_value", "comparators_value", "comparators_n", "compared_to_region",
            "compared_to_england", "polarity", "source_file", "source_row"]
    shown = k.reindex(columns=cols)
    return (*chart_result(shown, fig, "Indicators: latest period", source_line(shown, "OHID Fingertips")),
            query_string(sex=sex))


@page.callback(*chart_outputs(ids.PERF_ASCOF), Input(ids.PERF_SEX, "value"))
def update_ascof(_sex):
    """The latest ASCOF outcome of each measure and disaggregation (metrics.performance.ascof), drawn as the
    indicators are: relative to England, with the region and the comparators' mean beside it."""
    a = latest_ascof(store())
    drawn = a.assign(indicator_name=a["measure_code"] + " " + a["measure_name"], sex=a["disaggregation"],
                     age="All ages") if len(a) else a
    fig = figures.spine(drawn, "Latest ASCOF outcomes relative to England")
    cols = ["measure_code", "measure_name", "disaggregation", "period", "value", "unit", "lower_ci", "upper_ci",
            "region_value", "england_value", "comparators_value", "comparators_n", "compared_to_region",
            "compared_to_england", "polarity", "source_file", "source_row"]
    shown = a.reindex(columns=cols)
    return chart_result(shown, fig, "ASCOF outcomes: latest year", source_line(shown, "DHSC ASCOF"),
                        empty_message="No ASCOF outcomes for this authority: load DHSC's ASCOF CSV file")


page.download(ids.PERF_ASCOF, "ascof")
page.download(ids.PERF_CHART, "indicators")
page.url_sync()
