"""Municipalities: made when their first staff member is, renamed by their administrator,
with the X.509 certificate their portfolio documents are signed with (a development
certificate until the administrator uploads their own) and their logo. Organisational
data, not personal data. Functions take the session, flush, never commit."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio.accounts.models import Municipality
from portfolio.db import new_id, utcnow
from portfolio.uploads.pipeline import FileKind, UploadLimits, clean_upload
from portfolio.vault import certificates, credential_keys, signing
from portfolio.vault.context import VaultContext

logger = logging.getLogger(__name__)


def get_or_create_municipality(session: Session, ctx: VaultContext, name: str) -> Municipality:
    found = session.scalar(
        select(Municipality).where(func.lower(Municipality.name) == name.lower())
    )
    if found is not None:
        return found
    org_id = new_id()
    org_key = signing.new_org_signing_key(ctx.app_keys, org_id)
    municipality = Municipality(  # its PDF certificate is made when first needed (admin)
        id=org_id,
        name=name,
        signing_public_key=org_key.public_key,
        signing_private_key_encrypted=org_key.encrypted_private_key,
    )
    session.add(municipality)
    session.flush()
    logger.info("municipality %s created", org_id)
    return municipality


def rename(session: Session, ctx: VaultContext, municipality: Municipality, name: str) -> None:
    """A new name; a development certificate is made again in the new name (a real
    certificate is the issuer's word and stays)."""
    municipality.name = name
    session.flush()
    if municipality.certificate is None or municipality.certificate_development:
        development_certificate(session, ctx, municipality)


LOGO_LIMITS = UploadLimits(max_bytes=2 * 1024 * 1024, max_side=600, thumb_side=160)


def set_certificate(municipality: Municipality, cert: certificates.OrgCertificate) -> None:
    municipality.certificate = cert.certificate
    municipality.certificate_key_encrypted = cert.encrypted_private_key
    municipality.certificate_development = cert.development
    municipality.certificate_chain = certificates.chain_pem(cert.chain)


def certificate_of(
    session: Session, ctx: VaultContext, municipality: Municipality
) -> certificates.OrgCertificate:
    """The certificate to sign PDFs with; a development certificate is made the first
    time one is needed (municipalities made before certificates existed)."""
    if municipality.certificate is not None and municipality.certificate_key_encrypted:
        return certificates.OrgCertificate(
            municipality.certificate,
            municipality.certificate_key_encrypted,
            municipality.certificate_development,
            certificates.chain_of(municipality.certificate_chain),
        )
    return development_certificate(session, ctx, municipality)


def replace_certificate(
    session: Session, ctx: VaultContext, municipality: Municipality, data: bytes, password: str
) -> certificates.OrgCertificate:
    """The municipality's own certificate and key (PKCS#12); ``CertificateError`` if not
    usable, with nothing changed."""
    cert = certificates.from_pkcs12(ctx.app_keys, municipality.id, data, password, utcnow())
    set_certificate(municipality, cert)
    session.flush()
    logger.info("certificate of municipality %s replaced", municipality.id)
    return cert


def development_certificate(
    session: Session, ctx: VaultContext, municipality: Municipality
) -> certificates.OrgCertificate:
    """A new development certificate in the municipality's name: the first time one is
    needed, after a rename, or to go back from an uploaded one."""
    made = certificates.new_development_certificate(
        ctx.app_keys, municipality.id, municipality.name, utcnow()
    )
    set_certificate(municipality, made)
    session.flush()
    logger.info("development certificate made for municipality %s", municipality.id)
    return made


def set_logo(session: Session, municipality: Municipality, data: bytes) -> None:
    """The logo, decoded and re-encoded (no metadata, at most 600 px); ``UploadRejected``
    if it is not an image we read."""
    clean = clean_upload(data, LOGO_LIMITS, allowed=frozenset({FileKind.IMAGE}))
    municipality.logo = clean.data
    session.flush()


def remove_logo(session: Session, municipality: Municipality) -> None:
    municipality.logo = None
    session.flush()


def credential_key_of(
    session: Session, ctx: VaultContext, municipality: Municipality
) -> credential_keys.CredentialKey:
    """The key its credentials are signed with, made the first time one is needed."""
    if municipality.credential_public_key and municipality.credential_key_encrypted:
        return credential_keys.CredentialKey(
            municipality.credential_public_key, municipality.credential_key_encrypted
        )
    made = credential_keys.new_credential_key(ctx.app_keys, municipality.id)
    municipality.credential_public_key = made.public_key
    municipality.credential_key_encrypted = made.encrypted_private_key
    session.flush()
    logger.info("credential key made for municipality %s", municipality.id)
    return made
