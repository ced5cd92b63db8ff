"""Outputs written whole or not at all: each export is built in a staging place beside its
destination and moved into place only when every part of it has been written, so a table that
fails to build leaves the previous folder (or file) exactly as it was, and never a half-written
one. The staging place is on the same filesystem as the destination, so each move is a rename."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """A fresh folder to write an export's files into; on success each file replaces its namesake
    in ``out_dir`` (created if need be; other files there are left alone), on failure the staging
    folder is removed and ``out_dir`` is not touched (nor created)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        yield stage
        out_dir.mkdir(exist_ok=True)
        for part in sorted(stage.iterdir()):
            os.replace(part, out_dir / part.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def staged_file(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write one file to; renamed over ``path`` on success,
    removed on failure (``path`` then stays as it was)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.partial-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    stage = Path(name)
    try:
        yield stage
        os.replace(stage, path)
    finally:
        stage.unlink(missing_ok=True)
