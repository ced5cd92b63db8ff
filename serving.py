"""The gunicorn worker of `mps serve --production`: a request is read whole before a thread serves it.

gunicorn's threaded worker (gthread) hands a connection to a thread as soon as its first byte
arrives; the thread then blocks until the rest of the request comes. A client that sends a byte
every few seconds (by accident on a bad line, or on purpose: "slowloris") holds that thread, and
a handful of them hold every thread of a worker, so other people's page loads queue behind them.

`WholeRequestWorker` reads each request's head and body in the worker's event loop instead, with
non-blocking reads that cost no thread, and hands the connection to a thread only once the whole
request is there. A request that has not arrived within `REQUEST_READ_SECONDS` is answered 408 and
closed; a head over `HEAD_LIMIT_BYTES` is answered 431. Everything after that (parsing, the app,
keep-alive) is gthread's own.

Downloads (`/download/...`: the workbook, CSV zip and briefing pack, seconds of work when first
asked for after a refresh) are served by threads of their own (`DOWNLOAD_THREADS` a worker), so
twenty people downloading at once, most of them waiting for the one build, never take the threads
that answer pages and charts. `benchmarks/bench_serving.py` measures both.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import selectors
import threading
import time
from concurrent import futures
from functools import partial

from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker

REQUEST_READ_SECONDS = 30.0
"""The longest a client may take to send one whole request (head and body)."""
HEAD_LIMIT_BYTES = 64 * 1024
"""The largest request head (request line and headers) read."""
DOWNLOAD_THREADS = 4
"""Threads a worker keeps for /download/ requests, besides its --threads for everything else."""
DOWNLOADS = (b"GET /download/", b"HEAD /download/")
BODY_LIMIT_BYTES = 2 * 1024 * 1024 + 1
"""A body up to this size is read before a thread is given the request; a larger one is refused by
the app from its Content-Length alone (app.MAX_REQUEST_BYTES), so it is not waited for."""

_LENGTH = re.compile(rb"\r?\ncontent-length[ \t]*:[ \t]*(\d{1,12})[ \t]*(?=\r?\n|$)", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r?\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.IGNORECASE)
_EXPECT = re.compile(rb"\r?\nexpect[ \t]*:", re.IGNORECASE)


def request_complete(data: bytes | bytearray) -> bool | None:
    """Whether `data` holds one whole HTTP/1 request (head, and the body its headers announce);
    None when its head is over the limit without ending."""
    end, sep = data.find(b"\r\n\r\n"), 4
    if end < 0:
        end, sep = data.find(b"\n\n"), 2
    if end < 0:
        return None if len(data) > HEAD_LIMIT_BYTES else False
    head = bytes(data[:end])
    if _EXPECT.search(head):  # the client waits for "100 Continue" before sending its body
        return True
    body = len(data) - end - sep
    if _CHUNKED.search(head):  # the last chunk is "0", an empty line (no trailers) ends the body
        return body > BODY_LIMIT_BYTES or data.endswith(b"0\r\n\r\n")
    found = _LENGTH.search(head)
    length = int(found.group(1)) if found else 0
    return length > BODY_LIMIT_BYTES or body >= length


class WholeRequestWorker(ThreadWorker):
    """gthread, with each request read whole in the event loop before a thread is given it."""

    read_seconds = REQUEST_READ_SECONDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading: dict = {}  # connection -> deadline, in the order they started

    def init_process(self):
        # gthread's init_process ends by running the event loop: the pool must exist before.
        self.download_pool = futures.ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS, thread_name_prefix="download")
        super().init_process()

    def enqueue_req(self, conn):
        if self.cfg.is_ssl or conn.is_http2 or negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return super().enqueue_req(conn)
        # What a previous request's thread read ahead (a pipelined request) comes first.
        conn.mps_data = bytearray(conn.parser.unreader.take_buffered() if conn.parser is not None else b"")
        if request_complete(conn.mps_data):
            return self._dispatch(conn)
        conn.sock.setblocking(False)
        self.reading[conn] = time.monotonic() + self.read_seconds
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))

    def _readable(self, conn, _sock):
        try:
            chunk = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            return self._drop(conn)
        conn.mps_data += chunk
        complete = request_complete(conn.mps_data)
        if complete is None:
            return self._drop(conn, b"431 Request Header Fields Too Large")
        if complete:
            self.poller.unregister(conn.sock)
            del self.reading[conn]
            self._dispatch(conn)

    def _dispatch(self, conn):
        conn.mps_pending, conn.mps_data = bytes(conn.mps_data), None
        conn.data_ready = True  # gthread need not wait for a first byte
        if not conn.mps_pending.startswith(DOWNLOADS):
            return super().enqueue_req(conn)
        done = self.download_pool.submit(self.handle, conn)  # as gthread's enqueue_req, on the other pool
        done.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def _drop(self, conn, status: bytes | None = None):
        self.reading.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        if status:
            try:
                conn.sock.send(b"HTTP/1.1 " + status + b"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """gthread's sweep of idle connections, and ours of requests that took too long to arrive."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c, deadline in self.reading.items() if deadline <= now]:
            self._drop(conn, b"408 Request Timeout")

    def handle(self, conn):
        pending = getattr(conn, "mps_pending", None)
        if pending is not None:  # the whole request, read in the event loop: the parser reads it first
            conn.mps_pending = None
            try:
                conn.sock.setblocking(True)
                conn.init()
                conn.parser.unreader.unread(pending)
            except Exception as e:  # as gthread's handle does with a failure to start a connection
                self.handle_error(None, conn.sock, conn.client, e)
                return False
        return super().handle(conn)


# --------------------------------------------------------------------------- the C library's heap

MALLOC_ARENAS = 2
"""The C library's allocator arenas per process (`MPS_MALLOC_ARENAS`; 0 leaves glibc's default of
8 per core). Each thread that allocates while another holds an arena gets one of its own, and
each keeps the memory it freed: with 4 threads and the download pool a worker's heap grew in
several arenas at once and was not given back between requests."""
TRIM_EVERY_SECONDS = 10.0
"""How often, at most, a worker hands the free pages of its heap back to the system after a request."""
M_ARENA_MAX = -8  # glibc's mallopt parameter


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_malloc_arenas() -> int | None:
    """Cap glibc's arenas for this process and the workers it forks (`MALLOC_ARENAS`); returns the
    cap set, or None where the C library is not glibc or the cap is 0. Call before any thread starts."""
    try:
        arenas = int(os.environ.get("MPS_MALLOC_ARENAS", MALLOC_ARENAS))
    except ValueError:
        arenas = MALLOC_ARENAS
    libc = _libc()
    if libc is None or arenas <= 0:
        return None
    return arenas if libc.mallopt(M_ARENA_MAX, arenas) == 1 else None


class HeapTrimmer:
    """After a request, at most every `TRIM_EVERY_SECONDS`, glibc's `malloc_trim(0)`: the pages
    freed inside the heap (a cold authority's working frames) go back to the system, so a worker's
    resident size follows what it keeps (its caches, bounded in bytes) rather than its busiest moment."""

    def __init__(self, every: float = TRIM_EVERY_SECONDS):
        self.every = every
        self.libc = _libc()
        self._next = 0.0
        self._lock = threading.Lock()
        self.trims = 0

    def __call__(self, _exc=None) -> None:
        if self.libc is None:
            return
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                return
            self._next = now + self.every
        self.libc.malloc_trim(0)
        self.trims += 1
