"""Outputs from a store holding only some sources and no profile (no mps.toml): every export and
download is written, names no authority it does not know, and says what is missing."""
import shutil

import pytest

from conftest import SAMPLE


@pytest.fixture(scope="module")
def partial_store(tmp_path_factory):
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("partial") / "src"
    src.mkdir()
    for p in SAMPLE.glob("POPPI*"):
        shutil.copy(p, src)
    store = src.parent / "store"
    assert ingest(src, store).ok
    return store


def test_brief_pdf_and_html_from_a_partial_store(partial_store, tmp_path):
    from exports.brief import NO_ROWS, write_brief
    from store import Store
    pdf = write_brief(Store(partial_store), tmp_path / "b.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = write_brief(Store(partial_store), tmp_path / "b.html").read_text()
    assert NO_ROWS in text and "None" not in text


@pytest.mark.parametrize("key", ["workbook", "csv", "brief-pdf", "brief-html"])
def test_downloads_answer_200_on_a_partial_store_with_plain_names(partial_store, key):
    from app import create_app
    r = create_app(partial_store).server.test_client().get(f"/download/{key}")
    assert r.status_code == 200
    disposition = r.headers["Content-Disposition"]
    # With no mps.toml the authority is the one the POPPI tables name.
    assert "filename=lewisham-mps-" in disposition and "none" not in disposition.lower()


def test_file_names_keep_only_safe_characters(sample_store):
    from domain.contract import Authority, Manifest
    from exports.downloads import dated_name
    from store import Store

    class Hostile(Store):
        @property
        def manifest(self):
            return Manifest(authority=Authority("E09000023", "../../etc/Lewisham & Co"))
    name = dated_name(Hostile(sample_store), "mps-tables", "xlsx")
    assert name.startswith("etc-lewisham-co-mps-tables-") and "/" not in name and ".." not in name


def test_brief_states_the_default_occupancy(sample_store):
    from domain.vocabulary import DEFAULT_OCCUPANCY
    from exports.brief import build_sections
    from store import Store
    text = " ".join(p for s in build_sections(Store(sample_store)) for p in s.paragraphs)
    assert DEFAULT_OCCUPANCY == 0.90 and "at 90% occupancy" in text


def test_brief_tables_print_years_without_separators(sample_store, tmp_path):
    from exports.brief import write_brief
    from store import Store
    text = write_brief(Store(sample_store), tmp_path / "b.html").read_text()
    assert "2,017" not in text and "2,020" not in text


def test_a_store_that_names_no_authority_gives_plain_file_names(tmp_path):
    from app import create_app
    from loaders.store import ingest
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLE.glob("council_activity*"):  # names no authority (the contracts registers name Lewisham)
        shutil.copy(p, src)
    assert ingest(src, tmp_path / "store").ok
    client = create_app(tmp_path / "store").server.test_client()
    for key in ["workbook", "brief-pdf"]:
        r = client.get(f"/download/{key}")
        assert r.status_code == 200
        assert "filename=mps-" in r.headers["Content-Disposition"] and "mps-mps" not in r.headers["Content-Disposition"]


def test_a_population_sheet_alone_builds_every_output_with_no_rates(tmp_path):
    """POPPI's population sheet gives people but no cases: the brief, the exports and the neighbourhood
    demand are built, and the rates are absent, not a division of nothing by the population."""
    from exports.brief import write_brief
    from exports.csv_export import write_csv_tables
    from loaders.store import ingest
    from metrics.places.neighbourhoods import age_rates
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    for name in ("POPPI_Lewisham_population_2017.xls", "mps.toml"):
        shutil.copy(SAMPLE / name, src)
    assert ingest(src, tmp_path / "store").ok
    store = Store(tmp_path / "store")
    assert age_rates(store).empty
    assert write_brief(store, tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert "Population" in write_brief(store, tmp_path / "b.html").read_text()
    written = {p.name for p in write_csv_tables(store, tmp_path / "out")}
    assert {"demand.csv", "neighbourhoods.csv"} <= written
