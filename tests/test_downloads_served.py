"""How the server answers downloads and unexpected paths: heavy files built once per store version
and authority and served from disk, an unknown authority refused, and every unexpected address a
404 rather than a server error."""
import shutil
import threading

import pytest


@pytest.fixture()
def app_store(sample_store, tmp_path):
    """An app on its own copy of the sample store (so its download cache starts empty)."""
    from app import create_app
    store = tmp_path / "store"
    shutil.copytree(sample_store, store, ignore=shutil.ignore_patterns(".downloads"))
    return create_app(store), store


@pytest.mark.parametrize("path", ["/_dash-component-suites/..%2f..", "/_dash-component-suites/..%2f../app.py",
                                  "/_dash-component-suites/dash/no-such.js", "/_dash-component-suites/nope/x.js",
                                  "/_dash-layout/x", "/_dash-dependencies/x", "/_dash-update-component",
                                  "/download/nope", "/download/", "/assets/../app.py"])
def test_unexpected_paths_are_404(sample_store, path):
    from app import create_app
    r = create_app(sample_store).server.test_client().get(path)
    assert r.status_code == 404, path


def test_an_unknown_download_names_the_real_ones(sample_store):
    from app import create_app
    r = create_app(sample_store).server.test_client().get("/download/nope")
    assert r.status_code == 404
    assert r.get_data(as_text=True) == ("There is no download called 'nope'. The downloads are: workbook, csv, "
                                        "brief-pdf, brief-html.\n")


@pytest.mark.parametrize("code", ["E99999999", "XYZ", "e09000028x"])
def test_an_unknown_authority_on_a_download_is_404_with_a_message(sample_store, code):
    from app import create_app
    r = create_app(sample_store).server.test_client().get(f"/download/csv?authority={code}")
    assert r.status_code == 404
    assert "Content-Disposition" not in r.headers  # never the profile authority's file instead
    text = r.get_data(as_text=True)
    assert text.startswith(f"'{code.upper()}' is not an authority code") and "Showing" not in text


def test_a_known_authority_without_rows_is_404_not_an_empty_file(sample_store):
    from app import create_app
    r = create_app(sample_store).server.test_client().get("/download/workbook?authority=E08000025")  # Birmingham
    assert r.status_code == 404
    assert r.get_data(as_text=True).startswith("The store has no rows for Birmingham (E08000025)")


def test_twenty_concurrent_pdf_downloads_build_it_once(app_store, monkeypatch):
    from exports import downloads
    app, store = app_store
    builds, real = [], downloads.build

    def counted(*args, **kwargs):
        builds.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(downloads, "build", counted)
    answers, start = [], threading.Barrier(20)

    def fetch():
        client = app.server.test_client()
        start.wait()
        r = client.get("/download/brief-pdf")
        answers.append((r.status_code, r.data))

    threads = [threading.Thread(target=fetch) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds == ["brief-pdf"]
    assert [a[0] for a in answers] == [200] * 20
    assert len({a[1] for a in answers}) == 1 and answers[0][1].startswith(b"%PDF")
    # Kept on disk inside the store version, per authority; the next request builds nothing.
    cached = list((store / ".downloads").glob("E09000023-*/brief-pdf.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == answers[0][1]
    assert app.server.test_client().get("/download/brief-pdf").data == answers[0][1] and len(builds) == 1


def test_a_refresh_builds_the_download_again(app_store, monkeypatch):
    """A new store version gets its own file: nothing stale is served after a refresh."""
    from exports import downloads
    from loaders.store import ingest
    from conftest import SAMPLE
    app, store = app_store
    builds, real = [], downloads.build
    monkeypatch.setattr(downloads, "build", lambda *a, **k: builds.append(a[1]) or real(*a, **k))
    client = app.server.test_client()
    first = client.get("/download/csv")
    assert first.status_code == 200 and builds == ["csv"]
    assert client.get("/download/csv").status_code == 200 and builds == ["csv"]
    assert ingest(SAMPLE, store).ok
    assert client.get("/download/csv").status_code == 200 and builds == ["csv", "csv"]
