"""The app factory holds no hidden state: each `create_app(store)` answers from its own store,
through Dash's public callback API, even with several apps alive in one process."""
import re
import shutil

import pytest

from conftest import ROOT, SAMPLE, page_as_drawn
from benchmarks.bench_callbacks import payload


@pytest.fixture(scope="module")
def other_store(tmp_path_factory):
    """The sample re-labelled as another authority (same files, another profile)."""
    from loaders.store import ingest
    src = tmp_path_factory.mktemp("other") / "src"
    shutil.copytree(SAMPLE, src)
    # The folder's own mps.toml overrides its profile's name and branding.
    (src / "mps.toml").write_text('area_code = "E09000023"\narea_name = "Testshire"\n'
                                  '[branding]\norganisation = "Testshire County Council"\n')
    store = src.parent / "store"
    assert ingest(src, store).ok
    return store


def _layout_text(client) -> str:
    return page_as_drawn(client, "/")  # the header comes with the page


def _demand_title(client) -> str:
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "demand-chart-graph.figure" in d["output"])
    r = client.post("/_dash-update-component", json=payload(cb, ["learning_disability", 2017, 2025]))
    assert r.status_code == 200
    figure = r.get_json()["response"]["demand-chart-graph"]["figure"]
    return figure["layout"]["title"]["text"]


def test_two_apps_on_two_stores_answer_from_their_own(sample_store, other_store):
    from app import create_app
    first = create_app(sample_store).server.test_client()
    second = create_app(other_store).server.test_client()
    # Interleaved, so neither app can be reading a store left behind by the other.
    assert "Lewisham Council" in _layout_text(first)
    assert "Testshire County Council" in _layout_text(second)
    assert "Testshire" not in _layout_text(first)
    assert _demand_title(first).endswith("Lewisham")
    assert _demand_title(second).endswith("Testshire")
    assert _demand_title(first).endswith("Lewisham")


def test_each_app_has_every_page_callback(sample_store, tmp_path):
    from app import create_app
    counts = []
    for store in (sample_store, tmp_path / "empty"):
        deps = create_app(store).server.test_client().get("/_dash-dependencies").get_json()
        counts.append(len([d for d in deps if "_pages" not in d["output"]]))
    # 57 server callbacks (charts, their downloads, the ward map's selection; the Census comparison,
    # ASCOF and fee charts among them) and 10 clientside (each page's address-bar sync, the area
    # profile's print button), whatever the store holds.
    assert counts == [67, 67]


def test_downloads_come_from_the_apps_own_store(sample_store, other_store):
    from app import create_app
    r = create_app(other_store).server.test_client().get("/download/csv")
    assert r.status_code == 200
    assert "testshire" in r.headers["Content-Disposition"].lower()


def test_the_store_is_not_reachable_outside_an_app():
    from layouts import context
    with pytest.raises(RuntimeError, match="create_app"):
        context.store()


def test_nothing_imports_dash_private_modules():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if any(part in {".venv", "node_modules"} for part in path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bdash\._\w+|from dash(\.\w+)* import _\w+|from dash\._", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
