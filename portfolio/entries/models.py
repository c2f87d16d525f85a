"""Life domains and the owner's items. Kind, domain and timestamps stay in the clear;
everything the person wrote is one envelope under the item's own key."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.db import Base, new_id, utcnow


class LifeDomain(Base):
    __tablename__ = "life_domains"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # Dutch name; defaults are translated
    icon: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Special-category data under the GDPR (health): never part of a default share.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)


class ItemKind(enum.StrEnum):
    GOAL = "goal"
    SELF_ASSESSMENT = "self_assessment"
    LANGUAGE_LEVEL = "language_level"
    CERTIFICATE = "certificate"
    EXPERIENCE = "experience"
    EXAM_RESULT = "exam_result"
    REFLECTION = "reflection"
    ABOUT_ME = "about_me"  # one per owner
    INTEGRATION = "integration"  # one per owner: route, term, components
    SUMMARY = "summary"  # one per owner, internal: what the dashboard needs, in one envelope
    PIP = "pip"  # one agreed version of the plan (PIP); never changed once written
    PIP_PROPOSAL = "pip_proposal"  # a proposed change of the plan, with its answer
    MEETING = "meeting"  # a progress meeting: the owner's preparation, the summary
    OWN_PLAN = "own_plan"  # the newcomer's own plan proposal (self-composed trajectory plan)
    GOAL_SUGGESTION = "goal_suggestion"  # a goal someone the owner shares with suggests


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (Index("ix_items_owner_kind", "owner_id", "kind"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    domain_code: Mapped[str | None] = mapped_column(
        ForeignKey("life_domains.code", ondelete="RESTRICT"), index=True
    )
    # The item key under the owner's user key. An item a recipient wrote (a proposal) has
    # its key sealed to the owner's public key instead, until the owner's next request
    # wraps it under the user key (``sharing.written.claim_sealed``).
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    sealed_key: Mapped[bytes | None] = mapped_column(LargeBinary(160))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # one envelope of JSON
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Proposals only: whose answer it waits for ("owner", "recipient"), so a caseload can
    # count what waits without opening every proposal. A flag, never content.
    awaiting: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemFile(Base):
    """A file of an item (photo, PDF, voice note). The bytes are an encrypted blob on disk
    under the item's key; the row holds what is needed to serve it. The owner's file name
    lives in the item's encrypted content."""

    __tablename__ = "item_files"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # image, pdf, audio
    media_type: Mapped[str] = mapped_column(String(40))
    extension: Mapped[str] = mapped_column(String(8))
    thumbnail_id: Mapped[str | None] = mapped_column(String(32))  # blob id of the thumbnail
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
