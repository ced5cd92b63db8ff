"""KPIs against the comparator authorities where a reader sees them: the findings (adult social
care indicators only, whose value it is said once) and the KPI chart (the comparators and the
age), from the real County & UA campylobacter export. The comparators' means themselves are
pinned in tests/test_metrics_performance.py."""
from __future__ import annotations

from store import Store

SOUTHWARK = "E09000028"


def test_findings_come_from_adult_social_care_indicators_only(national_store):
    """Southwark holds only the national campylobacter export: food poisoning is not an adult social
    care indicator (data/lookups/indicator_polarity.csv declares which are), so it is never a finding
    for scrutiny, however far from England it is."""
    from sentences.findings import findings
    f = findings(Store(national_store).for_authority(SOUTHWARK))
    assert not f["sentence"].str.contains("ampylobacter").any()
    assert not f["finding_key"].str.startswith("kpi_").any()


def test_a_finding_says_whose_value_it_is_once():
    """Ages as a reader writes them ("0-9", not "0-9 yrs"), and not twice when the name says it
    (the brief printed "Hip fractures (65+) (65+ yrs)")."""
    from sentences.findings import _who
    assert _who("Persons", "0-9 yrs", "Campylobacter cases") == " (0-9)"
    assert _who("Female", "65+ yrs", "Hip fractures (65+)") == " (female)"
    assert _who("Persons", "65+ yrs", "Hip fractures (65+)") == ""
    assert _who("Persons", "All ages", "Alcohol-related hospital admissions") == ""


def test_the_kpi_chart_shows_the_comparators_and_the_age(national_store):
    from layouts.figures import spine
    from metrics.performance.kpis import latest_kpis
    fig = spine(latest_kpis(Store(national_store).for_authority(SOUTHWARK)), "t")
    names = [t.get("name") for t in fig["data"]]  # a figure as plotly JSON
    assert "Comparator authorities (mean)" in names
    labels = {str(y) for t in fig["data"] for y in list(t.get("y", []))}
    assert any(", 0-9)" in str(label) for label in labels)  # the age, as a reader writes it ("yrs" dropped)
