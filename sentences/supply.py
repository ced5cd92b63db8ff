"""The words about supply: what changed between the CQC directory's last two editions
(metrics.supply.market.change_summary), read on the Overview and in the brief; and what the data
means for providers, client group by client group (metrics.supply.opportunities.provider_outlook),
read on the Opportunities page."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.labels import SEGMENT_LABELS, client_group_label, fmt_money, measure_phrase
from metrics.supply.market import BED_SEGMENTS, change_summary, editions
from metrics.supply.opportunities import WINDOWS_MONTHS, provider_outlook
from store import Store


def change_sentences(store: Store) -> list[str]:
    """'What changed since the last refresh': the change summary between the last two editions, in
    words, one sentence per segment that changed (empty with fewer than two editions)."""
    summary = change_summary(store)
    if summary.empty:
        return []
    eds = editions(store)
    out = [f"Between the CQC directories of {eds[-2]} and {eds[-1]}:"]
    for r in summary.itertuples(index=False):
        parts = []
        if r.opened or r.closed:
            parts.append(f"{r.opened} opened and {r.closed} closed")
        beds = r.segment in BED_SEGMENTS
        if beds and (r.beds_opened or r.beds_closed or r.beds_changed_at_open_homes):
            parts.append(f"net change {r.net_beds:+,.0f} beds ({r.beds_opened:,.0f} in new homes, "
                         f"{r.beds_closed:,.0f} in closed homes, {r.beds_changed_at_open_homes:+,.0f} at homes open "
                         f"in both)")
        ratings = [f"{n} {what}" for n, what in ((r.rating_improved, "improved"), (r.rating_declined, "declined"),
                                               (r.first_rated, "rated for the first time")) if n]
        if ratings:
            parts.append("ratings: " + ", ".join(ratings))
        if parts:
            out.append(f"{SEGMENT_LABELS.get(r.segment, r.segment)}: " + "; ".join(parts) + ".")
    return out


def provider_messages(store: Store, months: int | None = 24, as_of: dt.date | None = None) -> pd.DataFrame:
    """For every client group, one sentence on what the data means for providers: projected
    demand growth, care contracts ending within ``months`` (None: every contract still running)
    and their annual value, and the authority's commissioning intention for the group where its
    profile states one (the figures are provider_outlook's)."""
    rows = []
    for g in provider_outlook(store, months, as_of).itertuples(index=False):
        if g.growing is None:
            demand_part = f"no projection ({g.note})"
        else:
            who = "people aged 65 and over" if g.measure == "population" else measure_phrase(g.measure)
            demand_part = (f"{who} projected to {'grow' if g.demand_growth_pct >= 0 else 'fall'} "
                           f"{abs(g.demand_growth_pct):.0f}% from {g.from_year} to {g.to_year}")
        growing, n, value = g.growing, g.contracts_ending, g.annual_value_ending
        if not g.contracts_known:  # no contracts register: what ends is unknown, never "no contract ends"
            contracts_part = "contracts ending are not known (no contracts register is loaded)"
            n, value = None, None
        else:
            n = int(n)
            plural = "s" if n != 1 else ""
            if months is None:
                contracts_part = (f"{n} care contract{plural} worth {fmt_money(value)} a year "
                                  f"{'are' if n != 1 else 'is'} running, whatever their end date" if n
                                  else "no care contract is running")
            else:
                contracts_part = (f"{n} care contract{plural} worth {fmt_money(value)} a year end within {months} "
                                  "months" if n else f"no care contract ends within {months} months")
        if not g.contracts_known:
            meaning = ("growing demand: talk to commissioners about new capacity" if growing else
                       "the data loaded cannot say how demand will change" if growing is None else
                       "steadier demand: ask commissioners which contracts are due to be re-let")
        elif growing and n:
            meaning = "growing demand and contracts to re-let: a chance to bid and to offer more capacity"
        elif growing:
            meaning = "growing demand with no contract ending soon: talk to commissioners about new capacity"
        elif n:
            meaning = "steadier demand: the opportunity is in the contracts being re-let"
        elif growing is None:
            meaning = "the data loaded cannot say how demand will change"
        else:
            meaning = "steadier demand and no contract ending soon: few new openings in this window"
        sentence = f"{client_group_label(g.client_group)}: {demand_part}; {contracts_part}. For providers, {meaning}."
        rows.append({"client_group": g.client_group, "demand_growth_pct": g.demand_growth_pct,
                     f"contracts_ending_{months}m" if months in WINDOWS_MONTHS else "contracts_ending": n,
                     "annual_value_ending": value, "intention": g.intention, "sentence": sentence})
    return pd.DataFrame(rows)
