"""Market health (for providers): where the council wants each market segment to grow, hold or
shrink and why, then how the market is changing, its quality, ownership, workforce and prices."""
import dash
from dash import html

from domain.labels import DIRECTION_LABELS, SEGMENT_LABELS
from domain.vocabulary import MARKET_SEGMENTS
from metrics.supply import market, segments
from metrics.coverage import covers_directory
from sentences.coverage import editions_sentence
from .. import context, ids
from ..components import chart_block, empty_store_notice, missing_notice, page, select

CRITERION_NAMES = {"quality": "Quality", "supply": "Supply against demand", "demand": "Demand trend",
                   "workforce": "Workforce pressure", "price": "Price pressure"}
DIRECTION_SYMBOLS = {"grow": "▲", "hold": "●", "shrink": "▼", "not_rated": "–"}


def _rating_card(row) -> html.Article:
    direction = row["direction"]
    derived = row["derived_direction"]
    why = (html.P([html.Strong("The authority's direction: "), row["override_reason"],
                   f" (the rules alone give: {DIRECTION_LABELS[derived]}.)"], className="override")
           if isinstance(row["override_reason"], str) else
           html.P(f"Derived by the rule: {segments.RULES['direction']}", className="rule"))
    items = []
    for c in segments.CRITERIA:
        evidence, _, rule = row[f"{c}_reason"].partition(" Rule: ")
        items += [html.Dt([CRITERION_NAMES[c], ": ", html.Span(row[f"{c}_mark"], className="mark")]),
                  html.Dd([evidence, html.Br(), html.Span("Rule: " + rule, className="rule")])]
    return html.Article([
        html.H3(SEGMENT_LABELS.get(row["segment"], row["segment"])),
        html.P([html.Span(DIRECTION_SYMBOLS[direction], **{"aria-hidden": "true"}), " ",
                html.Strong(DIRECTION_LABELS[direction])], className=f"direction direction-{direction}"),
        why,
        html.Dl(items, className="criteria"),
    ], className="segment-rating", id=f"segment-{row['segment']}")


def layout(segment="all", since=None, **_):
    store = context.store()
    if not store.exists:
        return empty_store_notice()
    segment = segment if segment in MARKET_SEGMENTS else "all"
    missing = [k for k, t in [("CQC care directory", "care_provider_editions"),
                              ("Skills for Care workforce estimates", "workforce"),
                              ("ASC finance return unit costs", "unit_costs")] if not store.has(t)]
    eds = market.editions(store)
    ratings = segments.segment_ratings(store)
    editions_note = (f"Directory editions in the store: {', '.join(eds)}." if len(eds) > 1 and covers_directory(store)
                     else editions_sentence(store))
    options = [("all", "All segments")] + [(s, SEGMENT_LABELS[s]) for s in MARKET_SEGMENTS]
    earlier = eds[:-1]
    since = since if since in earlier else (earlier[-1] if earlier else None)
    return page(
        "Market health",
        "Where the council wants each part of the care market to grow, hold or shrink, and why: each mark "
        "comes from a published rule, shown beside it, and the evidence behind it.",
        missing_notice(missing, store) if missing else None,
        html.Section([html.H2("Segment ratings", id="segment-ratings-heading"),
                      html.Div([_rating_card(r) for _, r in ratings.iterrows()], className="segment-ratings")],
                     id=ids.MH_RATINGS, **{"aria-labelledby": "segment-ratings-heading"}),
        chart_block(ids.MH_RATINGS_CHART, "Segment ratings at a glance"),
        html.P(editions_note, className="intro", id="market-health-editions"),
        html.Div([select(ids.MH_SEGMENT, "Segment", options, segment),
                  select(ids.MH_FROM, f"Changes to the latest edition ({eds[-1] if eds else 'none'}) since",
                         [(e, e) for e in earlier], since)], className="controls"),
        chart_block(ids.MH_CHANGES_CHART, "What changed between directory editions"),
        chart_block(ids.MH_BANDS_CHART, "Locations opened and closed by service user band",
                    "A location counts in each of its CQC service user bands, so bands do not add up."),
        chart_block(ids.MH_QUALITY_CHART, "Quality: share rated Good or Outstanding, against comparators",
                    "The directory in the store may hold only some authorities: its total is England only when "
                    "it is the national file."),
        chart_block(ids.MH_CONCENTRATION_CHART, "Ownership concentration (Herfindahl-Hirschman index)",
                    "0 is many small owners, 10,000 one owner; above 1,000 is concentrated and above 2,000 "
                    "highly concentrated (Competition Commission and OFT merger guidelines, 2010)."),
        chart_block(ids.MH_WORKFORCE_CHART, "Workforce: vacancy and turnover rates against region and England"),
        chart_block(ids.MH_PRICES_CHART, "Prices: the council's rates against its cost of care"),
        chart_block(ids.MH_FEES_CHART, "Fees: the council's average fees against its region, England and comparators",
                    "DHSC's MSIF provider fee reporting: the average fee each council pays external providers. "
                    "Weekly and hourly fees are drawn as a share of England's fee (100 = England); the table keeps "
                    "the pounds and the council's own cost-of-care median."),
        query_id=ids.query("market_health"),
    )


dash.register_page(__name__, path="/market-health", name="Market health",
                   title="Market health - Market Position Statement", order=55, layout=layout)
