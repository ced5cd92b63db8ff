"""Every authority's opening answers, computed once when a version is written (`mps ingest`).

A page opened for an authority asks the server the same questions for every reader: the page router's
request (`?authority=CODE` in the address), then the page's callbacks with the values its layout
sets, then those its first answers set off. With every English authority in the store, a server
answering each of them cold spends a quarter of a second of CPU per page, and a few readers at once
queue behind each other. So `mps ingest` asks every page those questions for every authority the
new version has rows for (and for the profile's own view, an address with no query), the way a
browser opening it would, and keeps the answers in the version (`store.answers`): the server sends
them as they are, and computes only what a reader changes (a year, a client group, a neighbourhood).

The questions are asked through the app itself (Flask's test client on `app.create_app` of the new
version), so an answer is byte for byte what the server would compute; `tests/test_precompute.py`
checks it, and a browser test checks that Chromium opening a page asks exactly these questions.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app import callback_outputs, callback_request

ROUTER_INPUTS = (("_pages_location", "pathname"), ("_pages_location", "search"))
"""The page router's inputs (Dash Pages' location): the address a browser opens."""
MAX_ROUNDS = 20
"""Rounds of callbacks set off by other callbacks' answers followed for one page (a guard: the pages
have at most three)."""


@dataclass
class PrecomputeReport:
    answers: int = 0
    visits: int = 0
    failed: list[str] = field(default_factory=list)  # "path?search: output (status)" not kept
    seconds: float = 0.0
    processes: int = 1


def searches(store) -> list[str]:
    """The addresses' queries precomputed: none (the profile's own view), then `?authority=CODE`
    for every authority the version has rows for, as the header's picker and links write them."""
    return [""] + [f"?authority={code}" for code, _name in store.authorities()]


def _components(node, values: dict, found: set) -> None:
    """Every component id in a layout as JSON (`found`), and the value of each property it sets."""
    if isinstance(node, list):
        for child in node:
            _components(child, values, found)
        return
    if not isinstance(node, dict):
        return
    props = node.get("props")
    if "type" in node and isinstance(props, dict):
        key = props.get("id")
        if isinstance(key, str):
            found.add(key)
            for name, value in props.items():
                values[(key, name)] = _as_a_browser_reads(value)
        for value in props.values():
            if isinstance(value, (dict, list)):
                _components(value, values, found)


def _as_a_browser_reads(value):
    """A value as the browser holds it after reading the server's JSON: JavaScript has one kind of
    number, so 90.0 comes back as 90 (and the callback gets an int)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_as_a_browser_reads(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_a_browser_reads(v) for k, v in value.items()}
    return value


def opening_requests(post: Callable[[dict], tuple[int, dict | None, bytes]], callbacks: list[dict],
                     path: str, search: str) -> Iterator[tuple[dict, int, bytes]]:
    """The requests a browser sends opening `path` + `search`, each with its status and answer, as
    Dash's renderer sends them: the router's, then every server callback whose inputs are all in
    the page (and which does not wait for a click: `prevent_initial_call`), a callback whose input
    another of them sets waiting for it, then each callback an answer set off, in rounds. `post`
    sends a request and returns (status, the answer as JSON or None, its bytes); `callbacks` is
    `/_dash-dependencies`."""
    router = next(c for c in callbacks if c["output"].startswith(".._pages_content."))
    values = {ROUTER_INPUTS[0]: path, ROUTER_INPUTS[1]: search, ("url", "pathname"): path, ("url", "search"): search}
    body = callback_request(router, values, ROUTER_INPUTS)
    status, answer, raw = post(body)
    yield body, status, raw
    if status != 200 or not answer:
        return
    present: set[str] = {"url", "_pages_location"}
    page: set[str] = set()
    _components(answer.get("response", {}).get("_pages_content", {}).get("children"), values, page)
    present |= page
    server = [c for c in callbacks if not c.get("clientside_function") and c is not router]

    def runnable(c):
        return all(i["id"] in present for i in c["inputs"])

    pending = [c for c in server if not c.get("prevent_initial_call") and runnable(c)
               and (any(i["id"] in page for i in c["inputs"]) or any(o[0] in page for o in callback_outputs(c)))]
    for _round in range(MAX_ROUNDS):
        if not pending:
            break
        # A callback whose input another pending callback sets waits for that one's answer.
        set_by_others = {c["output"]: {o for d in pending if d is not c for o in callback_outputs(d)} for c in pending}
        ready = [c for c in pending if not any((i["id"], i["property"]) in set_by_others[c["output"]]
                                               for i in c["inputs"])] or pending
        changed: set[tuple[str, str]] = set()
        for c in ready:
            body = callback_request(c, values, [(i["id"], i["property"]) for i in c["inputs"]])
            status, answer, raw = post(body)
            yield body, status, raw
            for component, props in ((answer or {}).get("response") or {}).items():
                for prop, value in props.items():
                    values[(component, prop)] = _as_a_browser_reads(value)
                    changed.add((component, prop))
                    new: set[str] = set()
                    _components(value, values, new)
                    present |= new
        waiting = [c for c in pending if c not in ready]
        pending = waiting + [c for c in server if c not in waiting and runnable(c)
                             and any((i["id"], i["property"]) in changed for i in c["inputs"])]


def _answer_searches(version: str, chosen: list[str]) -> tuple[list[tuple[str, bytes]], int, list[str]]:
    """(key, gzipped answer) for every opening request of every page for each search in `chosen`,
    answered by an app on `version` in this process; with the visits made and what failed."""
    import json

    import dash

    from app import answer_key, create_app
    from store.answers import gzipped

    app = create_app(version)
    client = app.server.test_client()
    client.get("/")  # Dash finishes setting itself up on its first request
    callbacks = json.loads(client.get("/_dash-dependencies").get_data())
    paths = [p["path"] for p in dash.page_registry.values()]

    def post(body):
        response = client.post("/_dash-update-component", json=body)
        raw = response.get_data()
        try:
            answer = json.loads(raw) if response.status_code == 200 else None
        except ValueError:
            answer = None
        return response.status_code, answer, raw

    kept, failed, visits = {}, [], 0
    for search in chosen:
        for path in paths:
            visits += 1
            try:
                for body, status, raw in opening_requests(post, callbacks, path, search):
                    if status == 200:
                        kept[answer_key(body)] = gzipped(raw)
                    elif status != 204:  # 204: the callback changed nothing (PreventUpdate)
                        failed.append(f"{path}{search}: {body['output'][:60]} ({status})")
            except Exception as exc:  # a page that cannot be asked is computed when a reader opens it
                failed.append(f"{path}{search}: {type(exc).__name__}: {exc}"[:200])
    return list(kept.items()), visits, failed


def precompute(version: Path, processes: int | None = None) -> PrecomputeReport:
    """Answer every page's opening requests for every authority `version` has rows for, in
    `processes` processes (default: one per usable core), and write them into the version
    (`store.answers.write_answers`). A page that fails for an authority is reported, never raised:
    it is computed when a reader opens it, which shows what is wrong."""
    from concurrent import futures
    import multiprocessing

    from app import code_fingerprint
    from store import Store
    from store.answers import write_answers

    started = time.perf_counter()
    chosen = searches(Store(version))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    processes = max(1, min(processes or cores, len(chosen)))
    shares = [chosen[k::processes] for k in range(processes)]
    report = PrecomputeReport(processes=processes)
    answers: list[tuple[str, bytes]] = []
    if processes == 1:
        found, report.visits, report.failed = _answer_searches(str(version), chosen)
        answers += found
    else:
        # A fresh interpreter per process ("spawn"): the caller's threads and open files are not forked.
        context = multiprocessing.get_context("spawn")
        with futures.ProcessPoolExecutor(processes, mp_context=context) as pool:
            jobs = [pool.submit(_answer_searches, str(version), share) for share in shares]
            for job in futures.as_completed(jobs):
                found, visits, failed = job.result()
                answers += found
                report.visits += visits
                report.failed += failed
    report.answers = write_answers(version, answers, made_by=code_fingerprint())
    report.seconds = time.perf_counter() - started
    return report
