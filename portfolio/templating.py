"""What every template may use: the language list, the RTL flag, static URLs, icons and
dates. Features add their own globals at the composition root (the radar chart)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from flask import Flask, g, request
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from portfolio.i18n import LANGUAGES, current_language
from portfolio.icons import ICON_PATHS
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


def icon(name: str, cls: str = "icon") -> Markup:
    """A small inline SVG icon (24x24, stroke), decorative: hidden from screen readers.
    A Python global rather than a Jinja macro: pages call it dozens of times."""
    return Markup(
        '<svg class="{}" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>'
    ).format(cls, Markup(ICON_PATHS.get(name, "")))  # noqa: S704  (our own constant shapes)


@lru_cache(maxsize=4096)
def _format_day(day: date, style: str, locale: str) -> str:
    return format_date(day, format=style, locale=locale)


def dateformat(value: date | datetime | None, style: str = "medium") -> str:
    """Flask-Babel's ``dateformat`` filter, remembered per day, style and language: a
    caseload of 150 formats 300 dates, each a slow trip through Babel's patterns."""
    if value is None:
        return ""
    if "locale_code" not in g:  # once per request, not once per date
        g.locale_code = str(get_locale() or "nl")
        g.user_timezone = get_timezone()
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # stored as UTC
        value = aware.astimezone(g.user_timezone).date()
    return _format_day(value, style, g.locale_code)


def init_app(app: Flask) -> None:
    app.context_processor(_context)
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.filters["dateformat"] = dateformat
    app.jinja_env.globals["icon_paths"] = ICON_PATHS
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
