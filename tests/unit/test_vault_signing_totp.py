"""Organisation signing keys, staff key certificates and TOTP."""

from __future__ import annotations

import pytest

from portfolio.vault import signing, totp
from portfolio.vault.envelope import Keyring
from portfolio.vault.errors import DecryptError

RING = Keyring({"a1": b"a" * 32})


def test_org_key_round_trip_and_signature() -> None:
    org = signing.new_org_signing_key(RING, "org1")
    private = signing.load_org_private_key(RING, org, "org1")
    payload = {"type": "endorsement", "item": "i1", "level": "B1"}
    signature = signing.sign(private, payload)
    signing.verify(org.public_key, payload, signature)
    with pytest.raises(signing.SignatureError):
        signing.verify(org.public_key, {**payload, "level": "B2"}, signature)
    with pytest.raises(DecryptError):
        signing.load_org_private_key(RING, org, "org2")
    with pytest.raises(DecryptError):
        signing.load_org_private_key(Keyring({"b1": b"b" * 32}), org, "org1")


def test_staff_key_certificate() -> None:
    org = signing.new_org_signing_key(RING, "org1")
    private = signing.load_org_private_key(RING, org, "org1")
    staff_key = b"k" * 32
    cert = signing.certify_staff_key(private, "org1", "s1", staff_key)
    signing.verify_staff_key(org.public_key, "org1", "s1", staff_key, cert)
    for args in [("org2", "s1", staff_key), ("org1", "s2", staff_key), ("org1", "s1", b"x" * 32)]:
        with pytest.raises(signing.SignatureError):
            signing.verify_staff_key(org.public_key, *args, cert)


def test_fingerprint_is_readable_and_stable() -> None:
    fp = signing.fingerprint(b"k" * 32)
    assert fp == signing.fingerprint(b"k" * 32)
    assert len(fp.split(" ")) == 8 and all(len(g) == 4 for g in fp.split(" "))
    assert fp != signing.fingerprint(b"j" * 32)


def test_totp_accepts_current_and_neighbour_steps_once() -> None:
    secret = totp.new_totp_secret()
    now = 1_800_000_000.0
    step = int(now // 30)
    assert totp.matching_step(secret, totp.code_at(secret, step), now, None) == step
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now, None) == step - 1
    assert totp.matching_step(secret, totp.code_at(secret, step + 1), now, None) == step + 1
    assert totp.matching_step(secret, totp.code_at(secret, step - 2), now, None) is None
    # A code works once: the same step (or an older one) is refused afterwards.
    assert totp.matching_step(secret, totp.code_at(secret, step), now, step) is None
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now, step) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5x"])
def test_totp_rejects_malformed(code: str) -> None:
    assert totp.matching_step(totp.new_totp_secret(), code, 1_800_000_000.0, None) is None


def test_provisioning_uri() -> None:
    uri = totp.provisioning_uri(b"s" * 20, "sanne", "Portfolio Utrecht")
    assert uri.startswith("otpauth://totp/") and "issuer=Portfolio" in uri
