"""Issuing the portfolio document, and checking one.

``issue`` gathers what the owner chose, renders the PDF with the endorsements as
credentials attached, signs it (PAdES) with the certificate of the municipality the
owner is connected to, or of the service when there is none, for the long term
(validation data in the document, PAdES B-LTA with a timestamp authority), and keeps
only its hashes and what the verification page may show. ``check`` tells a verifier
whether an uploaded file is exactly an issued document, or that document with
validation data added later, and whether it was revoked.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.accounts import municipalities
from portfolio.accounts.models import Municipality, Role, User
from portfolio.blobs import BlobStore
from portfolio.export import badges, pades, pdf, pdf_layout
from portfolio.export.credentials import MEDIA_TYPE as JWT_TYPE
from portfolio.export.document import Choice, Contents, gather
from portfolio.export.errors import DocumentNotFoundError
from portfolio.export.integrity import MEDIA_TYPE as LD_TYPE
from portfolio.export.models import IssuedDocument, ServiceCertificate
from portfolio.sharing.models import Connection
from portfolio.vault import certificates
from portfolio.vault.context import VaultContext
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
ID_LENGTH = 16  # 80 bits
SERVICE = "pdf"
SERVICE_ORG_ID = "service"
CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})


class Verdict(enum.StrEnum):
    EXACT = "exact"  # byte for byte the issued document, not revoked
    EXTENDED = "extended"  # the issued document, with validation data added since
    REVOKED = "revoked"  # the issued document, but revoked
    DIFFERENT = "different"  # not the issued document (changed, or another file)


@dataclass(frozen=True)
class Issued:
    document: IssuedDocument
    pdf: bytes


def new_document_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(ID_LENGTH))


def shown_id(document_id: str) -> str:
    return "-".join(document_id[i : i + 4] for i in range(0, len(document_id), 4))


def parse_id(text: str) -> str | None:
    """A document number as people type it (spaces, dashes, O for 0); None if not one."""
    cleaned = re.sub(r"[\s-]", "", text or "").upper().translate(CONFUSED)
    if len(cleaned) != ID_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def issuer_of(session: Session, owner: User) -> Municipality | None:
    """The municipality of the regievoerder the owner connected to most recently."""
    return session.scalars(
        select(Municipality)
        .join(User, User.municipality_id == Municipality.id)
        .join(Connection, Connection.recipient_id == User.id)
        .where(Connection.owner_id == owner.id, User.role == Role.REGIEVOERDER.value)
        .order_by(Connection.created_at.desc())
        .limit(1)
    ).first()


def service_certificate(
    session: Session, ctx: VaultContext, name: str, now: datetime
) -> certificates.OrgCertificate:
    row = session.get(ServiceCertificate, SERVICE)
    if row is None:
        made = certificates.new_development_certificate(ctx.app_keys, SERVICE_ORG_ID, name, now)
        row = ServiceCertificate(
            id=SERVICE,
            name=name,
            certificate=made.certificate,
            key_encrypted=made.encrypted_private_key,
            development=True,
        )
        session.add(row)
        session.flush()
        logger.info("development certificate made for the service")
    return certificates.OrgCertificate(row.certificate, row.key_encrypted, row.development)


@dataclass(frozen=True)
class Signer:
    municipality: Municipality | None
    name: str
    org_id: str
    certificate: certificates.OrgCertificate


def signer_for(
    session: Session, ctx: VaultContext, owner: User, service_name: str, now: datetime
) -> Signer:
    municipality = issuer_of(session, owner)
    if municipality is not None:
        return Signer(
            municipality,
            municipality.name,
            municipality.id,
            municipalities.certificate_of(session, ctx, municipality),
        )
    return Signer(
        None, service_name, SERVICE_ORG_ID, service_certificate(session, ctx, service_name, now)
    )


def attachments(
    session: Session, contents: Contents, ctx: VaultContext, public_url: str
) -> list[pdf.Attachment]:
    """Each holding endorsement of an achievement among the chosen items, as a VC-JWT
    and as JSON-LD with a Data Integrity proof (``badges``)."""
    found = []
    for made in badges.of_records(session, ctx, contents.records, public_url):
        # the viewer's list of attachments names what each proves
        found.append(pdf.Attachment(made.jwt_name, made.jwt.encode(), made.title, JWT_TYPE))
        found.append(pdf.Attachment(made.ld_name, made.linked_data.encode(), made.title, LD_TYPE))
    return found


def issue(
    session: Session,
    ctx: VaultContext,
    owner: User,
    user_key: SymmetricKey,
    store: BlobStore,
    choice: Choice,
    *,
    public_url: str,
    verify_url: str,
    service_name: str,
    now: datetime,
    long_term: pades.LongTerm,
) -> Issued:
    """``SigningUnavailableError`` if it cannot be signed for the long term now."""
    contents = gather(session, owner.id, user_key, store, choice, now.date())
    signer = signer_for(session, ctx, owner, service_name, now)
    document_id = new_document_id()
    identity = pdf_layout.Identity(
        shown_id(document_id),
        signer.name,
        verify_url.replace("DOCUMENT", document_id),
        signer.municipality.logo if signer.municipality else None,
    )
    unsigned = pdf.render(contents, identity, attachments(session, contents, ctx, public_url))
    key, certificate = certificates.load(ctx.app_keys, signer.org_id, signer.certificate)
    signed = pades.sign(
        unsigned,
        key,
        certificate,
        reason=f"Portfolio {identity.document_id}",
        chain=signer.certificate.chain,
        long_term=long_term,
    )
    document = IssuedDocument(
        id=document_id,
        owner_id=owner.id,
        municipality_id=signer.municipality.id if signer.municipality else None,
        issuer_name=signer.name,
        certificate_sha256=hashlib.sha256(signer.certificate.certificate).hexdigest(),
        audience=choice.audience.value,
        languages="+".join(filter(None, ("nl", choice.second_language))),
        sections=",".join(sorted(s for s in choice.sections if contents.has(s))),  # as printed
        item_count=contents.item_count,
        verified_count=contents.verified_count,
        sha256=hashlib.sha256(signed.pdf).hexdigest(),
        size=len(signed.pdf),
        signed_sha256=hashlib.sha256(signed.pdf[: signed.signed_size]).hexdigest(),
        signed_size=signed.signed_size,
        signature_level=signed.level,
        shown_name=choice.shown_name if choice.name_on_verification_page else None,
        issued_at=now,
    )
    session.add(document)
    session.flush()
    logger.info(
        "document %s issued for %s by %s (%s)", document_id, owner.id, signer.org_id, signed.level
    )
    return Issued(document, signed.pdf)


def of_owner(session: Session, owner_id: str) -> Sequence[IssuedDocument]:
    return session.scalars(
        select(IssuedDocument)
        .where(IssuedDocument.owner_id == owner_id)
        .order_by(IssuedDocument.issued_at.desc())
    ).all()


def revoke(session: Session, owner_id: str, document_id: str, now: datetime) -> IssuedDocument:
    document = session.get(IssuedDocument, document_id) if len(document_id) <= 32 else None
    if document is None or document.owner_id != owner_id:
        raise DocumentNotFoundError(document_id)
    if document.revoked_at is None:
        document.revoked_at = now
        document.revoked_reason = "owner"
        session.flush()
        logger.info("document %s revoked by its owner", document.id)
    return document


def revoke_all(session: Session, owner_id: str, now: datetime, reason: str) -> int:
    """Every document of the owner revoked and let go of its owner (account deletion)."""
    count = 0
    for document in of_owner(session, owner_id):
        if document.revoked_at is None:
            document.revoked_at = now
            document.revoked_reason = reason
        document.owner_id = None
        document.shown_name = None
        count += 1
    session.flush()
    return count


def find(session: Session, document_id: str) -> IssuedDocument | None:
    return session.get(IssuedDocument, document_id)


def fingerprint(sha256_hex: str) -> str:
    """A certificate's SHA-256 as people compare it: pairs of hex digits."""
    digits = sha256_hex.upper()
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def signing_certificate(session: Session, document: IssuedDocument) -> bytes | None:
    """The DER certificate that signed the document, while its issuer still has it (a
    municipality may have replaced its certificate since); None otherwise."""
    if document.municipality_id:
        org = session.get(Municipality, document.municipality_id)
        der = org.certificate if org else None
    else:
        service = session.get(ServiceCertificate, SERVICE)
        der = service.certificate if service else None
    if der is None or hashlib.sha256(der).hexdigest() != document.certificate_sha256:
        return None
    return der


def check(document: IssuedDocument, data: bytes) -> Verdict:
    """Exactly the issued file; or a file that begins with the revision the signature
    covers, byte for byte, and after it only adds validation data or timestamps (a
    PAdES B-LT or B-LTA augmentation, a renewed timestamp); or neither."""
    if hashlib.sha256(data).hexdigest() == document.sha256:
        found = Verdict.EXACT
    elif _same_signed_revision(document, data) and pades.only_validation_data_after(
        data, document.signed_size or 0
    ):
        found = Verdict.EXTENDED
    else:
        return Verdict.DIFFERENT
    return Verdict.REVOKED if document.revoked_at else found


def _same_signed_revision(document: IssuedDocument, data: bytes) -> bool:
    size = document.signed_size
    if not size or not document.signed_sha256 or len(data) <= size:
        return False
    return hashlib.sha256(data[:size]).hexdigest() == document.signed_sha256
