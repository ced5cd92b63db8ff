"""A national GP quinary file (every practice in England, as NHS Digital publishes it) in place of
the sample's extract gives the authority exactly the figures the sample alone gives: the other
practices are kept in the store but never reach the authority's practices, neighbourhoods,
caseloads or gaps."""
import shutil

import pandas as pd
import pytest

from benchmarks.national import write_gp_quinary
from conftest import SAMPLE
from exports.csv_export import write_csv_tables
from loaders.store import ingest
from metrics.places import neighbourhoods
from store import Store

QUINARY = "gp-reg-pat-prac-quin-age.csv"


@pytest.fixture(scope="module")
def national_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national")
    for p in SAMPLE.iterdir():
        if p.is_file() and p.name != QUINARY:
            shutil.copy(p, folder / p.name)
    sample_rows = (SAMPLE / QUINARY).read_text(encoding="latin-1").splitlines()[1:]
    write_gp_quinary(folder / QUINARY, extra=sample_rows)
    store = tmp_path_factory.mktemp("store") / "store"
    report = ingest(folder, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return store


def test_the_national_file_is_kept_whole(national_store, sample_store):
    national = Store(national_store).table("registrations")
    sample = Store(sample_store).table("registrations")
    assert national["practice_code"].nunique() > 6_000
    assert set(sample["practice_code"]) <= set(national["practice_code"])


def test_same_authority_figures_as_the_sample_alone(national_store, sample_store):
    national, sample = Store(national_store), Store(sample_store)
    pd.testing.assert_series_equal(neighbourhoods.registered_by_neighbourhood(national),
                                   neighbourhoods.registered_by_neighbourhood(sample))
    pd.testing.assert_frame_equal(neighbourhoods.caseload_table(national), neighbourhoods.caseload_table(sample))


def test_same_exports_as_the_sample_alone(national_store, sample_store, tmp_path):
    """Every export table but `sources` (which lists the files themselves) is identical."""
    written = {}
    for name, store in (("national", national_store), ("sample", sample_store)):
        written[name] = {p.stem: p for p in write_csv_tables(Store(store), tmp_path / name)}
    assert written["national"].keys() == written["sample"].keys()
    for table in sorted(written["sample"]):
        if table == "sources":
            continue
        assert written["national"][table].read_bytes() == written["sample"][table].read_bytes(), table
