import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from loaders import cqc
from loaders.errors import InputError
from loaders.sheets import read_sheets
from domain.contract import store_table
from conftest import write_ods, write_xlsx


def columns(table):
    return store_table(table).names

CORE = cqc.HEADER_COLUMNS
FLAGS = ["Regulated activity - Accommodation for persons who require nursing or personal care",
         "Regulated activity - Personal care",
         "Service type - Care home service with nursing",
         "Service type - Care home service without nursing",
         "Service type - Domiciliary care service",
         "Service user band - Dementia", "Service user band - Older People"]
HEADER = CORE[:3] + ["Location Telephone Number"] + CORE[3:] + FLAGS  # an unused column in between


def location(i, **kw):
    r = {"Location ID": f"1-10000{i}", "Location HSCA start date": dt.datetime(2011, 1, 12),
         "Dormant (Y/N)": "N", "Care home?": "Y", "Location Name": f"Home {i}",
         "Care homes beds": 40 + i, "Location Type/Sector": "Social Care Org",
         "Location Inspection Directorate": "Adult social care",
         "Location Primary Inspection Category": "Residential social care",
         "Location Latest Overall Rating": "Good", "Publication Date": "14/03/2017",
         "Location Region": "London", "Location Local Authority": "Lewisham",
         "Location ONSPD CCG Code": "E38000098", "Location ONSPD CCG": "NHS Lewisham CCG",
         "Location Street Address": "1 High Street", "Location City": "London",
         "Location Postal Code": "SE6 4RU", "Location Latitude": 51.44, "Location Longitude": -0.02,
         "Brand ID": "BD123", "Brand Name": "BRAND Care Group", "Provider ID": "1-200",
         "Provider Name": "Care Ltd", "Provider Ownership Type": "Organisation",
         "Location Telephone Number": "02081234567"}
    r.update(kw)
    return r


def rows_for(header, records):
    return [header] + [[r.get(h) for h in header] for r in records]


NURSING = {"Service type - Care home service with nursing": "Y", "Service user band - Dementia": "Y",
           "Regulated activity - Accommodation for persons who require nursing or personal care": "Y"}
DOMCARE = {"Care home?": "N", "Care homes beds": None, "Service type - Domiciliary care service": "Y",
           "Regulated activity - Personal care": "Y", "Service user band - Older People": "Y",
           "Location Latest Overall Rating": None, "Brand ID": "-", "Brand Name": "-",
           "Location Primary Inspection Category": "Community based adult social care services"}


def records():
    return [location(1, **NURSING),
            location(2, **DOMCARE),
            location(3, **{"Service type - Care home service without nursing": "Y",
                           "Location Latest Overall Rating": "Requires improvement",
                           "Dormant (Y/N)": "Y", "Location Longitude": "-0.035"})]


def load(path, ctx):
    sheets = read_sheets(path)
    assert cqc.sniff(sheets)
    return cqc.load(sheets, ctx)


def check_standard(result):
    f = result.frame.set_index("location_id")
    assert list(result.frame.columns) == columns("care_providers")
    assert result.rows_read == 3 and len(f) == 3
    assert f.loc["1-100001", "care_home"] is True and f.loc["1-100002", "care_home"] is False
    assert f.loc["1-100003", "dormant"] is True and f.loc["1-100001", "dormant"] is False
    assert f.loc["1-100001", "beds"] == 41 and pd.isna(f.loc["1-100002", "beds"])
    assert f.loc["1-100002", "rating"] is None and f.loc["1-100003", "rating"] == "Requires improvement"
    assert f.loc["1-100002", "brand_id"] is None and f.loc["1-100002", "brand_name"] is None
    assert f.loc["1-100001", "brand_name"] == "BRAND Care Group"
    assert f.loc["1-100001", "publication_date"] == "2017-03-14"
    assert f.loc["1-100001", "hsca_start_date"] == "2011-01-12"
    assert f.loc["1-100003", "longitude"] == pytest.approx(-0.035)
    assert f.loc["1-100001", "latitude"] == pytest.approx(51.44)
    assert f.loc["1-100001", "ccg_code"] == "E38000098"
    assert f.loc["1-100001", "source_row"] == 2 and f.loc["1-100003", "source_row"] == 4
    assert (result.frame.source_sheet == "HSCA_Active_Locations").all()
    s = result.extra_tables["care_provider_services"]
    assert list(s.columns) == columns("care_provider_services")
    got = set(map(tuple, s[["location_id", "family", "flag"]].to_numpy()))
    assert ("1-100001", "service_type", "Care home service with nursing") in got
    assert ("1-100001", "service_user_band", "Dementia") in got
    assert ("1-100002", "regulated_activity", "Personal care") in got
    assert ("1-100002", "service_type", "Domiciliary care service") in got
    assert ("1-100003", "service_type", "Care home service without nursing") in got
    assert len(s) == 3 + 3 + 1
    assert s[s.location_id == "1-100003"].source_row.iloc[0] == 4


def test_xlsx_with_readme_and_as_at_from_name(tmp_path, ctx):
    path = write_xlsx(tmp_path / "01_June_2017_HSCA_Active_Locations.xlsx",
                      {"README": [["About this file"], ["Data as at June 2017"]],
                       "HSCA_Active_Locations": rows_for(HEADER, records())})
    result = load(path, ctx)
    check_standard(result)
    assert result.meta["as_at"] == "2017-06-01"
    assert (result.frame.as_at == "2017-06-01").all()
    assert result.meta["care_homes"] == 2 and result.meta["care_home_beds"] == 41 + 43
    assert result.kind == "cqc_locations" and result.table == "care_providers"


def test_ods(tmp_path, ctx):
    path = write_ods(tmp_path / "5_September_2023_HSCA_Active_Locations.ods",
                     {"README": [["About this file"]],
                      "HSCA_Active_Locations": rows_for(HEADER, records())})
    result = load(path, ctx)
    check_standard(result)
    assert result.meta["as_at"] == "2023-09-05"


def test_older_columns_title_rows_other_sheet_name_no_as_at(tmp_path, ctx):
    # Older files: fewer core columns, `Care home beds` spelling, a different flag set.
    header = ["Location ID", "Care home?", "Location Name", "Care home beds",
              "Location Local Authority", "Location Latest Overall Rating",
              "Service types - Care home service with nursing", "Service user band - Dementia"]
    rows = [["CQC care directory"], [], header,
            ["1-1", "Y", "Oak House", "30", "Lewisham", "Good", "Y", None],
            [None] * len(header),
            ["1-2", "N", "Dom Co", None, "Lewisham", None, None, "Y"]]
    path = write_xlsx(tmp_path / "locations.xlsx", {"Notes": [["x"]], "Data": rows})
    result = load(path, ctx)
    f = result.frame
    assert list(f.columns) == columns("care_providers")
    assert result.rows_read == 2 and result.meta["as_at"] is None
    assert f.source_row.tolist() == [4, 6]
    assert f.beds.tolist()[0] == 30 and f.dormant.isna().all() and f.latitude.isna().all()
    assert f.publication_date.isna().all()
    s = result.extra_tables["care_provider_services"]
    assert s[["location_id", "family", "flag"]].values.tolist() == [
        ["1-1", "service_type", "Care home service with nursing"],
        ["1-2", "service_user_band", "Dementia"]]
    assert result.meta["flag_families"] == ["service_type", "service_user_band"]


def test_sniff_rejects_other_files(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet": [["Location ID", "Name"], ["1", "a"]]})
    assert not cqc.sniff(read_sheets(path))


def bad_file(tmp_path, header, recs):
    return write_xlsx(tmp_path / "bad.xlsx", {"HSCA_Active_Locations": rows_for(header, recs)})


def test_missing_required_column_names_it_and_lists_present(tmp_path, ctx):
    header = [h for h in HEADER if h != "Location Local Authority"]
    path = bad_file(tmp_path, header, records())
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(path), ctx)
    err = e.value
    assert err.file == "bad.xlsx" and err.row == 1 and err.sheet == "HSCA_Active_Locations"
    assert "Location Local Authority" in str(err)
    assert "columns present were" in str(err) and "Location Name" in str(err)
    assert str(err).startswith("bad.xlsx, sheet 'HSCA_Active_Locations', row 1")


def test_text_in_beds(tmp_path, ctx):
    recs = records()
    recs[1]["Care homes beds"] = "forty"
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(bad_file(tmp_path, HEADER, recs)), ctx)
    assert (e.value.file, e.value.row, e.value.column) == ("bad.xlsx", 3, "Care homes beds")
    assert "'forty'" in str(e.value) and "row 3" in str(e.value)


def test_negative_beds(tmp_path, ctx):
    recs = records()
    recs[2]["Care homes beds"] = -4
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(bad_file(tmp_path, HEADER, recs)), ctx)
    assert (e.value.row, e.value.column) == (4, "Care homes beds")
    assert "negative" in str(e.value)


def test_unparseable_date(tmp_path, ctx):
    recs = records()
    recs[0]["Publication Date"] = "sometime in March"
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(bad_file(tmp_path, HEADER, recs)), ctx)
    assert (e.value.file, e.value.row, e.value.column) == ("bad.xlsx", 2, "Publication Date")
    assert "where a date belongs" in str(e.value)


def test_bad_yes_no_and_bad_flag(tmp_path, ctx):
    recs = records()
    recs[1]["Care home?"] = "Maybe"
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(bad_file(tmp_path, HEADER, recs)), ctx)
    assert (e.value.row, e.value.column) == (3, "Care home?")
    recs = records()
    recs[2]["Service user band - Older People"] = "Q"
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(bad_file(tmp_path, HEADER, recs)), ctx)
    assert (e.value.row, e.value.column) == (4, "Service user band - Older People")


def test_no_header_row(tmp_path, ctx):
    path = write_xlsx(tmp_path / "bad.xlsx", {"README": [["nothing here"]],
                                              "HSCA_Active_Locations": [["a", "b"], [1, 2]]})
    with pytest.raises(InputError) as e:
        cqc.load(read_sheets(path), ctx)
    assert e.value.file == "bad.xlsx" and e.value.row is None and e.value.column is None
    assert "no sheet has a CQC header row" in str(e.value) and "Location ID" in str(e.value)


def test_vectorised_on_many_rows(tmp_path, ctx):
    """5,000 rows x every flag: the loader itself (not reading) stays well under a second."""
    import time
    from loaders.sheets import Sheet
    recs = [location(i, **(NURSING if i % 2 else DOMCARE)) for i in range(5000)]
    grid = pd.DataFrame(rows_for(HEADER, recs), dtype=object)
    sheet = Sheet(tmp_path / "big.xlsx", "HSCA_Active_Locations", grid)
    t = time.perf_counter()
    result = cqc.load([sheet], ctx)
    assert time.perf_counter() - t < 2.0
    assert len(result.frame) == 5000 and len(result.extra_tables["care_provider_services"]) == 15000


def test_the_directory_header_is_declared_once_and_read_by_the_loader():
    """One list of the directory's columns (loaders.cqc.HEADER_COLUMNS): each is a name the loader
    reads, and the sample generator, the national-size benchmark and these tests write that list."""
    import benchmarks.national
    import tools.make_sample.cqc

    assert len(cqc.HEADER_COLUMNS) == 25
    assert set(cqc.HEADER_COLUMNS) == {names[0] for names in cqc.FIELDS.values()}
    assert tools.make_sample.cqc.CORE is cqc.HEADER_COLUMNS
    assert benchmarks.national.CQC_CORE is cqc.HEADER_COLUMNS
    root = Path(__file__).resolve().parent.parent
    copied = '", "'.join(cqc.HEADER_COLUMNS[6:8])  # two columns as a list literal would write them
    copies = [str(p.relative_to(root)) for d in ("loaders", "tools", "benchmarks", "tests") for p in (root / d).rglob("*.py")
              if copied in p.read_text()]
    assert copies == ["loaders/cqc.py"]
