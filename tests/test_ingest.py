"""Ingest end to end through the real `mps` command: recognition, summary, manifest, and the
all-or-nothing promise on every file of the bad-input corpus."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_xlsx
from fixtures.make_bad_corpus import POPPI
from store import Store

BAD = Path(__file__).parent / "fixtures" / "bad"

# file -> what the message must say (file name is always required)
EXPECTED = {
    "empty.csv": ["empty"],
    "truncated.xlsx": ["could not be opened"],
    "not_a_spreadsheet.xlsx": ["this file is not a valid xlsx workbook"],
    "missing_column.csv": ["Value", "missing", "Indicator Name"],
    "no_header_row.csv": ["not a kind", "poppi_pansi", "fingertips"],
    "text_in_count.xlsx": ["sheet 'Dementia'", "row 5", "column '2020'", "about 110"],
    "negative_count.csv": ["row 3", "column 'Clients'", "negative"],
    "repeated_year_column.xlsx": ["row 4", "column 'D'", "2020", "twice"],
    "unrecognised_table.csv": ["not a kind", "cqc_locations"],
    "unparseable_date.csv": ["row 3", "column 'As at'", "sometime in July"],
}


def mps(*args, cwd=ROOT):
    exe = Path(sys.executable).with_name("mps")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "COLUMNS": "200"})


def tree_hash(path: Path) -> dict:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def good_folder(tmp_path):
    src = tmp_path / "downloads"
    src.mkdir()
    write_xlsx(src / "POPPI dementia.xlsx", {"Dementia": POPPI})
    (src / "mps.toml").write_text('area_code = "E09000023"\narea_name = "Lewisham"\n')
    return src


def test_ingest_writes_store_manifest_and_summary(good_folder, tmp_path):
    store = tmp_path / "store"
    r = mps("ingest", good_folder, "--store", store)
    assert r.returncode == 0, r.stderr
    assert "poppi_pansi" in r.stdout and "POPPI dementia.xlsx" in r.stdout
    manifest = json.loads((store / "manifest.json").read_text())
    f = manifest["files"][0]
    assert f["kind"] == "poppi_pansi" and f["rows_read"] == 2 and f["rows_kept"] == 6
    assert f["sha256"] == hashlib.sha256((good_folder / "POPPI dementia.xlsx").read_bytes()).hexdigest()
    assert manifest["authority"] == {"area_code": "E09000023", "area_name": "Lewisham", "region_code": "E12000007",
                                     "region_name": "London", "comparators": ["E09000028", "E09000022", "E09000011",
                                                                              "E09000012", "E09000014", "E09000031"]}
    assert manifest["profile"].endswith("data/authorities/E09000023")
    prev = Store(store).every_area("prevalence")  # a partitioned table: prevalence/area_code=<GSS>/
    assert {"source_file", "source_sheet", "source_row"} <= set(prev.columns)
    assert not list(tmp_path.glob("store.new-*")) and not list(tmp_path.glob("store.old-*"))
    # The pages' opening answers come with the version (precompute.py), and the summary says so.
    assert "Precomputed " in r.stdout and " opening answers" in r.stdout
    assert (store / "answers.sqlite").is_file()


@pytest.mark.parametrize("bad", sorted(EXPECTED))
def test_bad_input_is_refused_by_name_and_store_is_untouched(bad, good_folder, tmp_path):
    store = tmp_path / "store"
    assert mps("ingest", "--no-precompute", good_folder, "--store", store).returncode == 0
    before = tree_hash(store)
    shutil.copy(BAD / bad, good_folder / bad)
    r = mps("ingest", good_folder, "--store", store)
    out = r.stdout + r.stderr
    assert r.returncode != 0
    assert "Traceback" not in out
    assert bad in r.stderr
    for text in EXPECTED[bad]:
        assert text in r.stderr, (text, r.stderr)
    assert "left unchanged" in r.stderr
    assert tree_hash(store) == before
    # Nothing left beside the store but its versions (no temporary folder of the refused refresh).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads", "store", "store.versions"]
    assert not list((tmp_path / "store.versions").glob(".tmp-*"))


def test_validate_is_a_dry_run(good_folder, tmp_path):
    shutil.copy(BAD / "negative_count.csv", good_folder)
    r = mps("validate", good_folder)
    assert r.returncode == 1 and "negative" in r.stderr and "Traceback" not in r.stderr
    assert not (ROOT / "downloads").exists()


def test_missing_folder_is_a_clear_error(tmp_path):
    r = mps("ingest", "--no-precompute", tmp_path / "nowhere", "--store", tmp_path / "s")
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_if_stale_skips_an_up_to_date_store_and_rebuilds_after_an_edit(good_folder, tmp_path):
    store = tmp_path / "store"
    assert mps("ingest", "--no-precompute", good_folder, "--store", store, "--if-stale").returncode == 0
    first = (store / "manifest.json").read_bytes()
    r = mps("ingest", "--no-precompute", good_folder, "--store", store, "--if-stale")
    assert "up to date" in r.stdout and (store / "manifest.json").read_bytes() == first
    import os
    edited = good_folder / "mps.toml"
    edited.write_text('area_code = "E09000023"\narea_name = "Lewisham"\n# edited\n')
    # Edited after the build, whatever the file system's timestamp granularity or the machine's load.
    built = (store / "manifest.json").stat().st_mtime
    os.utime(edited, (built + 2, built + 2))
    r = mps("ingest", "--no-precompute", good_folder, "--store", store, "--if-stale")
    assert "up to date" not in r.stdout and (store / "manifest.json").read_bytes() != first


def test_branding_logo_travels_with_the_store_and_is_served(good_folder, tmp_path):
    (good_folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (good_folder / "mps.toml").write_text('area_code = "E09000023"\narea_name = "Lewisham"\n'
                                          '[branding]\norganisation = "Lewisham Council"\nlogo = "logo.svg"\n')
    store = tmp_path / "store"
    r = mps("ingest", good_folder, "--store", store)
    assert r.returncode == 0, r.stderr
    from app import create_app
    client = create_app(store).server.test_client()
    assert client.get("/branding/logo").data.startswith(b"<svg")


def test_missing_logo_is_named(good_folder, tmp_path):
    (good_folder / "mps.toml").write_text('area_name = "Lewisham"\n[branding]\nlogo = "nope.png"\n')
    r = mps("ingest", "--no-precompute", good_folder, "--store", tmp_path / "store")
    assert r.returncode == 1 and "mps.toml" in r.stderr and "nope.png" in r.stderr and "Traceback" not in r.stderr
