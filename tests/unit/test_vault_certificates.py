"""The municipality's PDF certificate: the development certificate is what it says, its
key opens only for its own municipality and certificate, and a PKCS#12 file is taken only
when it holds a usable, valid key that belongs to its certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from portfolio.vault import certificates
from portfolio.vault.certificates import CertificateError, OrgCertificate
from portfolio.vault.envelope import Keyring
from portfolio.vault.errors import DecryptError

RING = Keyring({"a1": b"a" * 32})
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def self_signed(key, name: str = "Gemeente Utrecht", days: tuple[int, int] = (-1, 365)):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + timedelta(days=days[0]))
        .not_valid_after(NOW + timedelta(days=days[1]))
        .sign(key, hashes.SHA256())
    )


def p12(key, cert, password: bytes | None = b"geheim") -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(b"org", key, cert, None, encryption)


def test_development_certificate_says_what_it_is_and_signs() -> None:
    made = certificates.new_development_certificate(RING, "org1", "Gemeente Utrecht", NOW)
    assert made.development
    cert = x509.load_der_x509_certificate(made.certificate)
    names = {a.oid: a.value for a in cert.subject}
    assert names[NameOID.COMMON_NAME] == "Gemeente Utrecht"
    assert names[NameOID.ORGANIZATIONAL_UNIT_NAME] == certificates.DEVELOPMENT_UNIT
    assert cert.issuer == cert.subject
    assert cert.not_valid_after_utc - cert.not_valid_before_utc > timedelta(days=3 * 365)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    cert.public_key().verify(
        cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm)
    )
    key, loaded = certificates.load(RING, "org1", made)
    signature = key.sign(b"document", ec.ECDSA(hashes.SHA256()))
    loaded.public_key().verify(signature, b"document", ec.ECDSA(hashes.SHA256()))
    assert len(made.fingerprint.split()) == 6


def test_the_key_opens_only_for_its_municipality_and_certificate() -> None:
    made = certificates.new_development_certificate(RING, "org1", "Gemeente Utrecht", NOW)
    other = certificates.new_development_certificate(RING, "org1", "Gemeente Utrecht", NOW)
    with pytest.raises(DecryptError):
        certificates.load(RING, "org2", made)
    with pytest.raises(DecryptError):  # a key moved under another certificate
        certificates.load(
            RING, "org1", OrgCertificate(other.certificate, made.encrypted_private_key, True)
        )
    assert b"PRIVATE" not in made.encrypted_private_key
    # A key sealed under a certificate it does not belong to is refused when loaded.
    key, _ = certificates.load(RING, "org1", made)
    wrong = certificates._seal(RING, "org1", key, other.certificate)
    with pytest.raises(CertificateError):
        certificates.load(RING, "org1", OrgCertificate(other.certificate, wrong, True))


def test_a_good_pkcs12_file_is_taken() -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    cert = self_signed(key)
    taken = certificates.from_pkcs12(RING, "org1", p12(key, cert), "geheim", NOW)
    assert not taken.development
    assert taken.certificate == cert.public_bytes(serialization.Encoding.DER)
    loaded_key, _ = certificates.load(RING, "org1", taken)
    assert loaded_key.private_numbers() == key.private_numbers()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_taken = certificates.from_pkcs12(
        RING, "org1", p12(rsa_key, self_signed(rsa_key), None), "", NOW
    )
    signer, signed_by = certificates.load(RING, "org1", rsa_taken)
    signature = signer.sign(b"x", padding.PKCS1v15(), hashes.SHA256())
    signed_by.public_key().verify(signature, b"x", padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize(
    ("make", "password", "reason"),
    [
        (lambda: b"not a pkcs12 file", "geheim", "unreadable"),
        (lambda: b"", "geheim", "unreadable"),
        (lambda: p12(*_pair()), "fout", "password"),
        (lambda: p12(*_pair(days=(-400, -1))), "geheim", "expired"),
        (lambda: p12(*_pair(days=(10, 400))), "geheim", "expired"),
        (lambda: p12(*_pair(ec.generate_private_key(ec.SECP256K1()))), "geheim", "key_type"),
        (
            lambda: p12(*_pair(rsa.generate_private_key(public_exponent=65537, key_size=1024))),  # noqa: S505
            "geheim",
            "key_type",
        ),
        (
            lambda: pkcs12.serialize_key_and_certificates(
                b"org", None, _pair()[1], None, serialization.BestAvailableEncryption(b"geheim")
            ),
            "geheim",
            "no_key",
        ),
    ],
)
def test_an_unusable_file_is_refused_with_its_reason(make, password: str, reason: str) -> None:
    with pytest.raises(CertificateError) as refused:
        certificates.from_pkcs12(RING, "org1", make(), password, NOW)
    assert refused.value.reason == reason


def _pair(key=None, days: tuple[int, int] = (-1, 365)):
    key = key or ec.generate_private_key(ec.SECP256R1())
    return key, self_signed(key, days=days)
