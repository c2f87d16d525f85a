"""Locale selection, the language list, the right-to-left flag and the language cookie."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

DEFAULT_LOCALE = "nl"
LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str  # named in its own script, for the switcher
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("nl", "Nederlands"),
    Language("en", "English"),
    Language("ar", "العربية", rtl=True),
    Language("fa", "فارسی / دری", rtl=True),
    Language("ti", "ትግርኛ"),
    Language("tr", "Türkçe"),
    Language("so", "Soomaali"),
)
CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
BY_CODE = {lang.code: lang for lang in LANGUAGES}


def is_supported(code: str | None) -> bool:
    return code in BY_CODE


def select_locale() -> str:
    """The user's saved choice > the ``lang`` cookie > ``Accept-Language`` > Dutch."""
    forced = g.get("forced_locale")
    if forced:
        return str(forced)
    if current_user and current_user.is_authenticated and is_supported(current_user.locale):
        return str(current_user.locale)
    cookie = request.cookies.get(LANG_COOKIE)
    if is_supported(cookie):
        return str(cookie)
    return from_accept_language() or DEFAULT_LOCALE


# Dari has its own ISO 639-3 code; we serve it with the Persian catalog.
ALIASES = {"prs": "fa", "fa": "fa"}


def from_accept_language() -> str | None:
    """The first supported language in the browser's order of preference.

    Werkzeug's ``best_match`` prefers any exact match over a regional one, so
    ``tr-TR, en;q=0.5`` would give English; a newcomer expects Turkish.
    """
    for value, quality in request.accept_languages:
        if quality <= 0:
            continue
        primary = value.lower().replace("_", "-").split("-")[0]
        code = ALIASES.get(primary, primary)
        if code in BY_CODE:
            return code
    return None


def current_language(locale: str) -> Language:
    return BY_CODE.get(locale, BY_CODE[DEFAULT_LOCALE])


def remember_language(response: Response, code: str) -> Response:
    """The language for the pages that follow, also without an account (a cookie)."""
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=LANG_COOKIE_AGE,
        secure=bool(current_app.config["AUTH_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response
