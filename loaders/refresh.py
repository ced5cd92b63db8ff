"""A refresh adds: what the store held and this refresh's files do not replace is kept.

Ingest (`loaders.store`) calls `merge_previous` on the tables a folder gave, then `carry_over` for the
tables it did not give, before the store writes the new version (`store.writing`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from domain.contract import conform
from store import writing
from store.manifest import FileRecord, ManifestRecord

from . import cqc, editions
from .errors import InputError

if TYPE_CHECKING:  # annotations only: loaders.store imports this module
    from .store import IngestReport


# Tables that several publishers' files feed side by side: a refresh's rows replace the store's rows
# of the same unit (and every row of a file of the same name) and keep the others. E.g. a new POPPI
# dementia table for the authority replaces its dementia rows, not its other measures; a new council
# contracts register replaces that organisation's contracts, not the CCG's. Any other table a refresh
# gives is replaced whole; CQC directory editions are merged by edition date (`_merge_editions`).
REFRESH_UNITS = {
    "prevalence": ("tool", "area_code", "measure"),
    "indicators": ("indicator_id",),
    "contracts": ("organisation",),
    "registrations": ("publication",),
    "census_lsoa": ("measure",),  # a new ts021 replaces the ethnic groups' counts, not the ages'
    "ascof": ("period",),  # a year's ASCOF file replaces that year; earlier years stay for the trend
}


def _files_of(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["source_file"].dropna().astype(str).unique()) if "source_file" in frame.columns else []


def merge_previous(report: IngestReport, tables: dict[str, pd.DataFrame], old: ManifestRecord,
                    version: writing.NewVersion) -> dict:
    """This refresh's tables with what the store held of them and this refresh does not replace;
    says in ``report.added`` / ``report.replaced`` what changed."""
    new_files = {f.path.name for f in report.files}
    held_tables = set(old.tables)
    out = dict(tables)
    if editions.EDITIONS_TABLE in tables and editions.EDITIONS_TABLE in held_tables:
        out.update(_merge_editions(report, tables, version, new_files))
    for name, frame in tables.items():
        if name.startswith("lookup_") or name in editions.TABLES:
            continue
        if name not in held_tables:
            report.added.append(f"the '{name}' table, from " + ", ".join(_files_of(frame)))
            continue
        before = version.previous_table(name) if name in REFRESH_UNITS else None
        if before is None or before.empty:
            gone = _files_of(before) if before is not None else _old_files(old, name)
            report.replaced.append(f"the '{name}' table" + (" (was from " + ", ".join(gone) + ")" if gone else ""))
            continue
        unit = list(REFRESH_UNITS[name])
        given = frame[unit].drop_duplicates().assign(_given=True)
        marked = before.merge(given, on=unit, how="left")
        keep = marked["_given"].isna().to_numpy() & ~before["source_file"].isin(new_files).to_numpy()
        kept = before[keep]
        gone = sorted(set(_files_of(before)) - set(_files_of(kept)))
        if len(kept):
            out[name] = conform(pd.concat([frame, kept], ignore_index=True), name)
            report.replaced.append(f"in the '{name}' table, the rows of the same {' and '.join(unit)}"
                                   + (" (all of " + ", ".join(gone) + ")" if gone else "")
                                   + "; kept the rows of " + ", ".join(_files_of(kept)))
        else:
            report.replaced.append(f"the '{name}' table" + (" (was from " + ", ".join(gone) + ")" if gone else ""))
    return out


def _old_files(old: ManifestRecord, table: str) -> list[str]:
    return sorted(f.path for f in old.files if f.table == table)


def _merge_editions(report: IngestReport, tables: dict, version: writing.NewVersion, new_files: set[str]) -> dict:
    """CQC directory editions side by side across refreshes: an edition of a date the store holds
    replaces it, others are added beside; the latest of all fills `care_providers`."""
    out = {}
    new = tables[editions.EDITIONS_TABLE]
    before = version.previous_table(editions.EDITIONS_TABLE)
    new_dates = set(new["as_at"].dropna().astype(str))
    if before is None or before.empty:
        return out
    held_dates = set(before["as_at"].dropna().astype(str))
    if new["as_at"].isna().any() and held_dates:
        names = ", ".join(_files_of(new[new["as_at"].isna()]))
        raise InputError(names, "this CQC directory's name carries no edition date, so it cannot be placed "
                         "beside the store's editions of " + ", ".join(sorted(held_dates)),
                         expected="a name such as 01_June_2017_HSCA_Active_Locations.xlsx")
    keep = (~before["as_at"].astype(str).isin(new_dates) & ~before["source_file"].isin(new_files)).to_numpy()
    kept = before[keep]
    for date in sorted(new_dates):
        verb = "replaced" if date in held_dates else "added"
        text = f"the CQC directory edition of {date}" + (" beside the store's" if verb == "added" and len(kept) else "")
        getattr(report, verb).append(text)
    if not len(kept):
        return out
    out[editions.EDITIONS_TABLE] = conform(pd.concat([new, kept], ignore_index=True), editions.EDITIONS_TABLE)
    services = version.previous_table(editions.EDITION_SERVICES_TABLE)
    if services is not None and len(services):
        services = services[~services["as_at"].astype(str).isin(new_dates) & ~services["source_file"].isin(new_files)]
        parts = [f for f in (tables.get(editions.EDITION_SERVICES_TABLE), services) if f is not None and len(f)]
        if parts:
            out[editions.EDITION_SERVICES_TABLE] = conform(pd.concat(parts, ignore_index=True),
                                                           editions.EDITION_SERVICES_TABLE)
    latest_kept = str(kept["as_at"].dropna().astype(str).max()) if kept["as_at"].notna().any() else ""
    if latest_kept > max(new_dates, default=""):  # an older edition came in: the store's latest stays current
        for name in (cqc.TABLE, cqc.SERVICES_TABLE):
            held = version.previous_table(name)
            if held is not None:
                out[name] = held
        report.notes.append(f"the store's edition of {latest_kept} stays the current CQC directory "
                            f"(this refresh's is older)")
    return out


def carry_over(report: IngestReport, old: ManifestRecord, version: writing.NewVersion, tables: dict, replace: bool,
                given: set[str] | None = None) -> list[FileRecord]:
    """Copy into the new version each table the previous store held that this refresh does not
    give (unless ``replace``), and return the manifest entries of the earlier files whose rows the
    new version still holds (whole tables kept, and rows kept beside this refresh's), which keep
    their older ingest dates."""
    missing = [name for name in old.tables if name not in tables and not name.startswith("lookup_")
               and version.previous_holds(name)]
    if replace:
        report.dropped = missing
        return []
    given = set(tables) if given is None else given
    new_files = {f.path.name for f in report.files}
    carried = [f for f in old.files if f.path not in new_files]
    for name in missing:  # as it was written: one file, or a partitioned dataset's folder
        version.keep(name)
        dates = sorted({f.ingested_at for f in carried if f.table == name} - {""})
        since = dates[0][:10] if dates else old.ingested_at[:10]
        report.kept[name] = (f"no file in this refresh gives the '{name}' table: kept from the store of "
                             f"{since} (`mps ingest --replace` drops it)")
    # The earlier files whose rows were merged into a table this refresh gives (CQC editions by the
    # editions table, which holds every edition's rows).
    merged = {name: set(_files_of(frame)) for name, frame in tables.items() if name in given}
    if editions.EDITIONS_TABLE in merged:
        merged[cqc.TABLE] = merged[editions.EDITIONS_TABLE]
    return [f for f in carried if f.table in missing or (f.table in merged and f.path in merged[f.table])]
