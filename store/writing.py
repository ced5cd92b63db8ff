"""Writing a store version: tables and a manifest into a new version, made current in one step.

Ingest (loaders/store.py) builds the tables and the manifest; this module writes them:

    with writing.new_version(store_dir) as version:   # the writer lock, a temporary folder
        old = version.previous_manifest                # what the current version recorded
        version.write(name, frame)                     # each table (partitioned by area or one file)
        version.keep(name)                             # a table of the current version, as written
        version.write_manifest(record)
    # made current by one atomic link rename (store.layout.publish); on any error the temporary
    # folder is removed and the previous version stays current, byte for byte.

`write_version(store_dir, tables, record)` does the whole of it for a {table: frame} and a manifest.
"""
from __future__ import annotations

import errno
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from domain.contract import PARTITIONED_TABLES, conform, store_table

from . import layout
from .manifest import ManifestRecord


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """One table into a version folder: a table with an authority dimension
    (`domain.contract.PARTITIONED_TABLES`) as a Hive-partitioned dataset, `<name>/area_code=<GSS>/
    part-0.parquet`, so that one authority's rows are read without the others'; any other table,
    and an empty one, as `<name>.parquet`.

    Cost: rows are put in area order once (a stable sort, so each area's rows keep their file
    order) and written by pyarrow in one call: on the national Fingertips table (600,918 rows, 286
    areas) about 0.8 s against 0.3 s for one file (benchmarks/RESULTS-authority.md)."""
    if name not in PARTITIONED_TABLES or frame.empty:
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        return
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    codes, _ = pd.factorize(frame[layout.PARTITION_COLUMN], sort=True)  # missing: -1, first
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if len(codes) > 1 and (np.diff(codes) < 0).any():  # not in area order already
        # Text columns are dictionary-encoded first, so putting rows in order moves small integers,
        # not strings, and the Parquet writer is handed its dictionaries ready made. Without the
        # Arrow schema stored, they read back as plain text, as every other table's do.
        order = pa.array(np.argsort(codes, kind="stable"))
        table = pa.table([(pc.dictionary_encode(c) if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
                           else c).take(order) for c in table.columns],
                         names=table.column_names).replace_schema_metadata(table.schema.metadata)
    parquet = ds.ParquetFileFormat()
    # No column statistics: a partition's file is found by its folder (area_code=...), and nothing
    # filters within one by min/max; writing them cost a third of the write (national Fingertips).
    options = parquet.make_write_options(store_schema=False, write_statistics=False)
    ds.write_dataset(table, folder / name, format=parquet, file_options=options,
                     partitioning=layout.partitioning(), basename_template="part-{i}.parquet",
                     existing_data_behavior="error", max_partitions=1_000_000, preserve_order=True)


def read_whole(version: Path, name: str) -> pd.DataFrame | None:
    """Every row of a table of one version folder, as declared (None if it holds none): what a
    refresh merges its new rows with."""
    held = layout.table_path(version, name)
    if held is None:
        return None
    if held.is_dir():
        import pyarrow.dataset as ds
        frame = ds.dataset(held, format="parquet", partitioning=layout.partitioning()).to_table().to_pandas()
    else:
        frame = pd.read_parquet(held)
    return conform(frame.reindex(columns=store_table(name).names), name)


def store_write_error(exc: OSError, store_dir: Path) -> OSError:
    """The error of a failed store write, naming the store: Parquet and file writers often say
    "No space left on device" without a file name (and pyarrow without an errno either)."""
    number = exc.errno
    if number is None and "No space left" in str(exc):
        number = errno.ENOSPC
    if exc.filename and number == exc.errno:
        return exc
    return OSError(number, exc.strerror or os.strerror(number) if number else str(exc),
                   exc.filename or str(store_dir))


class NewVersion:
    """A version being written (a temporary folder under the writer lock), beside the current one."""

    def __init__(self, store_dir: Path, folder: Path, previous: Path):
        self.store_dir, self.folder, self.previous = store_dir, folder, previous
        self.previous_manifest = ManifestRecord.read(previous)

    def write(self, name: str, frame: pd.DataFrame) -> None:
        """One table (`write_table`)."""
        write_table(self.folder, name, frame)

    def previous_table(self, name: str) -> pd.DataFrame | None:
        """A table of the current version, whole, as declared (None if it holds none)."""
        return read_whole(self.previous, name)

    def previous_holds(self, name: str) -> bool:
        return layout.table_path(self.previous, name) is not None

    def keep(self, name: str) -> None:
        """A table of the current version copied in as it was written (one file, or a partitioned
        dataset's folder)."""
        held = layout.table_path(self.previous, name)
        if held.is_dir():
            shutil.copytree(held, self.folder / held.name)
        else:
            shutil.copyfile(held, self.folder / held.name)

    def add_file(self, source: Path, name: str) -> None:
        """A file beside the tables (e.g. the authority's logo)."""
        shutil.copy(source, self.folder / name)

    def write_manifest(self, record: ManifestRecord) -> None:
        record.write(self.folder)


@contextmanager
def new_version(store_dir: Path):
    """A `NewVersion` of the store at ``store_dir``, made current when the block ends without an
    error; on any error (a full disk, bad input found late) its folder is removed and the current
    version stays as it was. One writer at a time (`layout.StoreBusy` for a second)."""
    store_dir = Path(os.path.abspath(store_dir))
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    with layout.writer_lock(store_dir):
        previous = layout.current(store_dir)
        tmp = layout.new_version(store_dir)
        try:
            yield NewVersion(store_dir, tmp, previous)
            layout.publish(store_dir, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def write_version(store_dir: Path, tables: dict[str, pd.DataFrame], record: ManifestRecord) -> Path:
    """Write {table: frame} and their manifest as a new version of the store and make it current."""
    with new_version(store_dir) as version:
        for name, frame in tables.items():
            version.write(name, frame)
        version.write_manifest(record)
    return Path(os.path.abspath(store_dir))


def current_manifest(store_dir: Path) -> ManifestRecord:
    """What the version the store names now recorded (an empty record for no store)."""
    return ManifestRecord.read(layout.current(Path(os.path.abspath(store_dir))))
