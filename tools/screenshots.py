"""Screenshots of every page, for looking at what a user sees:
    .venv/bin/python -m tools.screenshots http://127.0.0.1:8050 out/screens [WIDTHxHEIGHT]
"""
import sys
import time
from pathlib import Path

from tools.browser import make_driver


def pages() -> list[str]:
    """Every page's path, from Dash's page registry (filled when an app is made)."""
    import dash

    from app import create_app
    create_app("/nonexistent-store-for-the-page-list")
    return [p["path"] for p in dash.page_registry.values()]


def main(base, out, size="1366x900"):
    w, h = map(int, size.split("x"))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    d = make_driver(w, h)
    try:
        for p in pages():
            d.get(base + p)
            time.sleep(2.5)
            total = d.execute_script("return document.body.scrollHeight")
            d.set_window_size(w, min(max(h, total), 6000))
            time.sleep(2)
            name = (p.strip("/") or "overview") + f"-{w}.png"
            d.save_screenshot(str(out / name))
            errors = d.find_elements("css selector", ".dash-fe-error__title")
            print(name, "ERRORS" if errors else "ok")
            d.set_window_size(w, h)
    finally:
        d.quit()


if __name__ == "__main__":
    main(*sys.argv[1:])
