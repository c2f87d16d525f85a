"""The portfolio document's signature holds for the long term, checked against a real
CA (OCSP, CRLs) and a real RFC 3161 timestamp authority served by certomancer, and
validated with pyHanko's AdES processes offline, as a verifier would years later:

- without a timestamp authority: B-B with the chain and revocation data in the DSS
  (ETSI's B-LT also needs a signature timestamp, which only a TSA gives);
- with one (``TSA_URL``): a signature timestamp and a document timestamp (B-LTA), which
  ``flask documents renew-timestamp`` renews; the verify page accepts the renewed file
  as the same document and refuses one whose later revision changes the content;
- a revoked certificate, an untrusted chain or an authority that does not answer: no
  document, a translated message, the choices kept.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from flask import Flask
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate, AdESPassed
from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
from pyhanko.sign.validation import ades, validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager
from sqlalchemy import func, select

from portfolio.accounts.models import Role
from portfolio.db import db
from portfolio.export.models import IssuedDocument
from portfolio.export.pades import FIELD
from tests import pki
from tests.conftest import in_app, login, post_form
from tests.web.test_document import EMPLOYER, checked_items, document_id, done_goal, make_document
from tests.web.test_records import post_multipart
from tests.web.test_sharing import new_code, staff_client


def in_thread(work):
    """pyHanko's validation runs its own event loop; the browser tests of the same
    session keep one running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _offline_spec(root_der: bytes) -> PdfSignatureValidationSpec:
    """Trust only the test root, require revocation data, fetch nothing: what is in the
    document must be enough."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[asn1_x509.Certificate.load(root_der)]),
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )


def _signature(data: bytes):
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_regular_signatures
    assert signature.field_name == FIELD
    return reader, signature


def _world(
    app: Flask, make_owner, make_staff, test_pki, label: str = "signer", name: str = "a", **upload
):
    """An owner connected to a regievoerder of Utrecht, whose administrator uploaded the
    municipality's PKCS#12 file from the test CA."""
    town = f"Utrecht {name}"  # each world its own municipality, in one database
    admin = staff_client(app, make_staff(f"beheer{name}", role=Role.ADMIN, municipality=town))
    data = upload.get("data") or test_pki.pkcs12(label)
    form = {"certificate": (io.BytesIO(data), "utrecht.p12"), "password": pki.PASSWORD}
    taken = post_multipart(admin, "/admin/settings/certificate", form, "/admin/settings")
    assert taken.status_code == 302, taken.get_data(as_text=True)[:400]
    staff = staff_client(app, make_staff(f"sanne{name}", municipality=town))
    account = make_owner(f"amal{name}")
    owner = app.test_client()
    login(owner, account.username, account.passphrase)
    code = new_code(staff)
    post_form(owner, "/sharing/connect", {"code": code}, "/sharing/")
    done = post_form(owner, "/sharing/connect", {"code": code, "confirm": "1"}, "/sharing/")
    assert done.status_code == 302
    done_goal(owner)
    return owner


def _documents(app: Flask) -> int:
    return in_app(app, lambda: db.session.scalar(select(func.count()).select_from(IssuedDocument)))


def test_without_a_timestamp_authority_the_validation_data_is_in_the_document(
    app_factory, make_owner, make_staff, test_pki
) -> None:
    app = app_factory()
    owner = _world(app, make_owner, make_staff, test_pki)
    data = make_document(owner, EMPLOYER).data
    reader, signature = _signature(data)
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1 and len(dss["/CRLs"]) >= 1  # the signer's, its CA's
    assert len(dss["/Certs"]) >= 3  # signer, intermediate, root (and the OCSP responder)
    assert not reader.embedded_timestamp_signatures
    # Offline, revocation data required: what the DSS holds is enough, and needed.
    roots = {"trust_roots": [asn1_x509.Certificate.load(test_pki.der("root"))]}
    offline = {**roots, "allow_fetching": False, "revocation_mode": "require"}
    with_dss = DocumentSecurityStore.read_dss(reader).as_validation_context(offline)
    status = in_thread(lambda: validate_pdf_signature(signature, with_dss))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.modification_level == ModificationLevel.LTA_UPDATES
    without = ValidationContext(**offline, crls=[], ocsps=[])
    assert not in_thread(lambda: validate_pdf_signature(signature, without)).trusted
    # ETSI's B-LT needs a signature timestamp: pyHanko's AdES process says it is missing.
    spec = _offline_spec(test_pki.der("root"))
    result = in_thread(lambda: asyncio.run(ades.ades_lta_validation(signature, spec)))
    assert result.ades_subindic == AdESIndeterminate.SIG_CONSTRAINTS_FAILURE
    stored = in_app(app, lambda: db.session.scalars(select(IssuedDocument)).one())
    assert stored.signature_level == "B-B+LTV" and stored.signed_size < len(data)


def test_with_a_timestamp_authority_it_is_b_lta_and_renewable(
    app_factory, make_owner, make_staff, test_pki, tmp_path: Path
) -> None:
    app = app_factory(tsa_url=test_pki.tsa_url)
    owner = _world(app, make_owner, make_staff, test_pki)
    data = make_document(owner, EMPLOYER).data
    reader, signature = _signature(data)
    unsigned = [a["type"].native for a in signature.signer_info["unsigned_attrs"]]
    assert "signature_time_stamp_token" in unsigned  # B-T: a signature timestamp
    assert len(reader.embedded_timestamp_signatures) == 1  # B-LTA: a document timestamp
    spec = _offline_spec(test_pki.der("root"))
    result = in_thread(lambda: asyncio.run(ades.ades_lta_validation(signature, spec)))
    assert result.ades_subindic == AdESPassed.OK
    assert result.signature_timestamp_status is not None
    assert result.signature_timestamp_status.ades_subindic == AdESPassed.OK
    assert result.oldest_evidence_record_timestamp is not None

    number = document_id(data)
    visitor = app.test_client()

    def verdict(payload: bytes) -> str:
        return post_form(
            visitor, f"/verify/{number}", {"document": (io.BytesIO(payload), "p.pdf")}
        ).get_data(as_text=True)

    assert "exactly the document that was issued" in verdict(data)

    # The renewal command adds a second document timestamp, after its validation data.
    source, target = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(data)
    ran = app.test_cli_runner().invoke(
        args=["documents", "renew-timestamp", str(source), str(target)]
    )
    assert ran.exit_code == 0, ran.output
    renewed = target.read_bytes()
    assert renewed.startswith(data) and len(renewed) > len(data)
    reader, signature = _signature(renewed)
    assert len(reader.embedded_timestamp_signatures) == 2
    again = in_thread(lambda: asyncio.run(ades.ades_lta_validation(signature, spec)))
    assert again.ades_subindic == AdESPassed.OK
    page = verdict(renewed)
    assert "with validation data added later" in page and 'class="callout success"' in page

    # A later revision that changes what the document says is not the same document.
    writer = IncrementalPdfFileWriter(io.BytesIO(renewed))
    page_object = writer.root["/Pages"]["/Kids"][0].get_object()
    page_object["/Rotate"] = generic.NumberObject(90)  # any change to the content
    writer.update_container(page_object)
    changed = io.BytesIO()
    writer.write(changed)
    refused = verdict(changed.getvalue())
    assert "not the document that was issued" in refused and "callout success" not in refused


def test_a_revoked_certificate_signs_nothing_and_the_choices_stay(
    app_factory, make_owner, make_staff, test_pki
) -> None:
    app = app_factory()
    owner = _world(app, make_owner, make_staff, test_pki, label="revoked")
    items = checked_items(owner)
    page = post_form(owner, "/documents/new/employer", {**EMPLOYER, "items": items})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "has been revoked" in text
    assert 'value="Amal Haddad"' in text  # what the owner typed is still there
    assert _documents(app) == 0


def test_an_untrusted_chain_or_an_absent_authority_gets_a_clear_answer(
    app_factory, make_owner, make_staff, test_pki
) -> None:
    # A PKCS#12 file without the root, and no PDF_TRUST_ROOTS: nothing to trust.
    partial = bytes(
        test_pki.arch.package_pkcs12(
            "signer", certs_to_embed=["interm"], password=pki.PASSWORD.encode()
        )
    )
    app = app_factory()
    owner = _world(app, make_owner, make_staff, test_pki, data=partial)
    refused = make_document(owner, EMPLOYER)
    assert refused.status_code == 200
    assert "does not trust the signing certificate" in refused.get_data(as_text=True)
    assert _documents(app) == 0

    # The operator names the root: the same certificate signs.
    trusted = app_factory(pdf_trust_roots=test_pki.root_pem_file())
    owner = _world(trusted, make_owner, make_staff, test_pki, name="b", data=partial)
    assert make_document(owner, EMPLOYER).mimetype == "application/pdf"

    # A timestamp authority that does not answer.
    silent = app_factory(tsa_url="http://127.0.0.1:9/tsa")
    owner = _world(silent, make_owner, make_staff, test_pki, name="c")
    before = _documents(silent)
    page = make_document(owner, EMPLOYER)
    assert page.status_code == 200
    assert "could not be signed just now" in page.get_data(as_text=True)
    assert _documents(silent) == before


def test_the_verify_page_names_the_long_term_signature(
    app_factory, make_owner, make_staff, test_pki
) -> None:
    app = app_factory()
    owner = _world(app, make_owner, make_staff, test_pki)
    number = document_id(make_document(owner, EMPLOYER).data)
    page = app.test_client().get(f"/verify/{number}").get_data(as_text=True)
    assert "PAdES B-B with validation data" in page  # what was made, not a prefix of it
