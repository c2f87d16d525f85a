"""A municipality: its name, logo, signing key and PDF certificate (private keys
encrypted under an application key). Organisational data, not personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.db import Base, new_id, utcnow
from portfolio.vault.signing import OrgSigningKey


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    signing_private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary(256))
    # X.509 certificate (DER) and its private key for PDF signatures (PAdES); a
    # self-signed development certificate until the administrator uploads their own.
    certificate: Mapped[bytes | None] = mapped_column(LargeBinary)
    certificate_key_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    certificate_development: Mapped[bool] = mapped_column(Boolean, default=True)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)  # a cleaned JPEG, at most 600 px
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def signing_key(self) -> OrgSigningKey:
        """The Ed25519 key pair as stored (the private half encrypted)."""
        return OrgSigningKey(self.signing_public_key, self.signing_private_key_encrypted)
