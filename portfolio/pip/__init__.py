"""The PIP as a living plan: versions, agreements, proposals, progress meetings and the
newcomer's own plan proposal, for the owner and for the recipients the plan is shared
with. Every piece is an encrypted portfolio item."""

from flask import Blueprint

bp = Blueprint("pip", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.pip import client_views, own_views, views  # noqa: F401  (their routes are on bp)

    return bp
