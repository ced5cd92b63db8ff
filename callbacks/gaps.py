"""Demand-versus-supply callbacks: the what-if controls feed metrics.gaps.beds_needed."""
import plotly.graph_objects as go
from dash import Input, Output

from domain.vocabulary import DEFAULT_OCCUPANCY, OCCUPANCY_RANGE
from layouts import figures, ids
from metrics import gaps
from .common import chart_outputs, chart_result, query_string, PageCallbacks, store

page = PageCallbacks("gaps")


def _clean(benchmark, occupancy):
    """Valid what-if settings and a note for anything that had to be changed."""
    notes = []
    try:
        b = float(benchmark) if benchmark not in (None, "") else None
    except (TypeError, ValueError):
        b = None
        notes.append(f"The benchmark '{benchmark}' is not a number, so today's ratio is used.")
    if b is not None and b < 0:
        notes.append("A benchmark cannot be negative, so today's ratio is used.")
        b = None
    default = round(DEFAULT_OCCUPANCY * 100)
    low, high = (round(x * 100) for x in OCCUPANCY_RANGE)
    try:
        o = float(occupancy) if occupancy not in (None, "") else default
    except (TypeError, ValueError):
        o = default
        notes.append(f"The occupancy '{occupancy}' is not a number, so {default:g}% is used.")
    if not low <= o <= high:
        clamped = min(max(o, low), high)
        notes.append(f"Occupancy must be between {low:g}% and {high:g}%, so {clamped:g}% is used instead of {o:g}%.")
        o = clamped
    return b, o, notes


@page.callback(*chart_outputs(ids.GAPS_BEDS_CHART), Output(ids.GAPS_SUMMARY, "children"),
          Output(ids.query("gaps"), "data"),
          Input(ids.GAPS_BENCHMARK, "value"), Input(ids.GAPS_OCCUPANCY, "value"), Input(ids.GAPS_YEAR, "value"))
def update_beds(benchmark, occupancy, year):
    s = store()
    b, o, notes = _clean(benchmark, occupancy)
    frame = gaps.beds_needed(s, benchmark_per_1000=b, occupancy=o / 100)
    if frame.empty:
        fig = figures.empty("No population projections for people aged 75 and over")
        return (*chart_result(frame, fig, "Beds needed", ""), "", query_string(benchmark=b, occupancy=o, year=year))
    shown = frame.round({"population": 0, "occupied_per_1000": 1, "beds_needed": 0, "gap": 0})
    fig = go.Figure()
    fig.add_trace(go.Bar(x=shown["year"], y=shown["beds_needed"], name="Beds needed",
                         marker=dict(color=figures.OKABE_ITO[0]), text=shown["beds_needed"].map("{:,.0f}".format),
                         textposition="auto"))
    fig.add_trace(go.Scatter(x=shown["year"], y=shown["beds_now"], name="Beds registered today",
                             mode="lines+markers", line=dict(color=figures.OKABE_ITO[1], width=3, dash="dash"),
                             marker=dict(symbol="square", size=9)))
    fig = figures._base(fig, "Older people's care home beds needed by year", "Beds")
    row = frame[frame["year"] == int(year)] if year is not None else frame.tail(1)
    row = row.iloc[0] if len(row) else frame.iloc[-1]
    basis = f"a benchmark of {b:g} occupied beds per 1,000 people aged 75+" if b is not None else "today's ratio"
    gap = round(row["gap"])
    if gap == 0:
        compared = f"the same as the {row['beds_now']:,.0f} registered today"
    else:
        compared = f"{abs(gap):,.0f} {'more' if gap > 0 else 'fewer'} than the {row['beds_now']:,.0f} registered today"
    summary = (f"To hold {basis} at {o:g}% occupancy, {row['beds_needed']:,.0f} beds would be needed in "
               f"{int(row['year'])}: {compared}.")
    if notes:
        summary = " ".join(notes) + " " + summary
    return (*chart_result(shown, fig, "Care home beds needed by year", "Beds: CQC care directory; population aged 75+: POPPI."),
            summary, query_string(benchmark=b, occupancy=o, year=year))


@page.callback(*chart_outputs(ids.GAPS_TABLE_CHART), Input(ids.GAPS_YEAR, "value"))
def update_measures(_year):
    s = store()
    g = gaps.all_gaps(s)
    if g.empty:
        return chart_result(g, figures.empty("No gap measures can be computed from this store"), "Gap measures", "")
    shown = g[["label", "numerator", "denominator", "value", "unit", "benchmark", "polarity", "year", "source"]].round(
        {"value": 1, "denominator": 0})
    pct = shown[shown["unit"] == "%"]
    fig = figures.bars(pct.assign(label=pct["label"].str.slice(0, 45)), "label", "value",
                       "Gap measures expressed as percentages", horizontal=True, y_title="%")
    return chart_result(shown, fig, "Gap measures", "Sources: " + "; ".join(sorted(set(shown["source"].str.split(",").str[0]))))


page.download(ids.GAPS_BEDS_CHART, "beds-needed")
page.download(ids.GAPS_TABLE_CHART, "gap-measures")
page.url_sync()
