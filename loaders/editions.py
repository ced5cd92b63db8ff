"""CQC directory editions side by side: a folder may hold several monthly `HSCA_Active_Locations`
files, or weekly `CQC_directory.csv` files (loaders/cqc_directory.py), or both. Each keeps its
edition date (from the file name, as the CQC names them, or the weekly file's title line). The latest edition
fills `care_providers` / `care_provider_services`, which every supply page reads; every edition,
the latest included, goes to `care_provider_editions` / `care_provider_edition_services`, from
which market changes are computed.

Checks across files (one line each, naming the files):
- two editions with the same date are an error (which one is the truth?);
- with more than one edition, an edition without a date in its name is an error (it cannot be
  placed in order);
- an edition whose ratings were published after its own date is out of order (its name carries
  the wrong date): a warning naming the file and the latest publication date.
"""
from __future__ import annotations

import pandas as pd

from . import cqc, cqc_directory

KINDS = (cqc.KIND, cqc_directory.KIND)  # the care directory with filters, and the simple weekly directory

EDITIONS_TABLE = "care_provider_editions"
EDITION_SERVICES_TABLE = "care_provider_edition_services"
# Every table a directory edition fills (a refresh merges them by edition date: loaders.store).
TABLES = (cqc.TABLE, cqc.SERVICES_TABLE, EDITIONS_TABLE, EDITION_SERVICES_TABLE)


def _editions(results) -> list:
    return [(path, r) for path, r in results if r.kind in KINDS]


def check(reports, results) -> None:
    """Set ``error`` (or add a warning) on the reports of directory files that cannot stand side
    by side. ``reports`` are the ingest's FileReports, ``results`` its (path, LoadResult) pairs."""
    editions = _editions(results)
    by_path = {r.path: r for r in reports}
    if len(editions) > 1:
        for path, result in editions:
            if not result.meta.get("as_at"):
                by_path[path].error = (f"{path.name}: this CQC directory's name carries no edition date, so it "
                                       f"cannot be placed beside the other editions (expected a name such as "
                                       f"01_June_2017_HSCA_Active_Locations.xlsx)")
    seen: dict[str, object] = {}
    for path, result in sorted(editions, key=lambda e: e[0].name):
        as_at = result.meta.get("as_at")
        if not as_at:
            continue
        if as_at in seen:
            by_path[path].error = (f"{path.name}: two CQC directory editions have the same date {as_at} "
                                   f"(this file and {seen[as_at].name}); keep one")
        else:
            seen[as_at] = path
        published = pd.to_datetime(result.frame["publication_date"], errors="coerce").max()
        if pd.notna(published) and published.date().isoformat() > as_at:
            by_path[path].warnings.append(
                f"edition dated {as_at} holds ratings published as late as {published.date().isoformat()}: "
                f"the file's name may carry the wrong date, so changes between editions may be out of order")


def split(results) -> tuple[list, dict[str, pd.DataFrame]]:
    """(the results with only the latest directory edition left, the editions tables).

    Earlier editions leave the ordinary flow so `care_providers` holds one edition, the latest."""
    editions = _editions(results)
    if not editions:
        return results, {}
    dated = sorted(editions, key=lambda e: e[1].meta.get("as_at") or "")
    latest = dated[-1]
    frames, services = [], []
    for _, result in dated:
        frames.append(result.frame)
        s = result.extra_tables.get(cqc.SERVICES_TABLE)
        if s is not None and len(s):
            services.append(s.assign(as_at=result.meta.get("as_at")))
    kept = [(p, r) for p, r in results if r.kind not in KINDS or r is latest[1]]
    tables = {EDITIONS_TABLE: pd.concat(frames, ignore_index=True)}
    if services:
        tables[EDITION_SERVICES_TABLE] = pd.concat(services, ignore_index=True)
    return kept, tables
