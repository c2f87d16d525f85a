"""Cache-busting static URLs: ``/static/css/app.css?v=<hash of the file>``."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for

SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)


@lru_cache(maxsize=256)
def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    folder = Path(current_app.static_folder or "")
    try:
        version = _file_hash(folder / filename)
    except OSError:
        version = "0"
    return url_for("static", filename=filename, v=version)


def shell_version(static_folder: Path) -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = static_folder / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
