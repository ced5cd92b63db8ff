"""The typed manifest (store.manifest) reads and writes the same manifest.json as before it was typed,
and store.writing writes a version from {table: frame} and a manifest that store.reading opens."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from domain.contract import Manifest, conform
from store import Store, writing
from store.manifest import FileRecord, ManifestRecord

# A manifest as stores written before the manifest was typed hold it (keys in the order they were
# written; a file entry without meta; no peers, no kept_from_previous).
OLD = {
    "ingested_at": "2026-01-02T03:04:05+00:00", "source_dir": "/data/downloads",
    "authority": {"area_code": "E09000001", "area_name": "Somewhere", "region_code": "E12000007",
                  "region_name": "London", "comparators": ["E09000002"]},
    "profile": None, "folder_config": {}, "branding": {"organisation": "A council"}, "targets": {},
    "contacts": {}, "intentions": {}, "default_client_group": None, "horizon": {}, "peers": {},
    "segment_overrides": {}, "tables": {"unit_costs": 3},
    "files": [{"path": "costs.csv", "kind": "unit_costs", "table": "unit_costs", "sha256": "ab",
               "rows_read": 4, "rows_kept": 3, "warnings": ["one row left out"], "meta": {},
               "ingested_at": "2026-01-02T03:04:05+00:00"}],
}


def test_a_manifest_written_before_it_was_typed_reads_and_writes_back_the_same_json():
    record = ManifestRecord.from_json(OLD)
    assert record.files[0] == FileRecord("costs.csv", "unit_costs", "unit_costs", "ab", 4, 3, ["one row left out"],
                                         {}, "2026-01-02T03:04:05+00:00")
    back = record.to_json()
    assert back == OLD and list(back) == list(OLD)  # same keys, same order
    assert record.view() == Manifest.from_json(OLD)  # what the app reads of it
    kept = ManifestRecord.from_json({**OLD, "kept_from_previous": {"unit_costs": "kept"}}).to_json()
    assert list(kept)[-1] == "kept_from_previous" and kept["kept_from_previous"] == {"unit_costs": "kept"}


def test_an_absent_or_unreadable_manifest_is_an_empty_record(tmp_path):
    assert not ManifestRecord.read(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert not ManifestRecord.read(tmp_path) and ManifestRecord.read(tmp_path).view() == Manifest()


def test_the_sample_store_s_manifest_round_trips(sample_store):
    written = json.loads((sample_store / "manifest.json").read_text(encoding="utf-8"))
    assert ManifestRecord.read(sample_store).to_json() == written


def test_a_version_is_written_from_tables_and_a_manifest_and_read_back(tmp_path):
    costs = conform(pd.DataFrame({
        "period": ["2024-25"] * 3, "year": [2024] * 3, "area_code": ["E09000001", "E92000001", "E09000001"],
        "area_name": ["Somewhere", "England", "Somewhere"], "area_type": ["la", "england", "la"],
        "service": ["home_care", "home_care", "nursing"], "age_band": ["65+"] * 3,
        "measure": ["hourly_rate"] * 3, "value_gbp": [21.5, 23.0, 1040.0],
        "source_file": ["costs.csv"] * 3, "source_sheet": [""] * 3, "source_row": [2, 3, 4]}), "unit_costs")
    record = ManifestRecord.from_json(OLD)
    folder = writing.write_version(tmp_path / "store", {"unit_costs": costs}, record)
    assert (folder.resolve() / "unit_costs" / "area_code=E09000001").is_dir()  # partitioned by area
    store = Store(folder)
    assert store.manifest == Manifest.from_json(OLD)
    back = store.every_area("unit_costs")
    assert list(back["value_gbp"]) == [21.5, 1040.0, 23.0]  # by area code, each area's rows in file order
    assert writing.current_manifest(folder).to_json() == OLD


def test_a_failed_write_leaves_the_previous_version(tmp_path):
    store = tmp_path / "store"
    writing.write_version(store, {}, ManifestRecord.from_json(OLD))
    before = store.resolve()
    with pytest.raises(RuntimeError), writing.new_version(store) as version:
        version.write_manifest(ManifestRecord.from_json({**OLD, "ingested_at": "later"}))
        raise RuntimeError("a loader found bad input late")
    assert store.resolve() == before and writing.current_manifest(store).ingested_at == OLD["ingested_at"]
    assert not list((tmp_path / "store.versions").glob(".tmp-*"))
