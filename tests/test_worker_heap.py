"""The production server's C heap (serving.py): glibc's arenas capped before the workers fork, and
a worker's free heap pages handed back after requests at most every few seconds."""
import time

import pytest

import serving

glibc = pytest.mark.skipif(serving._libc() is None, reason="the C library is not glibc")


@glibc
def test_the_arenas_are_capped_from_the_environment(monkeypatch):
    monkeypatch.delenv("MPS_MALLOC_ARENAS", raising=False)
    assert serving.limit_malloc_arenas() == serving.MALLOC_ARENAS == 2
    monkeypatch.setenv("MPS_MALLOC_ARENAS", "4")
    assert serving.limit_malloc_arenas() == 4
    monkeypatch.setenv("MPS_MALLOC_ARENAS", "0")  # glibc's own default
    assert serving.limit_malloc_arenas() is None
    monkeypatch.setenv("MPS_MALLOC_ARENAS", "not a number")
    assert serving.limit_malloc_arenas() == 2


@glibc
def test_the_heap_is_trimmed_at_most_once_an_interval():
    trim = serving.HeapTrimmer(every=0.2)
    for _ in range(50):  # fifty requests in a burst: one trim
        trim()
    assert trim.trims == 1
    time.sleep(0.25)
    trim()
    trim()
    assert trim.trims == 2


@glibc
def test_the_production_server_trims_after_each_request(sample_store, monkeypatch):
    """`mps serve --production` registers the trimmer on the app it hands gunicorn, and freezes
    what it built before the fork out of the garbage collector."""
    import gunicorn.app.base

    import mps_cli
    served = {}

    def run(self):  # gunicorn would fork its workers here: take the app they would serve instead
        served["app"] = self.load()

    monkeypatch.setattr(gunicorn.app.base.BaseApplication, "run", run)
    monkeypatch.setattr("app.warm", lambda app, budget_seconds=60.0: 0)
    args = mps_cli.build_parser().parse_args(["serve", "--store", str(sample_store), "--production"])
    import gc
    gc.unfreeze()
    try:
        assert mps_cli.cmd_serve(args) == 0
        # What was built before the fork is frozen out of the collector, so it stays shared.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    funcs = served["app"].teardown_request_funcs[None]
    assert any(isinstance(f, serving.HeapTrimmer) for f in funcs)
