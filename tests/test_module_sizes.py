"""No module in the product's layers is over 600 lines: a module that long holds several concepts
and is split by concept (as `exports/brief/` is: content, charts, HTML, PDF). The contract's table
of declarations (`domain/contract.py`) is one list and is allowed to be long."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600
NOT_PRODUCT = {"tests", "benchmarks", "tools", "node_modules", "data", "docs", "assets"}
LONG_BY_RIGHT = {"domain/contract.py"}  # the table of declarations


def product_modules() -> list[Path]:
    """Every .py file of the product: the top-level modules and every top-level package's files."""
    top = [p for p in ROOT.glob("*.py")]
    packages = [d for d in ROOT.iterdir()
                if d.is_dir() and not d.name.startswith(".") and d.name not in NOT_PRODUCT and (d / "__init__.py").exists()]
    return sorted(top + [p for d in packages for p in d.rglob("*.py")])


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_product_is_found():
    names = {p.relative_to(ROOT).as_posix() for p in product_modules()}
    assert {"app.py", "mps_cli.py", "exports/brief/content.py", "exports/brief/pdf.py", "metrics/summary/findings.py",
            "store/reading.py", "loaders/sheets.py",
            "layouts/figures.py", "callbacks/common.py", "publish/content.py"} <= names
    assert not any(n.startswith(("tests/", "benchmarks/", "tools/", ".venv/")) for n in names)


def test_no_product_module_is_over_600_lines():
    long = {p.relative_to(ROOT).as_posix(): lines(p) for p in product_modules() if lines(p) > MAX_LINES}
    assert set(long) - LONG_BY_RIGHT == set(), f"split by concept: {long}"


def test_the_brief_is_split_by_concept():
    """Content (what the brief says), charts, and the two renderings each in their own module."""
    brief = ROOT / "exports" / "brief"
    assert {p.name for p in brief.glob("*.py")} == {"__init__.py", "content.py", "charts.py", "html.py", "pdf.py"}
    assert not (ROOT / "exports" / "brief.py").exists()
    assert "reportlab" not in (brief / "content.py").read_text(encoding="utf-8")
    assert "matplotlib" not in (brief / "content.py").read_text(encoding="utf-8")
    assert "reportlab" not in (brief / "html.py").read_text(encoding="utf-8")
