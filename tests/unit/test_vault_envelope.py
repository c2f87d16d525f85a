"""Envelopes: round trips, every tamper, wrong key, wrong context, unknown versions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.vault.envelope import (
    MIN_LEN,
    Keyring,
    SymmetricKey,
    canonical_aad,
    envelope_key_id,
    open_,
    seal,
)
from portfolio.vault.errors import DecryptError

AAD = canonical_aad("item.content", owner="o1", item="i1", field="body")


def test_round_trip() -> None:
    key = SymmetricKey.generate()
    assert (
        open_(key, seal(key, b"Ik werk als vrijwilliger", AAD), AAD) == b"Ik werk als vrijwilliger"
    )


def test_format_is_version_keyid_nonce_ciphertext() -> None:
    key = SymmetricKey.generate()
    envelope = seal(key, b"abc", AAD)
    assert envelope[0] == 1
    assert envelope_key_id(envelope) == key.key_id
    assert len(envelope) == 1 + 8 + 12 + 3 + 16


def test_nonces_differ() -> None:
    key = SymmetricKey.generate()
    assert seal(key, b"same", AAD) != seal(key, b"same", AAD)


def test_every_flipped_byte_fails() -> None:
    key = SymmetricKey.generate()
    envelope = seal(key, b"certificate: Staatsexamen NT2 B1", AAD)
    for index in range(len(envelope)):
        for bit in (0x01, 0x80):
            tampered = bytearray(envelope)
            tampered[index] ^= bit
            with pytest.raises(DecryptError):
                open_(key, bytes(tampered), AAD)


def test_truncated_and_extended_fail() -> None:
    key = SymmetricKey.generate()
    envelope = seal(key, b"hello", AAD)
    for cut in range(len(envelope)):
        with pytest.raises(DecryptError):
            open_(key, envelope[:cut], AAD)
    with pytest.raises(DecryptError):
        open_(key, envelope + b"\x00", AAD)


def test_unknown_version_fails_loudly() -> None:
    key = SymmetricKey.generate()
    envelope = bytearray(seal(key, b"hello", AAD))
    for version in (0, 2, 255):
        envelope[0] = version
        with pytest.raises(DecryptError):
            open_(key, bytes(envelope), AAD)


def test_wrong_key_fails() -> None:
    envelope = seal(SymmetricKey.generate(), b"hello", AAD)
    with pytest.raises(DecryptError):
        open_(SymmetricKey.generate(), envelope, AAD)


@pytest.mark.parametrize(
    "other",
    [
        canonical_aad("item.content", owner="o2", item="i1", field="body"),  # another user
        canonical_aad("item.content", owner="o1", item="i2", field="body"),  # another row
        canonical_aad("item.content", owner="o1", item="i1", field="title"),  # another field
        canonical_aad("item.key", owner="o1", item="i1", field="body"),  # another purpose
    ],
)
def test_swapped_context_fails(other: bytes) -> None:
    key = SymmetricKey.generate()
    with pytest.raises(DecryptError):
        open_(key, seal(key, b"hello", AAD), other)


def test_aad_is_canonical() -> None:
    assert canonical_aad("x", b=1, a="é") == canonical_aad("x", a="é", b=1)
    assert canonical_aad("x", a="é") == '{"a":"é","ns":"x","v":1}'.encode()


def test_garbage_inputs_fail_cleanly() -> None:
    key = SymmetricKey.generate()
    for junk in (b"", b"\x01", bytes(MIN_LEN), b"\x01" * 200, "text"):
        with pytest.raises(DecryptError):
            open_(key, junk, AAD)  # type: ignore[arg-type]


def test_key_repr_hides_material() -> None:
    key = SymmetricKey(bytes(range(32)))
    assert bytes(range(32)).hex() not in repr(key)


def test_keyring_opens_old_keys_and_reports_rotation() -> None:
    old = {"k1": b"\x01" * 32}
    envelope = Keyring(old).seal(b"totp secret", AAD)
    ring = Keyring({"k2": b"\x02" * 32, "k1": b"\x01" * 32})
    assert ring.open(envelope, AAD) == b"totp secret"
    assert ring.needs_rotation(envelope)
    assert not ring.needs_rotation(ring.seal(b"x", AAD))
    with pytest.raises(DecryptError):
        Keyring({"k3": b"\x03" * 32}).open(envelope, AAD)


@given(plaintext=st.binary(max_size=4096), owner=st.text(max_size=40), field=st.text(max_size=20))
def test_property_round_trip(plaintext: bytes, owner: str, field: str) -> None:
    key = SymmetricKey.generate()
    aad = canonical_aad("item.content", owner=owner, field=field)
    assert open_(key, seal(key, plaintext, aad), aad) == plaintext


@given(
    plaintext=st.binary(min_size=1, max_size=256),
    index=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
)
def test_property_any_tamper_fails(plaintext: bytes, index: int, flip: int) -> None:
    key = SymmetricKey.generate()
    envelope = bytearray(seal(key, plaintext, AAD))
    envelope[index % len(envelope)] ^= flip
    with pytest.raises(DecryptError):
        open_(key, bytes(envelope), AAD)


@given(a=st.text(max_size=30), b=st.text(max_size=30))
def test_property_distinct_contexts_never_cross(a: str, b: str) -> None:
    key = SymmetricKey.generate()
    envelope = seal(key, b"x", canonical_aad("item.content", owner=a))
    if a == b:
        assert open_(key, envelope, canonical_aad("item.content", owner=b)) == b"x"
    else:
        with pytest.raises(DecryptError):
            open_(key, envelope, canonical_aad("item.content", owner=b))
