"""The authority (and comparator set) a page, a callback or a download answers for is an explicit
value: the page's `layout(authority=, comparators=, **query)` as Dash Pages passes the address's
query, each page callback's declared State of the address's search, a download route's own query or
path. Nothing reads the Referer header or picks values out of a request's body, so a browser that
sends no referrer sees the chosen authority's name over its own charts."""
import ast
import re

from conftest import ROOT, page_as_drawn

SOUTHWARK, LEWISHAM = "E09000028", "E09000023"
NOT_PRODUCT = {"tests", "benchmarks", "tools", "node_modules", "data", "docs"}
BODY_READERS = {("app.py", "_check_callback_request"), ("app.py", "CallbackResponses.lookup")}
"""Where the app reads a callback request's body: to refuse a malformed one and to look its answer up
whole (as the cache key). Neither picks a value out of it; Dash itself reads the rest."""


def _product_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_PRODUCT or any(p.startswith(".") for p in parts):
            continue
        yield path


def test_no_product_code_mentions_the_referrer():
    found = []
    for path in _product_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"refer+er", line, re.I) and not (path.name == "app.py" and '"Referrer-Policy"' in line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def _attributes_read(path):
    """(enclosing Class.function, attribute name) for every `x.attribute` in the module."""
    out = []

    def walk(node, where):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                walk(child, f"{where}.{child.name}" if where else child.name)
                continue
            if isinstance(child, ast.Attribute):
                out.append((where, child.attr))
            walk(child, where)
    walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return out


def test_request_bodies_are_read_only_by_the_guard_and_the_answer_cache():
    readers = {(str(path.relative_to(ROOT)), where) for path in _product_files()
               for where, attribute in _attributes_read(path) if attribute == "get_json"}
    assert readers == BODY_READERS


def test_pages_and_callbacks_never_read_the_request():
    """The layouts and callbacks get the view as arguments; only `layouts.context` keeps the chosen,
    pinned store for the rest of the request (flask.g), and it reads nothing of the request."""
    found = []
    for package in ("layouts", "callbacks", "metrics", "domain"):
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("request", "referrer", "headers") \
                        and isinstance(node.value, ast.Name) and node.value.id == "flask":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: flask.{node.attr}")
                if isinstance(node, ast.ImportFrom) and node.module == "flask" \
                        and any(a.name == "request" for a in node.names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from flask import request")
    assert found == []


def test_the_shell_is_the_same_whoever_refers(national_store):
    """`/_dash-layout` (fetched by script, without the page's address) holds nothing that depends on
    the authority: the same bytes with a referrer naming another authority, with none, and no
    authority's name in it."""
    from app import create_app
    client = create_app(national_store).server.test_client()
    plain = client.get("/_dash-layout").get_data(as_text=True)
    referred = client.get("/_dash-layout", headers={"Referer": f"http://localhost/?authority={SOUTHWARK}"})
    assert referred.get_data(as_text=True) == plain
    assert "Southwark" not in plain and "Lewisham" not in plain and "picker" not in plain


def test_the_page_names_the_authority_of_its_address_whatever_the_referrer(national_store):
    """The header comes with the page, drawn from the address's query: Southwark's page says
    "Southwark Council" and selects Southwark in the picker; a referrer naming another authority
    (Lewisham's own page) changes nothing, and without a query the page is the profile's."""
    from app import create_app
    client = create_app(national_store).server.test_client()
    southwark = page_as_drawn(client, f"/performance?authority={SOUTHWARK}")
    assert '"children":"Southwark Council"' in southwark and '"Lewisham Council"' not in southwark
    assert f'"children":"Southwark ({SOUTHWARK})","selected":true' in southwark
    client.environ_base["HTTP_REFERER"] = "http://localhost/performance"
    assert page_as_drawn(client, f"/performance?authority={SOUTHWARK}") == southwark
    client.environ_base["HTTP_REFERER"] = f"http://localhost/performance?authority={SOUTHWARK}"
    own = page_as_drawn(client, "/performance")
    assert '"children":"Lewisham Council and NHS Lewisham CCG"' in own and "Southwark Council" not in own


def test_a_page_layout_takes_the_view_as_arguments(national_store):
    """Called as Dash Pages calls it, with no request address at all: the arguments choose the view,
    and the problem with an unknown code is said in the frame."""
    import dash
    from app import create_app
    app = create_app(national_store)
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/performance")["layout"]
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        text = str(layout(authority=SOUTHWARK, sex="all"))
    assert "Southwark Council" in text and "Lewisham Council" not in text
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        text = str(layout(authority="E99999999", comparators="nope"))
    assert "'E99999999' is not an authority code" in text and "'nope' is not a comparator set" in text
    assert "Lewisham Council" in text


def test_a_callback_answers_for_its_declared_search_only(national_store):
    """The Performance chart callback for Southwark's address (its declared State) has Southwark's two
    campylobacter rows; the same callback with the profile's address has the sample's indicators too,
    even when the request's referrer names Southwark."""
    from app import create_app
    from layouts import ids
    app = create_app(national_store)
    client = app.server.test_client()
    client.get("/performance")
    cb = next(k for k in app.callback_map if ids.graph(ids.PERF_CHART) in k)
    spec = app.callback_map[cb]
    assert spec["state"][-1] == {"id": ids.URL, "property": "search"}  # declared, the last value

    def rows(search, referrer=None):
        body = {"output": cb,
                "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in cb.strip(".").split("...") if o],
                "inputs": [{"id": i["id"], "property": i["property"], "value": "all"} for i in spec["inputs"]],
                "state": [{"id": s["id"], "property": s["property"], "value": search if s["property"] == "search" else None}
                          for s in spec["state"]], "changedPropIds": []}
        answer = client.post("/_dash-update-component", json=body,
                             headers={"Referer": referrer} if referrer else {})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        return answer.get_json()["response"][ids.data(ids.PERF_CHART)]["data"]["rows"]

    assert rows(f"?authority={SOUTHWARK}") == 2
    assert rows("", referrer=f"http://localhost/performance?authority={SOUTHWARK}") > 2
    assert rows(f"?sex=all&authority={SOUTHWARK.lower()}&comparators=region") == 2
