"""The key hierarchy: passphrase and recovery wraps, key pairs, item and grant keys,
sessions, rotation and crypto-shredding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey, canonical_aad
from portfolio.vault.errors import DecryptError, InvalidRecoveryCodeFormatError, KdfTooWeakError
from portfolio.vault.kdf import KdfParams
from portfolio.vault.keys import WrongSecretError

CHEAP = KdfParams.cheap_for_tests()
PEPPER = b"p" * 32
PEPPERS = {"p1": PEPPER}


def wrap(uk: SymmetricKey, passphrase: str = "mijn fiets is blauw", user: str = "u1", params=CHEAP):
    return keys.wrap_with_passphrase(
        uk, passphrase, user, params=params, pepper_id="p1", pepper=PEPPER, floor=CHEAP
    )


def unlock(
    w, passphrase: str = "mijn fiets is blauw", user: str = "u1", peppers=PEPPERS, floor=CHEAP
):
    return keys.unlock_with_passphrase(w, passphrase, user, peppers=peppers, floor=floor)


# -- passphrase ---------------------------------------------------------------------------


def test_passphrase_round_trip() -> None:
    uk = SymmetricKey.generate()
    assert unlock(wrap(uk)) == uk


def test_passphrase_wrap_stores_no_secret() -> None:
    uk = SymmetricKey.generate()
    w = wrap(uk, "mijn fiets is blauw")
    stored = w.salt + w.auth_hash + w.wrapped_key
    assert uk.material not in stored
    assert b"mijn fiets" not in stored


def test_wrong_passphrase() -> None:
    with pytest.raises(WrongSecretError):
        unlock(wrap(SymmetricKey.generate()), "mijn fiets is rood")


def test_wrong_pepper() -> None:
    with pytest.raises(WrongSecretError):
        unlock(wrap(SymmetricKey.generate()), peppers={"p1": b"q" * 32})
    with pytest.raises(WrongSecretError):
        unlock(wrap(SymmetricKey.generate()), peppers={"other": PEPPER})


def test_wrap_bound_to_user() -> None:
    with pytest.raises((WrongSecretError, DecryptError)):
        unlock(wrap(SymmetricKey.generate(), user="u1"), user="u2")


def test_downgraded_parameters_are_refused() -> None:
    w = wrap(SymmetricKey.generate())
    weaker = KdfParams(memory_kib=8, iterations=1, lanes=1)
    forged = keys.PassphraseWrap(w.salt, weaker, w.pepper_id, w.auth_hash, w.wrapped_key)
    with pytest.raises(KdfTooWeakError):
        unlock(forged)


def test_parameters_are_authenticated() -> None:
    """Changing stored parameters (even to stronger ones) breaks the wrap, never yields a key."""
    w = wrap(SymmetricKey.generate())
    other = KdfParams(memory_kib=128, iterations=1, lanes=1)
    forged = keys.PassphraseWrap(w.salt, other, w.pepper_id, w.auth_hash, w.wrapped_key)
    with pytest.raises((WrongSecretError, DecryptError)):
        unlock(forged)


def test_tampered_wrap_fails_without_partial_unlock() -> None:
    w = wrap(SymmetricKey.generate())
    broken = bytearray(w.wrapped_key)
    broken[-1] ^= 1
    forged = keys.PassphraseWrap(w.salt, w.params, w.pepper_id, w.auth_hash, bytes(broken))
    with pytest.raises(DecryptError):
        unlock(forged)


def test_unicode_passphrase_normalised() -> None:
    uk = SymmetricKey.generate()
    composed, decomposed = "caf\u00e9 in Tilburg", "cafe\u0301 in Tilburg"
    assert unlock(wrap(uk, composed), decomposed) == uk


def test_production_parameters_floor() -> None:
    assert KdfParams.production().at_least(KdfParams.production())
    assert not CHEAP.at_least(KdfParams.production())


# -- recovery code --------------------------------------------------------------------------


def test_recovery_code_shape_and_entropy() -> None:
    code = keys.new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 7 and all(len(g) == 4 for g in groups)
    assert keys.RECOVERY_CHARS * 5 >= 128
    assert len({keys.new_recovery_code() for _ in range(50)}) == 50


def test_recovery_round_trip_with_sloppy_typing() -> None:
    uk = SymmetricKey.generate()
    code = keys.new_recovery_code()
    wrapped = keys.wrap_with_recovery_code(uk, code, "u1", pepper_id="p1", pepper=PEPPER)
    typed = " ".join(code.lower().split("-")).replace("0", "o").replace("1", "l")
    assert (
        keys.unlock_with_recovery_code(wrapped, typed, "u1", pepper_id="p1", peppers=PEPPERS) == uk
    )


def test_wrong_recovery_code_user_or_pepper() -> None:
    uk = SymmetricKey.generate()
    code = keys.new_recovery_code()
    wrapped = keys.wrap_with_recovery_code(uk, code, "u1", pepper_id="p1", pepper=PEPPER)
    with pytest.raises(WrongSecretError):
        keys.unlock_with_recovery_code(
            wrapped, keys.new_recovery_code(), "u1", pepper_id="p1", peppers=PEPPERS
        )
    with pytest.raises(WrongSecretError):
        keys.unlock_with_recovery_code(wrapped, code, "u2", pepper_id="p1", peppers=PEPPERS)
    with pytest.raises(WrongSecretError):
        keys.unlock_with_recovery_code(
            wrapped, code, "u1", pepper_id="p1", peppers={"p1": b"x" * 32}
        )


@pytest.mark.parametrize("typed", ["", "ABC", "U" * 28, "!" * 28, "A" * 29])
def test_malformed_recovery_code(typed: str) -> None:
    with pytest.raises(InvalidRecoveryCodeFormatError):
        keys.normalise_recovery_code(typed)


# -- key pairs, items, grants --------------------------------------------------------------


def test_key_pair_round_trip_and_binding() -> None:
    uk = SymmetricKey.generate()
    pair = keys.new_key_pair(uk, "u1")
    private = keys.unwrap_private_key(uk, pair, "u1")
    assert private.public_key().public_bytes_raw() == pair.public_key
    with pytest.raises(DecryptError):
        keys.unwrap_private_key(uk, pair, "u2")
    other = keys.new_key_pair(uk, "u1")
    with pytest.raises(DecryptError):  # a swapped public key is noticed
        keys.unwrap_private_key(uk, keys.KeyPair(other.public_key, pair.wrapped_private_key), "u1")


def test_item_content_and_keys() -> None:
    uk, ik = SymmetricKey.generate(), SymmetricKey.generate()
    wrapped = keys.wrap_item_key(ik, uk, "o1", "i1")
    assert keys.unwrap_item_key(wrapped, uk, "o1", "i1") == ik
    body = keys.encrypt_field(ik, "Vrijwilliger bij de voedselbank", "o1", "i1", "body")
    assert keys.decrypt_field(ik, body, "o1", "i1", "body") == "Vrijwilliger bij de voedselbank"
    with pytest.raises(DecryptError):
        keys.decrypt_field(ik, body, "o1", "i1", "title")  # field swap
    with pytest.raises(DecryptError):
        keys.decrypt_field(ik, body, "o1", "i2", "body")  # row swap
    with pytest.raises(DecryptError):
        keys.unwrap_item_key(wrapped, uk, "o1", "i2")  # key wrap copied to another item
    with pytest.raises(DecryptError):
        keys.unwrap_item_key(wrapped, uk, "o1", "i1", grant_id="g1")  # namespace swap


def test_files_bound_to_blob() -> None:
    ik = SymmetricKey.generate()
    blob = keys.encrypt_file(ik, b"%PDF-1.7 diploma", "o1", "b1")
    assert keys.decrypt_file(ik, blob, "o1", "b1") == b"%PDF-1.7 diploma"
    with pytest.raises(DecryptError):
        keys.decrypt_file(ik, blob, "o1", "b2")


def _grant(owner_uk: SymmetricKey, recipient_uk: SymmetricKey, grant_id: str = "g1"):
    recipient_pair = keys.new_key_pair(recipient_uk, "r1")
    gk, wraps = keys.new_grant_key(owner_uk, "o1", grant_id, "r1", recipient_pair.public_key)
    return gk, wraps, keys.unwrap_private_key(recipient_uk, recipient_pair, "r1")


def test_share_round_trip() -> None:
    owner_uk, recipient_uk, ik = (SymmetricKey.generate() for _ in range(3))
    gk, wraps, recipient_private = _grant(owner_uk, recipient_uk)
    assert (
        keys.open_grant_key_as_recipient(
            recipient_private, wraps.sealed_for_recipient, "o1", "g1", "r1"
        )
        == gk
    )
    assert keys.open_grant_key_as_owner(owner_uk, wraps.wrapped_for_owner, "o1", "g1", "r1") == gk
    ik_under_gk = keys.wrap_item_key(ik, gk, "o1", "i1", grant_id="g1")
    assert keys.unwrap_item_key(ik_under_gk, gk, "o1", "i1", grant_id="g1") == ik


def test_sealed_grant_key_cannot_move() -> None:
    owner_uk, recipient_uk = SymmetricKey.generate(), SymmetricKey.generate()
    _, wraps, recipient_private = _grant(owner_uk, recipient_uk)
    for owner, grant, recipient in [("o2", "g1", "r1"), ("o1", "g2", "r1"), ("o1", "g1", "r2")]:
        with pytest.raises(DecryptError):
            keys.open_grant_key_as_recipient(
                recipient_private, wraps.sealed_for_recipient, owner, grant, recipient
            )
    stranger = keys.unwrap_private_key(recipient_uk, keys.new_key_pair(recipient_uk, "r1"), "r1")
    with pytest.raises(DecryptError):
        keys.open_grant_key_as_recipient(stranger, wraps.sealed_for_recipient, "o1", "g1", "r1")
    sealed = bytearray(wraps.sealed_for_recipient)
    for index in range(len(sealed)):
        sealed[index] ^= 1
        with pytest.raises(DecryptError):
            keys.open_grant_key_as_recipient(recipient_private, bytes(sealed), "o1", "g1", "r1")
        sealed[index] ^= 1


def test_revoked_grant_wraps_cannot_be_replayed_on_a_new_grant() -> None:
    owner_uk, recipient_uk, ik = (SymmetricKey.generate() for _ in range(3))
    old_gk, old_wraps, private = _grant(owner_uk, recipient_uk, "g-old")
    old_item_wrap = keys.wrap_item_key(ik, old_gk, "o1", "i1", grant_id="g-old")
    new_gk, new_wraps, _ = _grant(owner_uk, recipient_uk, "g-new")
    with pytest.raises(DecryptError):  # the old sealed key, replayed as the new grant's
        keys.open_grant_key_as_recipient(
            private, old_wraps.sealed_for_recipient, "o1", "g-new", "r1"
        )
    with pytest.raises(DecryptError):  # the old item wrap under the new grant key
        keys.unwrap_item_key(old_item_wrap, new_gk, "o1", "i1", grant_id="g-new")


def test_proposal_sealed_to_owner() -> None:
    owner_uk, ik = SymmetricKey.generate(), SymmetricKey.generate()
    pair = keys.new_key_pair(owner_uk, "o1")
    sealed = keys.seal_item_key_to_owner(ik, pair.public_key, "o1", "p1")
    private = keys.unwrap_private_key(owner_uk, pair, "o1")
    assert keys.open_item_key_sealed_to_owner(private, sealed, "o1", "p1") == ik
    with pytest.raises(DecryptError):
        keys.open_item_key_sealed_to_owner(private, sealed, "o1", "p2")


# -- sessions ------------------------------------------------------------------------------


def test_session_wrap_binds_id_user_and_expiry() -> None:
    uk, secret = SymmetricKey.generate(), b"s" * 32
    wrapped = keys.wrap_for_session(uk, secret, "sid", "u1", "2026-01-01T00:00:00+00:00")
    assert keys.unwrap_for_session(wrapped, secret, "sid", "u1", "2026-01-01T00:00:00+00:00") == uk
    for args in [
        (b"t" * 32, "sid", "u1", "2026-01-01T00:00:00+00:00"),
        (secret, "sid2", "u1", "2026-01-01T00:00:00+00:00"),
        (secret, "sid", "u2", "2026-01-01T00:00:00+00:00"),
        (secret, "sid", "u1", "2027-01-01T00:00:00+00:00"),  # extended expiry
        (secret, "sid", "u1", "2026-01-01T00:00:00+00:00", "totp"),  # another stage
    ]:
        with pytest.raises(DecryptError):
            keys.unwrap_for_session(wrapped, *args)


# -- rotation and shredding ----------------------------------------------------------------


def test_rotate_user_key_rewraps_everything_content_untouched() -> None:
    old_uk = SymmetricKey.generate()
    item_keys = {f"i{n}": SymmetricKey.generate() for n in range(5)}
    contents = {
        item: keys.encrypt_field(ik, f"text {item}", "o1", item, "body")
        for item, ik in item_keys.items()
    }
    pair = keys.new_key_pair(old_uk, "o1")
    wraps = [
        (
            keys.wrap_item_key(ik, old_uk, "o1", item),
            canonical_aad("item.key", owner="o1", item=item),
        )
        for item, ik in item_keys.items()
    ]
    new_uk, rewrapped = keys.rotate(old_uk, wraps)
    new_pair = keys.rewrap_private_key(old_uk, new_uk, pair, "o1")
    for (item, ik), envelope in zip(item_keys.items(), rewrapped, strict=True):
        opened = keys.unwrap_item_key(envelope, new_uk, "o1", item)
        assert opened == ik
        assert keys.decrypt_field(opened, contents[item], "o1", item, "body") == f"text {item}"
        with pytest.raises(DecryptError):
            keys.unwrap_item_key(envelope, old_uk, "o1", item)
    assert (
        keys.unwrap_private_key(new_uk, new_pair, "o1").public_key().public_bytes_raw()
        == pair.public_key
    )


def test_crypto_shredding_leaves_content_unreadable() -> None:
    """Once every wrap of the user key is deleted, neither passphrase nor code opens anything."""
    uk, ik = SymmetricKey.generate(), SymmetricKey.generate()
    content = keys.encrypt_field(ik, "mijn verhaal", "o1", "i1", "body")
    item_wrap = keys.wrap_item_key(ik, uk, "o1", "i1")
    del uk  # the only copies were the wraps, now deleted
    for _ in range(3):
        with pytest.raises(DecryptError):
            keys.unwrap_item_key(item_wrap, SymmetricKey.generate(), "o1", "i1")
    with pytest.raises(DecryptError):
        keys.decrypt_field(SymmetricKey.generate(), content, "o1", "i1", "body")


@settings(max_examples=25, deadline=None)
@given(passphrase=st.text(min_size=1, max_size=80), user=st.text(min_size=1, max_size=32))
def test_property_passphrase_wrap(passphrase: str, user: str) -> None:
    uk = SymmetricKey.generate()
    w = wrap(uk, passphrase, user)
    assert unlock(w, passphrase, user) == uk
    with pytest.raises((WrongSecretError, DecryptError)):
        unlock(w, passphrase + "x", user)


@given(
    key=st.binary(min_size=32, max_size=32), owner=st.text(max_size=20), item=st.text(max_size=20)
)
def test_property_item_key_wrap(key: bytes, owner: str, item: str) -> None:
    uk, ik = SymmetricKey.generate(), SymmetricKey(key)
    assert keys.unwrap_item_key(keys.wrap_item_key(ik, uk, owner, item), uk, owner, item) == ik
