"""What the store holds for the authority, said truthfully: "no data" is never a count of 0.

One place answers "does the store's CQC care directory speak for this authority?" and "how many
directory editions does it hold?", so that the Overview, Supply, Demand vs supply and Market health
pages, the exports and the brief all say the same thing. A directory that holds no location in the
authority (another authority's files, a partial refresh, a regional extract) does not cover it:
its supply counts are unknown, not zero, and are left blank or out, with a sentence naming the file
that would give them (the sentences are sentences.coverage's).
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.labels import FILE_KIND_LABELS
from store import Store, per_store_version

DIRECTORY = FILE_KIND_LABELS["cqc_locations"]  # "CQC care directory": the kind of file, by name
DIRECTORY_FILE = "HSCA_Active_Locations, from cqc.org.uk"


@dataclass(frozen=True)
class DirectoryCoverage:
    editions: tuple[str, ...]   # every directory edition in the store (ISO dates, oldest first)
    covers: bool                # the latest edition holds at least one location in the authority
    authority: str              # the authority's name, as the sentences use it

    @property
    def held(self) -> bool:
        return bool(self.editions)

    @property
    def latest(self) -> str | None:
        return self.editions[-1] if self.editions else None


@per_store_version
def directory(store: Store) -> DirectoryCoverage:
    """The CQC directory editions the store holds and whether the latest covers the authority
    (holds any location, active or dormant, whose local authority is the authority's name). A
    store that names no authority is covered by any directory it holds."""
    name = store.authority.area_name or ""
    cp = store.table("care_providers") if store.has("care_providers") else None
    editions: tuple[str, ...] = ()
    if store.has("care_provider_editions"):
        e = store.table("care_provider_editions")
        editions = tuple(sorted(str(d) for d in e["as_at"].dropna().unique()))
    if not editions and cp is not None and len(cp):
        # A directory whose edition states no date is still one edition.
        dates = cp["as_at"].dropna()
        editions = (str(dates.max()),) if len(dates) else ("date not stated",)
    covers = False
    if cp is not None and len(cp):
        covers = not name or bool((cp["local_authority"].dropna().str.lower() == name.lower()).any())
    return DirectoryCoverage(editions, covers, name or "the authority")


def covers_directory(store: Store) -> bool:
    return directory(store).covers


@per_store_version
def directory_gives_beds(store: Store) -> bool:
    """Whether the store's directory gives registered beds for any care home (CQC's simple weekly
    layout, `CQC_directory.csv`, gives none: its beds are missing, never 0)."""
    cp = store.table("care_providers") if store.has("care_providers") else None
    return cp is not None and bool(cp.loc[cp["care_home"].fillna(False).astype(bool), "beds"].notna().any())


def directory_missing_short(store: Store) -> str | None:
    """`sentences.coverage.directory_missing_sentence` in a few words, for a table cell or a mark's evidence
    (a mark's evidence is built in metrics/supply/segments.py, which may not import sentences/)."""
    d = directory(store)
    if d.covers:
        return None
    if not d.held:
        return f"The store holds no {DIRECTORY}."
    return f"The {DIRECTORY} in the store holds no locations in {d.authority}."
