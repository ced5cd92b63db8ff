"""A frame as one plain Parquet file, and back, with nothing else of the store imported: what a
user's own script does with pandas, against which `benchmarks/bench_national.py` measures
`mps ingest` (the store's own tables are written by `store.writing` and read by `store.reading`)."""
from __future__ import annotations

from pathlib import Path


SUFFIX = ".parquet"


def write_frame(frame, folder: str | Path, name: str) -> Path:
    """``frame`` as one Parquet file, ``<folder>/<name>.parquet``, without its index."""
    path = Path(folder) / f"{name}{SUFFIX}"
    frame.to_parquet(path, index=False)
    return path
