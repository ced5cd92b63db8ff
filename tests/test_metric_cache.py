"""The metrics' one cache (store.memo): bounded in bytes across every metric and authority, the
least recently used answer leaving first, sizes counted as pandas counts them (text included)."""
import pandas as pd

from store import memo


def test_a_frames_size_counts_its_text():
    frame = pd.DataFrame({"code": ["E09000023"] * 1000, "value": [1.5] * 1000})
    assert memo.size_of(frame) == int(frame.memory_usage(deep=True, index=True).sum())
    assert memo.size_of(frame) > 1000 * 8 + 1000 * 9  # the floats and at least the text's bytes
    assert memo.size_of({"a": frame}) > memo.size_of(frame)


def test_the_budget_holds_across_owners_and_the_oldest_leaves_first():
    frame = pd.DataFrame({"value": range(1000)})  # 8,000 bytes of int64 + the index's 132
    one = memo.size_of(frame)
    cache = memo.ByteBoundedCache(budget=3 * one)
    for k in range(3):
        cache.put(("population", f"E0900000{k}"), frame)
    assert len(cache) == 3 and cache.bytes == 3 * one
    cache.get(("population", "E09000000"))  # used again: the oldest is now E09000001
    cache.put(("kpis", "E06000047"), frame)  # another metric, another authority: same budget
    assert cache.bytes == 3 * one and cache.evictions == 1
    assert cache.get(("population", "E09000001")) is None
    assert cache.get(("population", "E09000000")) is frame
    assert cache.count("population") == 2 and cache.count("kpis") == 1
    cache.clear("population")
    assert len(cache) == 1 and cache.bytes == one


def test_an_answer_larger_than_the_budget_is_not_kept():
    cache = memo.ByteBoundedCache(budget=100)
    cache.put(("big",), pd.DataFrame({"v": range(1000)}))
    assert len(cache) == 0 and cache.bytes == 0


def test_the_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MPS_METRIC_CACHE_MB", "2")
    assert memo.ByteBoundedCache().budget == 2 * 1024 * 1024
    monkeypatch.setenv("MPS_METRIC_CACHE_MB", "not a number")
    assert memo.ByteBoundedCache().budget == memo.DEFAULT_MB * 1024 * 1024


def test_every_metric_answer_for_every_authority_stays_within_the_budget(national_store, monkeypatch):
    """Serving every authority of a national store: the metrics' answers share the one cache and it
    never holds more than its budget, however many authorities are asked for; answers are copies."""
    from metrics.performance import kpis
    from store import Store, clear_caches
    clear_caches()
    store = Store(national_store)
    codes = [c for c, _ in store.authorities()]
    assert len(codes) > 100
    first = kpis.kpi_table(store.for_authority(codes[1]))
    monkeypatch.setattr(memo.METRICS, "budget", 4 * memo.size_of(first) + 200_000)
    memo.METRICS.clear()
    for code in codes:
        kpis.kpi_table(store.for_authority(code))
        assert memo.METRICS.bytes <= memo.METRICS.budget
    assert memo.METRICS.evictions > 0
    again = kpis.kpi_table(store.for_authority(codes[1]))
    again["changed"] = 1  # a copy: changing it leaves the cached answer as it was
    pd.testing.assert_frame_equal(kpis.kpi_table(store.for_authority(codes[1])), first)


def test_a_frames_size_is_pandas_own_count_for_every_kind_of_column():
    """Counted per block of columns (cheap for the many-column answers cached on every cold visit),
    the size is the number pandas gives, column kinds mixed, text held as Python objects included."""
    frames = [
        pd.DataFrame({"segments": [("nursing_65", "care_homes_65"), ("other",)], "name": ["a" * 50, "b"],
                      "beds": [30.0, None], "rated": pd.array([1, None], dtype="Int64"),
                      "as_at": pd.to_datetime(["2017-06-01", "2016-12-01"]), "kind": pd.Categorical(["x", "y"]),
                      "flag": [True, False]}, index=["p", "q"]),
        pd.DataFrame({"code": ["E09000023"] * 1000, "value": [1.5] * 1000}),
        pd.DataFrame(columns=["a", "b", "c"]), pd.DataFrame(),
    ]
    for frame in frames:
        assert memo.frame_bytes(frame) == int(frame.memory_usage(deep=True, index=True).sum())
    assert memo.frame_bytes(frames[0]) > 50 + 8 * 2  # the objects' own bytes are counted


def test_a_registered_cache_is_forgotten_with_the_metric_caches():
    """`store.register_cache` is the public way for a metric module to have `clear_caches` forget a
    cache of its own; the three metric modules that keep one use it, never the private list."""
    import ast
    from functools import cache
    from pathlib import Path

    from store import clear_caches, register_cache

    calls = []

    @cache
    def remembered(x):
        calls.append(x)
        return x

    assert register_cache(remembered) is remembered
    register_cache(remembered)  # twice is once
    remembered(1), remembered(1)
    clear_caches()
    remembered(1)
    assert calls == [1, 1]
    try:
        register_cache(len)
    except TypeError as e:
        assert "cache_clear" in str(e)
    else:
        raise AssertionError("a function without cache_clear() was registered")
    root = Path(__file__).resolve().parents[1]
    for path in (root / "metrics").rglob("*.py"):
        names = {n.id for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Name)}
        names |= {a.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ImportFrom)
                  for a in n.names}
        assert "_CACHED_METRICS" not in names, f"{path} registers a cache through the private list"
