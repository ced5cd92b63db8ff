"""Loaders: one module per source format, each turning a publisher's file into a tidy frame.

Each kind of input file is declared once in `domain/kinds.py` (its loader, label, tables and whether
it is national or the council's own); the registry below follows from it. Every loader module defines
    KIND: str         the kind of file it reads (KINDS when it reads several; as declared)
    TABLE: str        the store table its rows go to
    DESCRIPTION: str  the format, as its publisher names it
    sniff(sheets) -> bool            recognise the file from its content (header signature)
    load(sheets, ctx) -> LoadResult  parse, validate and return tidy rows with provenance
and raises loaders.errors.InputError for bad input.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import importlib

from domain import kinds

# The loaders whose sniffers recognise files, in the order they are tried: derived from the one
# declaration of each kind of input file (domain/kinds.py), where the order is stated.
LOADER_NAMES = kinds.loader_names()


def registry() -> list:
    """The loader modules, imported on first use."""
    return [importlib.import_module(f"{__name__}.{name}") for name in LOADER_NAMES]

DEFAULT_LOOKUPS = Path(__file__).resolve().parent.parent / "data" / "lookups"


@dataclass
class LoadContext:
    """What a loader may know besides its file: the generic lookups, the authority and its profile."""
    lookups_dir: Path = DEFAULT_LOOKUPS
    area_code: str | None = None
    area_name: str | None = None
    config: dict = field(default_factory=dict)
    profile_dir: Path | None = None   # the authority's profile folder (loaders.profile), if any

    def authority_lookup(self, file: str):
        """One of the authority's own lookups (e.g. `wards.csv`) from its profile folder, or None
        when the authority has none: such lookups never fall back to another authority's."""
        from .sheets import load_lookup

        if self.profile_dir is None or not (Path(self.profile_dir) / file).exists():
            return None
        return load_lookup(file, self.profile_dir)


def known_kinds() -> list[str]:
    """Every kind of file ingest recognises (domain/kinds.py), in the order its sniffers are tried."""
    return kinds.kind_codes()
