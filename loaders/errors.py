"""The error every loader raises for bad input: it names file, sheet, row and column and what was
expected, on one line a person can act on (never a traceback).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path


class InputError(Exception):
    """Bad input: says where (file, sheet, row, column) and what was expected. Never a traceback."""

    def __init__(self, file: str | Path, problem: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None, expected: str | None = None):
        self.file = display_name(Path(file).name) if file else ""
        self.sheet = sheet
        self.row = row
        self.column = column
        self.problem = problem
        self.expected = expected
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": {self.problem}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


def display_name(name: str) -> str:
    """A name safe to print on one line of a log: control and format characters (a newline that
    would forge a log line, terminal escapes, right-to-left overrides) shown as '?'."""
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(name))
