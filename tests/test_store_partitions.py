"""The store partitioned by authority: tables with an authority dimension are
Hive-partitioned Parquet datasets (`<table>/area_code=<GSS>/part-0.parquet`), and a store seen
as an authority reads only the partitions it needs, through a bounded cache."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pytest

from conftest import SAMPLE, real_file
from store import layout as store_versions
from domain.contract import PARTITIONED_TABLES, STORE_TABLES, conform
from loaders import DEFAULT_LOOKUPS
from loaders.store import ingest, read_lookups
from store.writing import write_table
from store import reading as store_module
from store import Store

LEWISHAM, SOUTHWARK, LONDON, ENGLAND = "E09000023", "E09000028", "E12000007", "E92000001"
KENT, SOUTH_EAST = "E10000016", "E12000008"


def population(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """Population rows (area code, area type, year, value), in the order given."""
    frame = pd.DataFrame([{"dataset": "ons_snpp", "area_code": code, "area_name": f"Area {code}",
                           "area_type": kind, "sex": "persons", "age_band": "all", "year": year,
                           "value": value, "source_file": "snpp.csv", "source_sheet": "",
                           "source_row": i + 2} for i, (code, kind, year, value) in enumerate(rows)])
    return conform(frame, "population")


def make_store(folder, tables: dict[str, pd.DataFrame], authority: dict | None = None, single_file=False):
    """A store version written by the store's own writer (or, ``single_file``, as stores were
    written before partitions: every table one file), with the national areas lookup."""
    folder.mkdir(parents=True)
    tables = {**tables, **read_lookups(DEFAULT_LOOKUPS)}
    for name, frame in tables.items():
        if single_file:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            write_table(folder, name, frame)
    manifest = {"ingested_at": "2026-12-03T00:00:00+00:00", "authority": authority or {},
                "tables": {n: len(f) for n, f in tables.items()}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return Store(folder)


ROWS = [(LEWISHAM, "la", 2020, 300_000.0), (ENGLAND, "england", 2020, 56_000_000.0),
        (SOUTHWARK, "la", 2020, 310_000.0), (LEWISHAM, "la", 2021, 302_000.0),
        (LONDON, "region", 2020, 9_000_000.0), (KENT, "la", 2020, 1_500_000.0),
        (SOUTH_EAST, "region", 2020, 9_200_000.0), (KENT, "la", 2021, 1_510_000.0)]


def test_a_partitioned_table_has_one_folder_per_area_and_reads_back_equal(tmp_path):
    frame = population(ROWS)
    write_table(tmp_path, "population", frame)
    folder = tmp_path / "population"
    assert not (tmp_path / "population.parquet").exists()
    assert sorted(p.name for p in folder.iterdir()) == [
        f"area_code={c}" for c in sorted({LEWISHAM, ENGLAND, SOUTHWARK, LONDON, KENT, SOUTH_EAST})]
    assert all([f.name for f in p.iterdir()] == ["part-0.parquet"] for p in folder.iterdir())
    back = store_module._read(tmp_path, "population", None)
    # The frame as one file reads back (the layout before partitions), with areas in code order
    # and each area's rows in file order (Lewisham 2020 before 2021).
    frame.to_parquet(tmp_path / "one.parquet", index=False)
    expected = pd.read_parquet(tmp_path / "one.parquet").sort_values("area_code", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)
    assert list(back.columns) == STORE_TABLES["population"].names
    assert pd.api.types.is_integer_dtype(back["year"]) and str(back["value"].dtype) == "float64"
    assert back["area_code"].dtype == back["area_name"].dtype  # text, like every text column
    assert list(back.loc[back["area_code"] == LEWISHAM, "year"]) == [2020, 2021]


def test_tables_without_an_authority_dimension_stay_one_file(sample_store):
    assert (sample_store / "registrations.parquet").is_file()
    assert (sample_store / "lookup_areas.parquet").is_file()  # a lookup, not rows of areas
    assert (sample_store / "prevalence").is_dir() and not (sample_store / "prevalence.parquet").exists()
    # Every declared table whose rows are areas is partitioned, but the lookups and the
    # profile's ward census.
    with_area = {n for n, t in STORE_TABLES.items() if "area_code" in t.names}
    assert with_area - PARTITIONED_TABLES == {"lookup_areas", "census"}


def test_a_store_seen_as_an_authority_reads_only_its_partitions(tmp_path):
    """Lewisham's scope is Lewisham, London, England and its comparators (Southwark here): Kent
    and the South East are never opened, which a corrupt Kent file proves."""
    store = make_store(tmp_path / "v", {"population": population(ROWS)},
                       {"area_code": LEWISHAM, "area_name": "Lewisham", "region_code": LONDON,
                        "region_name": "London", "comparators": [SOUTHWARK]})
    (store_versions.partition_folder(tmp_path / "v" / "population", KENT) / "part-0.parquet").write_bytes(b"junk")
    rows = store.table("population")
    assert sorted(set(rows["area_code"])) == [LEWISHAM, SOUTHWARK, LONDON, ENGLAND]
    assert list(rows.loc[rows["area_code"] == LEWISHAM, "value"]) == [300_000.0, 302_000.0]
    assert len(rows) == 5
    assert list(store.rows_where("population", "area_code", [LONDON, "E99999999"])["value"]) == [9_000_000.0]
    # The picker's list comes from the folder names: Kent is offered without its rows being read.
    assert KENT in dict(store.authorities())
    with pytest.raises(pa.ArrowInvalid):
        store.every_area("population")  # the corrupt file is there: only the lazy read avoided it


def test_another_authority_reads_its_own_scope_and_every_area_reads_all(tmp_path):
    store = make_store(tmp_path / "v", {"population": population(ROWS)},
                       {"area_code": LEWISHAM, "area_name": "Lewisham", "region_code": LONDON,
                        "region_name": "London", "comparators": [SOUTHWARK]})
    kent = store.for_authority(KENT)
    rows = kent.table("population")
    assert set(rows["area_code"]) == {KENT, SOUTH_EAST, ENGLAND}  # its region's other authorities have no rows
    assert list(rows.loc[rows["area_code"] == KENT, "value"]) == [1_500_000.0, 1_510_000.0]
    assert set(kent.scope()) >= {KENT, SOUTH_EAST, ENGLAND} and LEWISHAM not in kent.scope()
    every = store.every_area("population", ["area_code", "value"])
    assert list(every.columns) == ["area_code", "value"] and len(every) == len(ROWS)
    assert every["value"].sum() == sum(r[3] for r in ROWS)


def test_the_scope_cache_is_bounded_however_many_authorities_are_visited(tmp_path, monkeypatch):
    from store import memo
    areas = read_lookups(DEFAULT_LOOKUPS)["lookup_areas"]
    las = list(areas.loc[~areas["area_type"].isin(["england", "region"]), "area_code"])
    visited = 74
    assert len(las) > visited
    store = make_store(tmp_path / "v", {"population": population([(c, "la", 2020, 1.0) for c in las])})
    store_module.clear_caches()
    # A store that names no authority asks for its code, None: no rows, and no error.
    empty = store.rows_where("population", "area_code", [None])
    assert empty.empty and list(empty.columns) == STORE_TABLES["population"].names
    for code in las[:visited]:
        view = store.for_authority(code)
        held = set(view.table("population")["area_code"])  # it and its region's other authorities
        assert code in held and held == set(view.scope()) & set(las)
    # An authority without a profile compares with its region's authorities, so they share one
    # scope: one read per region, not per authority.
    regions = set(areas.loc[areas["area_code"].isin(las[:visited]), "parent_code"])
    assert memo.METRICS.count("_rows") == len(regions)
    # The reads share the metrics' one cache, bounded in bytes: with room for 20 one-row reads
    # (as memory_usage(deep=True) counts them), a different area each time keeps 20.
    one = memo.size_of(store.rows_where("population", "area_code", [las[0]]))
    monkeypatch.setattr(memo.METRICS, "budget", 20 * one)
    memo.METRICS.clear()
    for code in las:  # a different set of areas each time: the cache stays at its bound
        assert list(store.rows_where("population", "area_code", [code])["area_code"]) == [code]
    assert memo.METRICS.count("_rows") == 20 and memo.METRICS.bytes <= 20 * one
    assert memo.METRICS.evictions >= len(las) - 20


def test_a_store_written_before_partitions_still_reads_the_same_rows(tmp_path):
    """Old stores (every table one file) are read, not refused: the same rows through a filter
    on area_code (each area's rows in file order), the same picker."""
    authority = {"area_code": LEWISHAM, "area_name": "Lewisham", "region_code": LONDON,
                 "region_name": "London", "comparators": [SOUTHWARK]}
    new = make_store(tmp_path / "new", {"population": population(ROWS)}, authority)
    old = make_store(tmp_path / "old", {"population": population(ROWS)}, authority, single_file=True)
    assert (tmp_path / "old" / "population.parquet").is_file()
    key = ["area_code", "year"]
    for code in (None, KENT, SOUTHWARK):
        a = new.for_authority(code).table("population").sort_values(key).reset_index(drop=True)
        b = old.for_authority(code).table("population").sort_values(key).reset_index(drop=True)
        assert len(a) and a.equals(b)
    assert new.authorities() == old.authorities()
    assert new.every_area("population").sort_values(key).reset_index(drop=True).equals(
        old.every_area("population").sort_values(key).reset_index(drop=True))


def test_an_odd_area_code_stays_inside_its_table_folder(tmp_path):
    """A code with a slash or dots from a hostile file is percent-encoded in its folder name and
    read back as it was."""
    frame = population([("../E09/x", "la", 2020, 1.0), (ENGLAND, "england", 2020, 2.0)])
    write_table(tmp_path, "population", frame)
    names = sorted(p.name for p in (tmp_path / "population").iterdir())
    assert all("/" not in n for n in names) and len(names) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["population"]
    back = store_module._read(tmp_path, "population", ("../E09/x",))
    assert list(back["area_code"]) == ["../E09/x"] and list(back["value"]) == [1.0]
    assert store_versions.partition_codes(tmp_path / "population") == ["../E09/x", ENGLAND]


@pytest.fixture(scope="module")
def national_pair(tmp_path_factory):
    """The sample plus the real national Fingertips file, ingested (partitioned), and the same
    store's tables rewritten as single files (the layout before partitions)."""
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    shutil.copy(real_file("fingertips/fingertips-county-ua-campylobacter-2015-17.csv"), src / "fingertips-utla.csv")
    new = tmp_path_factory.mktemp("new") / "store"
    assert ingest(src, new).ok
    old = tmp_path_factory.mktemp("old") / "store"
    shutil.copytree(new.resolve(), old)
    for name in PARTITIONED_TABLES:
        if (old / name).is_dir():
            frame = Store(new).every_area(name)
            shutil.rmtree(old / name)
            frame.to_parquet(old / f"{name}.parquet", index=False)
    return Store(new), Store(old)


@pytest.mark.parametrize("code", [None, SOUTHWARK, KENT, "E08000025", "E06000001"])
def test_kpi_tables_are_the_same_read_lazily_or_whole(national_pair, code):
    """The KPI view of several authorities is identical from the partitioned store and from the
    single-file one; Southwark's 2017 campylobacter rate stays 66.09 per 100,000 (207 / 313,223)."""
    from metrics.performance.kpis import kpi_table
    new, old = (s.for_authority(code) for s in national_pair)
    a, b = kpi_table(new), kpi_table(old)
    key = ["indicator_id", "sex", "age", "period"]
    assert len(a) > 0
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True))
    if code == SOUTHWARK:
        row = a[a["indicator_name"].str.startswith("Campylobacter") & (a["period"].astype(str) == "2017")
                & (a["sex"] == "Persons") & (a["age"] == "All ages")].iloc[0]
        assert round(row["value"], 2) == 66.09


def test_a_partitioned_table_no_file_gives_is_carried_over_whole(tmp_path):
    """Unit costs come from one file; a refresh without it keeps the previous partitions (folder
    and rows as they were), and `--replace` drops them."""
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    store = tmp_path / "store"
    assert ingest(src, store).ok
    before = Store(store).every_area("unit_costs")
    codes = store_versions.partition_codes(store / "unit_costs")
    assert len(before) == 30 and len(codes) > 1
    (src / "ASC-FR_unit_costs_2016-17.csv").unlink()
    report = ingest(src, store)
    assert report.ok and "unit_costs" in report.kept
    assert (store / "unit_costs").is_dir() and store_versions.partition_codes(store / "unit_costs") == codes
    pd.testing.assert_frame_equal(Store(store).every_area("unit_costs"), before)
    report = ingest(src, store, replace=True)
    assert report.dropped == ["unit_costs"] and store_versions.table_path(store.resolve(), "unit_costs") is None
