"""A refresh adds and keeps: a folder with some files replaces what those files
give (tables, the rows of the same publisher's unit, CQC directory editions of the same date) and
keeps everything else: the authority, its profile, earlier editions and the other tables. Checked
through what a reader gets: the summary `mps ingest` prints, the manifest, the CSV export and the
page header."""
import csv
import json
import shutil

import pandas as pd
import pytest

from conftest import SAMPLE, page_as_drawn
from test_ingest import mps

JUNE = "01_June_2017_HSCA_Active_Locations.xlsx"
SEPTEMBER = "01_September_2017_HSCA_Active_Locations.xlsx"
COUNCIL_REGISTER = "lewisham_council_contracts_register.csv"


def manifest(store) -> dict:
    return json.loads((store / "manifest.json").read_text(encoding="utf-8"))


def export(store, out) -> dict[str, pd.DataFrame]:
    r = mps("export", "--store", store, "--out", out, "--format", "csv")
    assert r.returncode == 0, r.stderr
    return {p.stem: pd.read_csv(p) for p in out.glob("*.csv")}


def header(store) -> str:
    from app import create_app
    return page_as_drawn(create_app(store).server.test_client(), "/")  # the header comes with the page


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """The sample, then a folder holding only a later CQC directory edition, then a folder holding
    only the council's contracts register cut to its first 10 contracts: each step's summary,
    manifest and CSV export."""
    root = tmp_path_factory.mktemp("refresh")
    store = root / "store"
    steps = {}
    r = mps("ingest", "--no-precompute", SAMPLE, "--store", store)
    assert r.returncode == 0, r.stderr
    steps["sample"] = (r.stdout, manifest(store), export(store, root / "csv0"))
    cqc = root / "cqc"
    cqc.mkdir()
    shutil.copy(SAMPLE / JUNE, cqc / SEPTEMBER)  # the September edition: same homes, later date
    r = mps("ingest", "--no-precompute", cqc, "--store", store)
    assert r.returncode == 0, r.stderr
    steps["cqc"] = (r.stdout, manifest(store), export(store, root / "csv1"))
    steps["cqc_header"] = header(store)
    register = root / "register"
    register.mkdir()
    with open(SAMPLE / COUNCIL_REGISTER, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    with open(register / COUNCIL_REGISTER, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:11])  # the header and 10 contracts
    r = mps("ingest", "--no-precompute", register, "--store", store)
    assert r.returncode == 0, r.stderr
    steps["register"] = (r.stdout, manifest(store), export(store, root / "csv2"))
    return steps


def test_a_new_directory_edition_keeps_the_authority_its_profile_and_the_earlier_editions(refreshed):
    out, m, tables = refreshed["cqc"]
    text = " ".join(out.split())
    assert "E09000023 Lewisham: kept from the store (this folder names none)" in text
    assert "added the CQC directory edition of 2017-09-01 beside the store's" in text
    assert "'prevalence' table: kept from the store of" in text
    assert m["authority"]["area_code"] == "E09000023" and m["authority"]["area_name"] == "Lewisham"
    assert m["profile"].endswith("data/authorities/E09000023")
    assert m["targets"] == {"carers_new_contacts": 500}  # the profile's facts
    # The profile's lookups: 34 practices, 4 neighbourhoods, 19 wards.
    assert (m["tables"]["lookup_practices"], m["tables"]["lookup_neighbourhoods"], m["tables"]["lookup_wards"]) == (34, 4, 19)
    files = {f["path"] for f in m["files"]}
    assert {"01_December_2016_HSCA_Active_Locations.xlsx", JUNE, SEPTEMBER, "council_finance.csv"} <= files
    # Three editions of 91 locations each, side by side; the current directory is September's.
    assert m["tables"]["care_provider_editions"] == 3 * 91 and m["tables"]["care_providers"] == 91


def test_after_a_directory_refresh_the_reader_counts_only_the_authoritys_homes(refreshed):
    _, _, before = refreshed["sample"]
    _, _, after = refreshed["cqc"]
    homes = after["care_homes"].set_index("type")
    # 9 residential homes (190 beds) and 9 nursing homes (482 beds) in Lewisham: 18 and 672, as in
    # the sample (seed 000 s4.1), not the directory's 29 homes and 1,263 beds of every borough.
    assert (homes.loc["residential", "homes"], homes.loc["residential", "beds"]) == (9, 190)
    assert (homes.loc["nursing", "homes"], homes.loc["nursing", "beds"]) == (9, 482)
    assert (homes.loc["total", "homes"], homes.loc["total", "beds"]) == (18, 672)
    assert after["care_homes"].equals(before["care_homes"])
    supply = after["supply"]
    assert set(supply["area_code"]) == {"E09000023"}
    sources = set(supply["source_file"].dropna())
    assert SEPTEMBER in sources and JUNE not in sources  # the latest edition is the current directory
    assert "Lewisham Council and NHS Lewisham CCG" in refreshed["cqc_header"]
    assert "Your council" not in refreshed["cqc_header"]


def test_a_refresh_with_one_register_replaces_that_register_and_keeps_the_other(refreshed):
    _, _, before = refreshed["sample"]
    out, m, after = refreshed["register"]
    text = " ".join(out.split())
    # The sample holds 32 council contracts and 11 CCG contracts (43); the refresh's council
    # register holds 10: 10 + 11 = 21.
    assert len(before["contracts"]) == 43
    assert len(after["contracts"]) == 21
    assert after["contracts"]["reference"].str.startswith("CCG-").sum() == 11
    assert "in the 'contracts' table, the rows of the same organisation" in text
    assert "kept the rows of nhs_lewisham_ccg_contracts_register.xlsx" in text
    # Everything else is still there: the three editions, the authority, the figures.
    assert m["tables"]["care_provider_editions"] == 3 * 91
    assert m["authority"]["area_code"] == "E09000023"
    assert after["care_homes"].set_index("type").loc["total", "beds"] == 672
    files = {f["path"] for f in m["files"]}
    assert {SEPTEMBER, JUNE, COUNCIL_REGISTER, "nhs_lewisham_ccg_contracts_register.xlsx"} <= files
    assert after["finance"].equals(before["finance"])


def test_an_edition_of_a_date_the_store_holds_replaces_it(tmp_path, sample_store):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)  # a store written before versions: read as it is
    folder = tmp_path / "june"
    folder.mkdir()
    shutil.copy(SAMPLE / JUNE, folder / JUNE)
    r = mps("ingest", "--no-precompute", folder, "--store", store)
    assert r.returncode == 0, r.stderr
    assert "replaced the CQC directory edition of 2017-06-01" in " ".join(r.stdout.split())
    m = manifest(store)
    assert m["tables"]["care_provider_editions"] == 2 * 91  # December's and the new June's
    assert [f["path"] for f in m["files"]].count(JUNE) == 1


def test_another_authority_named_on_a_refresh_is_refused_unless_replace(tmp_path, sample_store):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    folder = tmp_path / "other"
    folder.mkdir()
    shutil.copy(SAMPLE / JUNE, folder / JUNE)
    before = manifest(store)
    r = mps("ingest", "--no-precompute", folder, "--store", store, "--authority", "E09000028")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert "the store holds the files of E09000023 Lewisham, not E09000028" in r.stderr
    assert "--replace to start it afresh for E09000028" in r.stderr
    assert manifest(store) == before
    r = mps("ingest", "--no-precompute", folder, "--store", store, "--authority", "E09000028", "--replace")
    assert r.returncode == 0, r.stderr
    assert manifest(store)["authority"]["area_code"] == "E09000028"


def test_replace_still_drops_what_the_refresh_does_not_give(tmp_path, sample_store):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    folder = tmp_path / "only-cqc"
    folder.mkdir()
    shutil.copy(SAMPLE / JUNE, folder / SEPTEMBER)
    r = mps("ingest", "--no-precompute", folder, "--store", store, "--replace")
    assert r.returncode == 0, r.stderr
    m = manifest(store)
    assert "prevalence" not in m["tables"] and m["tables"]["care_provider_editions"] == 91
    assert m["authority"]["area_code"] == "E09000023"  # the store's authority is kept


def test_an_older_edition_is_added_beside_and_the_latest_stays_current(tmp_path, sample_store):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    folder = tmp_path / "march"
    folder.mkdir()
    shutil.copy(SAMPLE / JUNE, folder / "01_March_2017_HSCA_Active_Locations.xlsx")
    r = mps("ingest", "--no-precompute", folder, "--store", store)
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "added the CQC directory edition of 2017-03-01" in text
    assert "the store's edition of 2017-06-01 stays the current CQC directory" in text
    m = manifest(store)
    assert m["tables"]["care_provider_editions"] == 3 * 91
    current = pd.read_parquet(store / "care_providers.parquet")
    assert set(current["as_at"].astype(str)) == {"2017-06-01"} and set(current["source_file"]) == {JUNE}
