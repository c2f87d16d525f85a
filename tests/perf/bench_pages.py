"""Benchmark: bytes and requests for the home page and the owner's dashboard on a first
visit and on a repeat visit with the service worker warm, in real Chromium (Pixel 7).

Counted at the server (a WSGI wrapper sees every response the browser or its service
worker fetched). The app does not compress (a reverse proxy does, in production):
the figures give the bytes sent and what gzip makes of them.
"""

from __future__ import annotations

import gzip
import tempfile
import threading
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portfolio import create_app
from portfolio.blobs import BlobStore
from portfolio.db import db
from portfolio.demo import DEMO_PASSPHRASE, DEMO_USER, load_demo
from tests.browser.conftest import ARGS, CHROMIUM
from tests.conftest import make_settings, migrate_to_head

Seen = list[tuple[str, int, int]]


class Counter:
    """WSGI middleware: records (path, bytes, gzip bytes) of every response."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.seen: Seen = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers_size = 0

        def counting_start(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            nonlocal headers_size
            headers_size = len(status) + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, counting_start))
        self.seen.append(
            (
                environ["PATH_INFO"],
                headers_size + len(body),
                headers_size + len(gzip.compress(body)),
            )
        )
        return [body]


def report(label: str, seen: Seen) -> None:
    paths = ", ".join(path for path, _, _ in seen) or "none"
    raw = sum(s[1] for s in seen) / 1024
    gz = sum(s[2] for s in seen) / 1024
    print(f"{label}: {len(seen)} requests, {raw:.1f} KB uncompressed, {gz:.1f} KB gzip ({paths})")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        make_settings("sqlite:///" + str(folder / "b.sqlite3"), folder, cookie_secure=False)
    )
    migrate_to_head(app)
    counter = Counter(app.wsgi_app)
    app.wsgi_app = counter  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as p:
        launch: dict[str, Any] = {"args": ARGS}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = p.chromium.launch(**launch)
        page = browser.new_context(**p.devices["Pixel 7"]).new_page()
        page.goto(base + "/", wait_until="networkidle")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_timeout(500)
        first = [s for s in counter.seen if s[0] not in ("/sw.js", "/offline")]
        shell = [s for s in counter.seen if s not in first]
        report("home, first visit (page and its files)", first)
        report("  service worker install (fetched after the page, once)", shell)
        for path in ("/", "/login"):
            counter.seen.clear()
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(300)
            report(f"{path}, repeat visit (service worker warm)", list(counter.seen))
        # The dashboard of the demo portfolio: from a cold cache (log in, then home) and again.
        with app.app_context():
            load_demo(
                db.session,
                app.extensions["portfolio.vault"],
                BlobStore(folder / "blobs"),
                date(2026, 11, 23),
            )
            db.session.commit()
        page = browser.new_context(**p.devices["Pixel 7"]).new_page()
        counter.seen.clear()
        page.goto(base + "/login", wait_until="networkidle")
        page.locator("#username").fill(DEMO_USER)
        page.locator("#passphrase").fill(DEMO_PASSPHRASE)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url(base + "/home")
        page.wait_for_load_state("networkidle")
        cold = [s for s in counter.seen if s[0] not in ("/sw.js", "/offline")]
        report("dashboard (demo portfolio), cold cache: login page, files, dashboard", cold)
        for _ in range(2):  # the second time the service worker is sure to be warm
            counter.seen.clear()
            page.goto(base + "/home", wait_until="networkidle")
            page.wait_for_timeout(300)
        report("dashboard, repeat visit (service worker warm)", list(counter.seen))
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
