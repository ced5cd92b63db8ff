"""One sha256 per (authority, page, callback output) of the app's opening answers: the checker that
a change meant only to save time leaves every byte a reader gets as it was.

    .venv/bin/python -m benchmarks.answers_digest STORE OUT.json [--authorities 12] [--seed 1]
        [--compare BEFORE.json]

For a fixed list of authorities (the store's profile authority, those the profiler's 60 visits
with `--seed` pick first, then others by the same seed, up to `--authorities`), every page of
Dash's page registry is opened as `benchmarks.profile_every_authority` does it, through Flask's
test client in one process: the router's request, then the page's opening callbacks
(`benchmarks.bench_every_authority.opening_requests`). Each response's whole body is hashed, and
so is each output in it (its JSON as the app sent it, re-encoded compactly), so a difference names
the output. With `--compare`, prints every key whose hash differs from BEFORE.json and exits 1
when any does.

Python's string hashing is fixed (PYTHONHASHSEED=0; the script runs itself again under it when it
is not): the header's authority picker orders two authorities of the same name (two
Buckinghamshires in the areas lookup) as a set of codes iterates, which differs from one process
to the next, and would make runs of the same code differ.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pick_authorities(codes: list[str], pages: list[str], profile: str | None, count: int,
                     seed: int) -> list[str]:
    """The profile authority, the first authorities the profiler's visits with SEED draw (the
    same draws as `profile_every_authority`), then others drawn by SEED, COUNT in all."""
    chosen = [profile] if profile in codes else []
    rnd = random.Random(seed)
    for _ in range(60):
        rnd.choice(pages)
        code = rnd.choice(codes)
        if code not in chosen and len(chosen) < count // 2 + 1:
            chosen.append(code)
    extra = random.Random(seed + 1000)
    while len(chosen) < min(count, len(codes)):
        code = extra.choice(codes)
        if code not in chosen:
            chosen.append(code)
    return chosen


def digest(store: Path, count: int, seed: int) -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "tests"))
    import dash
    from app_inventory import layout_values

    from app import create_app
    from benchmarks.bench_callbacks import payload
    from benchmarks.bench_every_authority import opening_requests
    from store import Store

    app = create_app(store)
    client = app.server.test_client()
    client.get("/")
    deps = json.loads(client.get("/_dash-dependencies").data)
    router = next(d for d in deps if "_pages_content" in d["output"])
    pages = [p["path"] for p in dash.page_registry.values()]
    reading = Store(store)
    codes = [c for c, _ in reading.authorities()]
    profile = reading.authority_code
    authorities = pick_authorities(codes, pages, profile, count, seed)
    out: dict[str, str] = {}
    for code in authorities:
        search = f"?authority={code}"
        for path in pages:
            r = client.post("/_dash-update-component", json=payload(router, [path, search]))
            out[f"{code} {path} router"] = f"{r.status_code} {sha(r.data)}"
            for body in opening_requests(deps, router, layout_values, path, r.get_json(), search):
                a = client.post("/_dash-update-component", json=body)
                key = f"{code} {path} {body['output']}"
                out[key] = f"{a.status_code} {sha(a.data)}"
                if a.status_code != 200:
                    continue
                for cid, props in (a.get_json().get("response") or {}).items():
                    for prop, value in props.items():
                        text = json.dumps(value, separators=(",", ":")).encode()
                        out[f"{key} :: {cid}.{prop}"] = sha(text)
    return out


def main(argv=None) -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # see the module's docstring
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, "-m", "benchmarks.answers_digest", *(argv or sys.argv[1:])])
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--authorities", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    t = time.perf_counter()
    found = digest(args.store, args.authorities, args.seed)
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    print(f"{len(found)} hashes in {time.perf_counter() - t:.1f} s -> {args.out}")
    if not args.compare:
        return 0
    before = json.loads(args.compare.read_text())
    differ = sorted(k for k in set(before) | set(found) if before.get(k) != found.get(k))
    for k in differ:
        print(f"DIFFERS {k}: {before.get(k)} -> {found.get(k)}")
    print(f"{len(differ)} of {len(before)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
