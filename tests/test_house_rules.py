"""Structural rules of the code base: who may touch Parquet, and what the store package may import."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".venv", "node_modules", "tests", ".git", "build"}
PARQUET = re.compile(r"pyarrow\.parquet|read_parquet|to_parquet|write_table|ParquetFile|ParquetDataset"
                     r"|write_dataset|ParquetFileFormat|format=[\"']parquet[\"']")


def product_files() -> list[Path]:
    """Every .py file of the product (app, packages, tools, benchmarks), not the tests."""
    return sorted(p for p in ROOT.rglob("*.py")
                  if not SKIPPED & set(p.relative_to(ROOT).parts[:-1]) and not p.name.startswith("."))


def parquet_mentions(path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if PARQUET.search(line)]


def test_only_the_store_package_touches_parquet():
    files = product_files()
    assert ROOT / "app.py" in files and ROOT / "loaders" / "store.py" in files  # the scan sees the product
    inside = [m for p in files if p.relative_to(ROOT).parts[0] == "store" for m in parquet_mentions(p)]
    outside = [m for p in files if p.relative_to(ROOT).parts[0] != "store" for m in parquet_mentions(p)]
    assert any("store/writing.py" in m and "write_dataset" in m for m in inside)  # the pattern finds real uses
    assert any("store/reading.py" in m and "read_parquet" in m for m in inside)
    assert outside == [], "Parquet outside store/ (read and write tables through store.reading / store.writing):\n" \
        + "\n".join(outside)


def test_the_store_package_imports_nothing_above_domain():
    """store/ may import domain (and the standard library and third-party packages) only."""
    ours = {"domain", "store", "loaders", "metrics", "exports", "layouts", "callbacks", "publish", "app",
            "mps_cli", "precompute", "serving", "benchmarks", "tools"}
    wrong = []
    for path in sorted((ROOT / "store").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if top in ours and top not in ("domain", "store"):
                    wrong.append(f"{path.name}:{node.lineno} imports {name}")
    assert wrong == []


def test_per_table_facts_are_flags_on_the_contract_declarations():
    """Partitioned and profile-own tables are flags on each declaration; the sets follow from them."""
    from domain.contract import PARTITIONED_TABLES, PROFILE_TABLES, STORE_TABLES

    assert PARTITIONED_TABLES == {"population", "indicators", "prevalence", "unit_costs", "ascof",
                                  "care_home_occupancy", "fee_rates"}
    assert PROFILE_TABLES == {"contracts", "activity", "finance", "caseloads", "boundaries",
                              "neighbourhood_boundaries", "census", "lookup_practices", "lookup_neighbourhoods",
                              "lookup_wards", "lookup_postcode_districts", "lookup_postcode_wards",
                              "lookup_cost_of_care"}
    assert all(STORE_TABLES[n].partitioned for n in PARTITIONED_TABLES)
    assert not PARTITIONED_TABLES & PROFILE_TABLES
    sets = re.compile(r"^(PARTITIONED_TABLES|PROFILE_TABLES)\s*=", re.M)
    defined = [p.relative_to(ROOT).as_posix() for p in product_files() if sets.search(p.read_text(encoding="utf-8"))]
    assert defined == ["domain/contract.py"]  # one place
