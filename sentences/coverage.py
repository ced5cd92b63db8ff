"""The "not known" sentences about the CQC care directory, over metrics.coverage: why the authority's
supply or beds are not shown (naming the file that would give them) and how many directory editions
the store holds, so the Overview, Supply, Demand vs supply and Market health pages, the exports and
the brief say it the same way."""
from __future__ import annotations

from metrics.coverage import DIRECTORY, DIRECTORY_FILE, DirectoryCoverage, covers_directory, directory, directory_gives_beds
from store import Store


def beds_missing_sentence(store: Store) -> str | None:
    """Why beds are not shown when the directory covers the authority but gives no beds; None otherwise."""
    if not covers_directory(store) or directory_gives_beds(store):
        return None
    return (f"The {DIRECTORY} in the store (edition {directory(store).latest}) gives no registered beds (CQC's "
            f"simple weekly CQC_directory.csv does not list them), so beds are not shown: add the {DIRECTORY} "
            f"with filters ({DIRECTORY_FILE}) and run mps ingest again.")


def directory_missing_sentence(store: Store) -> str | None:
    """Why the authority's CQC supply is not shown, naming the file that would give it; None when
    the store's directory covers the authority."""
    d = directory(store)
    if d.covers:
        return None
    if not d.held:
        return (f"The store holds no {DIRECTORY}, so care homes, beds and community services for "
                f"{d.authority} are not shown: add the {DIRECTORY} ({DIRECTORY_FILE}) to your downloads "
                f"and run mps ingest again.")
    return (f"The {DIRECTORY} in the store ({_editions_phrase(d)}) holds no locations in {d.authority}, so "
            f"{d.authority}'s care homes, beds and community services are not shown: add the national "
            f"{DIRECTORY} ({DIRECTORY_FILE}) and run mps ingest again.")


def editions_sentence(store: Store) -> str:
    """The editions the store holds, counted truthfully, for where a page or the brief would show
    what changed between them and cannot."""
    d = directory(store)
    if not d.held:
        return (f"The store holds no {DIRECTORY}: add two or more monthly editions of it to see what changed "
                f"between them.")
    if not d.covers:
        return directory_missing_sentence(store) or ""
    if len(d.editions) == 1:
        return (f"The store holds one {DIRECTORY} edition ({d.latest}): add an earlier month's file to see "
                f"what changed.")
    return (f"Between the {DIRECTORY} editions of {d.editions[-2]} and {d.editions[-1]} no location in "
            f"{d.authority} opened, closed, changed its beds or its rating.")


def _editions_phrase(d: DirectoryCoverage) -> str:
    if len(d.editions) == 1:
        return f"one edition, as at {d.latest}"
    return f"{len(d.editions)} editions, the latest as at {d.latest}"
