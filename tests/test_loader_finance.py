"""The council's finance table (loaders/finance.py): budget and savings lines by organisation, item
and period, values written as `£377,826,000`. Figures by hand from data/sample/council_finance.csv."""
from conftest import SAMPLE, load_one


def test_pound_amounts_are_read_as_numbers_by_organisation_item_and_period():
    report, result = load_one(SAMPLE / "council_finance.csv")
    assert report.error is None and (result.kind, result.table) == ("council_finance", "finance")
    f = result.frame
    assert len(f) == 18
    lines = f.set_index(["organisation", "item", "period"])["value_gbp"]
    assert lines[("NHS Lewisham CCG", "Net spend budget", "2016/17")] == 398_595_000  # "£398,595,000"
    assert lines[("Lewisham Council", "Savings required", "2016/17")] == 20_000_000  # "£20,000,000"
    assert lines[("Lewisham Council", "Care at Home: Council contribution to implementation", "2018/19")] == 40_000
    assert f.loc[f["period"] == "2015/16", "year"].unique().tolist() == [2015]
