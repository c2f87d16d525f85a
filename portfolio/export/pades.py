"""PAdES signatures (pyHanko) that hold for the long term.

A document is signed with the issuer's X.509 key in an incremental update, and the
signer's chain and revocation data (OCSP responses, CRLs, fetched from the addresses in
the certificates) go into the document security store (DSS), so that the signature can
be checked offline after the certificate has expired. With a timestamp authority
configured (``TSA_URL``) the signature carries an RFC 3161 signature timestamp (B-T,
and with the DSS B-LT) and the document a document timestamp over the DSS (B-LTA);
without one it is B-B with that validation data (ETSI's B-LT needs the timestamp);
``renew`` adds a new document timestamp before the last one's certificate expires.

The signature covers the revision it was made in; a verifier that gets the file later
may find revisions after it that only add validation data and timestamps.
``only_validation_data_after`` tells whether that is all they do (pyHanko's difference
analysis).
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portfolio.config import Settings
from portfolio.export.errors import SigningUnavailableError
from portfolio.vault.certificates import SigningKey

logger = logging.getLogger(__name__)
FIELD = "PortfolioSignature"
TIMESTAMP_FIELD = "PortfolioTimestamp"
FETCH_SECONDS = 10
KEY_USAGE = {"digital_signature"}
# What a later revision may do and leave the signed document the same: nothing, or
# add validation data and document timestamps.
ACCEPTED_LATER = frozenset({ModificationLevel.NONE, ModificationLevel.LTA_UPDATES})
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
class LongTerm:
    """Where validation data comes from: the timestamp authority (none: no timestamps)
    and the root certificates trusted besides a self-signed top of the signer's chain
    (the timestamp authority's root must be among them)."""

    tsa_url: str | None = None
    trust_roots: tuple[bytes, ...] = ()

    @property
    def level(self) -> str:
        """ETSI's B-LT needs a signature timestamp: without a TSA the signature is B-B
        with the validation data of B-LT in the DSS ("LTV")."""
        return "B-LTA" if self.tsa_url else "B-B+LTV"


def configured(settings: Settings) -> LongTerm:
    """The timestamp authority and trusted roots of this installation."""
    return LongTerm(settings.tsa_url, load_roots(settings.pdf_trust_roots))


def load_roots(path: Path | None) -> tuple[bytes, ...]:
    """The DER certificates of a PEM bundle (``PDF_TRUST_ROOTS``); none without one."""
    if path is None:
        return ()
    return tuple(
        der
        for kind, _headers, der in asn1_pem.unarmor(path.read_bytes(), multiple=True)
        if kind == "CERTIFICATE"
    )


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool
    valid: bool
    trusted: bool
    signer: str


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    signed_size: int  # the bytes of the revision the signature covers, from the start
    level: str


def _asn1(certificate: x509.Certificate | bytes) -> asn1_x509.Certificate:
    der = (
        certificate
        if isinstance(certificate, bytes)
        else certificate.public_bytes(serialization.Encoding.DER)
    )
    return asn1_x509.Certificate.load(der)


def _self_signed(certificate: asn1_x509.Certificate) -> bool:
    return bool(certificate.self_signed in {"maybe", "yes"})


def _context(
    roots: Sequence[asn1_x509.Certificate],
    others: Sequence[asn1_x509.Certificate] = (),
    *,
    session: aiohttp.ClientSession | None = None,
) -> ValidationContext:
    """Offline without a session; with one, OCSP and CRLs are fetched through it and a
    certificate whose revocation status cannot be learnt does not validate."""
    return ValidationContext(
        trust_roots=list(roots),
        other_certs=list(others),
        allow_fetching=session is not None,
        revocation_mode="soft-fail" if session is None else "hard-fail",
        fetcher_backend=None
        if session is None
        else AIOHttpFetcherBackend(session, per_request_timeout=FETCH_SECONDS),
    )


async def _online(work: Callable[[aiohttp.ClientSession], Awaitable[T]]) -> T:
    """One HTTP session for the authorities of one operation, closed at its end."""
    async with aiohttp.ClientSession() as session:
        return await work(session)


def _roots(
    long_term: LongTerm, certs: Sequence[asn1_x509.Certificate]
) -> list[asn1_x509.Certificate]:
    """The configured roots, and a self-signed certificate of the signer's own chain (a
    development certificate is its own root)."""
    return [*map(_asn1, long_term.trust_roots), *(c for c in certs if _self_signed(c))]


def _why_not(
    cert: asn1_x509.Certificate, others: Sequence[asn1_x509.Certificate], long_term: LongTerm
) -> str:
    """Why a signature could not be made: no path to a trusted root, even offline
    ("untrusted"); the certificate revoked ("revoked"); or an authority that did not
    answer ("unreachable")."""
    roots = _roots(long_term, [cert, *others])

    async def validate(session: aiohttp.ClientSession | None) -> None:
        context = _context(roots, others, session=session)
        validator = CertificateValidator(
            cert, intermediate_certs=list(others), validation_context=context
        )
        await validator.async_validate_usage(set())  # type: ignore[no-untyped-call]

    try:
        _run_coroutine(lambda: validate(None))
    except (PathBuildingError, PathValidationError):
        return "untrusted"
    try:
        _run_coroutine(lambda: _online(validate))
    except RevokedError:
        return "revoked"
    except (PathBuildingError, PathValidationError, OSError, aiohttp.ClientError, TimeoutError):
        return "unreachable"
    return "unreachable"  # the certificate holds: the timestamp authority did not answer


def sign(
    pdf: bytes,
    key: SigningKey,
    certificate: x509.Certificate,
    *,
    reason: str,
    chain: Sequence[x509.Certificate | bytes] = (),
    long_term: LongTerm | None = None,
) -> Signed:
    """``chain``: the certificates between the signer and its root, carried along.
    ``SigningUnavailableError`` when the chain is not trusted ("untrusted"), the
    certificate is revoked ("revoked"), or its authorities or the timestamp authority
    cannot be reached ("unreachable")."""
    policy = long_term or LongTerm()
    cert = _asn1(certificate)
    others = [_asn1(c) for c in chain]
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
        cert_registry=SimpleCertificateStore.from_certs([cert, *others]),  # type: ignore[no-untyped-call]
    )
    roots = _roots(policy, [cert, *others])

    async def signing(session: aiohttp.ClientSession) -> None:
        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location="NL",
            embed_validation_info=True,
            validation_context=_context(roots, others, session=session),
            signer_key_usage=KEY_USAGE,
            use_pades_lta=bool(policy.tsa_url),
            timestamp_field_name=TIMESTAMP_FIELD if policy.tsa_url else None,
        )
        timestamper = (
            HTTPTimeStamper(policy.tsa_url, timeout=FETCH_SECONDS, session=session)
            if policy.tsa_url
            else None
        )
        await signers.async_sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            metadata,
            signer=signer,
            timestamper=timestamper,
            output=out,
        )

    out = io.BytesIO()
    try:
        _run_coroutine(lambda: _online(signing))
    except (SigningError, OSError, aiohttp.ClientError, TimeoutError) as error:
        # OSError: the timestamp authority (TimestampRequestError) or the network.
        reason_code = _why_not(cert, others, policy)
        logger.warning("document not signed (%s): %s", reason_code, type(error).__name__)
        raise SigningUnavailableError(reason_code) from None
    signed = out.getvalue()
    return Signed(signed, signed_size(signed), policy.level)


def signed_size(pdf: bytes) -> int:
    """Where the revision of our signature ends: its byte range's end."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    for signature in reader.embedded_regular_signatures:
        if signature.field_name == FIELD:
            return _end(signature.byte_range)
    raise ValueError("no portfolio signature")


def _end(byte_range: Sequence[int]) -> int:
    """[start, length, start, length]: where the second range ends."""
    return int(byte_range[2]) + int(byte_range[3])


def renew(pdf: bytes, long_term: LongTerm) -> bytes:
    """A new document timestamp over everything so far, after the validation data of the
    last timestamp is added (PAdES B-LTA renewal); ``SigningUnavailableError`` as for
    ``sign``, ``ValueError`` if this is not a signed PDF or no TSA is configured."""
    if not long_term.tsa_url:
        raise ValueError("renewing needs a timestamp authority (TSA_URL)")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if not reader.embedded_regular_signatures:
            raise ValueError("not a signed PDF")
        found = [  # the certificates the signatures carry (signer, chain, TSA)
            choice.chosen
            for signature in reader.embedded_signatures
            for choice in signature.signed_data["certificates"]
            if choice.name == "certificate"
        ]
    except PdfError as error:
        raise ValueError("not a PDF we can read") from error
    roots = _roots(long_term, found)
    tsa_url = long_term.tsa_url

    async def renewing(session: aiohttp.ClientSession) -> None:
        stamper = signers.PdfTimeStamper(
            HTTPTimeStamper(tsa_url, timeout=FETCH_SECONDS, session=session)
        )
        await stamper.async_update_archival_timestamp_chain(
            reader, _context(roots, found, session=session), in_place=False, output=out
        )

    out = io.BytesIO()
    try:
        _run_coroutine(lambda: _online(renewing))
    except (SigningError, OSError, aiohttp.ClientError, TimeoutError) as error:
        logger.warning("timestamp not renewed: %s", type(error).__name__)
        raise SigningUnavailableError("unreachable") from None
    return out.getvalue()


def only_validation_data_after(pdf: bytes, signed_size: int) -> bool:
    """Whether our signature, ending at ``signed_size``, is intact and every revision
    after it only adds validation data or document timestamps. Only called for a file
    whose first ``signed_size`` bytes are known to be the issued document."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        found = [
            s
            for s in reader.embedded_regular_signatures
            if s.field_name == FIELD and _end(s.byte_range) == signed_size
        ]
        if len(found) != 1 or len(reader.embedded_regular_signatures) != 1:
            return False  # a second approval signature is more than validation data
        status = _run_coroutine(lambda: async_validate_pdf_signature(found[0], _context([])))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        logger.info("later revision could not be read: %s", type(error).__name__)
        return False
    return bool(status.intact and status.docmdp_ok and status.modification_level in ACCEPTED_LATER)


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
