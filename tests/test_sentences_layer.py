"""The words a reader reads live in sentences/, not in metrics/ (read with `ast`, nothing imported): no
function under metrics/ is named like a sentence (`*_sentence`, `*_sentences`, `*_messages`), and none
returns an f-string sentence (literal text ending in a full stop) except the few still waiting to move,
named below so that the list only shrinks."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDY_NAMES = ("_sentence", "_sentences", "_messages")
# Still in metrics/, and why: the gap table's `sentence` column is part of the neighbourhood_gaps export
# table, which metrics/tables.py builds (metrics may not import sentences/); the short "directory missing"
# words are a segment mark's evidence, built in metrics/supply/segments.py.
STILL_IN_METRICS = {"metrics/places/neighbourhood_gaps.py:sentence", "metrics/coverage.py:directory_missing_short"}


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _returns_a_sentence(fn: ast.FunctionDef) -> bool:
    for node in ast.walk(fn):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        values = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
        for value in values:
            if isinstance(value, ast.JoinedStr) and value.values:
                last = value.values[-1]
                if isinstance(last, ast.Constant) and str(last.value).rstrip().endswith("."):
                    return True
    return False


def _metric_functions():
    for path in sorted((ROOT / "metrics").rglob("*.py")):
        for fn in _functions(path):
            yield f"{path.relative_to(ROOT).as_posix()}:{fn.name}", fn


def test_no_metric_is_named_like_a_sentence():
    wordy = sorted(name for name, fn in _metric_functions() if fn.name.endswith(WORDY_NAMES))
    assert wordy == [], "move the wording to sentences/<topic>.py; the metric returns the figures and flags"


def test_no_metric_returns_an_f_string_sentence_but_those_still_to_move():
    found = {name for name, fn in _metric_functions() if _returns_a_sentence(fn)}
    assert found == STILL_IN_METRICS


def test_the_check_sees_a_sentence_and_passes_a_figure():
    tree = ast.parse('def a(n):\n    return f"{n} opened."\n'
                     'def b(n):\n    return f"{n:,.1f}"\n'
                     'def c(n):\n    return f"{n} fell." if n < 0 else f"{n} rose."\n')
    a, b, c = [n for n in tree.body]
    assert _returns_a_sentence(a) and not _returns_a_sentence(b) and _returns_a_sentence(c)


def test_the_moved_sentences_are_sentences_modules():
    """Each topic's words sit in sentences/<topic>.py beside the metric topic they word."""
    names = {fn.name for path in (ROOT / "sentences").glob("*.py") for fn in _functions(path)}
    assert {"beds_missing_sentence", "directory_missing_sentence", "editions_sentence", "change_sentences",
            "provider_messages", "rationale_sentences"} <= names
