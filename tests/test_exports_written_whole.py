"""An export is written whole or not at all: a table that fails part-way leaves the
previous folder, workbook or brief exactly as it was, and no half-written file beside it.
Measured before: a failing table left 14 of 23 CSV files, the previous ones mixed with new."""
import pandas as pd
import pytest

from exports import csv_export


class Tables(dict):
    """Export tables that are built lazily, as metrics.tables.mps_tables's are; ``fail_at`` makes
    the table of that position raise when it is built."""

    def __init__(self, n: int, value: int, fail_at: int | None = None):
        super().__init__({f"t{i:02d}": None for i in range(n)})
        self.value, self.fail_at = value, fail_at

    def items(self):
        for i, name in enumerate(self):
            if i == self.fail_at:
                raise ValueError(f"table {name} could not be built")
            yield name, pd.DataFrame({"value": [self.value]})


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_table_failing_part_way_leaves_the_previous_csv_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "tables"
    monkeypatch.setattr(csv_export, "mps_tables", lambda store: Tables(23, 1))
    written = csv_export.write_csv_tables(None, out)
    assert len(written) == 23 and all(p.read_text() == "value\n1\n" for p in written)
    (out / "notes.txt").write_text("mine")  # a file of the user's own beside the export
    before = snapshot(out)
    monkeypatch.setattr(csv_export, "mps_tables", lambda store: Tables(23, 2, fail_at=14))
    with pytest.raises(ValueError):
        csv_export.write_csv_tables(None, out)
    assert snapshot(out) == before   # every file as it was: no table holds 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no staging folder left


def test_a_failing_first_export_creates_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_export, "mps_tables", lambda store: Tables(3, 1, fail_at=1))
    with pytest.raises(ValueError):
        csv_export.write_csv_tables(None, tmp_path / "tables")
    assert list(tmp_path.iterdir()) == []


def test_a_successful_export_replaces_every_table(tmp_path, monkeypatch):
    out = tmp_path / "tables"
    monkeypatch.setattr(csv_export, "mps_tables", lambda store: Tables(3, 1))
    csv_export.write_csv_tables(None, out)
    monkeypatch.setattr(csv_export, "mps_tables", lambda store: Tables(3, 2))
    csv_export.write_csv_tables(None, out)
    assert {p.name: p.read_text() for p in out.glob("*.csv")} == {f"t0{i}.csv": "value\n2\n" for i in range(3)}


def test_a_workbook_failing_while_saved_leaves_the_previous_one(tmp_path, monkeypatch, sample_store):
    from openpyxl import Workbook

    from exports.xlsx_export import write_workbook
    from store import Store
    path = tmp_path / "mps.xlsx"
    path.write_bytes(b"the previous workbook")

    def half_save(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", half_save)
    with pytest.raises(OSError):
        write_workbook(Store(sample_store), path)
    assert path.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["mps.xlsx"]


def test_a_brief_failing_while_written_leaves_the_previous_one(tmp_path, monkeypatch, sample_store):
    from exports import brief
    from store import Store
    path = tmp_path / "pack.pdf"
    path.write_bytes(b"%PDF the previous pack")

    def half_pdf(store, sections, out, summary=None):
        out.write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("LayoutError")

    monkeypatch.setattr(brief, "render_pdf", half_pdf)
    with pytest.raises(RuntimeError):
        brief.write_brief(Store(sample_store), path)
    assert path.read_bytes() == b"%PDF the previous pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]
