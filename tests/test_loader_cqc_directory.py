"""CQC's weekly directory in its simple layout (`CQC_directory.csv`, loaders/cqc_directory.py): an
edition of the CQC directory like the care directory with filters, filling the same supply tables
where its columns allow, its beds missing (never 0) and said.

The fixture tests/fixtures/cqc_directory/16_September_2026_CQC_directory.csv is written to the
published layout (two title lines with blank lines between them, then the 15-column header);
counted by hand from it: 7 locations, of which a dentist and a GP practice are not adult social
care; Lewisham's older people's care homes are Hilly Fields (nursing and residential homes ->
nursing) and Ladywell Lodge (residential); Brockley House serves adults under 65 (not an older
people's home); Peckham Rye is Southwark's.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLE
from loaders.errors import InputError
from loaders.sheets import read_sheets

FIXTURE = Path(__file__).parent / "fixtures" / "cqc_directory" / "16_September_2026_CQC_directory.csv"


@pytest.fixture(scope="module")
def directory_store(tmp_path_factory):
    """The sample's files with the simple directory in place of its two HSCA editions."""
    from loaders.store import ingest
    root = tmp_path_factory.mktemp("cqc-directory")
    src = root / "src"
    src.mkdir()
    for p in SAMPLE.iterdir():
        if p.is_file() and "HSCA" not in p.name and p.name != "README.md":
            shutil.copy(p, src)
    shutil.copy(FIXTURE, src)
    report = ingest(src, root / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    return root / "store", next(f for f in report.files if f.path.name == FIXTURE.name)


def test_recognised_dated_and_every_left_out_thing_said(directory_store):
    _store, report = directory_store
    assert report.kind == "cqc_directory"
    assert report.meta["as_at"] == "2026-09-16"  # "This data was produced on 16 September 2026"
    assert report.rows_read == 7 and report.rows_kept == 5
    w = " | ".join(report.warnings)
    assert ("column(s) not used: 'Also known as', 'Phone number', 'Service's website (if available)', "
            "'Date of latest check', 'Location URL'") in w
    assert "2 location(s) that are not adult social care" in w
    assert "not in this layout, so missing (never 0): registered beds" in w


def test_locations_and_flags_as_the_workbook_names_them(directory_store):
    from store import Store
    s = Store(directory_store[0])
    cp = s.table("care_providers").set_index("location_id")
    assert sorted(cp.index) == ["1-100000001", "1-100000002", "1-100000003", "1-100000004", "1-100000006"]
    assert cp["beds"].isna().all()  # the layout gives no beds: missing, never 0
    assert cp["rating"].isna().all()
    assert cp.loc["1-100000004", "care_home"] == False  # noqa: E712 - homecare agency
    assert cp.loc["1-100000001", "provider_name"] == "Riverside Care Ltd"
    assert cp.loc["1-100000001", "source_row"] == 6
    f = s.table("care_provider_services")
    hilly = f[f["location_id"] == "1-100000001"]
    assert set(hilly.loc[hilly["family"] == "service_type", "flag"]) == {
        "Care home service with nursing", "Care home service without nursing"}
    assert set(hilly.loc[hilly["family"] == "service_user_band", "flag"]) == {
        "Older People", "Dementia", "Physical Disability"}
    assert set(hilly.loc[hilly["family"] == "specialism", "flag"]) == {
        "Caring for adults over 65 yrs", "Dementia", "Physical disabilities"}


def test_care_home_table_counts_homes_and_leaves_beds_blank(directory_store):
    from metrics import coverage
    from sentences.coverage import beds_missing_sentence
    from metrics.supply import supply
    from store import Store
    s = Store(directory_store[0])
    t = supply.care_home_table(s).set_index("type")
    assert t.loc["residential", "homes"] == 1 and t.loc["nursing", "homes"] == 1 and t.loc["total", "homes"] == 2
    assert t["beds"].isna().all() and t["pct_beds"].isna().all() and t["avg_beds_per_home"].isna().all()
    assert coverage.covers_directory(s) and not coverage.directory_gives_beds(s)
    assert "gives no registered beds" in beds_missing_sentence(s)
    from metrics.supply import gaps
    assert gaps.beds_needed(s).empty  # no beds today: no ratio to hold, no rows (never a gap from 0)


def test_the_export_leaves_beds_blank(directory_store, tmp_path):
    out = tmp_path / "tables"
    run = subprocess.run([sys.executable, "-m", "mps_cli", "export", "--store", str(directory_store[0]), "--out",
                          str(out), "--format", "csv"], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert run.returncode == 0, run.stderr
    homes = pd.read_csv(out / "care_homes.csv").set_index("type")
    assert homes.loc["total", "homes"] == 2 and pd.isna(homes.loc["total", "beds"])


def test_beside_the_workbook_editions_it_is_the_latest_edition(tmp_path):
    from loaders.store import ingest
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLE.glob("*HSCA_Active_Locations*"):
        shutil.copy(p, src)
    shutil.copy(FIXTURE, src)
    report = ingest(src, tmp_path / "store", authority="E09000023")
    assert report.ok, [f.error for f in report.files if f.error]
    s = Store(tmp_path / "store")
    editions = sorted(str(d) for d in s.table("care_provider_editions")["as_at"].unique())
    assert editions == ["2016-12-01", "2017-06-01", "2026-09-16"]
    assert set(s.table("care_providers")["as_at"].astype(str)) == {"2026-09-16"}


def test_a_missing_column_is_named(tmp_path):
    from loaders import LoadContext, cqc_directory
    text = FIXTURE.read_text(encoding="utf-8").replace(",Region,", ",Area,", 1)
    path = tmp_path / "CQC_directory.csv"
    path.write_text(text, encoding="utf-8")
    sheets = read_sheets(path)
    assert cqc_directory.sniff(sheets)
    with pytest.raises(InputError) as err:
        cqc_directory.load(sheets, LoadContext(area_code="E09000023"))
    assert str(err.value).startswith("CQC_directory.csv, row 5: required column(s) missing: 'Region'")
