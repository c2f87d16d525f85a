"""Issued portfolio documents: what a verifier may learn about one, and its hash.

The document itself is never stored: it holds the owner's portfolio in plaintext. Kept
are its SHA-256 (to tell whether an uploaded file is exactly what was issued) and that
of the revision its signature covers (to accept later validation data), who
issued it, when, how many items and how many of them verified, and whether the owner
revoked it. The owner's name is kept only when they allowed the verification page to
show it. After the owner's account is deleted the row stays, revoked and without owner,
so that the page can say so.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.db import Base, utcnow


class IssuedDocument(Base):
    __tablename__ = "issued_documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # shown as XXXX-XXXX-...
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    municipality_id: Mapped[str | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL")
    )
    issuer_name: Mapped[str] = mapped_column(String(120))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(16))
    languages: Mapped[str] = mapped_column(String(16))  # "nl" or "nl+ar"
    sections: Mapped[str] = mapped_column(String(120))
    item_count: Mapped[int] = mapped_column(Integer)
    verified_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    # The revision the signature covers (the first ``signed_size`` bytes): a later
    # revision may add validation data and timestamps to the same document.
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_size: Mapped[int | None] = mapped_column(Integer)
    signature_level: Mapped[str | None] = mapped_column(String(8))  # B-B, B-B+LTV, B-LTA
    shown_name: Mapped[str | None] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(String(16))  # owner, account_deleted


class ServiceCertificate(Base):
    """The service's own certificate, for owners with no municipality to sign for them."""

    __tablename__ = "service_certificates"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # "pdf"
    name: Mapped[str] = mapped_column(String(120))
    certificate: Mapped[bytes] = mapped_column(LargeBinary)
    key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    development: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CredentialStatus(Base):
    """A credential's place in its issuer's status list (W3C Bitstring Status List): a
    random index among 131,072, so that the public list says nothing of who holds which
    bit. One per endorsement, given when its credential is first made and kept, so the
    credential stays the same bytes. The bit is set when the verification no longer
    holds: withdrawn, its item changed or deleted (``revoked_at``, or the endorsement
    gone)."""

    __tablename__ = "credential_statuses"
    __table_args__ = (UniqueConstraint("endorsement_id"),)

    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
    )
    list_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    endorsement_id: Mapped[str] = mapped_column(String(32))  # no foreign key: outlives it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
