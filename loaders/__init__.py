"""Loaders: one module per source format, each turning a publisher's file into a tidy frame.

Every loader module defines
    KIND: str         the kind of file it reads (shown to users)
    TABLE: str        the store table its rows go to
    DESCRIPTION: str  what a user would call the file
    sniff(sheets) -> bool            recognise the file from its content (header signature)
    load(sheets, ctx) -> LoadResult  parse, validate and return tidy rows with provenance
and raises loaders.errors.InputError for bad input.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import importlib

# Order matters only where two signatures could both match; the most specific come first.
LOADER_NAMES = ["census_lsoa", "ascof", "care_home_occupancy", "msif_fees", "ipc_projections", "fingertips", "cqc",
                "cqc_directory", "gp_registrations", "contracts", "ons_population", "activity", "finance",
                "caseloads", "census_bulk", "lsoa_wards", "census_wards", "workforce", "unit_costs"]


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
    kinds = []
    from . import boundaries
    for module in registry() + [boundaries]:
        kinds.extend(getattr(module, "KINDS", [module.KIND]))
    return kinds
