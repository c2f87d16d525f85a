"""The installable shell: web app manifest, service worker and offline page."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.pwa import views  # noqa: F401  (its routes are on bp)

    return bp
