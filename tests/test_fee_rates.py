"""DHSC's MSIF provider fee reporting (average fees per authority by service type): read from its
guessed wide layout, set beside the region, England, the comparators and the cost-of-care median
on Market health, in the brief and the `fee_rates` export. Numbers by hand from
tests/fixtures/fees/msif-provider-fees-2024-25.csv."""
from pathlib import Path

import pytest

from conftest import load_one, sample_store_with, write_csv

FIXTURE = Path(__file__).parent / "fixtures" / "fees" / "msif-provider-fees-2024-25.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from metrics.store import Store
    return Store(sample_store_with(tmp_path_factory, FIXTURE))


def test_service_columns_are_recognised_by_their_words():
    from loaders.msif_fees import service_of
    assert service_of("Care homes without nursing 65 and over (£ per week) 2024 to 2025") == ("residential", "65+", "week")
    assert service_of("Care homes with nursing for clients aged 18 to 64") == ("nursing", "18-64", "week")
    assert service_of("Home care (£ per hour)") == ("home_care", "all", "hour")
    assert service_of("Supported living") == ("supported_living", "all", "hour")
    assert service_of("Home care increase (%)") is None and service_of("Region") is None


def test_the_fixture_is_read_one_row_per_authority_year_and_service():
    report, result = load_one(FIXTURE)
    assert report.error is None and report.kind == "msif_fee_rates"
    f = result.frame
    assert len(f) == 5 * 7  # five authorities x (home care for two years + six services for 2024-25)
    lew = f[(f["area_code"] == "E09000023")].set_index(["period", "service", "age_band"])["fee_gbp"]
    assert (lew[("2023-24", "home_care", "all")], lew[("2024-25", "home_care", "all")]) == (22.5, 24.0)
    assert lew[("2024-25", "nursing", "65+")] == 820
    assert "columns not used: Region, Home care increase (%)" in report.warnings
    assert report.warnings[0].startswith("1 suppressed value(s) kept as missing")


def test_a_fee_column_without_a_year_in_a_file_without_one_is_refused(tmp_path):
    path = write_csv(tmp_path / "fees.csv", [["ONS code", "Home care", "Supported living"],
                                              ["E09000023", "24.00", "23.10"]])
    report, result = load_one(path)
    assert result is None and report.error.startswith("fees.csv, row 1, column 'Home care': the column 'Home care' "
                                                      "names no financial year")


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
    from metrics.store import Store
    assert fee_rates(Store(sample_store)).empty
