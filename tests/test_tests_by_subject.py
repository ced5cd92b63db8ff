"""Tests are named for what they test: a test file per loader (`test_loader_<module>.py`, or the
module's first word: `test_loader_gp.py` for `gp_registrations`), and no test file named or
described for an issue or task number (a number says when a test was written, not what it checks)."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
ISSUE = re.compile(r"\b(issue|task)s?\s*#?\s*\d+", re.IGNORECASE)


def format_loaders() -> list[str]:
    """Every loader module that reads a kind of file: one that declares its KIND(S) or TABLE(S)."""
    names = []
    for path in sorted((ROOT / "loaders").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                    if isinstance(t, ast.Name)}
        if declared & {"KIND", "KINDS", "TABLE", "TABLES"}:
            names.append(path.stem)
    return names


def test_the_format_loaders_are_found():
    found = format_loaders()
    assert {"activity", "finance", "caseloads", "unit_costs", "workforce", "boundaries", "editions", "lsoa_wards",
            "cqc", "fingertips"} <= set(found)
    assert not {"base", "store", "limits", "plausible"} & set(found)


def test_every_loader_has_its_own_test_file():
    files = {p.name for p in TESTS.glob("test_loader_*.py")}
    missing = [name for name in format_loaders()
               if f"test_loader_{name}.py" not in files and f"test_loader_{name.split('_')[0]}.py" not in files]
    assert not missing, f"no tests/test_loader_<name>.py for: {missing}"


def test_no_test_file_is_named_or_described_for_an_issue():
    named = [p.name for p in TESTS.rglob("*.py") if re.search(r"(issue|task)_?\d+", p.name, re.IGNORECASE)]
    assert not named
    said = [f"{p.name}:{n}" for p in TESTS.rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if ISSUE.search(line)]
    assert not said, f"say what the test checks, not which issue asked for it: {said}"


def metric_topics() -> list[str]:
    """Every topic subpackage of `metrics/`: a folder holding an `__init__.py`."""
    return sorted(p.parent.name for p in (ROOT / "metrics").glob("*/__init__.py"))


def test_every_metrics_topic_has_its_own_test_file():
    """Metric tests are grouped as the metrics are: `metrics/<topic>/` is tested in
    `tests/test_metrics_<topic>.py`, and that file collects at least one test."""
    topics = metric_topics()
    assert {"places", "demand", "supply", "performance", "comparators", "summary"} <= set(topics)
    missing = [t for t in topics if not (TESTS / f"test_metrics_{t}.py").is_file()]
    assert not missing, f"no tests/test_metrics_<topic>.py for: {missing}"
    empty = [t for t in topics if not any(
        isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        for node in ast.parse((TESTS / f"test_metrics_{t}.py").read_text(encoding="utf-8")).body)]
    assert not empty, f"a topic's test file with no test: {empty}"
