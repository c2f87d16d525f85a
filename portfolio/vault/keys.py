"""The key hierarchy of crypto.md: user key, its wraps, key pairs, item and grant keys.

Functions here are pure: they take keys and identifiers and return bytes to store.
They know nothing of Flask, of the database or of portfolio items.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from portfolio.vault.envelope import SymmetricKey, canonical_aad, open_, seal
from portfolio.vault.errors import DecryptError, InvalidRecoveryCodeFormatError, VaultError
from portfolio.vault.kdf import KdfParams, derive_master, hkdf, new_salt
from portfolio.vault.sealing import open_sealed, private_key_from_bytes, raw_private, seal_to

# -- the user key under a passphrase ---------------------------------------------------


class WrongSecretError(VaultError):
    """A passphrase or recovery code does not unlock this account."""


@dataclass(frozen=True)
class PassphraseWrap:
    """What is stored for one passphrase: never the passphrase, never the master secret."""

    salt: bytes
    params: KdfParams
    pepper_id: str
    auth_hash: bytes
    wrapped_key: bytes


def _passphrase_aad(user_id: str, salt: bytes, params: KdfParams, pepper_id: str) -> bytes:
    return canonical_aad(
        "user.key.passphrase",
        owner=user_id,
        salt=salt.hex(),
        kdf=dict(params.as_dict()),
        pepper=pepper_id,
    )


def _auth_hash(master: bytes) -> bytes:
    return hashlib.sha256(hkdf(master, "auth")).digest()


def wrap_with_passphrase(
    user_key: SymmetricKey,
    passphrase: str,
    user_id: str,
    *,
    params: KdfParams,
    pepper_id: str,
    pepper: bytes,
    floor: KdfParams,
) -> PassphraseWrap:
    salt = new_salt()
    master = derive_master(passphrase, salt, params, pepper, floor)
    kek = SymmetricKey(hkdf(master, "kek"))
    aad = _passphrase_aad(user_id, salt, params, pepper_id)
    return PassphraseWrap(
        salt=salt,
        params=params,
        pepper_id=pepper_id,
        auth_hash=_auth_hash(master),
        wrapped_key=seal(kek, user_key.material, aad),
    )


def unlock_with_passphrase(
    wrap: PassphraseWrap,
    passphrase: str,
    user_id: str,
    *,
    peppers: Mapping[str, bytes],
    floor: KdfParams,
) -> SymmetricKey:
    """Return the user key, or raise ``WrongSecretError``/``DecryptError``/``KdfTooWeakError``."""
    pepper = peppers.get(wrap.pepper_id)
    if pepper is None:
        raise WrongSecretError("the pepper of this wrap is not configured")
    master = derive_master(passphrase, wrap.salt, wrap.params, pepper, floor)
    if not hmac.compare_digest(_auth_hash(master), wrap.auth_hash):
        raise WrongSecretError("passphrase does not match")
    kek = SymmetricKey(hkdf(master, "kek"))
    aad = _passphrase_aad(user_id, wrap.salt, wrap.params, wrap.pepper_id)
    return SymmetricKey(open_(kek, wrap.wrapped_key, aad))


def dummy_derivation(params: KdfParams, pepper: bytes, floor: KdfParams) -> None:
    """Spend the same time as a real unlock, for unknown usernames (no timing oracle)."""
    derive_master("dummy passphrase", bytes(16), params, pepper, floor)


# -- the user key under a recovery code --------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CHARS = 28  # 28 x 5 bits = 140 bits of randomness
RECOVERY_GROUP = 4
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_recovery_code() -> str:
    """A fresh code, shown once, in groups: ``K7M2-9QXD-...``."""
    raw = "".join(secrets.choice(CROCKFORD) for _ in range(RECOVERY_CHARS))
    return format_recovery_code(raw)


def format_recovery_code(normalised: str) -> str:
    groups = [normalised[i : i + RECOVERY_GROUP] for i in range(0, len(normalised), RECOVERY_GROUP)]
    return "-".join(groups)


def normalise_recovery_code(typed: str) -> str:
    """Accept lower case, spaces, dashes, O for 0 and I/L for 1; refuse anything else."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r").translate(CONFUSABLE)
    if len(cleaned) != RECOVERY_CHARS or any(ch not in CROCKFORD for ch in cleaned):
        raise InvalidRecoveryCodeFormatError("recovery code has the wrong shape")
    return cleaned


def _recovery_key(code: str, pepper: bytes) -> SymmetricKey:
    return SymmetricKey(hkdf(normalise_recovery_code(code).encode(), "recovery", salt=pepper))


def _recovery_aad(user_id: str, pepper_id: str) -> bytes:
    return canonical_aad("user.key.recovery", owner=user_id, pepper=pepper_id)


def wrap_with_recovery_code(
    user_key: SymmetricKey, code: str, user_id: str, *, pepper_id: str, pepper: bytes
) -> bytes:
    return seal(_recovery_key(code, pepper), user_key.material, _recovery_aad(user_id, pepper_id))


def unlock_with_recovery_code(
    wrapped: bytes, code: str, user_id: str, *, pepper_id: str, peppers: Mapping[str, bytes]
) -> SymmetricKey:
    pepper = peppers.get(pepper_id)
    if pepper is None:
        raise WrongSecretError("the pepper of this wrap is not configured")
    try:
        material = open_(_recovery_key(code, pepper), wrapped, _recovery_aad(user_id, pepper_id))
    except DecryptError:
        raise WrongSecretError("recovery code does not match") from None
    return SymmetricKey(material)


# -- key pairs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    public_key: bytes
    wrapped_private_key: bytes


def _private_aad(user_id: str, public_key: bytes) -> bytes:
    return canonical_aad("user.private_key", owner=user_id, public=public_key.hex())


def new_key_pair(user_key: SymmetricKey, user_id: str) -> KeyPair:
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    wrapped = seal(user_key, raw_private(private), _private_aad(user_id, public))
    return KeyPair(public_key=public, wrapped_private_key=wrapped)


def unwrap_private_key(user_key: SymmetricKey, pair: KeyPair, user_id: str) -> X25519PrivateKey:
    raw = open_(user_key, pair.wrapped_private_key, _private_aad(user_id, pair.public_key))
    private = private_key_from_bytes(raw)
    if private.public_key().public_bytes_raw() != pair.public_key:
        raise DecryptError("envelope does not open")
    return private


def rewrap_private_key(
    old: SymmetricKey, new: SymmetricKey, pair: KeyPair, user_id: str
) -> KeyPair:
    aad = _private_aad(user_id, pair.public_key)
    return KeyPair(pair.public_key, seal(new, open_(old, pair.wrapped_private_key, aad), aad))


# -- item keys and content ---------------------------------------------------------------


def _item_key_aad(owner_id: str, item_id: str, grant_id: str | None) -> bytes:
    if grant_id is None:
        return canonical_aad("item.key", owner=owner_id, item=item_id)
    return canonical_aad("item.key.grant", owner=owner_id, item=item_id, grant=grant_id)


def wrap_item_key(
    item_key: SymmetricKey,
    wrapping_key: SymmetricKey,
    owner_id: str,
    item_id: str,
    grant_id: str | None = None,
) -> bytes:
    """Wrap an item key under the owner's user key, or under a grant key."""
    return seal(wrapping_key, item_key.material, _item_key_aad(owner_id, item_id, grant_id))


def unwrap_item_key(
    wrapped: bytes,
    wrapping_key: SymmetricKey,
    owner_id: str,
    item_id: str,
    grant_id: str | None = None,
) -> SymmetricKey:
    return SymmetricKey(open_(wrapping_key, wrapped, _item_key_aad(owner_id, item_id, grant_id)))


def encrypt_field(
    item_key: SymmetricKey, value: str, owner_id: str, item_id: str, field: str
) -> bytes:
    aad = canonical_aad("item.content", owner=owner_id, item=item_id, field=field)
    return seal(item_key, value.encode("utf-8"), aad)


def decrypt_field(
    item_key: SymmetricKey, envelope: bytes, owner_id: str, item_id: str, field: str
) -> str:
    aad = canonical_aad("item.content", owner=owner_id, item=item_id, field=field)
    return open_(item_key, envelope, aad).decode("utf-8")


def encrypt_file(item_key: SymmetricKey, data: bytes, owner_id: str, blob_id: str) -> bytes:
    return seal(item_key, data, canonical_aad("file.content", owner=owner_id, blob=blob_id))


def decrypt_file(item_key: SymmetricKey, envelope: bytes, owner_id: str, blob_id: str) -> bytes:
    return open_(item_key, envelope, canonical_aad("file.content", owner=owner_id, blob=blob_id))


def encrypt_comment(
    item_key: SymmetricKey,
    text: str,
    owner_id: str,
    item_id: str,
    comment_id: str,
    author_id: str,
    partner_id: str,
) -> bytes:
    """Feedback on an item, under the item's key: its owner and the recipients who hold
    the item through a grant can read it. The author and the thread's partner are bound,
    so a message cannot be moved to another author or into another recipient's thread."""
    aad = _comment_aad(owner_id, item_id, comment_id, author_id, partner_id)
    return seal(item_key, text.encode("utf-8"), aad)


def decrypt_comment(
    item_key: SymmetricKey,
    envelope: bytes,
    owner_id: str,
    item_id: str,
    comment_id: str,
    author_id: str,
    partner_id: str,
) -> str:
    aad = _comment_aad(owner_id, item_id, comment_id, author_id, partner_id)
    return open_(item_key, envelope, aad).decode("utf-8")


def _comment_aad(
    owner_id: str, item_id: str, comment_id: str, author_id: str, partner_id: str
) -> bytes:
    return canonical_aad(
        "item.comment",
        owner=owner_id,
        item=item_id,
        comment=comment_id,
        author=author_id,
        partner=partner_id,
    )


def content_mac(item_key: SymmetricKey, owner_id: str, item_id: str, content: bytes) -> str:
    """A MAC of an item's plaintext under a key derived from the item key: whoever can
    read the item can tell whether it changed since a statement was signed over it,
    and nobody else learns anything from it."""
    mac_key = hkdf(item_key.material, "item.content.mac")
    message = canonical_aad("item.content.mac", owner=owner_id, item=item_id) + content
    return hmac.new(mac_key, message, hashlib.sha256).hexdigest()


# -- grant keys --------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantKeyWraps:
    sealed_for_recipient: bytes
    wrapped_for_owner: bytes


def _grant_aad(owner_id: str, grant_id: str, recipient_id: str, purpose: str) -> bytes:
    return canonical_aad(purpose, owner=owner_id, grant=grant_id, recipient=recipient_id)


def new_grant_key(
    owner_key: SymmetricKey,
    owner_id: str,
    grant_id: str,
    recipient_id: str,
    recipient_public_key: bytes,
) -> tuple[SymmetricKey, GrantKeyWraps]:
    """A fresh grant key, sealed (HPKE) to the recipient and wrapped for the owner."""
    grant_key = SymmetricKey.generate()
    sealed = seal_to(
        recipient_public_key,
        grant_key.material,
        _grant_aad(owner_id, grant_id, recipient_id, "grant.key"),
    )
    wrapped = seal(
        owner_key,
        grant_key.material,
        _grant_aad(owner_id, grant_id, recipient_id, "grant.key.owner"),
    )
    return grant_key, GrantKeyWraps(sealed, wrapped)


def open_grant_key_as_recipient(
    private_key: X25519PrivateKey, sealed: bytes, owner_id: str, grant_id: str, recipient_id: str
) -> SymmetricKey:
    aad = _grant_aad(owner_id, grant_id, recipient_id, "grant.key")
    return SymmetricKey(open_sealed(private_key, sealed, aad))


def wrap_grant_key_for_recipient(
    grant_key: SymmetricKey,
    recipient_key: SymmetricKey,
    owner_id: str,
    grant_id: str,
    recipient_id: str,
) -> bytes:
    """The grant key under the recipient's own user key: made the first time the
    recipient opens the grant (HPKE, 0.12 ms), so that a caseload of 150 then unwraps
    with AES-GCM (4 us each). Deleted with the grant's other keys on revocation."""
    aad = _grant_aad(owner_id, grant_id, recipient_id, "grant.key.recipient")
    return seal(recipient_key, grant_key.material, aad)


def open_grant_key_as_recipient_wrap(
    recipient_key: SymmetricKey, wrapped: bytes, owner_id: str, grant_id: str, recipient_id: str
) -> SymmetricKey:
    aad = _grant_aad(owner_id, grant_id, recipient_id, "grant.key.recipient")
    return SymmetricKey(open_(recipient_key, wrapped, aad))


def open_grant_key_as_owner(
    owner_key: SymmetricKey, wrapped: bytes, owner_id: str, grant_id: str, recipient_id: str
) -> SymmetricKey:
    aad = _grant_aad(owner_id, grant_id, recipient_id, "grant.key.owner")
    return SymmetricKey(open_(owner_key, wrapped, aad))


def seal_grant_note(
    grant_key: SymmetricKey, text: str, owner_id: str, grant_id: str, recipient_id: str
) -> bytes:
    """What the owner wrote for the recipient of a grant (the name to show, the purpose in
    their own words): readable by both through the grant key, by nobody after revocation."""
    aad = _grant_aad(owner_id, grant_id, recipient_id, "grant.note")
    return seal(grant_key, text.encode("utf-8"), aad)


def open_grant_note(
    grant_key: SymmetricKey, envelope: bytes, owner_id: str, grant_id: str, recipient_id: str
) -> str:
    aad = _grant_aad(owner_id, grant_id, recipient_id, "grant.note")
    return open_(grant_key, envelope, aad).decode("utf-8")


def seal_item_key_to_owner(
    item_key: SymmetricKey, owner_public_key: bytes, owner_id: str, item_id: str
) -> bytes:
    """A recipient proposes a new item: its key is sealed to the owner's public key."""
    aad = canonical_aad("item.key.sealed", owner=owner_id, item=item_id)
    return seal_to(owner_public_key, item_key.material, aad)


def open_item_key_sealed_to_owner(
    private_key: X25519PrivateKey, sealed: bytes, owner_id: str, item_id: str
) -> SymmetricKey:
    aad = canonical_aad("item.key.sealed", owner=owner_id, item=item_id)
    return SymmetricKey(open_sealed(private_key, sealed, aad))


# -- sessions ----------------------------------------------------------------------------


def _session_aad(session_id: str, user_id: str, expires_at: str, stage: str) -> bytes:
    return canonical_aad(
        "session.key", session=session_id, owner=user_id, expires=expires_at, stage=stage
    )


def wrap_for_session(
    user_key: SymmetricKey,
    session_secret: bytes,
    session_id: str,
    user_id: str,
    expires_at: str,
    stage: str = "full",
) -> bytes:
    """``AESGCM(S).encrypt(UK)``; S lives only in the cookie. The stage is bound too, so
    a row marked "full" in the database without the second factor does not open."""
    aad = _session_aad(session_id, user_id, expires_at, stage)
    return seal(SymmetricKey(session_secret), user_key.material, aad)


def unwrap_for_session(
    wrapped: bytes,
    session_secret: bytes,
    session_id: str,
    user_id: str,
    expires_at: str,
    stage: str = "full",
) -> SymmetricKey:
    aad = _session_aad(session_id, user_id, expires_at, stage)
    return SymmetricKey(open_(SymmetricKey(session_secret), wrapped, aad))


# -- rotation ----------------------------------------------------------------------------


def rewrap(envelope: bytes, old_key: SymmetricKey, new_key: SymmetricKey, aad: bytes) -> bytes:
    """Move one wrapped secret from an old key to a new one; content stays untouched."""
    return seal(new_key, open_(old_key, envelope, aad), aad)


def rotate(
    old_key: SymmetricKey, wrapped: Iterable[tuple[bytes, bytes]]
) -> tuple[SymmetricKey, Sequence[bytes]]:
    """A fresh key and every ``(envelope, aad)`` re-wrapped under it (all or nothing)."""
    new_key = SymmetricKey.generate()
    return new_key, [rewrap(envelope, old_key, new_key, aad) for envelope, aad in wrapped]
