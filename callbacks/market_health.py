"""Market health page callbacks: thin (metrics give the frames, figures draw them)."""
from dash import Input, Output

from domain.labels import CHANGE_LABELS, SEGMENT_LABELS
from layouts import figures, ids
from metrics.supply import market, segments, workforce
from .common import chart_outputs, chart_result, query_string, PageCallbacks, store

page = PageCallbacks("market_health")

MARK_TONES = {
    "Below comparators": "pressure", "Similar to comparators": "watch", "Above comparators": "fine",
    "Short of demand": "pressure", "Met locally": "fine", "Growing": "pressure", "Stable": "watch",
    "Falling": "fine", "High pressure": "pressure", "No more than elsewhere": "fine",
    "Below cost of care (lower quartile)": "pressure", "Below median cost of care": "watch",
    "At or above median cost of care": "fine",
}


def _segment_names(frame, column="segment"):
    return frame.assign(**{column: frame[column].map(SEGMENT_LABELS).fillna(frame[column])})


@page.callback(*chart_outputs(ids.MH_RATINGS_CHART), Input(ids.MH_SEGMENT, "id"))
def update_ratings(_):
    r = _segment_names(segments.segment_ratings(store()))
    marks = [f"{c}_mark" for c in segments.CRITERIA]
    fig = figures.rating_grid(r, "segment", marks, MARK_TONES, "Marks by segment and criterion")
    return chart_result(r, fig, "Segment ratings: direction, marks, evidence and rules",
                        "Source: CQC care directory, council activity, POPPI/PANSI, Skills for Care, ASC finance "
                        "return and the authority's profile.")


@page.callback(*chart_outputs(ids.MH_CHANGES_CHART), *chart_outputs(ids.MH_BANDS_CHART),
               *chart_outputs(ids.MH_QUALITY_CHART),
               *chart_outputs(ids.MH_CONCENTRATION_CHART), Output(ids.query("market_health"), "data"),
               Input(ids.MH_SEGMENT, "value"), Input(ids.MH_FROM, "value"))
def update_market(segment, since):
    s = store()
    changes = market.market_changes(s, from_as_at=since)
    if segment != "all":
        changes = changes[changes["segment"] == segment]
    counts = (changes.assign(change=changes["change"].map(CHANGE_LABELS))
              .groupby(["segment", "change"], sort=False).size().rename("locations").reset_index())
    counts = _segment_names(counts)
    editions = (f"{changes['from_edition'].iloc[0]} to {changes['to_edition'].iloc[0]}" if len(changes)
                else "no two editions")
    fig = figures.bars(counts, "segment", "locations", f"Changes, {editions}", series="change",
                       horizontal=True, y_title="Locations")
    changed = chart_result(_segment_names(changes).assign(change=changes["change"].map(CHANGE_LABELS)), fig,
                           f"Locations opened, closed, re-sized or re-rated, {editions}",
                           "Source: CQC care directory editions in the store.")
    bands = market.changes_by_band(s, from_as_at=since)
    long = bands.melt(id_vars="user_band", value_vars=["opened", "closed"], var_name="change", value_name="locations")
    bfig = figures.bars(long.assign(change=long["change"].map(CHANGE_LABELS)), "user_band", "locations",
                        f"Locations opened and closed by service user band, {editions}", series="change",
                        horizontal=True, y_title="Locations")
    by_band = chart_result(bands, bfig, f"Opened and closed by service user band, {editions}",
                           "Source: CQC care directory editions in the store (all segments).")
    q = market.quality(s)
    if segment != "all":
        q = q[q["segment"] == segment]
    q = _segment_names(q)
    qfig = figures.bars(q, "segment", "pct_locations_good", "Locations rated Good or Outstanding (% of rated)",
                        series="area_name", horizontal=True, y_title="%")
    missing = market.missing_comparators(s)
    note = f" Comparators not in the directory: {', '.join(missing)}." if missing else ""
    quality = chart_result(q, qfig, "Quality by segment and area", "Source: CQC care directory, latest edition." + note)
    c = market.concentration(s)
    if segment != "all":
        c = c[c["segment"] == segment]
    c = _segment_names(c)
    cfig = figures.bars(c, "segment", "hhi", "Herfindahl-Hirschman index by segment and edition", series="as_at",
                        horizontal=True, y_title="HHI")
    conc = chart_result(c, cfig, "Ownership concentration by segment and edition",
                        "Source: CQC care directory editions; group = brand, else provider.")
    return (*changed, *by_band, *quality, *conc, query_string(segment=segment, since=since))


@page.callback(*chart_outputs(ids.MH_WORKFORCE_CHART), *chart_outputs(ids.MH_PRICES_CHART),
               Input(ids.MH_SEGMENT, "id"))
def update_workforce_prices(_):
    s = store()
    w = workforce.workforce_comparison(s)
    rates = w[w["measure"].isin(["vacancy_rate", "turnover_rate"]) & (w["service"] == "All services")]
    rates = rates.assign(measure=rates["measure"].str.replace("_", " ").str.capitalize())
    wfig = figures.bars(rates, "measure", "value", "Vacancy and turnover rates, all services (%)",
                        series="area_name", y_title="%", decimals=1)
    work = chart_result(w, wfig, "Workforce estimates: the authority, its region and England",
                        "Source: Skills for Care, local authority workforce estimates.")
    p = segments.prices(s)
    # Weekly and hourly rates cannot share an axis: each figure is drawn as a share of the
    # authority's own cost-of-care median (100 = the median); the table twin keeps the pounds.
    shown = p[p["cost_of_care_median"].notna()]
    long = shown.melt(id_vars=["service", "age_band", "unit", "cost_of_care_median"],
                      value_vars=["council_rate", "comparator_median", "cost_of_care_lower_quartile",
                                  "cost_of_care_upper_quartile"], var_name="figure", value_name="pounds")
    long = long.dropna(subset=["pounds"])
    long = long.assign(pct_of_median=100 * long["pounds"] / long["cost_of_care_median"],
                       what=long["service"].str.replace("_", " ").str.capitalize() + " " + long["age_band"]
                       + " (£ a " + long["unit"] + ")",
                       figure=long["figure"].map({"council_rate": "Council's rate",
                                                  "comparator_median": "Comparators (median)",
                                                  "cost_of_care_lower_quartile": "Cost of care, lower quartile",
                                                  "cost_of_care_upper_quartile": "Cost of care, upper quartile"}))
    pfig = figures.bars(long, "what", "pct_of_median", "Rates as a % of the authority's cost-of-care median "
                        "(100 = median)", series="figure", horizontal=True, y_title="% of the median")
    price = chart_result(p, pfig, "Prices: unit costs and cost of care",
                         "Source: ASC finance return unit costs; the authority's cost-of-care exercise (profile).")
    return (*work, *price)


FEE_FIGURE_LABELS = {"council_fee": "Council's average fee", "region_fee": "Region", "comparator_median": "Comparators (median)",
                     "cost_of_care_median": "Council's cost-of-care median"}


@page.callback(*chart_outputs(ids.MH_FEES_CHART), Input(ids.MH_SEGMENT, "id"))
def update_fees(_):
    """The MSIF average fees as a share of England's fee (metrics.supply.segments.fees_against_england):
    weekly and hourly fees cannot share an axis in pounds."""
    f = segments.fee_rates(store())
    long = segments.fees_against_england(store())
    long = long.assign(what=long["service"].str.replace("_", " ").str.capitalize() + " " + long["age_band"]
                       + " (£ a " + long["unit"] + ")", figure=long["figure"].map(FEE_FIGURE_LABELS))
    fig = figures.bars(long, "what", "pct_of_england", "Average fees as a % of England's (100 = England)",
                       series="figure", horizontal=True, y_title="% of England's fee")
    return chart_result(f, fig, "Fees: average fees paid to external providers",
                        "Source: DHSC, MSIF provider fee reporting; the authority's cost-of-care exercise (profile).",
                        empty_message="No MSIF provider fee report for this authority in the store")


for prefix, stem in [(ids.MH_RATINGS_CHART, "segment-ratings"), (ids.MH_CHANGES_CHART, "market-changes"),
                     (ids.MH_BANDS_CHART, "changes-by-user-band"),
                     (ids.MH_QUALITY_CHART, "quality"), (ids.MH_CONCENTRATION_CHART, "concentration"),
                     (ids.MH_WORKFORCE_CHART, "workforce"), (ids.MH_PRICES_CHART, "prices"),
                     (ids.MH_FEES_CHART, "fee-rates")]:
    page.download(prefix, stem)
page.url_sync()
