"""Benchmark: bytes and requests for the home page on a first visit and on a repeat
visit with the service worker warm, measured in real Chromium (Pixel 7).

The app itself does not compress (a reverse proxy does, in production); the figures
give what went over the wire from the app and what gzip would make of each response.
"""

from __future__ import annotations

import gzip
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portfolio import create_app
from portfolio.db import db
from tests.browser.conftest import ARGS, CHROMIUM
from tests.conftest import make_settings


def serve() -> tuple[str, object]:
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        make_settings("sqlite:///" + str(folder / "b.sqlite3"), folder, cookie_secure=False)
    )
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def visit(page, url: str) -> list[tuple[str, int, int, bool]]:
    """(url, bytes over the wire, gzip size of the body, served by service worker)."""
    seen: list[tuple[str, int, int, bool]] = []

    def finished(request) -> None:
        response = request.response()
        if response is None:
            return
        sizes = request.sizes()
        wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        from_sw = response.from_service_worker
        body = response.body() if not from_sw else b""
        seen.append(
            (request.url, 0 if from_sw else wire, len(gzip.compress(body)) if body else 0, from_sw)
        )

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    page.remove_listener("requestfinished", finished)
    return [s for s in seen if not s[0].endswith("/sw.js")]


def report(label: str, seen: list[tuple[str, int, int, bool]]) -> None:
    wire = sum(s[1] for s in seen)
    network = [s for s in seen if not s[3]]
    gz = sum(s[2] for s in network)
    print(
        f"{label}: {len(network)} requests to the network ({len(seen) - len(network)} from the service worker), "
        f"{wire / 1024:.1f} KB uncompressed, {gz / 1024:.1f} KB gzip-compressed"
    )


def main() -> None:
    base, server = serve()
    with sync_playwright() as p:
        launch = {"args": ARGS}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = p.chromium.launch(**launch)
        context = browser.new_context(**p.devices["Pixel 7"])
        page = context.new_page()
        report("home, first visit", visit(page, base + "/"))
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_timeout(500)
        report("home, repeat visit (service worker warm)", visit(page, base + "/"))
        report("login page, repeat visit", visit(page, base + "/login"))
        browser.close()
    server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
