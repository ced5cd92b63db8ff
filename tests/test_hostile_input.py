"""Hostile and awkward input files: each refused with its name, before its parser can
exhaust memory, or read correctly; and the store survives every one of them."""
import csv
import json
import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLE, real_file, write_csv
from loaders.errors import InputError
from loaders.sheets import read_sheets
from loaders.store import ingest, load_folder

FINANCE = (SAMPLE / "council_finance.csv").read_text(encoding="utf-8")


def finance_rows():
    return list(csv.reader(io.StringIO(FINANCE)))


def bomb_xlsx(path: Path, inflated_mb: int) -> Path:
    """An .xlsx whose one sheet inflates to ``inflated_mb`` MB of repeated XML (written in 1 MB
    steps, so making it costs little)."""
    step = (b"<row><c><v>1</v></c></row>" * 40_000)[: 1 << 20]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(inflated_mb):
                f.write(step)
    return path


def refused(path: Path, *texts: str) -> str:
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_sheets(path)
    assert time.perf_counter() - started < 10
    message = exc.value.message
    assert message.startswith(path.name), message
    for text in texts:
        assert text in message, (text, message)
    return message


def test_a_zip_bomb_is_refused_from_its_central_directory(tmp_path):
    message = refused(bomb_xlsx(tmp_path / "HSCA_Active_Locations.xlsx", 150), "inflate", "MPS_MAX_COMPRESSION_RATIO")
    assert "sheet1.xml" in message


def test_a_workbook_over_the_inflated_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MPS_MAX_INFLATED_MB", "2")
    refused(bomb_xlsx(tmp_path / "big.xlsx", 3), "unzip to 3 MB", "MPS_MAX_INFLATED_MB")


def test_a_csv_over_the_size_limit_is_refused_without_being_read(tmp_path):
    path = tmp_path / "fingertips.csv"
    with open(path, "wb") as f:  # 500 MB, sparse: refused from its size, never read
        f.write(FINANCE.encode())
        f.truncate(500 << 20)
    refused(path, "500 MB", "MPS_MAX_FILE_MB")


def test_a_csv_with_a_million_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b",".join([b"a"] * 1_000_000) + b"\n1,2\n")
    refused(path, "more than 2,000 fields", "MPS_MAX_CSV_COLUMNS")


def test_a_csv_with_too_many_lines_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MPS_MAX_CSV_ROWS", "1000")
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 2000)
    refused(path, "2,001 lines", "MPS_MAX_CSV_ROWS")


def test_the_limits_admit_the_real_national_files():
    for name in ["nhs-digital/gp-reg-pat-prac-all-jan2021.csv", "fingertips/fingertips-gp-practice-imd2019.csv"]:
        assert len(read_sheets(real_file(name))[0].cells) > 1000


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_publishers_encodings_read_the_same_cells(tmp_path, encoding):
    rows = finance_rows()
    rows[1][4] = "Café – budget" if encoding != "latin-1" else "Café budget"
    expected = read_sheets(write_csv(tmp_path / "utf8.csv", rows))[0].cells
    path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding)
    assert read_sheets(path)[0].cells.equals(expected)


def test_excel_unicode_text_is_read(tmp_path):
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    rows = finance_rows()
    path = tmp_path / "finance.txt"
    with open(path, "w", encoding="utf-16", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(rows)
    expected = read_sheets(write_csv(tmp_path / "utf8.csv", rows))[0].cells
    assert read_sheets(path)[0].cells.equals(expected)


def test_unread_encodings_are_refused_by_name(tmp_path):
    (tmp_path / "u32.csv").write_bytes(FINANCE.encode("utf-32"))
    refused(tmp_path / "u32.csv", "UTF-32")
    (tmp_path / "u16.csv").write_bytes(FINANCE.encode("utf-16-le"))
    refused(tmp_path / "u16.csv", "UTF-16", "byte-order mark")


def test_links_and_special_files_are_refused_without_being_read(tmp_path):
    src = tmp_path / "downloads"
    src.mkdir()
    (src / "council_finance.csv").write_text(FINANCE)
    (src / "passwords.csv").symlink_to("/etc/passwd")
    os.mkfifo(src / "pipe.csv")  # reading a pipe would block forever
    report, _, _ = load_folder(src)
    by_name = {f.path.name: f for f in report.files}
    assert "symbolic link" in by_name["passwords.csv"].error
    assert by_name["passwords.csv"].sha256 == ""  # never opened, so never hashed
    assert "named pipe" in by_name["pipe.csv"].error
    assert by_name["council_finance.csv"].ok


def test_control_characters_in_file_names_cannot_forge_log_lines(tmp_path):
    from test_ingest import mps

    src = tmp_path / "downloads"
    src.mkdir()
    (src / "x\nerror everything is fine [bold]x.csv").write_text("not,a,known,file\n1,2,3,4\n")
    r = mps("ingest", "--no-precompute", src, "--store", tmp_path / "store")
    assert r.returncode == 1
    assert "x?error everything is fine [bold]x.csv" in r.stderr
    assert not any(line.startswith("error everything") for line in (r.stdout + r.stderr).splitlines())


def test_hostile_files_leave_the_store_as_it_was(tmp_path):
    src = tmp_path / "downloads"
    src.mkdir()
    (src / "council_finance.csv").write_text(FINANCE)
    store = tmp_path / "store"
    assert ingest(src, store).ok
    before = (store / "manifest.json").read_bytes(), os.readlink(store)
    bomb_xlsx(src / "bomb.xlsx", 150)
    report = ingest(src, store)
    assert not report.ok and "bomb.xlsx" in next(f.error for f in report.files if not f.ok)
    assert ((store / "manifest.json").read_bytes(), os.readlink(store)) == before


def test_an_area_name_with_a_path_cannot_write_outside_the_export_folder(tmp_path):
    from test_ingest import mps

    src = tmp_path / "downloads"
    src.mkdir()
    (src / "council_finance.csv").write_text(FINANCE)
    (src / "mps.toml").write_text('area_code = "E09000023"\narea_name = "../../outside/evil"\n')
    store, out = tmp_path / "store", tmp_path / "deep" / "er" / "out"
    assert mps("ingest", "--no-precompute", src, "--store", store).returncode == 0
    assert "../" in json.loads((store / "manifest.json").read_text())["authority"]["area_name"]
    r = mps("export", "--store", store, "--out", out, "--format", "xlsx")
    assert r.returncode == 0, r.stderr
    written = [p for p in tmp_path.rglob("*.xlsx")]
    assert len(written) == 1 and written[0].parent == out and ".." not in written[0].name
