"""Accounts and their key material, the municipalities staff belong to (organisational
data: name, logo, signing keys, the private halves encrypted under an application key),
and server-side halves of split-key sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.db import Base, new_id, utcnow
from portfolio.vault.kdf import KdfParams
from portfolio.vault.keys import KeyPair, PassphraseWrap
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
    # The certificates from its issuer up to the root (PEM), from the PKCS#12 file.
    certificate_chain: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)  # a cleaned JPEG, at most 600 px
    # The RSA key its Open Badges credentials are signed with (RS256), made when first
    # needed; the public half as DER, the private half encrypted under an application key.
    credential_public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    credential_key_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def signing_key(self) -> OrgSigningKey:
        """The Ed25519 key pair as stored (the private half encrypted)."""
        return OrgSigningKey(self.signing_public_key, self.signing_private_key_encrypted)


class Role(enum.StrEnum):
    OWNER = "owner"
    SUPPORTER = "supporter"
    REGIEVOERDER = "regievoerder"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self in (Role.REGIEVOERDER, Role.ADMIN)


class SessionStage(enum.StrEnum):
    FULL = "full"  # logged in, user key unlocked
    SECOND_FACTOR = "totp"  # staff: passphrase right, waiting for a TOTP code
    SETUP = "setup"  # staff first login: new passphrase and TOTP enrolment


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8), default="nl")
    display_name: Mapped[str | None] = mapped_column(String(120))  # staff only, not content
    municipality_id: Mapped[str | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    passphrase_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The user key wrapped by the passphrase (crypto.md, keys 1-4).
    kdf_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    kdf_memory_kib: Mapped[int] = mapped_column(Integer)
    kdf_iterations: Mapped[int] = mapped_column(Integer)
    kdf_lanes: Mapped[int] = mapped_column(Integer)
    pepper_id: Mapped[str] = mapped_column(String(32))
    auth_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_key_passphrase: Mapped[bytes] = mapped_column(LargeBinary(128))

    # The user key wrapped by the recovery key (owners and supporters).
    wrapped_key_recovery: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    recovery_pepper_id: Mapped[str | None] = mapped_column(String(32))
    recovery_confirmed_at: Mapped[datetime | None] = mapped_column()

    # The account's X25519 key pair (key 5); for staff, certified by the municipality.
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    key_certificate: Mapped[bytes | None] = mapped_column(LargeBinary(64))

    # Staff second factor, encrypted under an application key.
    must_change_passphrase: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column()
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")

    # -- Flask-Login protocol ---------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.id

    # -- typed views of the key material ----------------------------------------------
    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        return self.role_enum.is_staff

    @property
    def passphrase_wrap(self) -> PassphraseWrap:
        return PassphraseWrap(
            salt=self.kdf_salt,
            params=KdfParams(self.kdf_memory_kib, self.kdf_iterations, self.kdf_lanes),
            pepper_id=self.pepper_id,
            auth_hash=self.auth_hash,
            wrapped_key=self.wrapped_key_passphrase,
        )

    @passphrase_wrap.setter
    def passphrase_wrap(self, wrap: PassphraseWrap) -> None:
        self.kdf_salt = wrap.salt
        self.kdf_memory_kib = wrap.params.memory_kib
        self.kdf_iterations = wrap.params.iterations
        self.kdf_lanes = wrap.params.lanes
        self.pepper_id = wrap.pepper_id
        self.auth_hash = wrap.auth_hash
        self.wrapped_key_passphrase = wrap.wrapped_key

    @property
    def key_pair(self) -> KeyPair:
        return KeyPair(self.public_key, self.wrapped_private_key)

    @key_pair.setter
    def key_pair(self, pair: KeyPair) -> None:
        self.public_key = pair.public_key
        self.wrapped_private_key = pair.wrapped_private_key


class AuthSession(Base):
    """The server's half of a split-key session: the user key encrypted under the
    cookie's secret. Keyed by a hash of the session id, so a database dump holds no
    usable session ids."""

    __tablename__ = "auth_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(8))
    wrapped_user_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    # The recovery code waiting to be confirmed, encrypted under the cookie's secret.
    pending_recovery_code: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")
