"""Supply page callbacks."""
import pandas as pd
from dash import Input, Output

from layouts import figures, ids
from metrics.supply import supply
from metrics.coverage import DIRECTORY, directory
from sentences.coverage import beds_missing_sentence, directory_missing_sentence
from domain.labels import CLIENT_GROUP_LABELS, CODE_LABELS
from .common import chart_outputs, chart_result, query_string, PageCallbacks, source_line, store

page = PageCallbacks("supply")

VIEW_TITLES = {"type": "type", "ownership": "ownership", "rating": "CQC rating", "user_band": "service user band"}


@page.callback(*chart_outputs(ids.SUPPLY_CHART), Input(ids.SUPPLY_VIEW, "value"))
def update_homes(view):
    s = store()
    frame = supply.homes_view(s, view)
    codes = CODE_LABELS.get(view, {})
    frame = frame.assign(group=frame["group"].map(lambda g: codes.get(g, g)))
    missing = directory_missing_sentence(s)
    if missing:  # no directory for the authority: a message naming the file, no axes, no source line
        return chart_result(frame, figures.empty(f"No {DIRECTORY} for {directory(s).authority} in the store"),
                            f"Care homes and beds by {VIEW_TITLES[view]}", missing)
    fig = figures.homes_and_beds(frame, "group", f"Care homes and beds by {VIEW_TITLES[view]}")
    cp = s.table("care_providers")
    as_at = cp["as_at"].dropna().max() if len(cp) and cp["as_at"].notna().any() else "date not stated"
    src = (cp["source_file"].iloc[0] if len(cp) else "") + f" (as at {as_at})"
    source = "Source: CQC care directory, " + src
    if view in ("rating", "user_band") and len(frame):
        # These views count every registered care home, the MPS table above older people's homes only.
        homes = frame.groupby("group").first() if view == "rating" else None
        older = supply.care_home_table(s)
        total = older[older["type"] == "total"]
        counted = (f"{int(homes['homes'].sum())} homes and {_beds(homes['beds'].sum(min_count=1))}"
                   if homes is not None else "homes counted once in each band they serve")
        source += (f". This view counts every care home registered with the CQC ({counted}), "
                   f"not only the {int(total['homes'].iloc[0])} care homes for older people "
                   f"({_beds(total['beds'].iloc[0])}) in the table above.") if len(total) else ""
    if beds_missing_sentence(s) is not None:
        source += ". " + beds_missing_sentence(s)
    return chart_result(frame, fig, f"Care homes and beds by {VIEW_TITLES[view]}", source)


def _beds(n) -> str:
    """Beds as a count, or said to be missing (a directory without beds), never 0."""
    return "beds not given" if pd.isna(n) else f"{int(n):,} beds"


@page.callback(*chart_outputs(ids.SUPPLY_PLACEMENTS_CHART), Output(ids.query("supply"), "data"),
          Input(ids.SUPPLY_GROUP, "value"), Input(ids.SUPPLY_VIEW, "value"))
def update_placements(client_group, view):
    s = store()
    frame = supply.placements_view(s, client_group) if client_group else supply.placements(s).head(0)
    label = CLIENT_GROUP_LABELS.get(client_group, client_group or "")
    period = frame["period"].iloc[0] if len(frame) else ""
    ages = frame["age_band"].iloc[0] if len(frame) else ""
    fig = figures.bars(frame, "setting_label", "clients", f"{label}: council-funded people aged {ages}, {period}",
                       series="location", horizontal=True, stacked=True, y_title="People")
    return (*chart_result(frame, fig, f"{label}: council-funded people by setting, {period}", source_line(frame),
                          "No council activity file in the store" if not s.has("activity") else
                          "No data for this selection"),
            query_string(view=view, client_group=client_group))


page.download(ids.SUPPLY_CHART, "care-homes")
page.download(ids.SUPPLY_PLACEMENTS_CHART, "placements")
page.url_sync()
