"""`mps export --format csv`: one tidy CSV per table of the export contract."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from metrics.store import Store
from metrics.tables import mps_tables

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
    injection advice); numbers are left alone."""
    if isinstance(value, str) and value.startswith(DANGEROUS) and value != "-":
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def write_csv_tables(store: Store, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in mps_tables(store).items():
        path = out_dir / f"{name}.csv"
        safe_frame(frame).to_csv(path, index=False, float_format="%.10g")
        written.append(path)
    return written
