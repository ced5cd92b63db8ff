"""docs/contract.md is generated from domain/contract.py: the two never disagree."""
from conftest import ROOT


def test_contract_doc_is_current():
    from domain.contract import markdown
    doc = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert doc == markdown(), "run: .venv/bin/python -m domain.contract > docs/contract.md"


def test_every_store_and_export_table_is_documented():
    from domain.contract import EXPORT_TABLES, STORE_TABLES
    doc = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    for name in [*STORE_TABLES, *EXPORT_TABLES]:
        assert f"### `{name}`" in doc


def test_ingest_limits_doc_is_current():
    from loaders.limits import markdown
    doc = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert doc == markdown(), "run: .venv/bin/python -m loaders.limits > docs/limits.md"
