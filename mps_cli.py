"""The `mps` command: ingest, validate, serve (and export, once metrics exist).

Bad input never shows a traceback: every InputError is printed as one located sentence and the
command exits non-zero.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from store import StoreBusy
from loaders.errors import InputError, display_name

DEFAULT_STORE = Path("data/store")
# Wide enough for file names when output goes to a log or CI rather than a terminal.
console = Console(stderr=False, highlight=False, width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)


def shown(text) -> str:
    """Text from a file or its name, printable on one line: control characters as '?', and
    rich's [markup] escaped, so a crafted file name can neither forge a log line nor style one."""
    return escape(display_name(str(text)))


def _summary(report, title: str) -> None:
    table = Table(title=shown(title), show_lines=False)
    for col in ("file", "kind", "rows read", "rows kept", "warnings", "status"):
        table.add_column(col, justify="right" if col.startswith("rows") or col == "warnings" else "left")
    for f in report.files:
        table.add_row(shown(f.path.name), f.kind or "-", str(f.rows_read), str(f.rows_kept),
                      str(len(f.warnings)), "[green]ok[/green]" if f.ok else "[red]FAILED[/red]")
    for path, _why in getattr(report, "skipped", []):
        table.add_row(shown(path.name), "-", "-", "-", "-", "[yellow]not read[/yellow]")
    console.print(table)
    for path, why in getattr(report, "skipped", []):
        console.print(f"  [yellow]not read[/yellow] {shown(path.name)}: {why}")
    for note in getattr(report, "notes", []):
        tag, _, text = note.partition(" ") if note.startswith("authority ") else ("note", "", note)
        console.print(f"[green]{tag}[/green] {shown(text)}")
    for f in report.files:
        for w in f.warnings[:5]:
            console.print(f"  [yellow]note[/yellow] {shown(f.path.name)}: {shown(w)}")
        if len(f.warnings) > 5:
            console.print(f"  [yellow]note[/yellow] {shown(f.path.name)}: … and {len(f.warnings) - 5} more")
    for f in report.files:
        if f.error:
            err_console.print(f"[red]error[/red] {shown(f.error)}")


def _run_with_progress(fn, source_dir: Path):
    from loaders.store import source_files

    files = source_files(source_dir) if source_dir.is_dir() else []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("reading", total=len(files))

        def tick(path: Path) -> None:
            progress.update(task, description=f"reading {path.name}")
            progress.advance(task)

        return fn(tick)


def store_is_stale(source: Path, store: Path) -> bool:
    """True when the store is missing or older than any input file, lookup table or profile."""
    from loaders import DEFAULT_LOOKUPS
    from loaders.profile import AUTHORITIES_DIR

    manifest = store / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    inputs = [p for d in (source, DEFAULT_LOOKUPS, AUTHORITIES_DIR) if d.is_dir() for p in d.rglob("*")
              if p.is_file()]
    return any(p.stat().st_mtime > built for p in inputs)


def cmd_ingest(args) -> int:
    from loaders.store import ingest

    source = Path(args.source_dir)
    if args.if_stale and not store_is_stale(source, Path(args.store)):
        if args.no_precompute or _answers_made_here(Path(args.store)):
            console.print(f"Store {args.store} is up to date with {source}; nothing to do.")
            return 0
        # The tables are current but their opening answers are missing or another release's (the
        # product was upgraded since): `make run` after an update serves precomputed pages again.
        console.print(f"Store {args.store} is up to date with {source}; its opening answers are not this "
                      "release's, so they are precomputed again.")
        from store.layout import current
        _precompute_summary(_precompute(current(Path(args.store))))
        return 0
    report = _run_with_progress(lambda tick: ingest(source, Path(args.store), progress=tick,
                                                    authority=args.authority, profile_dir=_profile(args),
                                                    replace=args.replace,
                                                    precompute=None if args.no_precompute else _precompute),
                                source)
    _summary(report, f"Ingest of {source}")
    if not report.files:
        err_console.print(f"[red]error[/red] {source}: no input files found")
        return 1
    if not report.ok:
        failed = sum(not f.ok for f in report.files)
        err_console.print(f"{failed} file(s) failed; the store at {args.store} was left unchanged.")
        return 1
    for note in report.added:
        console.print(f"[green]added[/green] {shown(note)}")
    for note in report.replaced:
        console.print(f"[green]replaced[/green] {shown(note)}")
    for note in report.kept.values():
        console.print(f"[yellow]kept[/yellow] {shown(note)}")
    for name in report.dropped:
        console.print(f"[yellow]dropped[/yellow] the '{name}' table: no file in this refresh gives it (--replace)")
    console.print(f"Store written to {shown(report.store_dir)} ({len(report.files)} files).")
    if report.precomputed is not None:  # (a precompute that failed is among the summary's notes)
        _precompute_summary(report.precomputed)
    return 0


def _precompute(version: Path):
    """The new version's opening answers (precompute.py), said as they are made: they take a few
    seconds for one authority, a few minutes for every English one."""
    from precompute import precompute
    console.print("Precomputing every page's opening answers for each authority the store has rows for ...")
    return precompute(version)


def _precompute_summary(done) -> None:
    console.print(f"Precomputed {done.answers} opening answers ({done.visits} page visits) in {done.seconds:.0f} s "
                  f"with {done.processes} process{'es' if done.processes > 1 else ''}.")
    if done.failed:
        console.print(f"[yellow]note[/yellow] {len(done.failed)} answer(s) could not be precomputed; their pages "
                      f"compute them when opened and say what is wrong. First: {done.failed[0]}")


def cmd_precompute(args) -> int:
    """The opening answers of the version the store names now, written again (e.g. after an
    upgrade of the product, or for a store ingested with --no-precompute)."""
    from store.layout import current
    store = Path(args.store)
    if not (store / "manifest.json").exists():
        err_console.print(f"[red]error[/red] {store}: no store here; run `mps ingest` first")
        return 1
    _precompute_summary(_precompute(current(store)))
    return 0


def _profile(args) -> Path | None:
    return Path(args.profile) if getattr(args, "profile", None) else None


def _authority_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--authority", metavar="CODE",
                   help="the authority's ONS GSS code (default: mps.toml's area_code, else inferred from the files)")
    p.add_argument("--profile", metavar="DIR",
                   help="the authority's profile folder (default: data/authorities/CODE, if there is one)")


def cmd_validate(args) -> int:
    from loaders.store import load_folder

    source = Path(args.source_dir)
    report, _, _ = _run_with_progress(lambda tick: load_folder(source, progress=tick, authority=args.authority,
                                                               profile_dir=_profile(args)), source)
    _summary(report, f"Validation of {source} (nothing written)")
    if not report.files:
        err_console.print(f"[red]error[/red] {source}: no input files found")
        return 1
    return 0 if report.ok else 1


def cmd_serve(args) -> int:
    from app import create_app

    store = Path(args.store)
    app = create_app(store)
    console.print(f"Serving the dashboard on http://{args.host}:{args.port}/ (store: {store})")
    _say_whose_answers(store)
    if not args.production:
        # Flask's threaded server: right for one analyst's machine and for the tests. The Server
        # header names the product, not the server software and Python version behind it.
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            server_version = "mps-dashboard"
            sys_version = ""

        app.run(host=args.host, port=args.port, debug=False, threaded=True, request_handler=Handler)
        return 0
    # For a shared deployment: gunicorn with several workers, so a slow download (the briefing
    # pack) does not hold up everyone's charts.
    import gunicorn.http.wsgi
    from gunicorn.app.base import BaseApplication
    try:
        from serving import HeapTrimmer, WholeRequestWorker, limit_malloc_arenas
    except ModuleNotFoundError:  # an editable install made before serving.py existed (`make setup` renews it)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from serving import HeapTrimmer, WholeRequestWorker, limit_malloc_arenas
    limit_malloc_arenas()  # before warm-up and the fork: the workers inherit the cap (serving.py)
    app.server.teardown_request(HeapTrimmer())

    gunicorn.http.wsgi.SERVER = "mps-dashboard"  # the Server header, without the software's name
    workers, threads = production_sizing(args.workers, args.threads)
    from app import warm
    answered = warm(app)  # before the fork: every worker starts with the opening answers in memory
    import gc
    # The objects built so far are never collected: the workers' collections then leave their pages
    # alone, so the pages stay shared with the master instead of being copied into each worker.
    gc.freeze()
    console.print(f"gunicorn: {workers} workers x {threads} threads; {answered} opening callbacks precomputed")

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            # gthread, reading each request whole in the event loop before a thread takes it: a
            # client sending a byte every few seconds holds a socket, never a thread (serving.py).
            self.cfg.set("worker_class", WholeRequestWorker)
            # Browsers and proxies hold idle connections for up to a minute or so; closing them
            # after 1 s made requests on a reused connection fail (RemoteDisconnected).
            self.cfg.set("keepalive", 75)
            self.cfg.set("timeout", 120)
            self.cfg.set("accesslog", None)
            self.cfg.set("loglevel", "warning")

        def load(self):
            return app.server

    Server().run()
    return 0


def _answers_made_here(store: Path) -> bool | None:
    """Whether this code made the opening answers of the store's current version (None: it has none)."""
    from app import code_fingerprint
    from store.answers import made_by
    from store.layout import current
    stamp = made_by(current(store))
    return None if stamp is None else stamp == code_fingerprint()


def _say_whose_answers(store: Path) -> None:
    """A note when the store's current version has no opening answers this code can use."""
    if not (store / "manifest.json").exists():
        return
    made_here = _answers_made_here(store)
    if made_here is None:
        console.print("[yellow]note[/yellow] this version of the store has no precomputed opening answers: each "
                      "page is computed when first opened (`mps precompute` adds them)")
    elif not made_here:
        console.print("[yellow]note[/yellow] the store's opening answers were precomputed by another release of "
                      "the product (or other package versions), so they are not used: run `mps precompute`")


def production_sizing(workers: int | None = None, threads: int | None = None) -> tuple[int, int]:
    """gunicorn's workers and threads for this machine. Callbacks are CPU-bound Python, so
    parallelism comes from processes: one worker per usable core (at least 2). Downloads have
    threads of their own in each worker (serving.DOWNLOAD_THREADS), so no extra worker is kept for
    them: serving every authority on 2 cores, 2 workers answered more requests with a lower p95 and
    less memory than 3 (benchmarks/RESULTS-every-authority.md). Threads (4 per worker) keep slow
    clients and idle keep-alive connections from holding a worker."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return workers or max(2, cores), threads or 4


def _for_authority(store, args):
    """The store seen as serving `--authority CODE` (default: the profile's), or None after saying
    what is wrong with the code."""
    from store import UnknownAuthority
    code = getattr(args, "authority", None)
    try:
        view = store.for_authority(code)
    except UnknownAuthority as e:
        err_console.print(f"[red]error[/red] --authority {code}: {e}")
        return None
    if code and not view.has_rows_for(view.authority.area_code):
        err_console.print(f"[red]error[/red] --authority {code}: the store has no rows for "
                          f"{view.authority.area_name}; ingest a national file that covers it")
        return None
    chosen = getattr(args, "comparators", None)
    if chosen:
        view = view.with_comparators(chosen)
        if view.comparator_problem:
            err_console.print(f"[yellow]note[/yellow] --comparators {chosen}: {view.comparator_problem}")
    return view


def cmd_export(args) -> int:
    from exports.csv_export import write_csv_tables
    from store import Store

    store = Store(args.store)
    if not store.exists:
        err_console.print(f"[red]error[/red] {args.store}: no store here; run `mps ingest SOURCE_DIR --store {args.store}` first")
        return 1
    store = _for_authority(store, args)
    if store is None:
        return 1
    if args.format == "csv":
        written = write_csv_tables(store, Path(args.out))
        console.print(f"Wrote {len(written)} tables to {args.out}: " + ", ".join(p.name for p in written))
        return 0
    from exports.downloads import dated_name
    from exports.xlsx_export import write_workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        out = out / dated_name(store, "mps-tables", "xlsx")
    write_workbook(store, out)
    console.print(f"Wrote the workbook {out}")
    return 0


def cmd_brief(args) -> int:
    from exports.brief import write_brief
    from store import Store

    store = Store(args.store)
    if not store.exists:
        err_console.print(f"[red]error[/red] {args.store}: no store here; run `mps ingest SOURCE_DIR --store {args.store}` first")
        return 1
    store = _for_authority(store, args)
    if store is None:
        return 1
    out = Path(args.out)
    if out.suffix.lower() not in {".pdf", ".html", ".htm"}:
        err_console.print(f"[red]error[/red] {out}: the briefing pack is written as a .pdf or .html file")
        return 1
    write_brief(store, out)
    console.print(f"Wrote the briefing pack {out}")
    return 0


def cmd_publish(args) -> int:
    from store import Store
    try:
        from publish import publish, publish_all
    except ModuleNotFoundError:  # an editable install made before publish/ existed (`make setup` renews it)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from publish import publish, publish_all
    from publish.editions import PreviousEditionError
    from publish.narrative import NarrativeError

    store = Store(args.store)
    if not store.exists:
        err_console.print(f"[red]error[/red] {args.store}: no store here; run `mps ingest SOURCE_DIR --store {args.store}` first")
        return 1
    out = Path(args.out)
    try:
        if args.all:
            if args.authority or args.previous:
                err_console.print("[red]error[/red] --all publishes every authority; give it without --authority "
                                  "and --previous")
                return 1
            done = publish_all(store, out)
            for code, name, r in done:
                console.print(f"Published {shown(name)} ({code}): {r.pages} PDF pages, {r.bytes / 1e6:.1f} MB, "
                              f"{r.seconds:.1f} s")
            console.print(f"Wrote {len(done)} statements under {shown(out)} (index.html lists them)")
            return 0
        view = _for_authority(store, args)
        if view is None:
            return 1
        r = publish(view, out, previous=Path(args.previous) if args.previous else None)
    except (PreviousEditionError, NarrativeError) as exc:
        err_console.print(f"[red]error[/red] {shown(exc)} (nothing was written; {shown(out)} is as it was)")
        return 1
    console.print(f"Published the market position statement to {shown(r.folder)}: index.html, "
                  f"{len(r.outline)} PDF sections on {r.pages} pages ({shown(r.pdf.name)}), "
                  f"{r.bytes / 1e6:.1f} MB in {r.seconds:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mps", description="Market Position Statement analytics")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="load a folder of downloads into the Parquet store")
    p.add_argument("source_dir")
    p.add_argument("--store", default=str(DEFAULT_STORE))
    p.add_argument("--if-stale", action="store_true",
                   help="only ingest when the store is missing or older than the inputs")
    _authority_arguments(p)
    p.add_argument("--replace", action="store_true",
                   help="drop tables the store holds that no file of this refresh gives (kept by default)")
    p.add_argument("--no-precompute", action="store_true",
                   help="publish the new version without its pages' opening answers (computed when first "
                        "opened instead; `mps precompute` adds them later)")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("precompute", help="precompute the pages' opening answers for every authority in the store")
    p.add_argument("--store", default=str(DEFAULT_STORE))
    p.set_defaults(func=cmd_precompute)
    p = sub.add_parser("validate", help="dry run: what would load and what is wrong")
    p.add_argument("source_dir")
    _authority_arguments(p)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("serve", help="serve the dashboard")
    p.add_argument("--store", default=str(DEFAULT_STORE))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--production", action="store_true",
                   help="serve with gunicorn (several workers) for a shared deployment")
    p.add_argument("--workers", type=int, default=None,
                   help="gunicorn workers with --production (default: usable cores, at least 2)")
    p.add_argument("--threads", type=int, default=None, help="threads per worker with --production (default 4)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("export", help="write the refreshed MPS tables")
    p.add_argument("--store", default=str(DEFAULT_STORE))
    p.add_argument("--out", required=True, help="a folder (csv), or a folder or .xlsx file (xlsx)")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--authority", metavar="CODE", help="the authority to export (GSS code; default: the profile's)")
    p.add_argument("--comparators", choices=["profile", "region", "peers"],
                   help="the councils it is compared with (default: the profile's list, else the region)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("brief", help="write the committee briefing pack (.pdf or .html)")
    p.add_argument("--store", default=str(DEFAULT_STORE))
    p.add_argument("--out", required=True)
    p.add_argument("--authority", metavar="CODE", help="the authority to brief on (GSS code; default: the profile's)")
    p.add_argument("--comparators", choices=["profile", "region", "peers"],
                   help="the councils it is compared with (default: the profile's list, else the region)")
    p.set_defaults(func=cmd_brief)
    p = sub.add_parser("publish", help="write the market position statement as a static website and one PDF")
    p.add_argument("--store", default=str(DEFAULT_STORE))
    p.add_argument("--out", required=True, help="the folder to write the website (and its PDF) into")
    p.add_argument("--authority", metavar="CODE", help="the authority to publish (GSS code; default: the profile's)")
    p.add_argument("--all", action="store_true", help="every authority the store has rows for, each in OUT/CODE/")
    p.add_argument("--previous", metavar="DIR",
                   help="the folder of the last published edition: adds what changed since it (its figures.json)")
    p.set_defaults(func=cmd_publish)
    return parser


def os_problem(exc: OSError) -> str:
    """An operating-system error as what the user can do about it; the store is left as it was."""
    where = exc.filename or "a file"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"{where}: permission denied ({exc.strerror}); the user running mps needs to be able to "
                "write there (the previous store, if any, is unchanged)")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"{where}: the disk is full ({exc.strerror}); free some space and run the command again "
                "(the previous store, if any, is unchanged)")
    return f"{where}: {exc.strerror or exc} (the previous store, if any, is unchanged)"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        err_console.print(f"[red]error[/red] {shown(exc.message)}")
        return 1
    except StoreBusy as exc:
        err_console.print(f"[red]error[/red] {shown(exc)}")
        return 75  # EX_TEMPFAIL: try again later
    except OSError as exc:  # the machine's problem (permissions, a full disk), not a bug: say which
        err_console.print(f"[red]error[/red] {shown(os_problem(exc))}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: say so in one line; MPS_DEBUG=1 for the trace
        if os.environ.get("MPS_DEBUG"):
            raise
        from loaders.store import reader_exhausted

        problem = reader_exhausted(exc)  # out of memory, stack or threads: the machine's limit, not a bug
        if problem is not None:
            err_console.print(f"[red]error[/red] {problem.replace('this file', 'the input')} "
                              "(the previous store, if any, is unchanged)")
            return 1
        err_console.print(f"[red]internal error[/red] {type(exc).__name__}: {exc} "
                          "(set MPS_DEBUG=1 to see the traceback, and please report it)")
        return 2


if __name__ == "__main__":
    sys.exit(main())
