"""What the app has, read from the app itself: its pages (Dash's `page_registry`, filled when
`create_app` imports them), its server callbacks (the app's callback map) and, for each callback
input, the values its page's layout offers. Tests use these instead of lists copied by hand, so a
page or callback added to the app is covered (or a test fails saying it is not) without editing
the tests.

    from app_inventory import page_paths, server_callbacks, drive_every_callback
"""
from __future__ import annotations

import itertools
from functools import lru_cache

# Properties that are events, not selections: the layout holds no value for them, so a driver
# gives the value a user's action sends (a click; a click on a chart's first marker).
EVENT_PROPERTIES = ("n_clicks", "clickData")


@lru_cache(maxsize=1)
def page_paths() -> tuple[str, ...]:
    """Every page's path, from `dash.page_registry` after an app is built (in registry order)."""
    import dash

    from app import create_app
    create_app("/nonexistent-store-for-the-page-list")  # imports the pages; registers each once
    return tuple(p["path"] for p in dash.page_registry.values())


def server_callbacks(app) -> dict[str, dict]:
    """The app's server callbacks (clientside ones left out), by output key, from its callback map."""
    return {key: cb for key, cb in app.callback_map.items() if not cb.get("clientside_function")
            and "_pages" not in key}


def _components(node):
    """Every component (a dict with `props`) in a serialised Dash layout."""
    if isinstance(node, dict):
        if "props" in node and isinstance(node["props"], dict):
            yield node
        for v in node.values():
            yield from _components(v)
    elif isinstance(node, list):
        for v in node:
            yield from _components(v)


def layout_values(layout) -> dict[tuple[str, str], list]:
    """(id, property) -> the values a page's layout offers: a component's own value, then each of
    its options' values (dropdowns, radio items), its `data` (stores) and its id (an input on `id`)."""
    found: dict[tuple[str, str], list] = {}

    def add(key, value):
        values = found.setdefault(key, [])
        if value not in values:
            values.append(value)

    for c in _components(layout):
        props = c["props"]
        cid = props.get("id")
        if not isinstance(cid, str):
            continue
        add((cid, "id"), cid)
        if "value" in props or "options" in props:
            if "value" in props:
                add((cid, "value"), props["value"])
            for o in props.get("options") or []:
                add((cid, "value"), o.get("value") if isinstance(o, dict) else o)
        if "data" in props:
            add((cid, "data"), props["data"])
    return found


def _clicks_from_figure(figure) -> list:
    """What Plotly sends as clickData for a click on the first marker of each trace that has one."""
    clicks = []
    for trace in (figure or {}).get("data") or []:
        custom = trace.get("customdata")
        if isinstance(custom, list) and custom:
            clicks.append({"points": [{"curveNumber": 0, "pointNumber": 0, "customdata": custom[0]}]})
    return clicks


def _payload(cb, inputs, states, values, search):
    from app import callback_request
    given = {(s["id"], s["property"]): states.get((s["id"], s["property"]), [None])[0] for s in cb.get("state", [])}
    given[("url", "search")] = search
    given.update({(i["id"], i["property"]): v for i, v in zip(inputs, values)})
    body = callback_request({**cb, "inputs": inputs}, given, [(i["id"], i["property"]) for i in inputs])
    body.setdefault("state", [])
    return body


def drive_every_callback(client, deps, layouts: dict[str, dict], combos: int = 40, check=None,
                         search: str = "") -> dict[str, int]:
    """Post every server callback of `deps` (the app's `/_dash-dependencies`) through Dash's real
    endpoint with values its pages' layouts offer: first each offered value of each input at least
    once (a sweep), then further combinations up to ``combos`` per callback. Values a callback
    answers with (a store's data, a chart's figure, made into a click) are offered to the callbacks
    that read them, in up to three rounds. Returns output -> requests made; a callback no layout or
    answer gives an input for is left at 0 (the caller asserts none is). ``check(output, combo,
    answer)`` looks at each 200 answer."""
    offered: dict[tuple[str, str], list] = {}
    for layout in layouts.values():
        for key, values in layout_values(layout).items():
            for v in values:
                if v not in offered.setdefault(key, []):
                    offered[key].append(v)
    callbacks = [cb for cb in deps if not cb.get("clientside_function") and "_pages" not in cb["output"]]
    driven = {cb["output"]: 0 for cb in callbacks}
    tried: dict[str, set] = {cb["output"]: set() for cb in callbacks}
    read = {(i["id"], i["property"]) for cb in callbacks for i in cb["inputs"] + cb.get("state", [])}
    grown = read
    for _round in range(3):
        learned: dict[tuple[str, str], list] = {}
        for cb in callbacks:
            keys = [(i["id"], i["property"]) for i in cb["inputs"]]
            if not grown.intersection(keys):
                continue
            choices = []
            for cid, prop in keys:
                if prop == "n_clicks":
                    choices.append([1])
                else:
                    choices.append(offered.get((cid, prop), []))
            if not all(choices):
                continue
            width = max(len(c) for c in choices)
            sweep = [tuple(c[k % len(c)] for c in choices) for k in range(width)]
            todo = list({repr(c): c for c in itertools.chain(sweep, itertools.product(*choices))
                         if repr(c) not in tried[cb["output"]]}.values())
            for combo in todo[:max(combos, width)]:
                tried[cb["output"]].add(repr(combo))
                body = _payload(cb, cb["inputs"], offered, list(combo), search)
                r = client.post("/_dash-update-component", json=body)
                driven[cb["output"]] += 1
                assert r.status_code in (200, 204), (cb["output"][:80], combo, r.get_data(as_text=True)[:300])
                if r.status_code != 200:
                    continue
                answer = r.get_json()
                if check is not None:
                    check(cb["output"], combo, answer)
                for cid, props in answer.get("response", {}).items():
                    for prop, value in props.items():
                        learned.setdefault((cid, prop), []).append(value)
                        if prop == "figure":
                            learned.setdefault((cid, "clickData"), []).extend(_clicks_from_figure(value))
        grown = set()
        for key, values in learned.items():
            for v in values:
                if key in read and v is not None and v not in offered.setdefault(key, []):
                    offered[key].append(v)
                    grown.add(key)
        if not grown:
            break
    return driven
