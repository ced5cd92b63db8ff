"""Which authority a folder without mps.toml describes: inferred when the
council's files, the POPPI/PANSI tables and the GP registrations agree on one (the summary says
so, and the authority's profile is then read as if it had been named); refused in one line giving
the two ways to name it when they disagree; a folder of national files alone is kept for every
authority, with a note saying how to name one."""
import json
import shutil

import pandas as pd

from conftest import SAMPLE
from test_ingest import mps

AGREEING = ["POPPI_Lewisham_dementia_2017.xlsx", "gp-reg-pat-prac-all.csv", "council_finance.csv",
            "neighbourhood_caseloads.csv"]


def folder(tmp_path, names) -> object:
    src = tmp_path / "downloads"
    src.mkdir()
    for name in names:
        shutil.copy(SAMPLE / name, src / name)
    return src


def test_agreeing_files_name_the_authority_and_bring_its_profile(tmp_path):
    src = folder(tmp_path, AGREEING)
    store = tmp_path / "store"
    r = mps("ingest", "--no-precompute", src, "--store", store)
    assert r.returncode == 0, r.stderr
    assert ("authority E09000023 Lewisham: inferred from the POPPI/PANSI tables, the GP registrations' practices "
            "and the council's finance and contracts files") in " ".join(r.stdout.split())
    m = json.loads((store / "manifest.json").read_text())
    assert m["authority"]["area_code"] == "E09000023" and m["profile"].endswith("authorities/E09000023")
    # With the profile, the caseloads and practices fall in Lewisham's four neighbourhoods (seed 003
    # Table 1: North Lewisham, N1, has 45,342 registered patients and 1,264 district nursing cases).
    out = tmp_path / "csv"
    assert mps("export", "--store", store, "--out", out).returncode == 0
    hoods = pd.read_csv(out / "neighbourhoods.csv").set_index("neighbourhood")
    assert list(hoods.index) == ["N1", "N2", "N3", "N4", "total"]
    assert (hoods.loc["N1", "caseload_list_patients"], hoods.loc["N1", "dn_cases"]) == (45342, 1264)


def test_files_that_disagree_are_refused_in_one_line_with_the_two_ways(tmp_path):
    src = folder(tmp_path, ["POPPI_Lewisham_dementia_2017.xlsx"])
    finance = (SAMPLE / "council_finance.csv").read_text(encoding="utf-8")
    (src / "council_finance.csv").write_text(finance.replace("Lewisham", "Southwark"), encoding="utf-8")
    r = mps("ingest", "--no-precompute", src, "--store", tmp_path / "store")
    assert r.returncode == 1 and not (tmp_path / "store").exists()
    line = " ".join(r.stderr.split())
    assert len(r.stderr.strip().splitlines()) <= 2  # one sentence (wrapped at most once by the terminal)
    assert "the POPPI/PANSI tables name E09000023 Lewisham" in line
    assert "the council's finance and contracts files name E09000028 Southwark" in line
    assert "--authority CODE" in line and 'area_code = "CODE" in downloads/mps.toml' in line
    assert "Traceback" not in r.stderr


def test_national_files_alone_are_kept_with_a_note_on_how_to_name_the_authority(tmp_path):
    src = folder(tmp_path, ["01_June_2017_HSCA_Active_Locations.xlsx"])
    store = tmp_path / "store"
    r = mps("ingest", "--no-precompute", src, "--store", store)
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "no authority named and the files name none" in text and "--authority CODE" in text
    assert json.loads((store / "manifest.json").read_text())["authority"]["area_code"] is None


def test_a_national_gp_file_names_no_authority(tmp_path):
    from loaders import DEFAULT_LOOKUPS
    from loaders.sheets import LoadResult
    from loaders.profile import infer_authority
    national = pd.DataFrame({"practice_code": [f"A{n:05d}" for n in range(100)] + ["G85008", "G85015"]})
    results = [(None, LoadResult("gp_registrations", "registrations", national, len(national)))]
    assert infer_authority(results, DEFAULT_LOOKUPS) == (None, "")
