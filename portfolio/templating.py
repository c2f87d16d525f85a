"""What every template may use: the language list, the RTL flag, static URLs, forms."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_locale

from portfolio.i18n import LANGUAGES, current_language
from portfolio.static_files import static_url


def _context() -> dict[str, Any]:
    locale = str(get_locale() or "nl")
    language = current_language(locale)
    return {
        "languages": LANGUAGES,
        "lang": language,
        "text_dir": "rtl" if language.rtl else "ltr",
        "static_url": static_url,
        "current_path": request.full_path.rstrip("?") if request else "/",
    }


def init_app(app: Flask) -> None:
    app.context_processor(_context)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
