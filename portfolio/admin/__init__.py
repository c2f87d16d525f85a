"""Municipality settings and staff accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.admin import views  # noqa: F401  (its routes are on bp)

    return bp
