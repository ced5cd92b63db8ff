"""Pinning the store per request is cheap: the version is resolved and locked once per process and
each request then costs one readlink; a refresh is seen at the next request, and the old version's
lock is let go when its last request ends, so the writer can sweep it."""
import os

from store import layout as store_versions


def publish_version(store, text):
    store_versions.versions_dir(store).mkdir(parents=True, exist_ok=True)
    tmp = store_versions.new_version(store)
    (tmp / "manifest.json").write_text(text)
    return store_versions.publish(store, tmp)


def test_a_thousand_requests_open_the_version_once(tmp_path, monkeypatch):
    store = tmp_path / "store"
    first = publish_version(store, "{}")
    opened = []
    real_open = os.open
    monkeypatch.setattr(store_versions.os, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    holds = [store_versions.pin_cached(store) for _ in range(1000)]
    assert {v for v, _ in holds} == {first}
    assert len(opened) == 1  # before: 1,000 opens, locks and closes (and 1,000 realpaths)
    for _, hold in holds:
        hold.release()
    assert not store_versions._unheld(first)  # still held for the next request while it is current


def test_a_refresh_is_seen_and_the_old_version_let_go_after_its_last_request(tmp_path):
    store = tmp_path / "store"
    first = publish_version(store, "{}")
    version, reading = store_versions.pin_cached(store)
    assert version == first
    second = publish_version(store, "{}")
    version2, hold2 = store_versions.pin_cached(store)
    assert version2 == second
    assert not store_versions._unheld(first)  # a request still reads the first version
    reading.release()
    assert store_versions._unheld(first)  # its last request ended: the writer may sweep it
    hold2.release()
    assert not store_versions._unheld(second)


def test_a_store_without_versions_is_pinned_as_before(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text("{}")
    assert store_versions.pin_cached(old) == (old.resolve(), None)


def test_views_of_a_pinned_store_share_its_pin_and_release_it_once(tmp_path):
    """A request's view (another authority, other comparators) reads under the pin of the store it
    was derived from: one hold, let go once whichever view is released, however often."""
    from store import Store

    store = tmp_path / "store"
    first = publish_version(store, "{}")
    pinned = Store(store).pin()
    view = pinned.with_comparators("region")
    entry = store_versions._PINS[str(store)]
    assert pinned.pinned and view.pinned and entry.count == 2  # the request's hold and the cache's
    view.release()
    view.release()
    pinned.release()
    assert entry.count == 1 and not pinned.pinned and not view.pinned
    assert not store_versions._unheld(first)  # the cache holds it while it is current
    publish_version(store, "{}")
    Store(store).pin().release()  # the next request sees the refresh; the cache lets go of the first
    assert store_versions._unheld(first)
