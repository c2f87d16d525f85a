"""A municipality: its name and its signing key (encrypted under an application key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.db import Base, new_id, utcnow


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    signing_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    signing_private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
