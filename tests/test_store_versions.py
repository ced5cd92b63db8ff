"""The store cannot be half-seen or lost silently: versions behind one atomic link, a
reader pinned to one version, one writer at a time, nothing dropped without a word."""
import errno
import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLE, write_xlsx
from store import layout as store_versions
from fixtures.make_bad_corpus import POPPI
from loaders.store import ingest
from store import Store
from test_ingest import mps


@pytest.fixture
def downloads(tmp_path):
    src = tmp_path / "downloads"
    src.mkdir()
    write_xlsx(src / "POPPI dementia.xlsx", {"Dementia": POPPI})
    shutil.copy(SAMPLE / "council_finance.csv", src / "council_finance.csv")
    (src / "mps.toml").write_text('area_code = "E09000023"\narea_name = "Lewisham"\n')
    return src


def manifest(store: Path) -> dict:
    return json.loads((store / "manifest.json").read_text())


@pytest.mark.parametrize("how", ["renamed to a dot-file", "left out"])
def test_a_table_whose_file_left_the_refresh_is_kept_and_said_so(downloads, tmp_path, how):
    store = tmp_path / "store"
    assert mps("ingest", "--no-precompute", downloads, "--store", store).returncode == 0
    first = manifest(store)
    if how == "left out":
        (downloads / "council_finance.csv").unlink()
    else:
        (downloads / "council_finance.csv").rename(downloads / "..council_finance..csv")
    r = mps("ingest", "--no-precompute", downloads, "--store", store)
    assert r.returncode == 0, r.stderr
    if how != "left out":  # listed, not skipped silently
        assert "..council_finance..csv" in r.stdout and "hidden file" in r.stdout
    assert "'finance' table: kept from the store of" in " ".join(r.stdout.split())
    again = manifest(store)
    assert again["tables"]["finance"] == first["tables"]["finance"] and len(pd.read_parquet(store / "finance.parquet"))
    kept = next(f for f in again["files"] if f["path"] == "council_finance.csv")
    assert kept["ingested_at"] == first["ingested_at"]  # marked with its older date
    assert "finance" in again["kept_from_previous"]
    r = mps("ingest", "--no-precompute", downloads, "--store", store, "--replace")
    assert r.returncode == 0 and "dropped" in r.stdout
    assert "finance" not in manifest(store)["tables"] and not (store / "finance.parquet").exists()


def test_the_store_path_never_disappears_during_a_refresh(downloads, tmp_path):
    store = tmp_path / "store"
    assert ingest(downloads, store).ok
    missing, done = [], threading.Event()

    def watch():
        while not done.is_set():
            if not (store / "manifest.json").exists():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(5):
            assert ingest(downloads, store).ok
    finally:
        done.set()
        watcher.join()
    assert not missing
    assert store.is_symlink()


def test_a_reader_keeps_its_version_until_it_lets_go(downloads, tmp_path):
    store = tmp_path / "store"
    assert ingest(downloads, store).ok
    pinned = Store(store).pin()
    version = pinned.manifest
    for _ in range(4):
        assert ingest(downloads, store).ok
    assert pinned.path.exists() and pinned.manifest == version and len(pinned.table("finance"))
    assert Store(store).pin().path != pinned.path
    pinned.release()
    assert ingest(downloads, store).ok
    assert not pinned.path.exists()  # swept once nobody held it
    assert len([p for p in store_versions.versions_dir(store).iterdir() if not p.name.startswith(".")]) == 2


def test_a_second_ingest_is_refused_clearly_while_one_writes(downloads, tmp_path):
    store = tmp_path / "store"
    assert ingest(downloads, store).ok
    with store_versions.writer_lock(store):
        r = mps("ingest", "--no-precompute", downloads, "--store", store)
    assert r.returncode == 75 and "another `mps ingest` is writing this store" in r.stderr
    assert "Traceback" not in r.stderr


def test_versions_follow_the_umask_and_stale_temporary_folders_are_swept(downloads, tmp_path):
    store = tmp_path / "store"
    (tmp_path / "store.new-abc123").mkdir()  # left by a killed ingest of an older version
    (store_versions.versions_dir(store) / ".tmp-20200101-1").mkdir(parents=True)
    old = os.umask(0o022)
    try:
        assert ingest(downloads, store).ok
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(store).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(store / "manifest.json").st_mode) == 0o644
    assert not (tmp_path / "store.new-abc123").exists()
    assert not list(store_versions.versions_dir(store).glob(".tmp-*"))


def test_a_store_written_before_versions_is_taken_over(downloads, tmp_path):
    store = tmp_path / "store"
    assert ingest(downloads, store).ok
    shutil.copytree(store, tmp_path / "plain", symlinks=False)
    os.unlink(store)
    shutil.rmtree(store_versions.versions_dir(store))
    (tmp_path / "plain").rename(store)
    assert Store(store).pin().path == store  # readable as it is
    assert ingest(downloads, store).ok and store.is_symlink()


@pytest.mark.parametrize("code, words", [(errno.EACCES, "permission denied"), (errno.ENOSPC, "the disk is full")])
def test_permission_and_disk_full_are_explained_not_internal_errors(downloads, tmp_path, monkeypatch, capsys, code, words):
    import mps_cli
    store = tmp_path / "store"
    assert ingest(downloads, store).ok
    before = manifest(store)

    def fail(_store):
        raise OSError(code, os.strerror(code), str(store_versions.versions_dir(store)))

    monkeypatch.setattr(store_versions, "new_version", fail)
    assert mps_cli.main(["ingest", "--no-precompute", str(downloads), "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert words in err and "internal error" not in err and "store.versions" in err
    assert manifest(store) == before


def test_a_refresh_is_seen_by_the_next_request_despite_the_callback_cache(downloads, tmp_path):
    """Callback answers are kept per store version: the same request is answered once per worker,
    and a refresh (a new version) is never hidden behind an old answer."""
    from app import create_app
    from benchmarks.bench_callbacks import payload
    from layouts import ids

    store = tmp_path / "store"
    assert ingest(downloads, store).ok
    client = create_app(store).server.test_client()
    client.get("/resources")
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if d["output"].startswith(f"..{ids.graph(ids.RES_CHART)}.figure"))
    body = payload(cb, ["Lewisham Council"])
    first = client.post("/_dash-update-component", json=body).data
    assert client.post("/_dash-update-component", json=body).data == first
    finance = (downloads / "council_finance.csv").read_text()
    (downloads / "council_finance.csv").write_text(finance.replace("Lewisham Council,", "Lewisham Council ,", 1)
                                                   .replace(",Net spend budget,", ",Net budget,"))
    assert ingest(downloads, store).ok
    assert client.post("/_dash-update-component", json=body).data != first
