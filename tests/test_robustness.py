"""Pages and callbacks on an empty store and on a store missing most kinds of data: every page
says what to do, and no callback fails on any selection (driven through Dash's real endpoint)."""
import itertools
import shutil
from benchmarks.bench_callbacks import VALUES, payload
from conftest import SAMPLE

PAGES = ["/", "/population", "/demand", "/supply", "/gaps", "/neighbourhoods", "/opportunities",
         "/performance", "/resources", "/downloads", "/about"]


def all_callbacks_succeed(store_dir, combos=40, check=None):
    """Every page and every page callback on its first ``combos`` selections, through Dash's real
    endpoint: answered without an error. ``check(output, combo, response)`` looks at each answer too."""
    from app import create_app
    client = create_app(store_dir).server.test_client()
    assert client.get("/").status_code == 200
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    layouts = {}
    for path in PAGES:
        r = client.post("/_dash-update-component", json=payload(router, [path, ""]))
        assert r.status_code == 200, path
        layouts[path] = r.get_data(as_text=True)
    for cb in deps:
        if cb.get("clientside_function") or "_pages" in cb["output"]:
            continue
        ids = [i["id"] for i in cb["inputs"]]
        if not all(i in VALUES for i in ids):
            continue
        for combo in itertools.islice(itertools.product(*[VALUES[i] for i in ids]), combos):
            r = client.post("/_dash-update-component", json=payload(cb, list(combo)))
            all_callbacks_succeed.calls = getattr(all_callbacks_succeed, "calls", 0) + 1
            assert r.status_code in (200, 204), (cb["output"][:60], combo, r.get_data(as_text=True)[:200])
            if check is not None and r.status_code == 200:
                check(cb["output"], combo, r.get_json())
    return layouts


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


def test_full_sample_every_selection(sample_store):
    all_callbacks_succeed(sample_store)


def test_the_checks_above_really_ran_callbacks(sample_store):
    all_callbacks_succeed.calls = 0
    all_callbacks_succeed(sample_store)
    assert all_callbacks_succeed.calls >= 60
