"""Ingest: recognise each file in a folder, load it, merge it with the store, and have the store write it.

Ingest builds the tables and the manifest (`store.manifest.ManifestRecord`); the store writes them
(`store.writing`) as a new version beside the current one, made current by one atomic link
rename only after every file has loaded, so a failed refresh leaves the previous store
byte-for-byte as it was, and a reader never sees half of one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pandas as pd

from domain.contract import LOOKUP_TABLES, ContractError, Table, conform, store_table
from store import writing
from store.manifest import FileRecord, ManifestRecord, jsonable

from . import (DEFAULT_LOOKUPS, LoadContext, boundaries, census_bulk, census_wards, checks, editions, known_kinds, plausible,
               profile, registry)
from .errors import InputError
from .refresh import carry_over, merge_previous
from .reading import read_input
from .sheets import LoadResult, load_lookup, read_sheets

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
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # files not read, and why
    kept: dict[str, str] = field(default_factory=dict)  # table -> note: no file gave it, previous kept
    dropped: list[str] = field(default_factory=list)   # tables the previous store held, dropped (--replace)
    added: list[str] = field(default_factory=list)     # what this refresh adds: tables, directory editions
    replaced: list[str] = field(default_factory=list)  # what it replaces, and the earlier files it replaces
    notes: list[str] = field(default_factory=list)     # the authority: named, kept from the store, or inferred
    precomputed: Any = None  # what `ingest(precompute=)` returned for the new version (precompute.PrecomputeReport)

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(f.ok for f in self.files)


LOGO_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".gif"}


def read_config(source_dir: Path) -> dict:
    """The folder's own `mps.toml` ({} without one): the same keys as a profile (docs/profile.md)."""
    path = Path(source_dir) / CONFIG_NAME
    if not path.exists():
        return {}
    config = profile.read_toml(path)
    logo = config.get("branding", {}).get("logo")
    if logo:
        logo_path = Path(source_dir) / logo
        if not logo_path.is_file() or logo_path.suffix.lower() not in LOGO_SUFFIXES:
            raise InputError(path, f"the branding logo '{logo}' was not found beside mps.toml", column="logo",
                             expected="an image file (" + ", ".join(sorted(LOGO_SUFFIXES)) + ") in the same folder")
    return config


def source_files(source_dir: Path) -> list[Path]:
    """The files ingest reads: everything in the folder but what `skipped_files` lists. Links and
    special files are included so that reading refuses them by name (never silently)."""
    return [p for p in sorted(Path(source_dir).iterdir()) if _skip_reason(p) is None]


def skipped_files(source_dir: Path) -> list[tuple[Path, str]]:
    """What is in the folder but not read, with the reason, for the summary."""
    return [(p, why) for p in sorted(Path(source_dir).iterdir()) if (why := _skip_reason(p)) not in (None, "")]


def _skip_reason(p: Path) -> str | None:
    """None for a file to read, '' for the folder's own configuration, else why it is not read."""
    if p.name == CONFIG_NAME:
        return ""
    if p.name.startswith("."):
        return "hidden file (its name starts with a dot): not read; rename it to include it"
    if p.is_dir() and not p.is_symlink():
        return "a folder: only files directly in the source folder are read"
    if p.name.lower() in IGNORED_NAMES:
        return "notes, not data"
    if p.suffix.lower() in LOGO_SUFFIXES and not p.is_symlink():  # logos are branding, not data
        return "an image: used only as the logo named in mps.toml"
    return None


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


_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mps-sha256")


def load_file(path: Path, ctx: LoadContext) -> tuple[FileReport, LoadResult | None]:
    """Recognise and load one file, its frames conformed to the contract; a file that fails says
    why in ``report.error`` (bad input as InputError, a loader bug as a ContractError)."""
    report = FileReport(path=path)
    try:
        raw = read_input(path)  # read once: hashed and parsed from the same bytes
        # hashlib lets go of the GIL on large buffers: a national file is hashed on the other core
        # while it is parsed, not before.
        hashing = _HASHER.submit(lambda: hashlib.sha256(raw).hexdigest())
        if path.suffix.lower() in boundaries.SUFFIXES:  # GeoJSON is not a spreadsheet
            report.sha256 = hashing.result()
            result = boundaries.load_path(path, ctx, raw)
        elif path.suffix.lower() == ".zip":  # a Nomis census bulk zip: one CSV per geography
            report.sha256 = hashing.result()
            result = census_bulk.load_zip(path, ctx, raw)
        else:
            try:
                sheets = read_sheets(path, raw)
            finally:  # a file that cannot be read is still named by its hash in the report
                report.sha256 = hashing.result()
            del raw  # a national file's bytes, no longer needed: not held through load and conform
            module = detect(sheets)
            if module is None:
                raise InputError(path, "this file is not a kind the dashboard recognises",
                                 expected="one of: " + ", ".join(known_kinds()))
            report.kind = module.KIND
            result = module.load(sheets, ctx)
            del sheets  # the raw cell grid: freed before the conformed copies are made
        result = plausible.check(conform_result(result), path)  # ranges, dates, keys
    except InputError as exc:
        report.error = exc.message
        return report, None
    except (MemoryError, RecursionError, RuntimeError) as exc:
        problem = reader_exhausted(exc)
        if problem is None:
            raise
        report.error = InputError(path, problem, expected="a smaller file, or ingest on a machine with more "
                                  "memory; docs/limits.md lists the limits").message
        return report, None
    except ContractError as exc:
        report.error = (f"{path.name}: the {report.kind or 'file'} loader built rows that do not match "
                        f"the store contract ({exc}). This is a bug in the dashboard, not in the file; "
                        f"please report it with this message")
        return report, None
    return _finish(report, result)


def reader_exhausted(exc: BaseException) -> str | None:
    """What to tell the user when reading a file ran out of memory, stack or threads (the file is
    too large or too deeply nested for this machine, or the process runs under a memory cap), or
    None for any other error, which is a bug and stays one."""
    if isinstance(exc, MemoryError):
        return "there was not enough memory to read this file"
    if isinstance(exc, RecursionError):
        return "this file is nested too deeply to be read"
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return "there was not enough memory to read this file (a reader could not start a thread)"
    return None


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


def _context(source_dir: Path, config: dict, lookups_dir: Path | None, authority: str | None,
             profile_dir: Path | None) -> LoadContext:
    folder, settings = profile.resolve(source_dir, config, authority, profile_dir)
    lookups = Path(lookups_dir) if lookups_dir else DEFAULT_LOOKUPS
    code = settings.get("area_code")
    if code and not settings.get("area_name"):  # no profile: the national areas lookup names it
        area = _national_area(lookups, code)
        settings = {**settings, **area}
    return LoadContext(lookups_dir=lookups, area_code=code, area_name=settings.get("area_name"),
                       config=settings, profile_dir=folder)


def _national_area(lookups_dir: Path, code: str) -> dict:
    """Name and region of an authority from the national areas lookup ({} if it is not there)."""
    areas = load_lookup("areas.csv", lookups_dir)
    row = areas[areas["area_code"] == code]
    if row.empty:
        return {}
    region = str(row["parent_code"].iloc[0]) if "parent_code" in areas.columns else ""
    names = dict(zip(areas["area_code"], areas["area_name"]))
    return {"area_name": row["area_name"].iloc[0], "region_code": region or None,
            "region_name": names.get(region)}


def load_folder(source_dir: Path, lookups_dir: Path | None = None,
                progress: Callable[[Path], None] | None = None, *, authority: str | None = None,
                profile_dir: Path | None = None, previous: ManifestRecord | None = None, replace: bool = False):
    """Recognise and load every file of the folder, for the authority named (``--authority``, the
    folder's mps.toml), else the one the store being refreshed holds (``previous``, its manifest:
    its profile and the folder settings it was built with are kept), else the one the files agree
    on (`profile.infer_authority`; the folder is then read again with that authority's profile)."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise InputError(source_dir, "this folder does not exist", expected="a folder of downloads")
    config = read_config(source_dir)
    notes: list[str] = []
    previous = previous or ManifestRecord()
    held = dict(previous.authority)
    named = authority or config.get("area_code")
    if named and held.get("area_code"):
        where = "--authority" if authority else source_dir / CONFIG_NAME
        code = profile.check_code(named, where)
        if code != held["area_code"] and not replace:
            raise InputError(where, f"the store holds the files of {held['area_code']} "
                             f"{held.get('area_name') or ''}, not {code}".replace("  ", " "),
                             column="area_code" if not authority else None,
                             expected=f"--replace to start it afresh for {code}, or another --store")
    elif not named and held.get("area_code"):
        authority = held["area_code"]
        kept = previous.profile
        if profile_dir is None and not config.get("profile") and kept and Path(kept).is_dir():
            profile_dir = Path(kept)
        if not config:  # the settings the store was built with (e.g. its folder's branding)
            config = {k: v for k, v in previous.folder_config.items() if k not in ("area_code", "profile")}
        notes.append(f"authority {held['area_code']} {held.get('area_name') or ''}: kept from the store "
                     f"(this folder names none)".replace("  ", " "))
    report, results, ctx = _load_files(source_dir, config, lookups_dir, progress, authority, profile_dir)
    if not ctx.area_code and report.ok:
        code, why = profile.infer_authority(results, ctx.lookups_dir)
        if code is None and why:
            raise InputError(source_dir, why, expected="the authority named by `--authority CODE` or by "
                             f'area_code = "CODE" in {source_dir.name}/{CONFIG_NAME}')
        if code:
            report, results, ctx = _load_files(source_dir, config, lookups_dir, None, code, profile_dir)
            notes.append(f"authority {code} {ctx.area_name or ''}: inferred {why} (this folder names none: "
                         f"--authority CODE or mps.toml's area_code would)")
        else:
            notes.append("no authority named and the files name none: national files are kept for every "
                         "authority, without a default one; name it with `--authority CODE` or "
                         f'area_code = "CODE" in {CONFIG_NAME}')
    report.notes = notes
    return report, results, ctx


def _load_files(source_dir: Path, config: dict, lookups_dir: Path | None, progress, authority: str | None,
                profile_dir: Path | None):
    ctx = _context(source_dir, config, lookups_dir, authority, profile_dir)
    profile.check_segment_overrides(ctx.config, source_dir / CONFIG_NAME if "segment_overrides" in config or
                                    not ctx.profile_dir else Path(ctx.profile_dir) / profile.PROFILE_NAME)
    reports, results = [], []
    for path in source_files(source_dir):
        if progress:
            progress(path)
        report, result = load_file(path, ctx)
        reports.append(report)
        if result is not None:
            results.append((path, result))
    editions.check(reports, results)  # directory editions side by side: same date twice is an error
    by_path = {r.path: r for r in reports}
    for path, warnings in census_bulk.sum_lsoas_to_wards(results, ctx).items():  # LSOAs to wards by the lookup
        by_path[path].warnings.extend(warnings)
        by_path[path].rows_kept = len(dict(results)[path].frame)
    for path, warnings in census_wards.keep_authority_rows(results, ctx).items():  # wards of the boundary file
        by_path[path].warnings.extend(warnings)
        by_path[path].rows_kept = len(dict(results)[path].frame)
    for path, warnings in checks.run(results, ctx).items():  # across files and the profile
        by_path[path].warnings.extend(warnings)
    return IngestReport(source_dir, reports, config, skipped=skipped_files(source_dir)), results, ctx


AUTHORITY_KEYS = ("area_code", "area_name", "region_code", "region_name", "comparators")


def _infer_authority(ctx: LoadContext, tables: dict[str, pd.DataFrame]) -> dict:
    """The authority the store describes: as chosen (command line, mps.toml, profile), else the
    local-authority rows of the POPPI/PANSI tables; its region from the national areas lookup."""
    authority = {k: ctx.config.get(k) for k in AUTHORITY_KEYS}
    if not authority["area_code"] and "prevalence" in tables:
        la = tables["prevalence"].query("area_type == 'la'")
        if len(la):
            authority.update(area_code=la["area_code"].mode()[0], area_name=la["area_name"].mode()[0])
    if authority["area_code"] and not authority["region_code"]:
        found = _national_area(ctx.lookups_dir, authority["area_code"])
        authority.update({k: v for k, v in found.items() if k != "area_name" or not authority["area_name"]})
    authority["comparators"] = list(authority.get("comparators") or [])
    return authority


def build_tables(results, ctx: LoadContext) -> dict[str, pd.DataFrame]:
    """Every store table: the loaders' (conformed) frames concatenated per table, plus the
    lookups, which travel with the store so metrics never read anything else."""
    parts: dict[str, list[pd.DataFrame]] = {}
    results, edition_tables = editions.split(results)  # care_providers: the latest edition only
    for name, frame in edition_tables.items():
        parts[name] = [conform(frame, name)]
    for _, result in results:
        parts.setdefault(result.table, []).append(result.frame)
        for name, extra in result.extra_tables.items():
            parts.setdefault(name, []).append(extra)
    tables = {}
    for name, frames in parts.items():
        frames = [f for f in frames if len(f)]
        if len(frames) == 1:  # conformed already (conform_result, or above)
            tables[name] = frames[0]
        elif frames:
            # One file may give Int64 (with gaps) and another int64: settle one type per column.
            tables[name] = conform(pd.concat(frames, ignore_index=True), name)
    tables.update(read_lookups(ctx.lookups_dir, ctx.profile_dir))
    return tables


def read_lookups(lookups_dir: Path, profile_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The declared lookups (`lookup_*` tables), conformed to their declaration: the authority's
    own (neighbourhoods, practices, wards, postcode districts) from its profile folder only, the
    overridable ones (scrutiny questions) from the profile folder when it holds a copy, the
    rest from ``lookups_dir``. A lookup without one of its key columns is bad input, named as
    such; other declared columns it lacks are left empty (e.g. tile positions)."""
    tables = {}
    for name in LOOKUP_TABLES:
        table = store_table(name)
        file = f"{name.removeprefix('lookup_')}.csv"
        folder = profile_dir if name in profile.PROFILE_LOOKUPS else lookups_dir
        if name in profile.OVERRIDABLE_LOOKUPS and profile_dir is not None and (Path(profile_dir) / file).exists():
            folder = profile_dir  # the authority's own copy replaces the generic one
        if folder is None or not (Path(folder) / file).exists():
            continue
        lookups_dir_of_this = Path(folder)
        frame = load_lookup(file, lookups_dir_of_this)
        missing = [c for c in table.key if c not in frame.columns]
        if missing:
            raise InputError(lookups_dir_of_this / file, "the lookup lacks column(s) " + ", ".join(missing),
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


def write_store(report: IngestReport, results, ctx: LoadContext, store_dir: Path, *, replace: bool = False,
                precompute: Callable[[Path], Any] | None = None) -> Path:
    """Write every table as a new version of the store and make it current in one atomic step.

    A refresh adds (`_merge_previous`, `_carry_over`): what its files give replaces the same in the
    store, the rest is kept with its older dates; ``report`` says what was added, replaced, kept.
    With ``replace`` only this refresh's tables are written (``report.dropped``). ``precompute``
    is given the complete version before it is published (the app's opening answers, see
    precompute.py), so the version is current with them; if it fails the version is published
    without them (``report.notes`` says so). One writer at a time (StoreBusy for a second)."""
    tables = build_tables(results, ctx)
    with writing.new_version(store_dir) as version:
        old = version.previous_manifest
        given = set(tables)
        if old and not replace:
            tables = merge_previous(report, tables, old, version)
        for name, frame in tables.items():
            version.write(name, frame)
        carried = carry_over(report, old, version, tables, replace, given)
        branding = _copy_logo(report, ctx, old, version)
        version.write_manifest(_manifest(report, ctx, tables, old, carried, branding))
        if precompute is not None:
            try:
                report.precomputed = precompute(version.folder)
            except Exception as exc:  # the tables stand without their answers: pages compute them when opened
                report.notes.append(f"The pages' opening answers were not precomputed ({type(exc).__name__}: "
                                    f"{exc}); they are computed when first opened.")
    return Path(os.path.abspath(store_dir))


def _manifest(report: IngestReport, ctx: LoadContext, tables: dict, old: ManifestRecord, carried: list[FileRecord],
              branding) -> ManifestRecord:
    """The new version's manifest: where its files came from, the folder's settings and each table's rows
    (a table kept from the previous version keeps its count)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    counts = {name: int(len(frame)) for name, frame in tables.items()}
    counts.update({name: old.tables[name] for name in report.kept if name in old.tables})
    return ManifestRecord(
        ingested_at=now, source_dir=str(report.source_dir), authority=_infer_authority(ctx, tables),
        profile=str(ctx.profile_dir) if ctx.profile_dir else None, folder_config=jsonable(report.config),
        branding=branding, targets=dict(ctx.config.get("targets", {})), contacts=dict(ctx.config.get("contacts", {})),
        intentions=dict(ctx.config.get("intentions", {})), default_client_group=ctx.config.get("default_client_group"),
        horizon=dict(ctx.config.get("horizon", {})), peers=peer_settings(ctx),
        segment_overrides=dict(ctx.config.get("segment_overrides", {})), tables=counts,
        files=[FileRecord(path=f.path.name, kind=f.kind, table=f.table, sha256=f.sha256, rows_read=f.rows_read,
                          rows_kept=f.rows_kept, warnings=f.warnings, meta=jsonable(f.meta), ingested_at=now)
               for f in report.files] + carried,
        kept_from_previous=dict(report.kept))


PEER_DEFAULTS = "peer_groups.toml"


def peer_settings(ctx: LoadContext) -> dict:
    """The peer-group settings the store keeps: the method's published exclusions
    (data/lookups/peer_groups.toml) with the profile's `[peers]` over them. The method's own defaults
    (15 peers, the weights) are metrics/comparators/peers.py's, which fills in what neither gives,
    checks the values and says what is wrong on the pages."""
    path = Path(ctx.lookups_dir) / PEER_DEFAULTS
    found = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    own = dict(ctx.config.get("peers", {}) or {})
    weights = {**dict(found.get("weights", {}) or {}), **dict(own.pop("weights", {}) or {})}
    merged = {**found, **own}
    if weights:
        merged["weights"] = weights
    return merged


def _copy_logo(report: IngestReport, ctx: LoadContext, old: ManifestRecord, version: writing.NewVersion) -> dict:
    """The branding settings, with the authority's own logo copied into the new version: from the
    folder, else the profile, else the store being refreshed."""
    branding = dict(ctx.config.get("branding", {}))
    if branding.get("logo"):
        logo = Path(report.source_dir) / branding["logo"]
        if not logo.is_file() and ctx.profile_dir is not None:
            logo = Path(ctx.profile_dir) / branding["logo"]
        if not logo.is_file() and old.branding.get("logo"):  # kept from the store
            logo = version.previous / old.branding["logo"]
        version.add_file(logo, "branding_logo" + logo.suffix.lower())
        branding["logo"] = "branding_logo" + logo.suffix.lower()
    return branding


def ingest(source_dir: Path, store_dir: Path, lookups_dir: Path | None = None,
           progress: Callable[[Path], None] | None = None, *, authority: str | None = None,
           profile_dir: Path | None = None, replace: bool = False,
           precompute: Callable[[Path], Any] | None = None) -> IngestReport:
    previous = writing.current_manifest(store_dir)
    report, results, ctx = load_folder(source_dir, lookups_dir, progress, authority=authority,
                                       profile_dir=profile_dir, previous=previous, replace=replace)
    if report.ok:
        try:
            report.store_dir = write_store(report, results, ctx, store_dir, replace=replace, precompute=precompute)
        except OSError as exc:  # a full disk: said of the store, whose previous version stays
            raise writing.store_write_error(exc, Path(os.path.abspath(store_dir))) from None
    return report
