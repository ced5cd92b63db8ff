"""A version's precomputed answers: `answers.sqlite` beside its tables, what its pages answer when opened.

    data/store.versions/<version>/answers.sqlite    key (a request, as text) -> the answer's bytes, gzipped

`mps ingest` fills it before the version is published (`precompute.py` drives every page for every
authority the version has rows for, as a browser opening it would), so a version is current with
its answers, which are those of its own tables: a refresh writes a new version with new answers,
and a removed version takes its answers with it. The tables never change once published; this
file alone may be written again into the current version (`mps precompute`, or `mps ingest
--if-stale` after an upgrade). It is written whole under a temporary name and renamed into place,
so a reader sees all of one file or none of it.

The store knows only keys and bytes; what a key is (a callback request with its fields in one
order) is the app's (`app.answer_key`).

SQLite (the standard library's) rather than a folder of files: one file per version, one indexed
lookup per request (tens of microseconds), read by every worker at once without locks (read-only
connections), and its pages are the operating system's cache, shared by the workers, not copied into
each worker's heap.
"""
from __future__ import annotations

import gzip
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

ANSWERS = "answers.sqlite"
RECHECK_SECONDS = 30.0
"""How long a reader takes a version's having no answers file as settled before looking again."""
_SCHEMA = ("CREATE TABLE answer (key TEXT PRIMARY KEY, gzipped BLOB NOT NULL) WITHOUT ROWID",
           "CREATE TABLE made_by (code TEXT NOT NULL)")


def answers_path(version: Path) -> Path:
    return Path(version) / ANSWERS


def gzipped(body: bytes) -> bytes:
    """An answer as stored: gzip (its bytes fixed: no time stamp), what a browser is sent as it is."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def write_answers(version: Path, answers: Iterable[tuple[str, bytes]], made_by: str) -> int:
    """Write a version's answers ((key, gzipped bytes), the last of a repeated key kept), made by
    the code `made_by` names (a fingerprint: a reader running other code finds none), and put the
    file in place in one step; returns how many were written. Replaces an earlier file."""
    final = answers_path(version)
    tmp = final.with_name(f".{ANSWERS}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    count = 0
    connection = sqlite3.connect(tmp)
    try:
        connection.execute("PRAGMA journal_mode=OFF")  # a new file, renamed only once complete
        for statement in _SCHEMA:
            connection.execute(statement)
        connection.execute("INSERT INTO made_by VALUES (?)", (made_by,))
        for key, body in answers:
            connection.execute("INSERT OR REPLACE INTO answer VALUES (?, ?)", (key, body))
            count += 1
        connection.commit()
    finally:
        connection.close()
    os.replace(tmp, final)
    return count


def made_by(version: Path) -> str | None:
    """The fingerprint of the code that made a version's answers (None: no answers, or unreadable)."""
    path = answers_path(version)
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT code FROM made_by").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


class AnswerReader:
    """Finds a version's precomputed answers, if the code `code` names made them (answers made by
    another release of the product, or on other packages, are not this code's answers and are not
    used); one read-only connection per thread, to the version that thread last read from (a thread
    moving to a newer version closes the older one, so a removed version's file is not kept open)."""

    def __init__(self, code: str):
        self.code = code
        self._local = threading.local()

    def find(self, version: Path, key: str) -> bytes | None:
        """The gzipped answer to `key` in `version`, or None (no answers file, or not precomputed)."""
        connection = self._connection(Path(version))
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT gzipped FROM answer WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:  # a damaged file answers nothing: the page is computed as if it had none
            return None
        return row[0] if row else None

    def _connection(self, version: Path):
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == version and (held[1] is not None or time.monotonic() < held[2]):
            return held[1]
        if held is not None and held[1] is not None:
            held[1].close()
        path = answers_path(version)
        connection = None
        if path.is_file():
            try:
                connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True,
                                             check_same_thread=False)
                row = connection.execute("SELECT code FROM made_by").fetchone()
                if not row or row[0] != self.code:
                    connection.close()
                    connection = None
            except sqlite3.Error:
                connection = None
        # A version without the file is looked at again only after a while (`mps precompute` may
        # add it to a published version), not on every request.
        self._local.held = (version, connection, time.monotonic() + RECHECK_SECONDS)
        return connection


def read_all(version: Path) -> dict[str, bytes]:
    """Every answer of a version (key -> gzipped bytes), read whole: for tests and benchmarks."""
    path = answers_path(version)
    if not path.is_file():
        return {}
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return dict(connection.execute("SELECT key, gzipped FROM answer"))
    finally:
        connection.close()
