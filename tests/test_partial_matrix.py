"""Every output on every partial store: the sample's sources one at a time (without mps.toml, so no
authority is named unless the files name one) and each source left out (with mps.toml). Each store
answers every page and every callback selection, every download route, `mps export` as CSV and xlsx,
and `mps brief` as PDF and HTML, without a 500 or a traceback."""
import shutil

import pytest

from conftest import SAMPLE
from test_robustness import PAGES, all_callbacks_succeed

# The sample's files by source (a glob each); together they are the whole sample but mps.toml.
SOURCES = {
    "poppi_pansi": ["POPPI*", "PANSI*"],
    "ons": ["2014 SNPP*", "MYEB1*"],
    "fingertips": ["fingertips_*"],
    "cqc": ["*HSCA_Active_Locations*"],
    "gp_registrations": ["gp-reg-*"],
    "contracts": ["*contracts_register*"],
    "council_activity": ["council_activity*"],
    "council_finance": ["council_finance*"],
    "caseloads": ["neighbourhood_caseloads*"],
    "workforce": ["LA-data-download*"],
    "unit_costs": ["ASC-FR_unit_costs*"],
}
# "no-mps.toml": the whole sample without mps.toml; the authority is inferred from the files.
CASES = [("only", s) for s in SOURCES] + [("without", s) for s in SOURCES] + [("no-mps.toml", "every source")]
# Caseloads are by the authority's own neighbourhoods: alone, they need to be told the authority.
NEEDS_AUTHORITY = {"caseloads"}


def test_the_sources_cover_the_whole_sample():
    covered = {p.name for globs in SOURCES.values() for g in globs for p in SAMPLE.glob(g)}
    data = {p.name for p in SAMPLE.iterdir() if p.name not in {"mps.toml", "README.md"}}
    assert covered == data


def _build(tmp_path, mode: str, source: str):
    from loaders.store import ingest
    src = tmp_path / "src"
    src.mkdir()
    chosen = list(SOURCES) if mode == "no-mps.toml" else [s for s in SOURCES if (s == source) == (mode == "only")]
    for s in chosen:
        for g in SOURCES[s]:
            for p in SAMPLE.glob(g):
                shutil.copy(p, src)
    if mode == "without" or source in NEEDS_AUTHORITY:
        shutil.copy(SAMPLE / "mps.toml", src)
    report = ingest(src, tmp_path / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    if mode == "no-mps.toml":
        assert report.notes and report.notes[0].startswith("authority E09000023 Lewisham: inferred from")
    return tmp_path / "store"


@pytest.mark.parametrize("mode,source", CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_every_output_on_a_partial_store(tmp_path, mode, source):
    from app import create_app
    from exports.brief import write_brief
    from exports.csv_export import write_csv_tables
    from exports.xlsx_export import write_workbook
    from store import Store

    store_dir = _build(tmp_path, mode, source)
    layouts = all_callbacks_succeed(store_dir)
    assert set(layouts) == set(PAGES)
    for text in layouts.values():
        assert "Traceback" not in text
    client = create_app(store_dir).server.test_client()
    for key in ["workbook", "csv", "brief-pdf", "brief-html"]:
        r = client.get(f"/download/{key}")
        assert r.status_code == 200, (key, r.status_code)
    store = Store(store_dir)
    written = write_csv_tables(store, tmp_path / "csv")
    assert written and all(p.exists() for p in written)
    assert write_workbook(store, tmp_path / "t.xlsx").stat().st_size > 0
    # Missing is never zero: what a kind of file the store lacks alone gives is blank (domain.contract.NO_DATA).
    from test_missing_is_not_zero import check_no_invented_numbers
    check_no_invented_numbers(store, {f.kind for f in store.manifest.files}, tmp_path / "csv", tmp_path / "t.xlsx")
    assert write_brief(store, tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    html = write_brief(store, tmp_path / "b.html").read_text(encoding="utf-8")
    assert "Traceback" not in html and ">None<" not in html


def test_caseloads_without_an_authority_are_kept_under_the_names_they_carry(tmp_path):
    from loaders.store import ingest
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLE / "neighbourhood_caseloads.csv", src)
    report = ingest(src, tmp_path / "store")
    assert report.ok
    assert "no neighbourhood lookup is loaded" in report.files[0].warnings[0]
    cases = Store(tmp_path / "store").table("caseloads")
    # Seed 003 Table 1: Neighbourhood 1 has 1,264 district nursing cases; 7,376 over the four.
    nursing = cases[cases["service"] == "district_nursing"].set_index("neighbourhood_name")["cases"]
    assert nursing["Neighbourhood 1"] == 1264 and nursing.sum() == 7376
    assert sorted(cases["neighbourhood_code"].unique()) == [f"Neighbourhood {n}" for n in range(1, 5)]


def test_a_source_left_out_says_which_file_would_provide_it(tmp_path):
    store_dir = _build(tmp_path, "without", "cqc")
    layouts = all_callbacks_succeed(store_dir)
    assert "CQC care directory" in layouts["/supply"] and "CQC care directory" in layouts["/gaps"]
