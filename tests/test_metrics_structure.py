"""The shape of the product's code, read with `ast` (nothing is imported): no import circles between the
product's modules, no import hidden inside a function in `metrics/` without a comment giving the reason,
and no `metrics/` module written as a flat web again (each metric sits in its topic's subpackage)."""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "store", "loaders", "metrics", "layouts", "callbacks", "exports", "publish", "sentences")
TOP_MODULES = ("app", "mps_cli", "precompute", "serving")
# Where an import inside a function must say why. metrics/ is this rule's first home; the other layers'
# imports inside functions predate the rule (widen this tuple as each layer gives its reasons).
IN_FUNCTION_SCOPE = ("metrics",)
# The modules metrics/ keeps at its top, beside the topic subpackages: the export-table builders and
# the two rules every topic shares (directory coverage, small-number suppression). The store's reading
# and its cache are the `store` package's.
METRICS_TOP = {"__init__", "tables", "coverage", "disclosure"}


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")) if (ROOT / pkg).is_dir() else ():
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    for name in TOP_MODULES:
        if (ROOT / f"{name}.py").exists():
            found[name] = ROOT / f"{name}.py"
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, ast.stmt, bool]]:
    """(imported product module, the statement, whether it sits inside a function) for each import."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # read by type checkers only, never run: no circle at import time
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = alias.name
                    while target and target not in modules:
                        target = target.rpartition(".")[0]
                    if target:
                        out.append((target, child, in_function))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (child.level - 1)]
                    source = ".".join(base + ([child.module] if child.module else []))
                else:
                    source = child.module or ""
                for alias in child.names:
                    sub = f"{source}.{alias.name}"
                    target = sub if sub in modules else source
                    while target and target not in modules:
                        target = target.rpartition(".")[0]
                    if target:
                        out.append((target, child, in_function))
            visit(child, inner)

    visit(tree, False)
    return out


@cache
def _graph() -> tuple[dict[str, set[str]], dict[str, list[tuple[str, ast.stmt, bool]]]]:
    modules = _modules()
    found = {name: _imports(name, path, modules) for name, path in modules.items()}
    graph = {name: {t for t, _, _ in rows if t != name} for name, rows in found.items()}
    return graph, found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def test_the_cycle_finder_finds_a_circle_and_passes_a_line():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_circles_between_the_products_modules():
    """An import inside a function still counts: a circle hidden that way is still a circle."""
    graph, _ = _graph()
    assert "metrics.places.areas" in graph and "store.reading" in graph["metrics.places.areas"]
    assert _cycles(graph) == []


def test_an_import_inside_a_function_in_metrics_gives_its_reason():
    modules = _modules()
    _, found = _graph()
    unexplained = []
    for name, rows in found.items():
        if not name.startswith(IN_FUNCTION_SCOPE):
            continue
        lines = modules[name].read_text().splitlines()
        for _, stmt, inside in rows:
            if not inside:
                continue
            here, above = lines[stmt.lineno - 1], lines[stmt.lineno - 2] if stmt.lineno > 1 else ""
            if "#" not in here and not above.strip().startswith("#"):
                unexplained.append(f"{modules[name].relative_to(ROOT)}:{stmt.lineno}: {here.strip()}")
    assert unexplained == []


def test_metrics_sit_in_topic_subpackages():
    top = {p.stem for p in (ROOT / "metrics").glob("*.py")}
    assert top == METRICS_TOP
    topics = {p.name for p in (ROOT / "metrics").iterdir() if (p / "__init__.py").exists()}
    assert topics == {"places", "demand", "supply", "performance", "comparators", "summary"}


def test_metrics_import_no_presentation_layer():
    """metrics/ reads the store and the domain; pages, callbacks, exports and publishing sit above it."""
    _, found = _graph()
    upward = sorted(f"{name} -> {target}" for name, rows in found.items() if name.startswith("metrics")
                    for target, _, _ in rows
                    if target.split(".")[0] in ("layouts", "callbacks", "exports", "publish", "sentences",
                                                "app", "mps_cli", "precompute", "serving"))
    assert upward == []


def test_sentences_sit_between_metrics_and_presentation():
    """sentences/ words the metrics for pages, exports and the brief: it reads domain, the store and metrics only,
    and metrics never reads it (a metric returns numbers, frames and flags)."""
    _, found = _graph()
    allowed = ("domain", "store", "metrics", "sentences")
    wrong = sorted(f"{name} -> {target}" for name, rows in found.items() if name.startswith("sentences")
                   for target, _, _ in rows if target.split(".")[0] not in allowed)
    assert wrong == []
    assert any(t.startswith("metrics.summary.findings") for t, _, _ in found["sentences.findings"])
