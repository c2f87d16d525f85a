"""The security baseline of every response, and translated error pages without traces."""

from __future__ import annotations

import io
import logging
import traceback
import typing
import uuid

from flask import Flask, abort, g, render_template, request
from flask import Request as FlaskRequest
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

logger = logging.getLogger(__name__)

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS = (
    "camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

ERROR_TEXTS = {
    400: (_l("Something in the form was not right"), _l("Please go back and try again.")),
    403: (_l("You may not open this page"), _l("This page is not shared with you.")),
    404: (_l("Page not found"), _l("This page does not exist (any more).")),
    405: (_l("This does not work here"), _l("Please use the buttons on the page.")),
    413: (_l("This file is too big"), _l("Please choose a smaller file and try again.")),
    429: (
        _l("Too many tries"),
        _l("Please wait a few minutes and try again. Your data is safe."),
    ),
    500: (_l("Something went wrong on our side"), _l("Nothing was lost. Please try again later.")),
    503: (_l("It is busy right now"), _l("Please wait a moment and try again.")),
}


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = PERMISSIONS
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if request.path.startswith("/static/"):
        cacheable = "v" in request.args  # versioned URLs from static_url()
        headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if cacheable else "public, max-age=3600"
        )
    elif request.path == "/sw.js":
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def set_hsts(response: Response) -> Response:
    response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def render_error(code: int) -> tuple[str, int]:
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if request_ctx.url_adapter is None:  # a host the app does not serve: no links to it
        page = Markup("<!doctype html><title>{}</title><h1>{}</h1><p>{}</p>").format(
            title, title, text
        )
        return str(page), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def _user_id() -> str:
    """The logged-in user's id for a refusal's log line (ids, never content)."""
    user = g.get("_login_user")
    return str(getattr(user, "id", "-")) if user is not None else "-"


def handle_http_error(error: HTTPException) -> Response | tuple[str, int]:
    code = error.code or 500
    if code < 400:
        return error.get_response()
    logger.info(
        "http %s on %s [user %s] [req %s]", code, request.endpoint, _user_id(), g.get("request_id")
    )
    body, status = render_error(code if code in ERROR_TEXTS else 400 if code < 500 else 500)
    response = Response(body, status=code, mimetype="text/html")
    valid_methods = getattr(error, "valid_methods", None)
    if code == 405 and isinstance(valid_methods, list):
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    logger.info("csrf refused on %s [req %s]", request.endpoint, g.get("request_id"))
    return render_error(400)


def handle_unexpected(error: Exception) -> tuple[str, int]:
    """Log the type and place only: no traceback text, no message that may hold content."""
    original = getattr(error, "original_exception", None) or error
    frames = traceback.extract_tb(original.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    logger.error(
        "unhandled %s at %s on %s [req %s]",
        type(original).__name__,
        where,
        request.endpoint,
        g.get("request_id"),
    )
    return render_error(500)


def assign_request_id() -> None:
    g.request_id = uuid.uuid4().hex[:12]


def _has_nul(values: typing.Iterable[tuple[str, str]]) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values)


def refuse_nul_bytes() -> None:
    """A NUL byte cannot be stored or looked up in PostgreSQL (nor is it ever part of a
    real id or address): refused before anything reads the database, in a path as not
    found, in a query or a cookie as a bad request. Forms are left to their validators,
    which refuse control characters with a message and keep what was typed."""
    if "\x00" in request.path:
        abort(404)
    if _has_nul(request.args.items(multi=True)) or _has_nul(request.cookies.items(multi=True)):
        logger.info("nul byte refused on %s [req %s]", request.endpoint, g.get("request_id"))
        abort(400)


class InMemoryRequest(FlaskRequest):
    """Uploads stay in memory: Werkzeug would spool a file over 500 KiB to a temporary
    file, and the plaintext of a certificate photo must never reach the disk. The size of
    a request is capped by MAX_CONTENT_LENGTH (one file and the form), so this is bounded.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> typing.IO[bytes]:
        return io.BytesIO()


def init_app(app: Flask, *, hsts: bool) -> None:
    app.request_class = InMemoryRequest
    app.before_request(assign_request_id)
    # first of all: before CSRF, rate limits (their keys may look up the session) or views
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_bytes)
    app.after_request(set_security_headers)
    if hsts:
        app.after_request(set_hsts)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
