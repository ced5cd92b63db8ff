"""Population page callbacks."""
from dash import Input, Output

from layouts import figures, ids
from metrics import population
from .common import chart_outputs, chart_result, query_string, PageCallbacks, source_line, store

page = PageCallbacks("population")


@page.callback(*chart_outputs(ids.POP_CHART), *chart_outputs(ids.POP_AGE_CHART), Output(ids.query("population"), "data"),
          Input(ids.POP_AREA, "value"))
def update_population(area):
    s = store()
    name = dict(population.areas(s)).get(area, area)
    groups = population.broad_groups(s, area)
    fig = figures.lines(groups, "year", "value", "age_group", f"{name}: projected population", "People")
    main = chart_result(groups, fig, f"{name}: projected population by age group", source_line(groups))
    years = sorted(groups["year"].unique()) if len(groups) else []
    from metrics.gaps import base_year
    y0 = base_year(s) or (years[0] if years else None)
    pick = [y for y in (y0, (y0 or 0) + 10) if y in years]
    profile = population.age_profile(s, area, pick)
    pfig = figures.bars(profile, "age_band", "value", f"{name}: people by age band", series="year", y_title="People")
    prof = chart_result(profile, pfig, f"{name}: people by five-year age band", source_line(profile))
    return (*main, *prof, query_string(area=area))


page.download(ids.POP_CHART, "population-projection")
page.download(ids.POP_AGE_CHART, "population-age-profile")
page.url_sync()
