"""ASC-FR unit costs (loaders/unit_costs.py): gross weekly costs of residential and nursing care by
age band and the home care hourly rate, per council, region and England. Figures by hand from
data/sample/ASC-FR_unit_costs_2016-17.csv."""
from conftest import SAMPLE, load_one


def test_the_sample_file_keeps_care_costs_and_names_what_it_leaves_out():
    report, result = load_one(SAMPLE / "ASC-FR_unit_costs_2016-17.csv")
    assert report.error is None and (result.kind, result.table) == ("asc_finance_unit_costs", "unit_costs")
    f = result.frame
    assert (result.rows_read, len(f)) == (36, 30)  # six reablement rows left out, and said
    assert report.warnings == ["rows for other settings not kept: Short-term support: reablement (6)"]
    weekly = f[f["measure"] == "gross_weekly_cost"].set_index(["area_code", "service", "age_band"])["value_gbp"]
    assert weekly[("E09000023", "nursing", "65+")] == 612  # line 5
    assert weekly[("E09000023", "residential", "18-64")] == 1395  # line 2
    hourly = f[f["service"] == "home_care"].set_index("area_name")
    assert hourly.loc["Lewisham", "value_gbp"] == 15.9 and hourly.loc["England", "area_type"] == "england"
    assert set(hourly["measure"]) == {"hourly_rate"} and set(hourly["age_band"]) == {"all"}


def test_unit_cost_loader_refuses_a_file_with_no_known_setting(tmp_path):
    from loaders.store import load_file
    from loaders import LoadContext
    bad = tmp_path / "unit_costs.csv"
    bad.write_text("GEOGRAPHY_LEVEL,GEOGRAPHY_CODE,GEOGRAPHY_NAME,YEAR,SUPPORT_SETTING,AGE_BAND,ITEMVALUE\n"
                   "Council,E09000023,Lewisham,2016-17,Short-term support: reablement,All,520\n", encoding="utf-8")
    report, result = load_file(bad, LoadContext())
    assert result is None and report.error.startswith("unit_costs.csv")
    assert "no residential, nursing or home care unit cost rows" in report.error
