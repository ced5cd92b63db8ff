"""Pages and callbacks on an empty store and on a store missing most kinds of data: every page
says what to do, and no callback fails on any selection (driven through Dash's real endpoint)."""
import shutil
from pathlib import Path

from app_inventory import drive_every_callback, page_paths
from benchmarks.bench_callbacks import payload
from conftest import SAMPLE

PAGES = page_paths()


def all_callbacks_succeed(store_dir, combos=40, check=None):
    """Every page (from Dash's page registry) and every server callback (from the app's callback
    map), each driven with the values its page's layout offers, through Dash's real endpoint:
    answered without an error. ``check(output, combo, answer)`` looks at each answer too. Returns
    each page's layout as the router sent it (text); the requests made per callback are kept on
    ``all_callbacks_succeed.driven``."""
    from app import create_app
    app = create_app(store_dir)
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    layouts, texts = {}, {}
    for path in PAGES:
        r = client.post("/_dash-update-component", json=payload(router, [path, ""]))
        assert r.status_code == 200, path
        texts[path] = r.get_data(as_text=True)
        layouts[path] = r.get_json()
    driven = drive_every_callback(client, deps, layouts, combos=combos, check=check)
    all_callbacks_succeed.driven = driven
    all_callbacks_succeed.calls = getattr(all_callbacks_succeed, "calls", 0) + sum(driven.values())
    return texts


def test_empty_store_says_how_to_ingest(tmp_path):
    layouts = all_callbacks_succeed(tmp_path / "no-store-here")
    for path in PAGES:
        assert "mps ingest" in layouts[path], path


def test_store_with_only_poppi_pansi_tables(tmp_path):
    from loaders.store import ingest
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLE.iterdir():
        if p.name.startswith(("POPPI", "PANSI")) or p.name == "mps.toml":
            shutil.copy(p, src)
    assert ingest(src, tmp_path / "store").ok
    layouts = all_callbacks_succeed(tmp_path / "store")
    assert "CQC care directory" in layouts["/gaps"]  # says which data is missing
    assert "Fingertips" in layouts["/performance"]


def test_every_page_callback_is_driven_with_a_real_input(tmp_path):
    """Each server callback in the app's callback map, Market health's included, was posted at
    least once with values its page offers; a callback nothing drives fails here by name. The
    sample plus the Census 2021 bulk fixtures: the Demand page's Census section is drawn only
    when the store holds those tables."""
    from app import create_app
    from loaders.store import ingest
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    census = Path(__file__).parent / "fixtures" / "census2021"
    for f in census.iterdir():
        if f.suffix in (".csv", ".zip"):
            shutil.copy(f, src)
    assert ingest(src, tmp_path / "store").ok
    sample_store = tmp_path / "store"
    all_callbacks_succeed(sample_store)
    expected = {d["output"] for d in create_app(sample_store).server.test_client()
                .get("/_dash-dependencies").get_json()
                if not d.get("clientside_function") and "_pages" not in d["output"]}
    driven = all_callbacks_succeed.driven
    assert set(driven) == expected and len(expected) == len(declared_server_callbacks())
    assert [o for o, n in driven.items() if n == 0] == []
    assert any("market-health" in o for o in driven)


def declared_server_callbacks() -> list:
    """Every server callback the pages declare (`page = PageCallbacks(...)` in each callbacks module,
    downloads included), read from the modules rather than counted by hand."""
    import importlib
    import importlib.util

    from layouts.pages import page_names
    declared = []
    for name in page_names():
        if importlib.util.find_spec(f"callbacks.{name}") is not None:
            declared += importlib.import_module(f"callbacks.{name}").page.server_callbacks()
    return declared


def test_the_page_list_is_every_page_module():
    """Every module in layouts/pages registers one page, so the walk above covers every page there is."""
    import dash

    from layouts.pages import page_names
    registered = {p["module"].rpartition(".")[2] for p in dash.page_registry.values()}
    assert registered == set(page_names()) and len(PAGES) == len(page_names())
