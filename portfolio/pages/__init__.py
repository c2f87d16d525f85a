"""Public pages (what the app is, privacy, accessibility), home pages and language choice."""

from flask import Blueprint

bp = Blueprint("pages", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.pages import views  # noqa: F401  (its routes are on bp)

    return bp
