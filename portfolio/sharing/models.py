"""Connections, consent grants and their key wraps, and the append-only access log.

What stays in the clear on purpose (crypto.md): who shares with whom, the scope, the
purpose code, the dates and the access log. What a person wrote (the name shown to the
recipient, the free text of the purpose) is sealed under the grant key.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.db import Base, new_id, utcnow


class Relation(enum.StrEnum):
    REGIEVOERDER = "regievoerder"
    LANGUAGE_COACH = "language_coach"
    BUDDY = "buddy"
    FAMILY = "family"
    BROKER = "broker"  # inburgeringsmakelaar
    OTHER = "other"


class CodePurpose(enum.StrEnum):
    STAFF = "staff"  # a regievoerder shows it; the newcomer enters it
    INVITE = "invite"  # a newcomer gives it to a supporter
    HANDBACK = "handback"  # a newcomer who lost everything shows it to their regievoerder


class Action(enum.StrEnum):
    LIST = "list"
    READ = "read"
    SHARE = "share"
    CHANGE = "change"
    EXTEND = "extend"
    REVOKE = "revoke"
    EXPIRE = "expire"
    COMMENT = "comment"
    PROPOSE = "propose"
    DECIDE = "decide"
    MEETING = "meeting"
    VERIFY = "verify"
    WITHDRAW = "withdraw"
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    DENY = "deny"
    EXPORT = "export"  # the owner downloaded all their data, or made a document
    ERASE = "erase"  # the owner deleted their account
    HANDBACK = "handback"  # a regievoerder handed shared items back to a new account


class ConnectCode(Base):
    """A short-lived, single-use code. Only a hash is kept."""

    __tablename__ = "connect_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(8))
    relation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class Connection(Base):
    """A newcomer and a person who may receive their shares. Grants nothing by itself."""

    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("owner_id", "recipient_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Grant(Base):
    """One consent: what (scope), to whom, why, what they may do, until when."""

    __tablename__ = "grants"
    __table_args__ = (
        Index("ix_grants_recipient_owner", "recipient_id", "owner_id"),
        # One live grant per owner and recipient, even when a share is confirmed twice at
        # the same moment (an expired one is shredded before a new one is made).
        Index(
            "uq_grants_live_pair",
            "owner_id",
            "recipient_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL AND sealed_key IS NOT NULL"),
            postgresql_where=text("revoked_at IS NULL AND sealed_key IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Scope: kinds x life domains, plus single items; comma-separated codes and ids.
    scope_kinds: Mapped[str] = mapped_column(Text, default="")
    scope_domains: Mapped[str] = mapped_column(Text, default="")
    scope_items: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(String(16))
    may_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    may_propose: Mapped[bool] = mapped_column(Boolean, default=False)
    may_verify: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    # The grant key sealed to the recipient (HPKE) and wrapped for the owner; both are
    # removed at revocation and by purge-expired, so nothing is left to open.
    sealed_key: Mapped[bytes | None] = mapped_column(LargeBinary(160))
    owner_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    # The same key under the recipient's user key, made at the recipient's first opening
    # (``open_as_recipient``), so a caseload needs no public-key operation per grant.
    recipient_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    # What the owner wrote for the recipient (shown name, purpose text), under the grant key.
    sealed_note: Mapped[bytes | None] = mapped_column(LargeBinary)

    @property
    def last_day(self) -> date:
        """The last day it can be read (it ends at the start of the next day, UTC)."""
        return (self.ends_at - timedelta(seconds=1)).date()


class GrantItemKey(Base):
    """An item key wrapped under a grant key: the grant's reach, one row per item."""

    __tablename__ = "grant_item_keys"

    grant_id: Mapped[str] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(128))


class AccessEvent(Base):
    """One line of the access log (in the spirit of NEN 7513). Append-only: database
    triggers refuse every UPDATE and every DELETE, except a retention purge that holds a
    row in ``access_log_retention`` within its own transaction. Ids are not foreign keys,
    so the log outlives the accounts it names."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_owner_at", "owner_id", "at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(32), index=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    municipality_id: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(8))
    grant_id: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str | None] = mapped_column(String(16))


class AccessLogRetention(Base):
    """A permit for the retention purge; present only inside the purge's transaction."""

    __tablename__ = "access_log_retention"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Handover(Base):
    """A regievoerder left; their newcomers are asked to share with a successor. Nothing
    moves until the newcomer says yes (and then chooses what to share)."""

    __tablename__ = "handovers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[str] = mapped_column(String(32))  # the one who left (kept after deletion)
    to_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column()
    accepted: Mapped[bool | None] = mapped_column(Boolean)


class Comment(Base):
    """Feedback on an item, in a thread between its owner and one recipient (the
    partner). The text is sealed under the item's key: the owner opens it with the user
    key, the partner through their grant, nobody after revocation."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_item_partner", "item_id", "partner_id"),
        Index("ix_comments_owner_seen", "owner_id", "seen_at"),
        Index("ix_comments_partner_seen", "partner_id", "seen_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    partner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(32))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column()  # by the other side of the thread


class Endorsement(Base):
    """A regievoerder's "verified" on a certificate: a statement signed with the
    municipality's key. The statement names the staff member and the municipality (not
    the newcomer's content) and carries a MAC of the item's content under the item key,
    so whoever can read the item can tell if it changed after it was verified."""

    __tablename__ = "endorsements"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endorser_id: Mapped[str] = mapped_column(String(32))
    municipality_id: Mapped[str] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text)  # canonical JSON, as signed
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
