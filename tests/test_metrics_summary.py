"""Summary metrics (metrics/summary/): the overview's sources, pinned from the sample."""
import pytest


@pytest.fixture(scope="module")
def store(sample_store):
    from store import Store
    return Store(sample_store)


def test_sources_state_the_gp_extract_date_not_the_series_name(store):
    """gp-reg-pat-prac-quin-age.csv states PUBLICATION GP_PRAC_PAT_LIST (the series) and EXTRACT_DATE
    01APR2017: the Sources page's version column shows the date."""
    from metrics.summary.overview import sources
    s = sources(store).set_index("file")
    assert s.loc["gp-reg-pat-prac-quin-age.csv", "version or date"] == "2017-04-01"
