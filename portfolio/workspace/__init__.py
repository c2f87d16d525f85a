"""The recipient's side: the regievoerder's workspace and connect code, the caseload of
everyone who shares with a person, and each client's shared portfolio (read-only, with
feedback, verification, suggested goals and the hand-back to a new account). It sits
above sharing and the plan and reads through ``sharing.access``."""

from flask import Blueprint

bp = Blueprint("workspace", __name__)


def blueprint() -> Blueprint:
    """The package's one blueprint, with the routes of its view modules on it."""
    from portfolio.workspace import client_views, views  # noqa: F401  (their routes are on bp)

    return bp
