"""Every model, imported in one place so that Alembic and ``create_all`` see them all."""

from portfolio.accounts.models import AuthSession, Municipality, User
from portfolio.entries.models import Item, ItemFile, LifeDomain
from portfolio.export.models import CredentialStatus, IssuedDocument, ServiceCertificate
from portfolio.sharing.models import (
    AccessEvent,
    AccessLogRetention,
    Comment,
    ConnectCode,
    Connection,
    Endorsement,
    Grant,
    GrantItemKey,
    Handover,
)

__all__ = [
    "AccessEvent",
    "AccessLogRetention",
    "AuthSession",
    "Comment",
    "ConnectCode",
    "CredentialStatus",
    "Connection",
    "Endorsement",
    "Grant",
    "GrantItemKey",
    "Handover",
    "IssuedDocument",
    "Item",
    "ItemFile",
    "LifeDomain",
    "Municipality",
    "ServiceCertificate",
    "User",
]
