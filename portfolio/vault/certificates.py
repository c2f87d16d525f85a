"""The municipality's X.509 certificate for PDF signatures (PAdES, crypto.md item 8).

Each municipality gets a self-signed development certificate (EC P-256) when it is made;
an administrator may replace it with the municipality's own certificate and key from a
PKCS#12 file. The private key is kept encrypted under the application key, bound to the
municipality and to the certificate's fingerprint, like the Ed25519 signing key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from portfolio.vault.envelope import Keyring, canonical_aad
from portfolio.vault.errors import VaultError

DEVELOPMENT_YEARS = 3
MIN_RSA_BITS = 2048
ALLOWED_CURVES = (ec.SECP256R1, ec.SECP384R1)
DEVELOPMENT_UNIT = "Development certificate - not for production"

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class CertificateError(VaultError):
    """A certificate file that cannot be used for signing (and why, as a code)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # unreadable, password, no_key, key_type, expired, mismatch


@dataclass(frozen=True)
class OrgCertificate:
    certificate: bytes  # DER
    encrypted_private_key: bytes
    development: bool
    # DER certificates from the signer's issuer up to its root, as the PKCS#12 file
    # carried them: embedded in every signature, with their revocation data.
    chain: tuple[bytes, ...] = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


def fingerprint(certificate_der: bytes) -> str:
    """SHA-256 of the certificate, in groups of four hex digits (as people compare it)."""
    digest = hashlib.sha256(certificate_der).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 24, 4))


def _aad(org_id: str, certificate_der: bytes) -> bytes:
    return canonical_aad(
        "org.pdf_key", org=org_id, certificate=hashlib.sha256(certificate_der).hexdigest()
    )


def _seal(keyring: Keyring, org_id: str, key: SigningKey, certificate_der: bytes) -> bytes:
    raw = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return keyring.seal(raw, _aad(org_id, certificate_der))


def new_development_certificate(
    keyring: Keyring, org_id: str, name: str, now: datetime
) -> OrgCertificate:
    """A self-signed EC P-256 certificate in the municipality's name, valid three years;
    its organisational unit says it is for development."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEVELOPMENT_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * DEVELOPMENT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return OrgCertificate(der, _seal(keyring, org_id, key, der), development=True)


def _check_key(key: object) -> SigningKey:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ALLOWED_CURVES):
            raise CertificateError("key_type")
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise CertificateError("key_type")
        return key
    raise CertificateError("key_type")


def _matches(certificate: x509.Certificate, key: SigningKey) -> bool:
    def spki(public: CertificatePublicKeyTypes) -> bytes:
        return public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    return spki(certificate.public_key()) == spki(key.public_key())


def from_pkcs12(
    keyring: Keyring, org_id: str, data: bytes, password: str, now: datetime
) -> OrgCertificate:
    """The municipality's own certificate and key from a PKCS#12 file; refused with a
    reason when it does not open, holds no usable key, has expired or does not match."""
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except ValueError as error:
        reason = "password" if "password" in str(error).lower() else "unreadable"
        raise CertificateError(reason) from None
    except Exception:  # noqa: BLE001  (a malformed file may raise anything from the parser)
        raise CertificateError("unreadable") from None
    if key is None or certificate is None:
        raise CertificateError("no_key")
    signing_key = _check_key(key)
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
        raise CertificateError("expired")
    if not _matches(certificate, signing_key):
        raise CertificateError("mismatch")
    der = certificate.public_bytes(serialization.Encoding.DER)
    chain = tuple(c.public_bytes(serialization.Encoding.DER) for c in extra if c != certificate)
    return OrgCertificate(
        der, _seal(keyring, org_id, signing_key, der), development=False, chain=chain
    )


def chain_pem(chain: tuple[bytes, ...]) -> bytes | None:
    """The chain as a PEM bundle to keep; None when there is none."""
    if not chain:
        return None
    return b"".join(
        x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
        for der in chain
    )


def chain_of(pem: bytes | None) -> tuple[bytes, ...]:
    if not pem:
        return ()
    return tuple(
        c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(pem)
    )


def load(
    keyring: Keyring, org_id: str, cert: OrgCertificate
) -> tuple[SigningKey, x509.Certificate]:
    """The key and certificate to sign with; the key must match the certificate."""
    raw = keyring.open(cert.encrypted_private_key, _aad(org_id, cert.certificate))
    key = _check_key(serialization.load_der_private_key(raw, password=None))
    certificate = x509.load_der_x509_certificate(cert.certificate)
    if not _matches(certificate, key):
        raise CertificateError("mismatch")
    return key, certificate


def describe(certificate_der: bytes) -> tuple[str, datetime, datetime]:
    """Subject (as one line), valid from, valid until: for the administrator's page."""
    certificate = x509.load_der_x509_certificate(certificate_der)
    return (
        certificate.subject.rfc4514_string(),
        certificate.not_valid_before_utc,
        certificate.not_valid_after_utc,
    )
