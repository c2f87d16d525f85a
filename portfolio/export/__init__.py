"""Exports: the owner's data (GDPR articles 15 and 20), deleting the account, and the
recognised portfolio document with its credentials."""

from flask import Blueprint

bp = Blueprint("export", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.export import document_views, views  # noqa: F401  (their routes are on bp)

    return bp
