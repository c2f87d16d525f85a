"""The public verification of portfolio documents and the issuers' public profiles."""

from flask import Blueprint

bp = Blueprint("verify", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.verify import views  # noqa: F401  (its routes are on bp)

    return bp
