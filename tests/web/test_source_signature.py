"""Issued by the source: a certificate's PDF that carries its issuer's own signature,
chaining to a root the operator trusts (SOURCE_TRUST_ROOTS, for example PKIoverheid),
is marked so when it is uploaded (checked in the limited PDF worker), on the item's page
and in the portfolio document. A signature from an untrusted root, or a file changed
after signing, gets no such mark."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fpdf import FPDF
from pypdf import PdfReader

from portfolio.export import pades
from tests.conftest import login
from tests.web.test_document import EMPLOYER, make_document
from tests.web.test_records import post_multipart

NOW = datetime.now(UTC)


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(signing_key, hashes.SHA256())


def _authority(name: str):
    """A root and a document-signing certificate under it."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"{name} Root CA", name)
    root = _certificate(root_name, root_name, root_key.public_key(), root_key, ca=True)
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = _certificate(
        _name("DUO Diplomaregister", "Dienst Uitvoering Onderwijs"),
        root_name,
        signer_key.public_key(),
        root_key,
        ca=False,
    )
    return root, signer, signer_key


def _signed_pdf(signer, signer_key, root) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, "Uittreksel diplomaregister: MBO Verzorgende IG")
    return pades.sign(bytes(pdf.output()), signer_key, signer, reason="test", chain=[root]).pdf


@pytest.fixture
def trusted(tmp_path: Path):
    root, signer, key = _authority("Staat der Nederlanden Test")
    roots = tmp_path / "roots.pem"
    roots.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return roots, _signed_pdf(signer, key, root)


def _upload(owner, pdf: bytes) -> str:
    response = post_multipart(
        owner,
        "/portfolio/certificates/new",
        {
            "title": "MBO-diploma Verzorgende IG",
            "certificate_type": "mbo",
            "domain": "education",
            "upload": (io.BytesIO(pdf), "diploma.pdf"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.location


def _owner(app, make_owner, name: str = "amina"):
    account = make_owner(name)
    client = app.test_client()
    login(client, account.username, account.passphrase)
    return client


def test_a_pdf_signed_under_a_trusted_root_is_issued_by_the_source(
    app_factory, make_owner, trusted
) -> None:
    roots, pdf = trusted
    app = app_factory(source_trust_roots=roots)
    owner = _owner(app, make_owner)
    page = owner.get(_upload(owner, pdf)).get_data(as_text=True)
    assert "DUO Diplomaregister" in page  # "digitally signed by ... (checked)"
    response = make_document(owner, {**EMPLOYER, "sections": ["certificates"]})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "door DUO Diplomaregister (Dienst Uitvoering Onderwijs)" in text  # Dutch


def test_untrusted_or_changed_pdfs_get_no_mark(app_factory, make_owner, trusted) -> None:
    roots, pdf = trusted
    other_root, other_signer, other_key = _authority("Zelfgemaakt")
    app = app_factory(source_trust_roots=roots)
    owner = _owner(app, make_owner)
    for data in (
        _signed_pdf(other_signer, other_key, other_root),  # a root nobody trusts
        pdf + b"\n% appended after signing\n",  # the signature no longer covers the file
    ):
        page = owner.get(_upload(owner, data)).get_data(as_text=True)
        assert "DUO Diplomaregister" not in page
    # and without trusted roots configured, nothing is marked at all
    plain = _owner(app_factory(), make_owner, "bilal")
    assert "DUO Diplomaregister" not in plain.get(_upload(plain, pdf)).get_data(as_text=True)
