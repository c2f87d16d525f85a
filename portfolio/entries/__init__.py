"""The owner's portfolio items: goals and records (certificates, work and volunteering,
exam results, the diary, about me, the integration route), their files, the life
domains and the home page's summary. Every item is encrypted under its own key."""

from flask import Blueprint

bp = Blueprint("entries", __name__, url_prefix="/portfolio")


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.entries import record_views, views  # noqa: F401  (their routes are on bp)

    return bp
