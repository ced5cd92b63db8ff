"""Arrow's memory in a serving process goes back to the system: by default (MPS_ARROW_POOL=release)
Arrow's allocator gives back what it holds unused after each request; "system" allocates through
the C library's pool; "arrow" leaves Arrow's default as it is."""
import pyarrow as pa
import pytest


@pytest.fixture
def restore_pool():
    before = pa.default_memory_pool()
    yield
    pa.set_memory_pool(before)


@pytest.mark.parametrize("setting,policy,backend", [
    (None, "release", None), ("system", "system", "system"), ("nonsense", "release", None),
    ("release", "release", None), ("arrow", "arrow", None)])
def test_the_policy_and_the_pool_it_leaves(monkeypatch, restore_pool, setting, policy, backend):
    from store import arrow_memory_policy
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    if setting is None:
        monkeypatch.delenv("MPS_ARROW_POOL", raising=False)
    else:
        monkeypatch.setenv("MPS_ARROW_POOL", setting)
    assert arrow_memory_policy() == policy
    assert pa.default_memory_pool().backend_name == (backend or "mimalloc")


def test_release_runs_after_each_request_and_the_page_still_answers(monkeypatch, restore_pool, sample_store):
    import app
    from store import release_arrow_memory
    released = []
    monkeypatch.setenv("MPS_ARROW_POOL", "release")
    monkeypatch.setattr(app, "release_arrow_memory", lambda exc=None: released.append(release_arrow_memory(exc)))
    create_app = app.create_app
    client = create_app(sample_store).server.test_client()
    assert client.get("/about").status_code == 200
    assert released  # Arrow's unused memory given back when the request ended
