import pytest

from loaders import ipc_projections
from loaders.errors import InputError
from loaders.sheets import read_sheets
from conftest import write_csv, write_xlsx, write_ods

YEARS = [2017, 2020, 2025]


def dementia_rows(years=YEARS, area="Lewisham"):
    return [
        ["People aged 65 and over predicted to have dementia, by age and gender, projected to 2025"],
        [area],
        [],
        [""] + years,
        ["People aged 65-69 predicted to have dementia", 100, 110, 120],
        ["People aged 70-74 predicted to have dementia", 200, 210, 220],
        ["People aged 90 and over predicted to have dementia", 300, 310, 330],
        ["Total population aged 65 and over predicted to have dementia", 600, 630, 670],
        [],
        ["Males aged 65-69 predicted to have dementia", 40, 50, 60],
        ["Total males aged 65 and over predicted to have dementia", 40, 50, 60],
        [],
        ["Figures may not sum due to rounding."],
        ["POPPI v11.0 April 2017"],
        ["Crown copyright 2017"],
    ]


def load(path, ctx):
    sheets = read_sheets(path)
    assert ipc_projections.sniff(sheets)
    return ipc_projections.load(sheets, ctx)


@pytest.mark.parametrize("writer,suffix", [(write_xlsx, ".xlsx"), (write_ods, ".ods")])
def test_reads_spreadsheet_with_totals_sex_blocks_and_version(tmp_path, ctx, writer, suffix):
    path = writer(tmp_path / f"t{suffix}", {"Sheet1": dementia_rows()})
    result = load(path, ctx)
    f = result.frame
    total = f[(f.is_total) & (f.sex == "persons") & (f.year == 2017)]
    assert total["value"].tolist() == [600]
    assert total["age_band"].tolist() == ["65+"]
    assert set(f.measure) == {"dementia"} and set(f.client_group) == {"dementia"}
    assert set(f.sex) == {"persons", "male"}
    assert set(f.tool) == {"POPPI"}
    assert f["source_version"].iloc[0] == "POPPI v11.0 April 2017"
    assert f.area_code.iloc[0] == "E09000023"
    band = f[(f.age_band == "90+") & (f.year == 2025)]
    assert band["value"].tolist() == [330] and band["source_row"].tolist() == [7]
    assert result.rows_read == 6


def test_csv_with_text_years_and_two_tables(tmp_path, ctx):
    rows = [
        ["People aged 18-64 predicted to have a moderate physical disability, by age"],
        ["Lewisham"], [], ["", "2017", "2020"],
        ["People aged 18-24 predicted to have a moderate physical disability", "1,000", "1,100"],
        ["Total population aged 18-64 predicted to have a moderate physical disability", "1,000", "1,100"],
        [], ["PANSI v9.0 April 2017"], [],
        ["People aged 18-64 predicted to have a serious physical disability, by age"],
        ["Lewisham"], [], ["", "2017", "2020"],
        ["People aged 18-24 predicted to have a serious physical disability", "50", "60"],
        ["Total population aged 18-64 predicted to have a serious physical disability", "50", "60"],
    ]
    f = load(write_csv(tmp_path / "p.csv", rows), ctx).frame
    totals = f[f.is_total].set_index(["measure", "year"])["value"]
    assert totals[("physical_disability_moderate", 2020)] == 1100
    assert totals[("physical_disability_serious", 2017)] == 50
    assert set(f.tool) == {"PANSI"}


def test_html_saved_as_xls(tmp_path, ctx):
    html = ("<html><body><table><tr><td>People aged 65 and over, projected to 2020</td></tr>"
            "<tr><td>Lewisham</td></tr><tr><td></td><td>2017</td><td>2020</td></tr>"
            "<tr><td>People aged 65-69</td><td>9,000</td><td>9,500</td></tr>"
            "<tr><td>Total population aged 65 and over</td><td>9,000</td><td>9,500</td></tr>"
            "</table></body></html>")
    path = tmp_path / "pop.xls"
    path.write_text(html)
    f = load(path, ctx).frame
    assert set(f.measure) == {"population"}
    assert f[f.is_total & (f.year == 2020)]["value"].tolist() == [9500]


def test_london_and_england_tables_get_their_codes(tmp_path, ctx):
    f = load(write_xlsx(tmp_path / "l.xlsx", {"s": dementia_rows(area="London")}), ctx).frame
    assert set(f.area_code) == {"E12000007"} and set(f.area_type) == {"region"}


def test_repeated_year_column_is_an_error(tmp_path, ctx):
    rows = dementia_rows(years=[2017, 2020, 2020])
    with pytest.raises(InputError) as e:
        load(write_xlsx(tmp_path / "r.xlsx", {"Sheet1": rows}), ctx)
    assert e.value.row == 4 and e.value.column == "D" and "2020" in str(e.value)


def test_text_in_a_count_names_the_cell(tmp_path, ctx):
    rows = dementia_rows()
    rows[5][2] = "lots"
    with pytest.raises(InputError) as e:
        load(write_xlsx(tmp_path / "t.xlsx", {"Sheet1": rows}), ctx)
    assert (e.value.sheet, e.value.row, e.value.column) == ("Sheet1", 6, "2020")
    assert "lots" in str(e.value)


def test_negative_count_is_an_error(tmp_path, ctx):
    rows = dementia_rows()
    rows[4][1] = -5
    with pytest.raises(InputError) as e:
        load(write_xlsx(tmp_path / "n.xlsx", {"Sheet1": rows}), ctx)
    assert e.value.row == 5 and "negative" in str(e.value)


def test_unknown_measure_asks_for_a_lookup_row(tmp_path, ctx):
    rows = dementia_rows()
    rows[4][0] = "People aged 65-69 predicted to have a broken heart"
    with pytest.raises(InputError) as e:
        load(write_xlsx(tmp_path / "u.xlsx", {"Sheet1": rows}), ctx)
    assert "ipc_measures.csv" in str(e.value) and e.value.row == 5


def test_suppressed_marker_becomes_missing_with_a_note(tmp_path, ctx):
    rows = dementia_rows()
    rows[4][1] = "*"
    result = load(write_xlsx(tmp_path / "s.xlsx", {"Sheet1": rows}), ctx)
    f = result.frame
    assert f[(f.age_band == "65-69") & (f.sex == "persons") & (f.year == 2017)]["value"].isna().all()
    assert any("suppressed" in w for w in result.warnings)


def test_counts_that_look_like_years_are_not_headers(tmp_path, ctx):
    rows = dementia_rows()
    rows[4][1:] = [1996, 2077, 2089]  # a data row whose values are 4-digit numbers
    f = load(write_xlsx(tmp_path / "y.xlsx", {"Sheet1": rows}), ctx).frame
    assert sorted(f.year.unique()) == YEARS
    assert f[(f.age_band == "65-69") & (f.sex == "persons")].value.tolist() == [1996, 2077, 2089]


def test_total_that_disagrees_with_its_bands_is_warned(tmp_path, ctx):
    rows = dementia_rows()
    rows[7][1] = 850  # total 2017: bands add to 600
    result = load(write_xlsx(tmp_path / "w.xlsx", {"Sheet1": rows}), ctx)
    assert any("850" in w and "600" in w and "row 8" in w for w in result.warnings)


def test_totals_within_rounding_are_not_warned(tmp_path, ctx):
    rows = dementia_rows()
    rows[7][1] = 605
    assert not load(write_xlsx(tmp_path / "ok.xlsx", {"Sheet1": rows}), ctx).warnings
