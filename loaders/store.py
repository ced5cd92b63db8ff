"""Ingest: recognise each file in a folder, load it, and write the Parquet store all-or-nothing.

The new store is built in a sibling temporary folder and swapped in with renames only after every
file has loaded, so a failed refresh leaves the previous store byte-for-byte as it was.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

import pandas as pd

from domain.contract import LOOKUP_TABLES, ContractError, Table, conform, store_table

from . import DEFAULT_LOOKUPS, LoadContext, boundaries, known_kinds, registry
from .base import InputError, LoadResult, load_lookup, read_sheets

CONFIG_NAME = "mps.toml"
IGNORED_NAMES = {CONFIG_NAME, "readme.md", "readme.txt", ".gitkeep"}


@dataclass
class FileReport:
    path: Path
    kind: str | None = None
    table: str | None = None
    rows_read: int = 0
    rows_kept: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    sha256: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class IngestReport:
    source_dir: Path
    files: list[FileReport]
    config: dict
    store_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(f.ok for f in self.files)


LOGO_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".gif"}


def read_config(source_dir: Path) -> dict:
    path = Path(source_dir) / CONFIG_NAME
    if not path.exists():
        return {}
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"mps.toml is not valid TOML ({exc})",
                         expected='lines such as area_code = "<the ONS code>"') from None
    logo = config.get("branding", {}).get("logo")
    if logo:
        logo_path = Path(source_dir) / logo
        if not logo_path.is_file() or logo_path.suffix.lower() not in LOGO_SUFFIXES:
            raise InputError(path, f"the branding logo '{logo}' was not found beside mps.toml", column="logo",
                             expected="an image file (" + ", ".join(sorted(LOGO_SUFFIXES)) + ") in the same folder")
    return config


def source_files(source_dir: Path) -> list[Path]:
    files = []
    for p in sorted(Path(source_dir).iterdir()):
        if (p.is_file() and not p.name.startswith(".") and p.name.lower() not in IGNORED_NAMES
                and p.suffix.lower() not in LOGO_SUFFIXES):  # logos are branding, not data
            files.append(p)
    return files


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect(sheets) -> object | None:
    for module in registry():
        if module.sniff(sheets):
            return module
    return None


def load_file(path: Path, ctx: LoadContext) -> tuple[FileReport, LoadResult | None]:
    """Recognise and load one file, its frames conformed to the contract; a file that fails says
    why in ``report.error`` (bad input as InputError, a loader bug as a ContractError)."""
    report = FileReport(path=path, sha256=sha256(path))
    try:
        if path.suffix.lower() in boundaries.SUFFIXES:  # GeoJSON is not a spreadsheet
            result = boundaries.load_path(path, ctx)
        else:
            sheets = read_sheets(path)
            module = detect(sheets)
            if module is None:
                raise InputError(path, "this file is not a kind the dashboard recognises",
                                 expected="one of: " + ", ".join(known_kinds()))
            report.kind = module.KIND
            result = module.load(sheets, ctx)
        result = conform_result(result)
    except InputError as exc:
        report.error = exc.message
        return report, None
    except ContractError as exc:
        report.error = (f"{path.name}: the {report.kind or 'file'} loader built rows that do not match "
                        f"the store contract ({exc}). This is a bug in the dashboard, not in the file; "
                        f"please report it with this message")
        return report, None
    return _finish(report, result)


def _finish(report: FileReport, result: LoadResult) -> tuple[FileReport, LoadResult]:
    report.kind = result.kind
    report.table = result.table
    report.rows_read = result.rows_read
    report.rows_kept = result.rows_kept
    report.warnings = list(result.warnings)
    report.meta = result.meta
    return report, result


def conform_frame(frame: pd.DataFrame, table: Table | str) -> pd.DataFrame:
    """The one place a loader's frame meets its declaration: exactly the declared columns (a
    missing or undeclared column is a ContractError), each cast to its declared type."""
    return conform(frame, table, strict=True)


def conform_result(result: LoadResult) -> LoadResult:
    """A loader's result with its main and extra tables conformed to the contract."""
    result.frame = conform_frame(result.frame, result.table)
    result.extra_tables = {name: conform_frame(f, name) for name, f in result.extra_tables.items()}
    return result


def _context(source_dir: Path, config: dict, lookups_dir: Path | None) -> LoadContext:
    lookups = Path(lookups_dir) if lookups_dir else DEFAULT_LOOKUPS
    if config.get("lookups_dir"):
        lookups = (Path(source_dir) / config["lookups_dir"]).resolve()
    return LoadContext(lookups_dir=lookups, area_code=config.get("area_code"),
                       area_name=config.get("area_name"), config=config)


def load_folder(source_dir: Path, lookups_dir: Path | None = None,
                progress: Callable[[Path], None] | None = None):
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise InputError(source_dir, "this folder does not exist", expected="a folder of downloads")
    config = read_config(source_dir)
    ctx = _context(source_dir, config, lookups_dir)
    reports, results = [], []
    for path in source_files(source_dir):
        if progress:
            progress(path)
        report, result = load_file(path, ctx)
        reports.append(report)
        if result is not None:
            results.append((path, result))
    return IngestReport(source_dir, reports, config), results, ctx


def _infer_authority(config: dict, tables: dict[str, pd.DataFrame]) -> dict:
    authority = {"area_code": config.get("area_code"), "area_name": config.get("area_name")}
    if not authority["area_code"] and "prevalence" in tables:
        la = tables["prevalence"].query("area_type == 'la'")
        if len(la):
            authority = {"area_code": la["area_code"].mode()[0], "area_name": la["area_name"].mode()[0]}
    return authority


def build_tables(results, ctx: LoadContext) -> dict[str, pd.DataFrame]:
    """Every store table: the loaders' (conformed) frames concatenated per table, plus the
    lookups, which travel with the store so metrics never read anything else."""
    parts: dict[str, list[pd.DataFrame]] = {}
    for _, result in results:
        parts.setdefault(result.table, []).append(result.frame)
        for name, extra in result.extra_tables.items():
            parts.setdefault(name, []).append(extra)
    tables = {}
    for name, frames in parts.items():
        frames = [f for f in frames if len(f)]
        if frames:
            # One file may give Int64 (with gaps) and another int64: settle one type per column.
            tables[name] = conform(pd.concat(frames, ignore_index=True), name)
    tables.update(read_lookups(ctx.lookups_dir))
    return tables


def read_lookups(lookups_dir: Path) -> dict[str, pd.DataFrame]:
    """The declared lookups (`lookup_*` tables) found in ``lookups_dir``, conformed to their
    declaration. A lookup without one of its key columns is bad input, named as such; other
    declared columns it lacks are left empty (e.g. tile positions)."""
    tables = {}
    for name in LOOKUP_TABLES:
        table = store_table(name)
        file = f"{name.removeprefix('lookup_')}.csv"
        if not (Path(lookups_dir) / file).exists():
            continue
        frame = load_lookup(file, lookups_dir)
        missing = [c for c in table.key if c not in frame.columns]
        if missing:
            raise InputError(Path(lookups_dir) / file, "the lookup lacks column(s) " + ", ".join(missing),
                             expected="columns " + ", ".join(c.name for c in table.columns
                                                             if c.name != "source_file"))
        frame["source_file"] = file
        for col in table.names:
            if col not in frame.columns:
                frame[col] = None
        for col in table.all_columns:  # lookups are read as text: a blank number is missing
            if col.name in frame.columns and col.dtype != "str":
                frame[col.name] = frame[col.name].where(frame[col.name].str.strip() != "", None)
        tables[name] = conform(frame, table)
    return tables


def write_store(report: IngestReport, results, ctx: LoadContext, store_dir: Path) -> Path:
    """Write every table to a temporary folder beside the store, then swap it in."""
    store_dir = Path(store_dir).resolve()
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    tables = build_tables(results, ctx)
    tmp = Path(tempfile.mkdtemp(prefix=store_dir.name + ".new-", dir=store_dir.parent))
    try:
        for name, frame in tables.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        branding = dict(report.config.get("branding", {}))
        if branding.get("logo"):  # the authority's own logo travels with the store
            logo = Path(report.source_dir) / branding["logo"]
            shutil.copy(logo, tmp / ("branding_logo" + logo.suffix.lower()))
            branding["logo"] = "branding_logo" + logo.suffix.lower()
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        manifest = {
            "ingested_at": now,
            "source_dir": str(report.source_dir),
            "authority": _infer_authority(report.config, tables),
            "branding": branding,
            "targets": dict(report.config.get("targets", {})),
            "tables": {name: int(len(frame)) for name, frame in tables.items()},
            "files": [{"path": f.path.name, "kind": f.kind, "table": f.table, "sha256": f.sha256,
                       "rows_read": f.rows_read, "rows_kept": f.rows_kept, "warnings": f.warnings,
                       "meta": _jsonable(f.meta), "ingested_at": now} for f in report.files],
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        old = None
        if store_dir.exists():
            old = store_dir.with_name(store_dir.name + ".old-" + tmp.name.rsplit("-", 1)[-1])
            os.replace(store_dir, old)
        os.replace(tmp, store_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return store_dir


def _jsonable(meta):
    return json.loads(json.dumps(meta, default=str))


def ingest(source_dir: Path, store_dir: Path, lookups_dir: Path | None = None,
           progress: Callable[[Path], None] | None = None) -> IngestReport:
    report, results, ctx = load_folder(source_dir, lookups_dir, progress)
    if report.ok:
        report.store_dir = write_store(report, results, ctx, store_dir)
    return report
