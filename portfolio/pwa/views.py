"""Manifest, service worker (served from the root so it controls the whole app), offline page.

The service worker caches the app shell only: static files and the offline page.
Navigations always go to the network; authenticated pages and portfolio content are
never cached.
"""

from __future__ import annotations

import json

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portfolio.accounts.access import public
from portfolio.i18n import LANGUAGES
from portfolio.pwa import bp
from portfolio.static_files import SHELL_FILES, static_url


@bp.route("/manifest.webmanifest")
@public
def manifest() -> Response:
    data = {
        "name": _("My Portfolio - integration in the Netherlands"),
        "short_name": _("My Portfolio"),
        "description": _("Your own safe place for your goals, certificates and progress."),
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    body = json.dumps(data, ensure_ascii=False)
    response = Response(body, mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
@public
def service_worker() -> Response:
    shell = [url_for("pwa.offline")] + [static_url(path) for path in SHELL_FILES]
    body = render_template(
        "pwa/sw.js",
        version=current_app.extensions["portfolio.static_version"],
        shell=json.dumps(shell),
        offline_url=json.dumps(url_for("pwa.offline")),
    )
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@public
def offline() -> str:
    """Shown by the service worker without a network: in every language at once,
    because it was cached in whatever language was active at the time."""
    messages = []
    for language in LANGUAGES:
        with force_locale(language.code):
            messages.append(
                (
                    language,
                    _("You are offline"),
                    _(
                        "There is no internet connection. Your data is safe. "
                        "Try again when you are online."
                    ),
                )
            )
    return render_template("pwa/offline.html", messages=messages)
