"""Population page callbacks."""
from dash import Input, Output

from layouts import figures, ids
from metrics.demand import population
from .common import chart_outputs, chart_result, query_string, PageCallbacks, source_line, store

page = PageCallbacks("population")


@page.callback(*chart_outputs(ids.POP_CHART), *chart_outputs(ids.POP_AGE_CHART), Output(ids.query("population"), "data"),
          Input(ids.POP_AREA, "value"), Input(ids.POP_MEASURE, "value"))
def update_population(area, measure="people"):
    s = store()
    name = dict(population.areas(s)).get(area, area)
    groups = population.broad_groups(s, area)
    years = sorted(groups["year"].unique()) if len(groups) else []
    from metrics.supply.gaps import base_year
    y0 = base_year(s) or (years[0] if years else None)
    if measure == "index":  # growth compared across groups of very different size; the twin follows
        shown = population.indexed(groups, y0)
        b = int(shown["base_year"].iloc[0]) if len(shown) else y0
        fig = figures.lines(shown, "year", "index", "age_group", f"{name}: population index ({b} = 100)",
                            f"Index ({b} = 100)")
        main = chart_result(shown, fig, f"{name}: population by age group as an index, {b} = 100",
                            source_line(shown))
    else:
        fig = figures.lines(groups, "year", "value", "age_group", f"{name}: projected population", "People")
        main = chart_result(groups, fig, f"{name}: projected population by age group", source_line(groups))
    pick = [y for y in (y0, (y0 or 0) + 10) if y in years]
    profile = population.age_profile(s, area, pick)
    pfig = figures.bars(profile, "age_band", "value", f"{name}: people by age band", series="year", y_title="People")
    prof = chart_result(profile, pfig, f"{name}: people by five-year age band", source_line(profile))
    return (*main, *prof, query_string(area=area, measure=measure if measure == "index" else None))


page.download(ids.POP_CHART, "population-projection")
page.download(ids.POP_AGE_CHART, "population-age-profile")
page.url_sync()
