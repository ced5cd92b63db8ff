"""The officer exports refreshed MPS tables: opens Downloads, reads what each file holds,
downloads the workbook and the CSV tables through the browser, and opens them as they would."""
import csv
import datetime as dt
import io
import time
import zipfile

import pytest
from openpyxl import load_workbook

from browser_steps import axe_clean, wait_until
from domain.contract import sheet_title

pytestmark = pytest.mark.browser


def downloaded(folder, suffix):
    """The finished download with this suffix (Chromium writes .crdownload until it is done)."""
    def done():
        files = [p for p in folder.glob(f"*.{suffix}") if p.stat().st_size > 0]
        return files[0] if files and not list(folder.glob("*.crdownload")) else None
    path = wait_until(done, timeout=30)  # a workbook is written on request
    time.sleep(0.3)
    return path


def test_officer_reads_what_each_file_holds_then_downloads_and_opens_the_workbook_and_csvs(
        server, driver, tmp_path):
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.get(server.url + "/downloads")
    wait_until(lambda: driver.find_elements("id", "downloads-list"), timeout=30)
    assert driver.find_element("css selector", "h1").text == "Downloads"
    axe_clean(driver)
    # What each file holds, before downloading it.
    listing = driver.find_element("id", "downloads-list").text
    assert "The MPS tables (Excel workbook)" in listing and "human column headers" in listing
    assert "README sheet lists every sheet and column (header, machine name, unit, meaning)" in listing
    assert "machine column names and full precision" in listing and "README.txt" in listing
    today = dt.date.today().isoformat()
    assert f"lewisham-mps-tables-{today}.xlsx" in listing and f"lewisham-mps-tables-csv-{today}.zip" in listing
    # The list of tables opens from the keyboard-reachable summary.
    driver.find_element("css selector", ".downloads-tables summary").click()
    tables = wait_until(lambda: driver.find_element("id", "downloads-tables").text, timeout=30)
    assert "Care homes (sheet; care_homes.csv)" in tables and "as the MPS prints it" in tables
    axe_clean(driver)

    # The workbook, downloaded and opened as the officer would.
    driver.find_element("id", "download-workbook").click()
    wb = load_workbook(downloaded(tmp_path, "xlsx"))
    assert wb.sheetnames[0] == "README"
    homes = wb[sheet_title("care_homes")]
    assert [c.value for c in homes[1]] == ["Type", "Type code", "Homes", "Beds", "Share of beds (%)",
                                           "Average beds per home"]
    # Total row, as the MPS prints it: 18 homes, 672 beds (9 + 9 homes; 190 residential + 482 nursing).
    total = [c for c in homes[4]]
    assert [c.value for c in total[:4]] == ["Total", "total", 18, 672]
    assert type(total[3].value) is int and total[3].number_format == "#,##0"
    contracts = wb[sheet_title("contracts")]
    headers = [c.value for c in contracts[1]]
    end = contracts.cell(row=2, column=headers.index("End date") + 1)
    assert end.is_date and end.value.date() == dt.date(2018, 3, 31)   # LBL-CS-2015-001 in the register
    assert "client_group" not in headers and "Client group" in headers
    from exports.xlsx_export import readme_glossary
    glossary = readme_glossary(wb["README"])
    assert set(glossary) == set(wb.sheetnames[1:])
    for sheet in wb.sheetnames[1:]:
        assert [g["header"] for g in glossary[sheet]] == [c.value for c in wb[sheet][1]], sheet
        assert all(g["meaning"] for g in glossary[sheet]), sheet

    # The CSV tables: machine names and full precision, with their README.
    driver.find_element("id", "download-csv").click()
    z = zipfile.ZipFile(downloaded(tmp_path, "zip"))
    assert "README.txt" in z.namelist()
    assert "machine column names and full precision" in z.read("README.txt").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(z.read("care_homes.csv").decode("utf-8"))))
    assert list(rows[0]) == ["type", "homes", "beds", "pct_beds", "avg_beds_per_home"]
    assert rows[-1]["type"] == "total" and rows[-1]["beds"] == "672"
    # The workbook's values are the CSV's: the contract's end date as ISO text there.
    contract_rows = list(csv.DictReader(io.StringIO(z.read("contracts.csv").decode("utf-8"))))
    assert contract_rows[0]["end_date"] == "2018-03-31"
