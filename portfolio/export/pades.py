"""PAdES signatures (pyHanko): the document is signed with the issuer's X.509 key in an
incremental update (PAdES baseline B-B: no time-stamp authority is reachable offline),
and a signature can be checked against a trusted certificate."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portfolio.vault.certificates import SigningKey

logger = logging.getLogger(__name__)
FIELD = "PortfolioSignature"
T = TypeVar("T")


def _run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """pyHanko works with asyncio. A thread that already runs an event loop (a test
    driving a browser, an async server) cannot start another, so there the coroutine runs
    in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool
    valid: bool
    trusted: bool
    signer: str


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def sign(
    pdf: bytes,
    key: SigningKey,
    certificate: x509.Certificate,
    *,
    reason: str,
    chain: Sequence[x509.Certificate] = (),
) -> bytes:
    """``chain``: the certificates between the signer and its root, carried along."""
    cert = _asn1(certificate)
    private = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([cert, *map(_asn1, chain)]),  # type: ignore[no-untyped-call]
    )
    out = io.BytesIO()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="NL",
    )
    _run_coroutine(
        lambda: signers.async_sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer, output=out
        )
    )
    return out.getvalue()


def check(pdf: bytes, trusted_der: bytes) -> SignatureCheck | None:
    """The first signature, checked against one trusted certificate; None without one."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return None
        context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(trusted_der)])
        status = _run_coroutine(lambda: async_validate_pdf_signature(signatures[0], context))
    except (PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("signature could not be read: %s", type(error).__name__)
        return None
    return SignatureCheck(
        bool(status.intact),
        bool(status.valid),
        bool(status.trusted),
        status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )
