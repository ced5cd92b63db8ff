"""The council's activity table (loaders/activity.py): council-funded people by client group,
setting, age band, in or out of area and year, read from our documented layout
(data/sample/README.md). Figures by hand from data/sample/council_activity.csv."""
import pytest

from conftest import SAMPLE, load_one, write_csv
from loaders.errors import InputError
from loaders.sheets import read_sheets


def test_the_sample_file_is_read_row_for_row():
    report, result = load_one(SAMPLE / "council_activity.csv")
    assert report.error is None and (result.kind, result.table) == ("council_activity", "activity")
    f = result.frame
    assert len(f) == 288 == result.rows_read  # 289 lines, one of them the header
    assert sorted(f["period"].unique()) == ["2014/15", "2015/16", "2016/17"]
    # Line 16: 2014/15,Physical Support: Personal care support,Residential,65+,In area,195
    row = f[f["source_row"] == 16].iloc[0]
    assert (row["client_group"], row["setting"], row["age_band"], row["location"], row["clients"]) == (
        "older_people", "residential", "65+", "in_area", 195)
    # Line 2: an "All services" row has no location: blank, never a made-up one.
    first = f[f["source_row"] == 2].iloc[0]
    assert (first["client_group"], first["clients"]) == ("learning_disability", 731) and first["location"] != first["location"]


def test_activity_age_bands_are_normalised_and_checked(tmp_path, ctx):
    from loaders import activity
    rows = [["Period", "Primary Support Reason", "Support Setting", "Age Band", "Location", "Clients"],
            ["2016/17", "Learning Disability Support", "All services", "Aged 18 to 64", "", "10"],
            ["2016/17", "Learning Disability Support", "All services", "", "", "12"]]
    f = activity.load(read_sheets(write_csv(tmp_path / "a.csv", rows)), ctx).frame
    assert f.age_band.tolist() == ["18-64", "all"]
    rows[2][3] = "grown-ups"
    with pytest.raises(InputError) as e:
        activity.load(read_sheets(write_csv(tmp_path / "b.csv", rows)), ctx)
    assert (e.value.row, e.value.column) == (3, "Age Band") and "grown-ups" in e.value.problem
