"""Opportunities page callbacks: the care contract timeline, growth by client group, the
providers' sentences and the excluded contracts' download."""
from dash import Input, Output, dcc, html, no_update

from domain.labels import CLIENT_GROUP_LABELS, code_label, measure_label
from exports.csv_export import LINE_END, safe_frame
from exports.downloads import area_prefix
from layouts import figures, ids
from metrics.supply import opportunities
from sentences.supply import provider_messages
from .common import chart_outputs, chart_result, PageCallbacks, query_string, source_line, store

page = PageCallbacks("opportunities")

TIMELINE_SHOWN = ["end_date", "title", "supplier", "client_group", "service", "annual_value", "procurement_route",
                  "sme", "vcse", "demand_growth_pct", "growth_measure", "start_date", "reference", "organisation",
                  "source_file", "source_row"]


def _months(window: str) -> int | None:
    return int(window) if str(window).isdigit() and int(window) in opportunities.WINDOWS_MONTHS else None


def _group_name(key) -> str:
    return CLIENT_GROUP_LABELS.get(key, "Across client groups") if isinstance(key, str) else "Across client groups"


@page.callback(*chart_outputs(ids.OPP_CONTRACTS_CHART), *chart_outputs(ids.OPP_CHART),
               Output(ids.OPP_MEANING, "children"), Output(ids.OPP_EXCLUDED_NOTE, "children"),
               Output(ids.query("opportunities"), "data"),
               Input(ids.OPP_WINDOW, "value"), Input(ids.OPP_GROUP, "value"))
def update_opportunities(window, client_group):
    s = store()
    months = _months(window)
    group = client_group if client_group in CLIENT_GROUP_LABELS else None
    when = f"within {months} months" if months else "at any time (all running)"

    timeline = opportunities.contract_timeline(s, months, group)
    shown = timeline.reindex(columns=TIMELINE_SHOWN)
    if len(shown):
        shown = shown.assign(client_group=shown["client_group"].map(_group_name),
                             service=shown["service"].map(lambda v: code_label("service", v)),
                             growth_measure=shown["growth_measure"].map(
                                 lambda m: measure_label(m) if isinstance(m, str) else None),
                             end_date=shown["end_date"].dt.strftime("%Y-%m-%d"),
                             start_date=shown["start_date"].dt.strftime("%Y-%m-%d"))
    fig = figures.timeline(shown, "title", "start_date", "end_date", "annual_value",
                           f"Care contracts ending {when}, soonest first", group="client_group")
    detail = chart_result(shown, fig, f"Care contracts ending {when}",
                          source_line(shown, "Care contracts only: see the note below for those left out."))

    growth = opportunities.demand_growth_by_group(s)
    ending = opportunities.contract_timeline(s, months)
    counts = ending.groupby("client_group").agg(contracts=("title", "size"), annual_value=("annual_value", "sum")) \
        if len(ending) else None
    g = growth.assign(
        contracts_ending=growth["client_group"].map(counts["contracts"]).fillna(0).astype(int)
        if counts is not None else 0,
        annual_value_ending=growth["client_group"].map(counts["annual_value"]).fillna(0.0)
        if counts is not None else 0.0)
    if not s.has("contracts"):  # no contracts register: unknown, never 0
        g = g.assign(contracts_ending=None, annual_value_ending=None)
    if group:
        g = g[g["client_group"] == group]
    g = g.assign(client_group=g["client_group"].map(_group_name),
                 measure=g["measure"].map(lambda m: ("Population aged 65+" if m == "population" else measure_label(m))
                                          if isinstance(m, str) else None))
    table = g[["client_group", "measure", "from_year", "to_year", "demand_growth_pct", "contracts_ending",
               "annual_value_ending", "note"]]
    gfig = figures.bars(table.dropna(subset=["demand_growth_pct"]), "client_group", "demand_growth_pct",
                        "Projected demand growth by client group (%)", horizontal=True, y_title="% growth")
    missing = table[table["demand_growth_pct"].isna()]
    gsource = "Source: POPPI/PANSI projections (older people: the population aged 65 and over); contracts registers."
    if len(missing):
        gsource += " No projection for: " + "; ".join(f"{r.client_group} ({r.note})" for r in missing.itertuples()) + "."
    summary = chart_result(table, gfig, f"Projected demand growth and care contracts ending {when}", gsource)

    messages = provider_messages(s, months)
    if group:
        messages = messages[messages["client_group"] == group]
    meaning = html.Ul([html.Li([r.sentence] + ([html.Br(), html.Em(f"The authority's intention: {r.intention}")]
                                              if r.intention else []))
                       for r in messages.itertuples()], className="provider-messages")

    excluded = opportunities.excluded_contracts(s)
    total = len(opportunities.contracts(s))
    note = (f"{len(excluded)} of the {total} contracts in the registers are not care contracts (no care service "
            "in their title, description or the register's service category) and are left out, e.g. "
            + "; ".join(excluded["title"].astype(str).head(3)) + "." if len(excluded)
            else "Every contract in the registers is a care contract." if total
            else "No contracts register is loaded.")
    return (*detail, *summary, meaning, note, query_string(window=window, client_group=client_group))


@page.callback(Output(ids.OPP_EXCLUDED_DOWNLOAD, "data"), Input(ids.OPP_EXCLUDED_BUTTON, "n_clicks"),
               prevent_initial_call=True)
def download_excluded(n_clicks):
    if not n_clicks:
        return no_update
    s = store()
    frame = opportunities.excluded_contracts(s)
    if len(frame):
        frame = frame.assign(start_date=frame["start_date"].dt.strftime("%Y-%m-%d"),
                             end_date=frame["end_date"].dt.strftime("%Y-%m-%d"))
    return dcc.send_data_frame(safe_frame(frame).to_csv, f"{area_prefix(s)}contracts-not-care.csv", index=False,
                                 lineterminator=LINE_END)


page.download(ids.OPP_CHART, "opportunities")
page.download(ids.OPP_CONTRACTS_CHART, "contracts-ending")
page.url_sync()
