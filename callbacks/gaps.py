"""Demand-versus-supply callbacks: today's beds position, the benchmarks and the what-if controls
feed metrics.supply.gaps (beds_position, bed_benchmarks, beds_needed)."""
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output

from domain.labels import fmt_count
from domain.vocabulary import DEFAULT_OCCUPANCY, OCCUPANCY_RANGE
from layouts import figures, ids
from metrics.supply import gaps
from metrics.coverage import DIRECTORY, directory
from sentences.coverage import beds_missing_sentence, directory_missing_sentence
from .common import chart_outputs, chart_result, query_string, PageCallbacks, store

page = PageCallbacks("gaps")
TYPE_NAMES = {"all": "all care homes", "residential": "residential homes", "nursing": "nursing homes"}


def _clean(benchmark, occupancy, start=None):
    """Valid what-if settings, and for each control the message to show beside it when its input
    had to be replaced (out of range or not a number): (benchmark, occupancy, benchmark message,
    occupancy message). A blank occupancy is ``start`` (the authority's real occupancy where the
    store has it: metrics.supply.gaps.occupancy_basis), else the assumed default."""
    b_msg = o_msg = ""
    try:
        b = float(benchmark) if benchmark not in (None, "") else None
    except (TypeError, ValueError):
        b = None
        b_msg = f"'{benchmark}' is not a number, so today's ratio is used."
    if b is not None and not 0 <= b <= 200:
        b_msg = f"{b:g} is outside 0 to 200 occupied beds per 1,000, so today's ratio is used."
        b = None
    default = start if start is not None else round(DEFAULT_OCCUPANCY * 100)
    low, high = (round(x * 100) for x in OCCUPANCY_RANGE)
    try:
        o = float(occupancy) if occupancy not in (None, "") else default
    except (TypeError, ValueError):
        o = default
        o_msg = f"'{occupancy}' is not a number, so {default:g}% is used."
    if not low <= o <= high:
        clamped = min(max(o, low), high)
        o_msg = f"{o:g}% is outside {low:g}% to {high:g}%, so {clamped:g}% is used."
        o = clamped
    return b, o, b_msg, o_msg


def _benchmark_value(s, basis, custom, occupancy):
    """The occupied beds per 1,000 aged 75+ the chosen basis gives (None: today's ratio), and its name."""
    if basis == "custom":
        return custom, (f"a benchmark of {custom:g} occupied beds per 1,000 people aged 75+" if custom is not None
                        else "today's ratio")
    if basis in ("region", "england", "comparators"):
        bench = gaps.bed_benchmarks(s, occupancy)
        row = bench[bench["basis"] == basis]
        if len(row) and row["occupied_per_1000"].notna().iloc[0]:
            v = float(row["occupied_per_1000"].iloc[0])
            return v, f"{row['area_name'].iloc[0]}'s ratio ({v:.1f} occupied beds per 1,000 people aged 75+)"
    return None, "today's ratio"


def _unavailable(s, basis) -> str:
    """Why the chosen benchmark cannot be computed from the data loaded ("" when it can): the
    what-if then uses today's ratio and says so beside the choice, never silently."""
    if basis not in ("region", "england", "comparators"):
        return ""
    row = gaps.bed_benchmarks(s).set_index("basis")
    if basis not in row.index:
        return "No comparator authorities are set for this authority, so today's ratio is used."
    r = row.loc[basis]
    if r["occupied_per_1000"] == r["occupied_per_1000"] and r["occupied_per_1000"] is not None:
        return ""
    whose = "The comparator authorities'" if basis == "comparators" else f"{r['area_name']}'s"
    return f"{whose} ratio is not available: {r['note']}. Today's ratio is used instead."


@page.callback(*chart_outputs(ids.GAPS_BEDS_CHART), *chart_outputs(ids.GAPS_POSITION_CHART),
               *chart_outputs(ids.GAPS_BENCH_CHART), Output(ids.GAPS_SUMMARY, "children"),
               Output(ids.GAPS_POSITION, "children"), Output(ids.GAPS_BENCHMARK_ERROR, "children"),
               Output(ids.GAPS_OCCUPANCY_ERROR, "children"), Output(ids.query("gaps"), "data"),
               Input(ids.GAPS_BASIS, "value"), Input(ids.GAPS_BENCHMARK, "value"), Input(ids.GAPS_OCCUPANCY, "value"),
               Input(ids.GAPS_YEAR, "value"), Input(ids.GAPS_HOME_TYPE, "value"))
def update_beds(basis, benchmark, occupancy, year, home_type):
    s = store()
    b, o, b_msg, o_msg = _clean(benchmark, occupancy, round(gaps.occupancy_basis(s).occupancy * 100, 1))
    home_type = home_type if home_type in TYPE_NAMES else "all"
    basis = basis if basis in ("today", "region", "england", "comparators", "custom") else "today"
    if basis == "custom" and b is None and not b_msg:
        b_msg = "Enter a number of occupied beds per 1,000 people aged 75+; until then today's ratio is used."
    value, basis_text = _benchmark_value(s, basis, b, o / 100)
    b_msg = b_msg or _unavailable(s, basis)
    query = query_string(basis=None if basis == "today" else basis, benchmark=b, occupancy=o, year=year,
                         home_type=None if home_type == "all" else home_type)

    position = gaps.beds_position(s, o / 100)
    pos_chart, sentences = _position(position, o, s)
    bench = gaps.bed_benchmarks(s, o / 100)
    bench_chart = _benchmarks(bench)

    frame = gaps.beds_needed(s, benchmark_per_1000=value, occupancy=o / 100, home_type=home_type)
    if frame.empty:
        missing = directory_missing_sentence(s)
        no_beds = beds_missing_sentence(s)
        fig = figures.empty("No CQC care directory for this authority in the store" if missing else
                            "The CQC directory in the store gives no registered beds" if no_beds else
                            "No population projections for people aged 75 and over")
        missing = missing or no_beds
        return (*chart_result(frame, fig, "Beds needed", ""), *pos_chart, *bench_chart, missing or "", sentences,
                b_msg, o_msg, query)
    shown = frame.round({"population": 0, "occupied_per_1000": 1, "beds_needed": 0, "gap": 0})
    fig = go.Figure()
    fig.add_trace(go.Bar(x=shown["year"], y=shown["beds_needed"], name="Beds needed",
                         marker=dict(color=figures.OKABE_ITO[0]), text=shown["beds_needed"].map("{:,.0f}".format),
                         textposition="outside", textfont=dict(color="#0b0c0c"), cliponaxis=False))
    fig.add_trace(go.Scatter(x=shown["year"], y=shown["beds_now"], name="Beds registered today",
                             mode="lines+markers", line=dict(color=figures.OKABE_ITO[1], width=3, dash="dash"),
                             marker=dict(symbol="square", size=9)))
    top = float(max(shown["beds_needed"].max(), shown["beds_now"].max()))
    fig = figures._base(fig, f"Beds needed by year: {TYPE_NAMES[home_type]}", "Beds",
                        yaxis={"range": [0, top * 1.15]}, xaxis={"type": "category"})
    row = frame[frame["year"] == int(year)] if year is not None and str(year).isdigit() else frame.tail(1)
    row = row.iloc[0] if len(row) else frame.iloc[-1]
    gap = round(row["gap"])
    if gap == 0:
        compared = f"the same as the {row['beds_now']:,.0f} registered today"
    else:
        compared = f"{abs(gap):,.0f} {'more' if gap > 0 else 'fewer'} than the {row['beds_now']:,.0f} registered today"
    summary = (f"To hold {basis_text} at {o:g}% occupancy, {row['beds_needed']:,.0f} beds in {TYPE_NAMES[home_type]} "
               f"would be needed in {int(row['year'])}: {compared}.")
    return (*chart_result(shown, fig, "Care home beds needed by year",
                          "Beds: CQC care directory; population aged 75+: POPPI."),
            *pos_chart, *bench_chart, summary, sentences, b_msg, o_msg, query)


def _occupancy_source(s, occupancy) -> str:
    """Where the occupancy in use comes from: the authority's real figure and its month, the
    assumed default, or the reader's own value."""
    basis = gaps.occupancy_basis(s)
    if abs(occupancy - round(basis.occupancy * 100, 1)) > 1e-9:
        return "your own value"
    if basis.month:
        return f"the authority's care homes in {pd.Timestamp(basis.month):%B %Y}, DHSC monthly statistics"
    return "assumed: no care home occupancy is loaded, and the CQC directory does not publish it"


def _position(position, occupancy, s):
    from dash import html
    if position.empty:
        missing = directory_missing_sentence(s)
        d = directory(s)
        said = missing or (f"The {DIRECTORY} in the store (as at {d.latest}) lists no older people's care homes "
                           f"in {d.authority}.")
        empty = figures.empty("No CQC care directory for this authority in the store" if missing
                              else "No older people's care homes in the CQC care directory")
        return chart_result(position, empty, "Beds today", ""), html.P(said)
    frame = position[position["type"] != "all"]
    long = []
    for r in frame.itertuples():
        for label, v in (("Registered", r.registered_beds), (f"Occupied (at {occupancy:g}%)", r.occupied_beds),
                         ("Council-funded, in the area", r.council_funded_in_area)):
            if v is not None and v == v:
                long.append({"type": r.type.capitalize(), "beds": round(v), "kind": label})
    import pandas as pd
    long = pd.DataFrame(long)
    fig = figures.bars(long, "type", "beds", "Beds today: registered, occupied and council-funded", series="kind",
                       y_title="Beds")
    total = position[position["type"] == "all"].iloc[0]
    parts = [html.Li(f"Registered: {fmt_count(total.registered_beds)} beds in {total.homes} older people's care "
                     f"homes are registered with the CQC ("
                     + "; ".join(f"{r.type} {fmt_count(r.registered_beds)} beds in {r.homes} homes"
                                 for r in frame.itertuples()) + "): the capacity, not how it is used."),
             html.Li(f"Occupied: at {occupancy:g}% occupancy about {fmt_count(total.occupied_beds)} of them are "
                     f"in use ({_occupancy_source(s, occupancy)}; change it above).")]
    if total.council_funded_in_area is not None and total.council_funded_in_area == total.council_funded_in_area:
        parts.append(html.Li(
            f"Council-funded: the council funds {fmt_count(total.council_funded_in_area)} people aged 65 and over "
            f"in care homes in the area and {fmt_count(total.council_funded_out_of_area)} placed outside it ("
            + "; ".join(f"{r.type} {fmt_count(r.council_funded_in_area)} in the area"
                        for r in frame.itertuples()) + "), whatever their support reason; the rest of the "
            "occupied beds are self-funded or funded by the NHS or other councils."))
        over = [r for r in frame.itertuples() if r.council_funded_in_area == r.council_funded_in_area
                and r.council_funded_in_area is not None and r.council_funded_in_area > r.occupied_beds]
        for r in over:  # never above the occupied beds without a sentence saying why
            parts.append(html.Li(
                f"The council's {r.type} count ({fmt_count(r.council_funded_in_area)} people) is above the "
                f"{fmt_count(r.occupied_beds)} {r.type} beds estimated occupied: the activity return counts everyone "
                "supported during the year, so people who moved in and out share a bed, and it counts people in "
                "homes registered for other groups (mental health, learning disability) that the directory's older "
                "people's homes leave out.", className="position-note"))
    else:
        parts.append(html.Li("Council-funded: no council activity file is loaded, so council-funded beds are "
                             "not known."))
    if total.beds_per_1000_aged_75_plus == total.beds_per_1000_aged_75_plus and total.beds_per_1000_aged_75_plus:
        parts.append(html.Li(f"That is {total.beds_per_1000_aged_75_plus:.1f} registered beds per 1,000 people aged "
                             f"75 and over in {int(total.year)}."))
    shown = position.assign(type=position["type"].map({"all": "All care homes", "residential": "Residential",
                                                       "nursing": "Nursing"}))
    return (chart_result(shown.round(1), fig, "Older people's care home beds today",
                         "Registered beds: CQC care directory; council-funded: council activity (latest year)."),
            html.Ul(parts))


def _benchmarks(bench):
    shown = bench.round({"beds_per_1000": 1, "occupied_per_1000": 1})
    drawn = shown.dropna(subset=["beds_per_1000"])
    fig = figures.bars(drawn, "area_name", "beds_per_1000", "Registered care home beds per 1,000 people aged 75+",
                       horizontal=True, y_title="Beds per 1,000 aged 75+")
    missing = shown[shown["beds_per_1000"].isna()]
    source = "Beds: CQC care directory; population aged 75+: POPPI or ONS."
    if len(missing):
        source += " Not available: " + "; ".join(f"{r.area_name} ({r.note})" for r in missing.itertuples()) + "."
    return chart_result(shown, fig, "Care home beds per 1,000 people aged 75+: the authority and its benchmarks",
                        source)


@page.callback(*chart_outputs(ids.GAPS_TABLE_CHART), Input(ids.GAPS_YEAR, "value"))
def update_measures(_year):
    s = store()
    g = gaps.all_gaps(s)
    if g.empty:
        return chart_result(g, figures.empty("No gap measures can be computed from this store"), "Gap measures", "")
    shown = g[["label", "numerator", "denominator", "value", "unit", "benchmark", "polarity", "year", "source"]].round(
        {"value": 1, "denominator": 0})
    pct = shown[shown["unit"] == "%"]
    fig = figures.bars(pct, "label", "value",
                       "Gap measures expressed as percentages", horizontal=True, y_title="%")
    return chart_result(shown, fig, "Gap measures", "Sources: " + "; ".join(sorted(set(shown["source"].str.split(",").str[0]))))


page.download(ids.GAPS_BEDS_CHART, "beds-needed")
page.download(ids.GAPS_POSITION_CHART, "beds-today")
page.download(ids.GAPS_BENCH_CHART, "beds-benchmarks")
page.download(ids.GAPS_TABLE_CHART, "gap-measures")
page.url_sync()
