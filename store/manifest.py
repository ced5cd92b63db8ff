"""The manifest of a store version (`manifest.json`), as ingest records it, typed.

`ManifestRecord` is everything `mps ingest` writes beside a version's tables: where its files
came from, the folder's settings, the authority and its profile's facts, the rows of each table.
`FileRecord` is one source file's entry. Both are written and read as the same JSON as before
they were typed (same keys, same order), so every store written earlier still opens.
`domain.contract.Manifest` is what the app reads of it (`ManifestRecord.view()`), and what
docs/contract.md documents.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from domain.contract import Manifest

NAME = "manifest.json"


def jsonable(value):
    """A value as JSON would give it back (dates and paths as text)."""
    return json.loads(json.dumps(value, default=str))


@dataclass
class FileRecord:
    """One source file of a version: its name, kind, table, hash, rows and warnings, the loader's
    notes (`meta`) and when it was ingested (a file kept from an earlier ingest keeps its date)."""
    path: str
    kind: str | None = None
    table: str | None = None
    sha256: str = ""
    rows_read: int = 0
    rows_kept: int = 0
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    ingested_at: str = ""

    def to_json(self) -> dict:
        return {"path": self.path, "kind": self.kind, "table": self.table, "sha256": self.sha256,
                "rows_read": self.rows_read, "rows_kept": self.rows_kept, "warnings": list(self.warnings),
                "meta": jsonable(self.meta), "ingested_at": self.ingested_at}

    @classmethod
    def from_json(cls, data: dict) -> FileRecord:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data and data[k] is not None}
        return cls(**{"path": "", **known})


@dataclass
class ManifestRecord:
    """What `mps ingest` writes as a version's `manifest.json`."""
    ingested_at: str = ""
    source_dir: str = ""
    authority: dict = field(default_factory=dict)   # area_code, area_name, region_code, region_name, comparators
    profile: str | None = None
    folder_config: dict = field(default_factory=dict)  # the folder's own mps.toml, as read
    branding: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    intentions: dict = field(default_factory=dict)
    default_client_group: str | None = None
    horizon: dict = field(default_factory=dict)
    peers: dict = field(default_factory=dict)
    segment_overrides: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)      # table name -> rows
    files: list[FileRecord] = field(default_factory=list)
    kept_from_previous: dict = field(default_factory=dict)  # table -> why it was kept (written when any)

    def __bool__(self) -> bool:
        """Whether a version was recorded (an absent or unreadable manifest reads as an empty record)."""
        return bool(self.ingested_at or self.tables or self.files)

    def to_json(self) -> dict:
        out = {"ingested_at": self.ingested_at, "source_dir": self.source_dir, "authority": dict(self.authority),
               "profile": self.profile, "folder_config": jsonable(self.folder_config), "branding": dict(self.branding),
               "targets": dict(self.targets), "contacts": dict(self.contacts), "intentions": dict(self.intentions),
               "default_client_group": self.default_client_group, "horizon": dict(self.horizon),
               "peers": dict(self.peers), "segment_overrides": dict(self.segment_overrides),
               "tables": dict(self.tables), "files": [f.to_json() for f in self.files]}
        if self.kept_from_previous:
            out["kept_from_previous"] = dict(self.kept_from_previous)
        return out

    @classmethod
    def from_json(cls, data: dict) -> ManifestRecord:
        data = dict(data or {})
        dicts = ("authority", "folder_config", "branding", "targets", "contacts", "intentions", "horizon", "peers",
                 "segment_overrides", "tables", "kept_from_previous")
        return cls(ingested_at=str(data.get("ingested_at") or ""), source_dir=str(data.get("source_dir") or ""),
                   profile=data.get("profile"), default_client_group=data.get("default_client_group"),
                   files=[FileRecord.from_json(f) for f in data.get("files") or [] if isinstance(f, dict)],
                   **{k: dict(data.get(k) or {}) for k in dicts})

    def file(self, name: str) -> FileRecord | None:
        return next((f for f in self.files if f.path == name), None)

    def view(self) -> Manifest:
        """What the app reads of it (`domain.contract.Manifest`)."""
        return Manifest.from_json(self.to_json() if self else {})

    def write(self, folder: Path) -> None:
        (Path(folder) / NAME).write_text(json.dumps(self.to_json(), indent=2, default=str), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> ManifestRecord:
        """The manifest of a version folder; an empty record when it has none or it cannot be read."""
        try:
            return cls.from_json(json.loads((Path(folder) / NAME).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return cls()
