import pytest

from loaders import fingertips
from loaders.errors import InputError
from loaders.sheets import read_sheets
from conftest import write_csv

HEADER27 = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
            "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
            "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
            "Compared to England value or percentiles,Compared to Region value or percentiles,"
            "Time period Sortable,New data,Compared to goal,Time period range").split(",")


def row(area="E09000023", name="Lewisham", atype="Districts & UAs (from Apr 2021)", value="146.1",
        cat_type="", cat="", period="2015/16", **extra):
    r = dict(zip(HEADER27, [""] * 27))
    r.update({"Indicator ID": "93764", "Indicator Name": "Alcohol-related admissions (Narrow)",
              "Parent Code": "E12000007", "Parent Name": "London", "Area Code": area,
              "Area Name": name, "Area Type": atype, "Sex": "Persons", "Age": "All ages",
              "Category Type": cat_type, "Category": cat, "Time period": period, "Value": value,
              "Lower CI 95.0 limit": "140.2", "Upper CI 95.0 limit": "152.3",
              "Compared to England value or percentiles": "Similar",
              "Compared to Region value or percentiles": "Worse", "Time period range": "1y"})
    r.update(extra)
    return r


def write(tmp_path, rows, header=HEADER27, name="f.csv"):
    return write_csv(tmp_path / name, [header] + [[r.get(h, "") for h in header] for r in rows])


def load(path, ctx):
    sheets = read_sheets(path)
    assert fingertips.sniff(sheets)
    return fingertips.load(sheets, ctx)


def test_headline_breakdown_duplicates(tmp_path, ctx):
    england = row("E92000001", "England", "England", "141.5")
    rows = [row(), row("E12000007", "London", "Region", "132.6"), england, england,
            row(cat_type="LSOA11 deprivation deciles", cat="Most deprived decile", value="190.0")]
    result = load(write(tmp_path, rows), ctx)
    f = result.frame
    assert len(f) == 4 and result.rows_read == 5
    assert any("repeated" in w for w in result.warnings)
    head = f[~f.is_breakdown].set_index("area_code")["value"]
    assert head.to_dict() == {"E09000023": 146.1, "E12000007": 132.6, "E92000001": 141.5}
    assert f.is_breakdown.sum() == 1
    lew = f[(f.area_code == "E09000023") & ~f.is_breakdown].iloc[0]
    assert lew.year == 2015 and lew.compared_to_parent == "Worse"
    assert lew.compared_to_parent_label == "Region" and lew.area_type == "la"
    assert f[f.area_code == "E92000001"].area_type.iloc[0] == "england"


def test_26_column_file_and_parent_named_by_pattern(tmp_path, ctx):
    header = [h if not h.startswith("Compared to Region") else
              "Compared to CCGs (from Apr 2021) value or percentiles" for h in HEADER27[:-1]]
    r = row()
    r["Compared to CCGs (from Apr 2021) value or percentiles"] = "Better"
    f = load(write(tmp_path, [r], header), ctx).frame
    assert f.compared_to_parent.tolist() == ["Better"]
    assert f.compared_to_parent_label.tolist() == ["CCGs (from Apr 2021)"]


def test_areaname_variant(tmp_path, ctx):
    header = ["AreaName" if h == "Area Name" else h for h in HEADER27]
    r = row()
    r["AreaName"] = "Lewisham"
    assert load(write(tmp_path, [r], header), ctx).frame.area_name.tolist() == ["Lewisham"]


def test_missing_column_lists_what_was_present(tmp_path, ctx):
    header = [h for h in HEADER27 if h != "Value"]
    with pytest.raises(InputError) as e:
        load(write(tmp_path, [row()], header), ctx)
    assert "Value" in e.value.problem and "Indicator Name" in str(e.value)


def test_text_in_value(tmp_path, ctx):
    with pytest.raises(InputError) as e:
        load(write(tmp_path, [row(), row(value="high")]), ctx)
    assert (e.value.row, e.value.column) == (3, "Value")


def test_suppressed_value_is_missing_not_zero(tmp_path, ctx):
    result = load(write(tmp_path, [row(value="*")]), ctx)
    assert result.frame.value.isna().all() and result.warnings
