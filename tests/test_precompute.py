"""Every authority's opening answers, precomputed into the version when it is written (precompute.py,
store/answers.py) and served by the app as they are: the same bytes the server computes, for the
questions a browser asks when it opens a page."""
import gzip
import json
import shutil

import pytest

from conftest import SAMPLE

SOUTHWARK = "E09000028"


@pytest.fixture(scope="module")
def precomputed(tmp_path_factory):
    """The sample ingested as `mps ingest` does: its opening answers precomputed before publishing."""
    from loaders.store import ingest
    from precompute import precompute
    store = tmp_path_factory.mktemp("pre") / "store"
    report = ingest(SAMPLE, store, precompute=precompute)
    assert report.ok
    return store, report


def _body(key: str) -> dict:
    """A request for the answer under `key`, as a client would send it (answer_key read backwards)."""
    from app import callback_request
    asked = json.loads(key)
    callback = {"output": asked["output"], "inputs": [{"id": i, "property": p} for i, p, _ in asked["inputs"]],
                "state": [{"id": i, "property": p} for i, p, _ in asked["state"]]}
    return callback_request(callback, {(i, p): v for i, p, v in asked["inputs"] + asked["state"]})


def test_every_page_of_every_authority_is_precomputed(precomputed):
    """The sample has rows for 5 authorities: 6 addresses (the profile's own, without a query, and
    `?authority=` for each) x 13 pages, each page's router answer and its opening callbacks."""
    from layouts.pages import page_names
    from store.answers import read_all
    from store.layout import current
    store, report = precomputed
    done = report.precomputed
    pages = len(page_names())
    assert pages == 13 and done.visits == 6 * pages and done.failed == []
    answers = read_all(current(store))
    assert done.answers == len(answers)
    routed = [json.loads(k) for k in answers if json.loads(k)["output"].startswith(".._pages_content.")]
    searches = {dict((i[0] + "." + i[1], i[2]) for i in k["inputs"])["_pages_location.search"] for k in routed}
    from store import Store
    assert searches == {""} | {f"?authority={code}" for code, _ in Store(store).authorities()}
    assert len(searches) == 6 and len(routed) == 6 * pages
    assert len(answers) > len(routed)  # the pages' callbacks too


def test_a_precomputed_answer_is_the_bytes_the_server_computes(precomputed, tmp_path):
    """Each stored answer, unzipped, is byte for byte what an app on the same version without the
    answers file computes for the same request."""
    from app import create_app
    from store.answers import ANSWERS, read_all
    from store.layout import current
    store, _ = precomputed
    version = current(store)
    bare = tmp_path / version.name
    shutil.copytree(version, bare, ignore=shutil.ignore_patterns(ANSWERS, ".readers"))
    client = create_app(bare).server.test_client()
    client.get("/")
    answers = read_all(version)
    differ = []
    for key, stored in answers.items():
        computed = client.post("/_dash-update-component", json=_body(key))
        assert computed.headers.get("X-MPS-Answer") is None  # computed, not looked up
        if computed.get_data() != gzip.decompress(stored):
            a, b = computed.get_data(), gzip.decompress(stored)
            at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            differ.append((key[:120], a[max(0, at - 80):at + 80], b[max(0, at - 80):at + 80]))
    assert differ == [] and len(answers) > 100


def test_the_server_sends_the_precomputed_answer_and_computes_the_rest(precomputed):
    """Southwark's Performance page as a browser opens it: answered from the version's answers
    (gzipped as stored to a client that accepts gzip, plain to one that does not); the same chart
    against the region's authorities (`&comparators=region`, not precomputed) is computed, then kept
    in the worker's memory."""
    from app import answer_key, create_app
    from precompute import opening_requests
    store, _ = precomputed
    client = create_app(store).server.test_client()
    client.get("/")
    callbacks = client.get("/_dash-dependencies").get_json()
    seen = []

    def post(body):
        r = client.post("/_dash-update-component", json=body)
        seen.append((body, r.headers.get("X-MPS-Answer"), r.get_data()))
        return r.status_code, r.get_json(), r.get_data()

    asked = list(opening_requests(post, callbacks, "/performance", f"?authority={SOUTHWARK}"))
    assert len(asked) == 3 and {how for _, how, _ in seen} == {"precomputed"}
    body, _, plain = seen[-1]
    zipped = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == plain
    assert b"Southwark" in b"".join(raw for _, _, raw in seen)
    chart = next(b for b, _, _ in seen if "performance-chart" in b["output"])
    other = json.loads(json.dumps(chart))
    other["state"][-1]["value"] = f"?authority={SOUTHWARK}&comparators=region"
    assert answer_key(other) != answer_key(chart)
    first = client.post("/_dash-update-component", json=other)
    again = client.post("/_dash-update-component", json=other)
    assert first.status_code == 200 and first.headers.get("X-MPS-Answer") is None
    assert again.headers.get("X-MPS-Answer") == "kept" and again.get_data() == first.get_data()


def test_the_key_is_the_same_for_every_client_that_asks_the_same_question():
    """Chromium writes parsedChangedPropsIds and leaves out the value of a property the layout does
    not set; another client writes its keys in another order: the same question, the same key."""
    from app import answer_key
    browser = {"output": "a.children", "outputs": {"id": "a", "property": "children"},
               "inputs": [{"id": "b", "property": "data"}], "changedPropIds": ["b.data"],
               "parsedChangedPropsIds": ["b.data"], "state": [{"id": "url", "property": "search", "value": ""}]}
    ours = {"state": [{"value": "", "property": "search", "id": "url"}], "changedPropIds": [],
            "inputs": [{"id": "b", "property": "data", "value": None}], "output": "a.children"}
    assert answer_key(browser) == answer_key(ours)
    assert answer_key({**ours, "state": [{"id": "url", "property": "search", "value": "?authority=X"}]}) \
        != answer_key(ours)


def test_a_failing_precompute_publishes_the_version_without_answers(tmp_path):
    """The tables are the refresh; the answers are only its speed: a precompute that fails leaves
    the new version published without them, said in a note, and its pages computed when opened."""
    from app import create_app
    from loaders.store import ingest
    from store.answers import ANSWERS

    def broken(_version):
        raise RuntimeError("out of memory")
    store = tmp_path / "store"
    report = ingest(SAMPLE, store, precompute=broken)
    assert report.ok and report.precomputed is None
    assert any("not precomputed (RuntimeError: out of memory)" in n for n in report.notes)
    assert not (store / ANSWERS).exists() and (store / "manifest.json").is_file()
    client = create_app(store).server.test_client()
    assert client.get("/performance").status_code == 200


def test_mps_precompute_adds_the_answers_to_a_store_ingested_without(tmp_path):
    import mps_cli
    from store.answers import ANSWERS
    store = tmp_path / "store"
    assert mps_cli.main(["ingest", "--no-precompute", str(SAMPLE), "--store", str(store)]) == 0
    assert not (store / ANSWERS).exists()
    assert mps_cli.main(["precompute", "--store", str(store)]) == 0
    assert (store / ANSWERS).is_file()
    assert mps_cli.main(["precompute", "--store", str(tmp_path / "nowhere")]) == 1


def test_answers_made_by_other_code_are_not_used(precomputed, tmp_path):
    """An upgrade of the product (or of plotly, Dash, pandas) on a store precomputed before it: the
    stored answers carry the fingerprint of the code that made them, so the new code computes its
    own instead of sending the old code's pages."""
    from app import code_fingerprint, create_app
    from store.answers import ANSWERS, made_by, read_all, write_answers
    from store.layout import current
    store, _ = precomputed
    version = current(store)
    assert made_by(version) == code_fingerprint()
    older = tmp_path / version.name
    shutil.copytree(version, older, ignore=shutil.ignore_patterns(ANSWERS, ".readers"))
    write_answers(older, read_all(version).items(), made_by="the release before")
    key = next(k for k in read_all(older) if "_pages_content" in k)
    for where, how in ((version, "precomputed"), (older, None)):
        client = create_app(where).server.test_client()
        client.get("/")
        assert client.post("/_dash-update-component", json=_body(key)).headers.get("X-MPS-Answer") == how


def test_a_page_is_the_same_bytes_in_every_process():
    """A chart's frame has two aria attributes; passed to Dash's constructor together they come out
    in an order taken from a set, which differs with each process's hash seed, so a worker's answer
    and the precomputed one differed. Eight processes with eight seeds now write the same bytes."""
    import os
    import subprocess
    import sys

    from conftest import ROOT
    script = ("from plotly.io.json import to_json_plotly as to_json\nfrom layouts.components import chart_block\n"
              "print(to_json(chart_block('demand-chart', 'Projected numbers')))")
    written = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(8)}
    assert len(written) == 1 and '"aria-labelledby":"demand-chart-heading","aria-describedby"' in written.pop()


def test_ingest_if_stale_precomputes_what_a_current_store_lacks(tmp_path, capsys):
    """`make run` (`mps ingest --if-stale`) on a store whose tables are current: nothing is read
    again, but answers it lacks (ingested without them, or made by an earlier release) are made,
    and once they are there nothing is done."""
    import mps_cli
    from store.answers import ANSWERS
    store = tmp_path / "store"
    assert mps_cli.main(["ingest", "--no-precompute", str(SAMPLE), "--store", str(store)]) == 0
    version = store.resolve()
    capsys.readouterr()
    assert mps_cli.main(["ingest", str(SAMPLE), "--store", str(store), "--if-stale"]) == 0
    said = capsys.readouterr().out
    assert "not this release's, so they are precomputed again" in said and "Precomputed " in said
    assert (store / ANSWERS).is_file() and store.resolve() == version  # the same version, now with answers
    assert mps_cli.main(["ingest", str(SAMPLE), "--store", str(store), "--if-stale"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_no_component_is_given_two_wildcard_attributes_at_once():
    """The rule behind the test above, for every component the product builds: two or more
    `aria-*`/`data-*` attributes go through `layouts.components.with_attributes`, never in one
    `**{...}` to a constructor (whose order would follow the hash seed)."""
    import ast

    from conftest import ROOT
    found = []
    for folder in ("layouts", "callbacks", "publish", "exports"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                wild = [k.value for kw in node.keywords if kw.arg is None and isinstance(kw.value, ast.Dict)
                        for k in kw.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        and k.value.startswith(("aria-", "data-"))]
                if len(wild) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {wild}")
    assert found == []
