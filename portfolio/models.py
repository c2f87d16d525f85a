"""Every model, imported in one place so that Alembic and ``create_all`` see them all."""

from portfolio.accounts.models import AuthSession, User
from portfolio.admin.models import Municipality
from portfolio.entries.models import Item, LifeDomain

__all__ = ["AuthSession", "Item", "LifeDomain", "Municipality", "User"]
