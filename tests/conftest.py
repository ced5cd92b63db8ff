import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(os.environ.get("MPS_SAMPLE", ROOT / "data" / "sample"))
LOOKUPS = ROOT / "data" / "lookups"
AUTHORITIES = ROOT / "data" / "authorities"
PROFILE = AUTHORITIES / "E09000023"   # the reference customer's profile, which the sample describes
# The publishers' real files, exactly as released (never copied into this repository).
# MPS_REAL_DIR points elsewhere when the tests run from a copy of the repository (make mutate).
CAMPYLOBACTER = "fingertips/fingertips-county-ua-campylobacter-2015-17.csv"  # every county and UA
REAL = Path(os.environ.get("MPS_REAL_DIR", ROOT.parent / "shared" / "real"))


def real_file(relative: str) -> Path:
    """A real publisher's file from ../shared/real/. Under CI=true a missing file fails the run;
    elsewhere (a checkout without shared/) the test is skipped with the reason."""
    path = REAL / relative
    if path.is_file():
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{path} is missing: under CI the real publishers' files in ../shared/real/ are required")
    pytest.skip(f"{path} is missing (the real publishers' files live in ../shared/real/)")


@pytest.fixture
def ctx():
    from loaders import LoadContext
    return LoadContext(lookups_dir=LOOKUPS, area_code="E09000023", area_name="Lewisham", profile_dir=PROFILE)


def write_csv(path: Path, rows, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


def write_ods(path: Path, sheets: dict) -> Path:
    import pandas as pd
    with pd.ExcelWriter(path, engine="odf") as w:
        for name, rows in sheets.items():
            width = max(len(r) for r in rows)
            padded = [list(r) + [None] * (width - len(r)) for r in rows]
            pd.DataFrame(padded).to_excel(w, sheet_name=name, header=False, index=False)
    return path


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    """The embedded sample ingested once into a temporary store."""
    from loaders.store import ingest
    store = tmp_path_factory.mktemp("store") / "store"
    report = ingest(SAMPLE, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return store


def load_one(path: Path):
    """One file through the ingest's recognition and loader, with the bundled lookups: (report, result)."""
    from loaders import LoadContext
    from loaders.store import load_file
    return load_file(path, LoadContext(lookups_dir=LOOKUPS))


def sample_store_with(tmp_path_factory, *files: Path) -> Path:
    """The embedded sample with `files` copied beside it, ingested into a temporary store."""
    import shutil
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    for f in files:
        shutil.copy(f, src)
    store = tmp_path_factory.mktemp("store") / "store"
    report = ingest(src, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return store


@pytest.fixture(scope="module")
def national_store(tmp_path_factory):
    """The sample plus a real national Fingertips file (every upper-tier authority): a store in
    which a second authority has rows."""
    import shutil
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("src") / "sample"
    shutil.copytree(SAMPLE, src)
    shutil.copy(real_file(CAMPYLOBACTER), src / "fingertips-county-ua-campylobacter-2015-17.csv")
    store = tmp_path_factory.mktemp("national") / "store"
    report = ingest(src, store)
    assert report.ok, [f.error for f in report.files if f.error]
    return store


@pytest.fixture(scope="module")
def server(sample_store):
    """The real app (`mps serve`) on the sample store, one per browser test module; a module that
    needs another store defines its own `server` fixture."""
    from tools.browser import Server, require_browser
    require_browser()
    s = Server(sample_store)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def driver(server):
    """Headless Chromium for the module's server."""
    from tools.browser import make_driver
    d = make_driver()
    yield d
    d.quit()


def page_as_drawn(client, address: str) -> str:
    """A page as Dash's router draws it for `address` (path and query): the header with the
    authority's name and pickers, the navigation, the notices and the page's content, as the
    browser receives them after loading the address. No referrer is involved."""
    from urllib.parse import urlsplit

    from benchmarks.bench_callbacks import payload
    router = next(d for d in client.get("/_dash-dependencies").get_json() if "_pages_content" in d["output"])
    parts = urlsplit(address)
    answer = client.post("/_dash-update-component",
                         json=payload(router, [parts.path or "/", f"?{parts.query}" if parts.query else ""]))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)
