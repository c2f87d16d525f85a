"""Registration, login, passphrase change, recovery, staff second factor, roles, and the
municipalities staff belong to."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.accounts import staff_views, views  # noqa: F401  (their routes are on bp)

    return bp
