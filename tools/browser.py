"""Headless Chromium (Debian's chromium + chromedriver) driving the real app over HTTP."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = next((p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if Path(p).exists()),
                shutil.which("chromium"))
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def require_browser():
    if CHROMIUM and Path(CHROMEDRIVER).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but Chromium/chromedriver are missing: .ci/run must install them")
    pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, store: Path):
        self.port = free_port()
        exe = Path(sys.executable).with_name("mps")
        # The server's log goes to a file, not a pipe: nobody reads a pipe while the tests run, and
        # once its buffer (64 KB, a few hundred request lines) is full the server blocks mid-request.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([str(exe), "serve", "--store", str(store), "--port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except Exception:
                if self.proc.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError("server exited: " + self.log.read()) from None
                time.sleep(0.3)
        raise RuntimeError("server did not start in 60 s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def make_driver(width=1366, height=900, log_network=False, arguments=()):
    """Headless Chromium; with ``log_network`` its performance log (every request, through the
    DevTools protocol) and the page's console are kept for ``driver.get_log``; ``arguments`` are
    more Chromium switches (e.g. ``--lang=en-GB``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--window-size={width},{height}", *arguments]:
        opts.add_argument(arg)
    if log_network:
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
