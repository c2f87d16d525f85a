"""Consent sharing, the owner's side and the services both sides use: connect codes and
connections, grants (what is shared with whom, until when), items recipients write into a
portfolio, handovers, feedback threads, verifications, suggested goals, the hand-back to
a new account, and the access log."""

from flask import Blueprint

bp = Blueprint("sharing", __name__, url_prefix="/sharing")


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.sharing import (  # noqa: F401  (their routes are on bp)
        connect_views,
        feedback_views,
        log_views,
        share_views,
    )

    return bp
