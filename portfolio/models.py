"""Every model, imported in one place so that Alembic and ``create_all`` see them all."""

from portfolio.accounts.models import AuthSession, User
from portfolio.admin.models import Municipality

__all__ = ["AuthSession", "Municipality", "User"]
