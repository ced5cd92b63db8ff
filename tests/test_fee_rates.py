"""DHSC's MSIF provider fee reporting (average fees per authority by service type): read from its
guessed wide layout, set beside the region, England, the comparators and the cost-of-care median
on Market health, in the brief and the `fee_rates` export. Numbers by hand from
tests/fixtures/fees/msif-provider-fees-2024-25.csv."""
from pathlib import Path

import pytest

from conftest import sample_store_with

FIXTURE = Path(__file__).parent / "fixtures" / "fees" / "msif-provider-fees-2024-25.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from store import Store
    return Store(sample_store_with(tmp_path_factory, FIXTURE))


def test_fees_beside_region_england_comparators_and_cost_of_care_by_hand(store):
    from metrics.supply.segments import fee_rates
    f = fee_rates(store).set_index(["service", "age_band"])
    hc = f.loc[("home_care", "all")]
    # London's authorities in the file: 24.00, 24.50, 24.20, 23.40 -> 24.025; with Kent 21.30: 23.48;
    # comparators Southwark, Lambeth, Greenwich: median 24.20; cost-of-care median 17.25 -> 139.1%.
    assert (hc["period"], hc["council_fee"], hc["region_fee"], hc["england_fee"]) == ("2024-25", 24.0,
                                                                                      pytest.approx(24.025),
                                                                                      pytest.approx(23.48))
    assert (hc["comparator_median"], hc["comparators_n"]) == (24.2, 3)
    assert hc["fee_vs_cost_of_care_pct"] == pytest.approx(100 * 24 / 17.25)
    n65 = f.loc[("nursing", "65+")]
    assert (n65["region_fee"], n65["england_fee"], n65["comparator_median"]) == (830, pytest.approx(816), 840)
    assert n65["fee_vs_cost_of_care_pct"] == pytest.approx(100 * 820 / 705)
    r1864 = f.loc[("residential", "18-64")]  # Lambeth's is suppressed: 2 comparators, never a 0
    assert (r1864["comparator_median"], r1864["comparators_n"], r1864["england_fee"]) == (1350, 2, pytest.approx(1312.5))
    assert r1864["cost_of_care_median"] != r1864["cost_of_care_median"]  # no cost of care for 18-64: blank


def test_each_fee_as_a_share_of_englands_by_hand(store):
    """The Market health fees chart's scale: 100 x pounds / England's fee for the same service and age band."""
    from metrics.supply.segments import fees_against_england
    f = fees_against_england(store).set_index(["service", "age_band", "figure"])["pct_of_england"]
    assert f[("home_care", "all", "council_fee")] == pytest.approx(100 * 24.00 / 23.48)  # 102.2%
    assert f[("home_care", "all", "comparator_median")] == pytest.approx(100 * 24.20 / 23.48)
    assert f[("home_care", "all", "cost_of_care_median")] == pytest.approx(100 * 17.25 / 23.48)
    assert f[("nursing", "65+", "council_fee")] == pytest.approx(100 * 820 / 816)
    assert ("residential", "18-64", "cost_of_care_median") not in f.index  # no cost of care for 18-64: left out, not 0


def test_market_health_and_the_brief_show_the_fees(store):
    from app import create_app
    from exports.brief import build_sections
    from test_pages_readable import _call
    client = create_app(store.path).server.test_client()
    response = _call(client, "market-health-fees", {"market-health-segment": "market-health-segment"})
    table = str(response["market-health-fees-table"]["children"])
    assert "'24.02'" in table and "'139.1%'" in table  # London's 24.025 as the table rounds it; 24 / 17.25
    market = next(s for s in build_sections(store) if s.title == "Market health")
    caption, frame = next(b for b in market.blocks if isinstance(b, tuple) and b[0].startswith("Fees:"))
    assert frame.set_index(["service", "age_band"]).loc[("nursing", "65+"), "council_fee"] == 820


def test_without_the_file_there_are_no_fee_rows(sample_store):
    from metrics.supply.segments import fee_rates
    from store import Store
    assert fee_rates(Store(sample_store)).empty
