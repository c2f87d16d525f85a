"""Checks one PDF in a process of its own, under hard resource limits.

Started by ``portfolio.uploads.pdfs``: reads the PDF on stdin and prints one JSON line,
``{"ok": true, "pages": n}`` or ``{"ok": false, "reason": "..."}``. With
``--trust-roots=FILE`` (a PEM bundle) it checks the issuer's signature instead (pyHanko):
``{"ok": true, "source": {...}}`` when the last signature covers the whole file, is
intact and valid and chains to one of those roots, else ``{"ok": true, "source": null}``.
The limits are set before pypdf is imported. Nothing from the PDF is ever printed or
logged (the signer's name aside, in signature mode): pypdf's log messages (which can
quote the file) are switched off, and an unexpected exception writes
only its class name to stderr and exits with status 3.

It imports nothing from the portfolio package, so it can be started by path with
``python -I`` without loading the web application.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import resource
import struct
import sys
import warnings
import zlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader
    from pypdf.generic import StreamObject

# The values of portfolio.uploads.errors.Rejection this worker can report.
DAMAGED = "damaged"
ENCRYPTED = "pdf_encrypted"
TOO_COMPLEX = "pdf_too_complex"
TOO_MANY_PAGES = "pdf_too_many_pages"
REASONS = frozenset({DAMAGED, ENCRYPTED, TOO_COMPLEX, TOO_MANY_PAGES})

MAX_OPEN_FILES = 32
MAX_FORM_DEPTH = 12  # nested form XObjects followed before giving up
MAX_DECODED_BYTES = 400 * 1024 * 1024  # all streams together
UNEXPECTED_EXIT = 3

Verdict = dict[str, bool | int | str]
NO_SOURCE: dict[str, object] = {"ok": True, "source": None}


def limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    """Caps memory, CPU time, open files and new processes; no file can get a single byte."""
    limits = {
        resource.RLIMIT_AS: memory_mb * 1024 * 1024,
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_FSIZE: 0,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NOFILE: MAX_OPEN_FILES,
        resource.RLIMIT_NPROC: 0,
    }
    for kind, soft in limits.items():
        _, hard = resource.getrlimit(kind)
        ceiling = soft + 1 if kind == resource.RLIMIT_CPU else soft
        if hard != resource.RLIM_INFINITY:
            soft, ceiling = min(soft, hard), min(ceiling, hard)
        resource.setrlimit(kind, (soft, ceiling))


def _refuse(reason: str) -> Verdict:
    return {"ok": False, "reason": reason}


def check_pdf(data: bytes, max_pages: int) -> Verdict:
    """Opens the PDF, counts its pages and decodes the streams a viewer would decode."""
    from pypdf import PdfReader
    from pypdf.errors import DeprecationError, LimitReachedError, PyPdfError

    parse_errors = (
        PyPdfError,
        DeprecationError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        AssertionError,
        OSError,
        EOFError,
        zlib.error,
        struct.error,
        NotImplementedError,
    )
    try:
        return _inspect(PdfReader(io.BytesIO(data)), max_pages)
    except (LimitReachedError, RecursionError, MemoryError):
        return _refuse(TOO_COMPLEX)
    except parse_errors:
        return _refuse(DAMAGED)


def _inspect(reader: PdfReader, max_pages: int) -> Verdict:
    from pypdf import PasswordType

    # A PDF with only an owner password (printing or copying restricted, common for
    # official documents) opens with the empty password: it is checked like any other.
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        return _refuse(ENCRYPTED)
    pages = len(reader.pages)
    if pages == 0:
        return _refuse(DAMAGED)
    if pages > max_pages:
        return _refuse(TOO_MANY_PAGES)
    decoded = 0
    for page in reader.pages:
        for stream in _streams_of(page):
            decoded += _decode(stream)
            if decoded > MAX_DECODED_BYTES:
                return _refuse(TOO_COMPLEX)
    return {"ok": True, "pages": pages}


def _decode(stream: StreamObject) -> int:
    """Decodes one stream (a compression bomb stops here); its decoded length."""
    from pypdf.errors import DependencyError

    try:
        return len(stream.get_data())
    except DependencyError:  # JBIG2 or Brotli without their decoder: nothing was inflated
        return 0


def _resolved(value: object) -> object:
    from pypdf.generic import PdfObject

    return value.get_object() if isinstance(value, PdfObject) else value


def _streams_of(page: PageObject) -> Iterator[StreamObject]:
    """The page's content streams, then its XObjects, following form XObjects once each."""
    from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

    contents = _resolved(page.get("/Contents"))
    for part in contents if isinstance(contents, ArrayObject) else [contents]:
        stream = _resolved(part)
        if isinstance(stream, StreamObject):
            yield stream
    seen: set[int] = set()
    pending: list[tuple[object, int]] = [(page.get("/Resources"), 0)]
    while pending:
        resources, depth = pending.pop()
        resources = _resolved(resources)
        if not isinstance(resources, DictionaryObject) or depth > MAX_FORM_DEPTH:
            continue
        xobjects = _resolved(resources.get("/XObject"))
        if not isinstance(xobjects, DictionaryObject):
            continue
        for value in xobjects.values():
            xobject = _resolved(value)
            if isinstance(xobject, StreamObject) and id(xobject) not in seen:
                seen.add(id(xobject))
                yield xobject
                pending.append((xobject.get("/Resources"), depth + 1))


NAME_LENGTH = 120


def _clean_name(value: object) -> str:
    text = value if isinstance(value, str) else ""
    return "".join(ch for ch in text if ch.isprintable())[:NAME_LENGTH]


def check_signature(data: bytes, roots_pem: bytes) -> dict[str, object]:
    """Who signed this PDF, when the signature holds against the trusted roots."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
    from pyhanko.sign.general import CMSExtractionError, CMSStructuralError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(roots_pem, True)]
    try:
        # The last approval signature; document timestamps after it are not the source's.
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures
        if not signatures or not roots:
            return NO_SOURCE
        status = validate_pdf_signature(
            signatures[-1], ValidationContext(trust_roots=roots, allow_fetching=False)
        )
    except (
        SignatureValidationError,
        CMSExtractionError,
        CMSStructuralError,
        PdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
    ):
        return NO_SOURCE
    # Over the whole file, or over its revision with only validation data and document
    # timestamps after it (a long-term signature, PAdES B-LT/B-LTA).
    # Nothing may follow the last revision (bytes after it are covered by no signature).
    covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level in {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES}
        and data.rstrip().endswith(b"%%EOF")
    )
    holds = status.intact and status.valid and status.trusted and covered
    if not holds or status.signing_cert is None:
        return NO_SOURCE
    subject = status.signing_cert.subject.native
    signed_at = status.signer_reported_dt
    return {
        "ok": True,
        "source": {
            "signer": _clean_name(subject.get("common_name")),
            "organisation": _clean_name(subject.get("organization_name")),
            "signed_at": signed_at.date().isoformat() if signed_at else None,
        },
    }


def _quiet() -> None:
    """pypdf logs and warns with values taken from the file: none of it may come out."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-pages", type=int, required=True)
    parser.add_argument("--trust-roots", default=None)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    limit_resources(arguments.memory_mb, arguments.cpu_seconds)
    _quiet()
    try:
        from pypdf import Configuration, overwrite_configuration

        overwrite_configuration(Configuration(jbig2dec_binary=None))  # never start a program
        data = sys.stdin.buffer.read()
        verdict: Mapping[str, object]
        if arguments.trust_roots:
            with open(arguments.trust_roots, "rb") as roots:
                verdict = check_signature(data, roots.read())
        else:
            verdict = check_pdf(data, arguments.max_pages)
    except MemoryError:
        verdict = _refuse(TOO_COMPLEX)
    except Exception as error:  # the class name only: a message may quote the file
        sys.stderr.write(type(error).__name__)
        return UNEXPECTED_EXIT
    sys.stdout.write(json.dumps(verdict) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
