"""Summary metrics (metrics/summary/): the overview's sources and its key facts (the MPS figures
with their source rows, through sentences.overview), pinned from the sample."""
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


def test_key_facts_are_the_mps_figures_with_their_source_rows(store):
    """Seed 000 s3: 305,945 residents (2014 SNPP persons, row 93, 2017), 26,800 aged 65+ (POPPI
    population row 11), 1,800 with dementia (POPPI dementia row 11), diagnosis 1,330 / 1,800 =
    73.9%, 1,120 adults with a learning disability (PANSI row 10), 18 older people's homes with
    672 beds, 123 of 180 LD placements out of area = 68.3%."""
    from sentences.overview import key_facts
    facts = {f.label: f for f in key_facts(store)}
    expected = {"Residents (all ages)": (305945, "2014 SNPP Population persons.csv, row 93"),
                "Residents aged 65 and over": (26800, "POPPI_Lewisham_population_2017.xls, row 11"),
                "People aged 65+ estimated to have dementia": (1800, "POPPI_Lewisham_dementia_2017.xlsx, row 11"),
                "Adults aged 18-64 estimated to have a learning disability":
                    (1120, "PANSI_Lewisham_learning_disability_2017.xlsx, row 10")}
    for label, (value, source) in expected.items():
        assert (facts[label].value, facts[label].source) == (value, source), label
    assert facts["Dementia diagnosis rate (national target 67%)"].value == pytest.approx(1330 / 1800 * 100)
    assert facts["Older people's care homes"].value == 18 and facts["Beds in older people's care homes"].value == 672
    assert facts["Learning disability placements out of area"].value == pytest.approx(123 / 180 * 100)
