import datetime as dt

import pandas as pd
import pytest

from loaders import LoadContext, contracts
from loaders.errors import InputError
from loaders.sheets import read_sheets
from domain.contract import store_table
from conftest import LOOKUPS, write_csv, write_xlsx


def columns(table):
    return store_table(table).names

SERVICES = [["pattern", "client_group", "service"],
            [r"dementia|memory", "dementia", "dementia_support"],
            [r"home care|domiciliary", "older_people", "home_care"],
            [r"\bcarers?\b", "carers", "carers_support"]]


@pytest.fixture
def lctx(tmp_path):
    """Own services lookup (so these tests do not depend on the shipped patterns); the header
    synonyms are not in this folder, so the shipped contract_headers.csv is used."""
    d = tmp_path / "lookups"
    d.mkdir()
    write_csv(d / "contract_services.csv", SERVICES)
    return LoadContext(lookups_dir=d, area_code="E09000023", area_name="London Borough of Lewisham")


def load(path, ctx):
    sheets = read_sheets(path)
    assert contracts.sniff(sheets)
    return contracts.load(sheets, ctx)


def test_transparency_code_csv_with_title_rows(tmp_path, lctx):
    rows = [["London Borough of Lewisham"], ["Contracts register as at 31/03/2018"], [],
            ["Reference Number", "Title of agreement", "Department", "Description",
             "Supplier Name", "Start Date", "End Date", "Value", "Annual contract value", "SME", "VCSE"],
            ["LBL-001", "Home care framework", "Community Services", "Domiciliary care for adults",
             "Care Co Ltd", "01/04/2017", "31/03/2020", "£1,234,000.00", "£411,333.33", "Yes", "N"],
            ["LBL-002", "Carers support service", "Community Services", "",
             "Carers Lewisham", "2016-10-01", "30-Sep-19", "£90,000", "", "", "Y"],
            [],
            ["", "", "", "", "", "", "", "£1,324,000.00", "", "", ""]]  # a totals row
    result = load(write_csv(tmp_path / "register.csv", rows, encoding="latin-1"), lctx)
    f = result.frame
    assert list(f.columns) == columns("contracts")
    assert result.kind == "contracts_register" and result.table == "contracts"
    assert len(f) == 2 and result.rows_read == 3
    a, b = f.iloc[0], f.iloc[1]
    assert a.reference == "LBL-001" and a.supplier == "Care Co Ltd" and a.department == "Community Services"
    assert a.start_date == "2017-04-01" and a.end_date == "2020-03-31"
    assert a.total_value == 1234000.0 and a.annual_value == pytest.approx(411333.33)
    assert a.sme is True and a.vcse is False and b.sme is None and b.vcse is True
    assert (a.client_group, a.service) == ("older_people", "home_care")
    assert (b.client_group, b.service) == ("carers", "carers_support")
    assert b.description is None and b.end_date == "2019-09-30"
    # annual blank for one row: derived from total over the years (3 years) with a note
    assert b.annual_value == pytest.approx(90000 / (1095 / 365.25), rel=1e-4)
    assert any("annual_value derived" in w for w in result.warnings)
    assert (f.organisation == "London Borough of Lewisham").all()  # ctx.area_name
    assert f.source_row.tolist() == [5, 6] and f.source_sheet.isna().all()
    assert result.meta["as_at"] == "2018-03-31"
    assert any("no title or supplier" in w for w in result.warnings)


def test_nhs_style_xlsx_underscored_headers_real_dates_ccg_title(tmp_path, lctx):
    header = ["REFERENCE_NUMBER", "CONTRACT_TITLE", "CONTRACT_DESCRIPTION", "SUPPLIER_NAME",
              "CONTRACT_START_DATE", "CONTRACT_CURRENT_END_DATE", "CONTRACT_AWARD_VALUE"]
    rows = [["NHS Lewisham CCG Contracts Register"], ["Published 1 April 2019"], header,
            ["C123", "Memory service", "Assessment and diagnosis", "Oxleas NHS FT",
             dt.datetime(2018, 4, 1), dt.date(2020, 3, 31), 500000],
            ["C124", "Wheelchair service", None, "Wheels Ltd", dt.datetime(2019, 1, 1),
             dt.datetime(2019, 6, 30), "£1.2m"]]
    result = load(write_xlsx(tmp_path / "ccg.xlsx", {"Notes": [["read me"]], "Register": rows}), lctx)
    f = result.frame
    assert len(f) == 2 and (f.organisation == "NHS Lewisham CCG").all()
    assert f.start_date.tolist() == ["2018-04-01", "2019-01-01"]
    assert f.end_date.tolist() == ["2020-03-31", "2019-06-30"]
    assert f.total_value.tolist() == [500000.0, 1200000.0]
    # total only: annual = total / years, at least one year
    assert f.annual_value.iloc[0] == pytest.approx(500000 / (731 / 365.25), rel=1e-4)
    assert f.annual_value.iloc[1] == pytest.approx(1200000.0)
    assert sum("annual_value derived" in w for w in result.warnings) == 1
    assert f.client_group.tolist() == ["dementia", None] and f.service.iloc[1] is None
    assert f.sme.isna().all() and f.vcse.isna().all() and f.department.isna().all()
    assert (f.source_sheet == "Register").all() and f.source_row.tolist() == [4, 5]


def test_other_vocabulary_annual_only_and_organisation_column(tmp_path, lctx):
    header = ["Organisation", "Contract Id", "Contract Title", "Directorate", "Service Description",
              "Vendor", "Validity Period Start", "Validity Period End", "Estimated Annual Value (£)",
              "SME (Y/N)", "Voluntary or Community Sector"]
    rows = [header,
            ["Lewisham Council", "X-9", "Dementia day care", "Adults", "", "DayCo", "01/04/2020",
             "31/03/2022", "£50,000.00", "N", "No"],
            ["", "X-10", "Office cleaning", "Corporate", "", "Clean Ltd", "01/04/2020",
             "30/09/2020", "10000", "y", "n"]]
    result = load(write_csv(tmp_path / "r.csv", rows), lctx)
    f = result.frame
    assert f.organisation.tolist() == ["Lewisham Council", "London Borough of Lewisham"]
    assert f.annual_value.tolist() == [50000.0, 10000.0]
    assert f.total_value.iloc[0] == pytest.approx(50000 * 730 / 365.25, rel=1e-4)
    assert f.total_value.iloc[1] == pytest.approx(10000.0)  # at least one year
    assert any("total_value derived" in w for w in result.warnings)
    assert f.sme.tolist() == [False, True] and f.vcse.tolist() == [False, False]
    assert f.department.tolist() == ["Adults", "Corporate"]


def test_shipped_lookups_classify(tmp_path):
    rows = [["Contract Reference", "Contract Title", "Supplier", "Contract start date",
             "Contract end date", "Total Contract Value"],
            ["R1", "Supported living for adults with learning disabilities", "Homes Ltd",
             "01/04/2019", "31/03/2024", "£2,000,000"]]
    ctx = LoadContext(lookups_dir=LOOKUPS, area_name="Lewisham")
    f = load(write_csv(tmp_path / "r.csv", rows), ctx).frame
    assert f.client_group.iloc[0] is not None and f.service.iloc[0] is not None


def test_synonyms_are_unambiguous():
    syn = contracts.synonyms()
    seen = {}
    for field, names in syn.items():
        for n in names:
            assert n not in seen, f"'{n}' maps to both {seen[n]} and {field}"
            seen[n] = field
    assert contracts.norm("Total Contract Value (£)") == "total contract value"
    assert contracts.norm("CONTRACT_START_DATE") == "contract start date"


def test_sniff_needs_reference_title_supplier(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["Reference", "Title", "Amount"], ["a", "b", "1"]])
    assert not contracts.sniff(read_sheets(path))


BASE = [["Reference", "Title", "Supplier", "Start Date", "End Date", "Value"],
        ["A1", "Home care", "Care Co", "01/04/2017", "31/03/2020", "£1,234.00"],
        ["A2", "Carers hub", "Carers Ltd", "01/04/2018", "31/03/2021", "5000"]]


def bad(tmp_path, rows):
    return read_sheets(write_csv(tmp_path / "bad.csv", rows))


def test_missing_required_column_names_it_and_lists_present(tmp_path, lctx):
    rows = [r[:3] + r[4:] for r in BASE]  # no start date
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, rows), lctx)
    err = e.value
    assert err.file == "bad.csv" and err.row == 1
    assert "start_date" in err.problem and "'Start Date'" in err.problem
    assert "columns present were" in str(err) and "'Supplier'" in str(err)


def test_missing_both_values(tmp_path, lctx):
    rows = [r[:5] for r in BASE]
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, rows), lctx)
    assert "total_value or annual_value" in str(e.value) and e.value.row == 1


def test_text_in_value(tmp_path, lctx):
    rows = [list(r) for r in BASE]
    rows[2][5] = "about five grand"
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, rows), lctx)
    assert (e.value.file, e.value.row, e.value.column) == ("bad.csv", 3, "Value")
    assert "'about five grand'" in str(e.value)


def test_words_in_value_are_missing_with_note(tmp_path, lctx):
    rows = [list(r) for r in BASE]
    rows[2][5] = "TBC"
    result = contracts.load(bad(tmp_path, rows), lctx)
    assert pd.isna(result.frame.total_value.iloc[1]) and pd.isna(result.frame.annual_value.iloc[1])
    assert any("'TBC'" in w for w in result.warnings)


def test_negative_value(tmp_path, lctx):
    rows = [list(r) for r in BASE]
    rows[1][5] = "-£1,000"
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, rows), lctx)
    assert (e.value.row, e.value.column) == (2, "Value") and "negative" in str(e.value)


def test_unparseable_date(tmp_path, lctx):
    rows = [list(r) for r in BASE]
    rows[2][4] = "end of March"
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, rows), lctx)
    assert (e.value.file, e.value.row, e.value.column) == ("bad.csv", 3, "End Date")
    assert "where a date belongs" in str(e.value)


def test_no_header_row(tmp_path, lctx):
    rows = [["Our contracts"], ["Ref", "Name", "Who"], ["A1", "Home care", "Care Co"]]
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, rows), lctx)
    err = e.value
    assert err.file == "bad.csv" and err.row is None and err.column is None
    assert "no header row found in the first 30 rows" in str(err) and "supplier" in str(err)


def test_bad_pattern_in_lookup(tmp_path, lctx):
    write_csv(lctx.lookups_dir / "contract_services.csv",
              [["pattern", "client_group", "service"], ["(unclosed", "carers", "x"]])
    with pytest.raises(InputError) as e:
        contracts.load(bad(tmp_path, BASE), lctx)
    assert e.value.file == "contract_services.csv" and e.value.row == 2
