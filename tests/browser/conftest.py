"""Real Chromium (Playwright) against the app served from a background thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portfolio import create_app
from tests.conftest import make_settings, migrate_to_head

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    launch = {**browser_type_launch_args, "args": ARGS}
    if os.path.exists(CHROMIUM):
        launch["executable_path"] = CHROMIUM
    return launch


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], playwright: Any) -> dict[str, Any]:
    return {**browser_context_args, **playwright.devices["Pixel 7"], "locale": "nl-NL"}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("browser")
    url = "sqlite:///" + str(folder / "browser.sqlite3")
    app = create_app(make_settings(url, folder / "instance", cookie_secure=False))
    migrate_to_head(app)
    return app


@pytest.fixture(scope="session")
def base_url(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # The app's own address (PUBLIC_URL): links and QR codes lead to this server.
    settings = live_app.extensions["portfolio.settings"]
    live_app.extensions["portfolio.settings"] = settings.with_overrides(public_url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA) in the page; the script is added through a
    CSP-bypassing route only for the check."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Any, name: str, lang: str, *, journey: str) -> None:
    """A screenshot to look at, and no axe-core violation (WCAG 2.1 A/AA) on the page."""
    shoot(page, f"{journey}-{name}-{lang}")
    violations = axe_violations(page)
    assert violations == [], f"{name} ({lang}): {violations}"
