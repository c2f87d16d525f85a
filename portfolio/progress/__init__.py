"""Progress over time: self-assessments per life domain and the charts drawn from them."""

from flask import Blueprint

bp = Blueprint("progress", __name__, url_prefix="/progress")


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.progress import views  # noqa: F401  (its routes are on bp)

    return bp
