"""PDFs: checked by a separate, resource-limited process; the original bytes are kept.

This process never parses a PDF. The worker (``pdf_worker.py``) is started by path with
``python -I``: it imports nothing from the web application, gets none of the environment
(so no secrets), sets its own limits before importing pypdf and answers with one JSON
line. The PDF is kept as uploaded because rewriting it would break an issuer's signature.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import subprocess
import sys
from pathlib import Path

from portfolio.uploads import pdf_worker
from portfolio.uploads.errors import Rejection, UploadRejected

logger = logging.getLogger(__name__)

WORKER = Path(pdf_worker.__file__)
PDF_MAGIC = b"%PDF-"
MAGIC_WITHIN = 1024
_ERROR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,80}")
_PASSED_ENVIRONMENT = ("LD_LIBRARY_PATH",)  # only what the interpreter may need to start


def looks_like_pdf(data: bytes) -> bool:
    return PDF_MAGIC in data[:MAGIC_WITHIN]


def count_pdf_pages(data: bytes, *, max_pages: int, timeout_s: float, memory_mb: int) -> int:
    """The number of pages of a PDF that opened, decoded and stayed within the limits."""
    command = [
        sys.executable,
        "-I",
        str(WORKER),
        f"--max-pages={max_pages}",
        f"--memory-mb={memory_mb}",
        f"--cpu-seconds={math.ceil(timeout_s) + 1}",
    ]
    try:
        completed = subprocess.run(  # noqa: S603 - fixed command, the PDF goes to stdin
            command,
            input=data,
            capture_output=True,
            timeout=timeout_s,
            env={key: os.environ[key] for key in _PASSED_ENVIRONMENT if key in os.environ},
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("pdf check stopped after %.1f s", timeout_s)
        raise UploadRejected(Rejection.PDF_TOO_COMPLEX) from None
    return _pages_from(completed, max_pages)


def _pages_from(completed: subprocess.CompletedProcess[bytes], max_pages: int) -> int:
    if completed.returncode != 0:
        error = completed.stderr.decode("ascii", "replace")
        name = error if _ERROR_NAME.fullmatch(error) else "-"
        logger.warning("pdf check ended with status %s (%s)", completed.returncode, name)
        raise UploadRejected(Rejection.PDF_TOO_COMPLEX)
    try:
        verdict = json.loads(completed.stdout)
    except ValueError:
        verdict = None
    if not isinstance(verdict, dict):
        logger.warning("pdf check gave no verdict")
        raise UploadRejected(Rejection.PDF_TOO_COMPLEX)
    pages = verdict.get("pages")
    if verdict.get("ok") is True and isinstance(pages, int) and 0 < pages <= max_pages:
        return pages
    reason = verdict.get("reason")
    if reason in pdf_worker.REASONS:
        raise UploadRejected(Rejection(reason))
    raise UploadRejected(Rejection.PDF_TOO_COMPLEX)


SIGNATURE_TIMEOUT_S = 20.0
SIGNATURE_MEMORY_MB = 1024  # pyHanko and its certificate validation


def source_signature(data: bytes, trust_roots: Path) -> dict[str, str | None] | None:
    """Who issued a PDF, when its signature holds against the trusted roots (for example
    PKIoverheid, where DUO and the municipalities sign): ``{"signer", "organisation",
    "signed_at"}``, else None. Checked in the limited worker; a failure is only None."""
    command = [
        sys.executable,
        "-I",
        str(WORKER),
        "--max-pages=0",
        f"--memory-mb={SIGNATURE_MEMORY_MB}",
        f"--cpu-seconds={math.ceil(SIGNATURE_TIMEOUT_S) + 1}",
        f"--trust-roots={trust_roots}",
    ]
    try:
        completed = subprocess.run(  # noqa: S603 - fixed command, the PDF goes to stdin
            command,
            input=data,
            capture_output=True,
            timeout=SIGNATURE_TIMEOUT_S,
            env={key: os.environ[key] for key in _PASSED_ENVIRONMENT if key in os.environ},
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("signature check stopped after %.1f s", SIGNATURE_TIMEOUT_S)
        return None
    if completed.returncode != 0:
        error = completed.stderr.decode("ascii", "replace")
        logger.warning(
            "signature check ended with status %s (%s)",
            completed.returncode,
            error if _ERROR_NAME.fullmatch(error) else "-",
        )
        return None
    try:
        source = json.loads(completed.stdout).get("source")
    except (ValueError, AttributeError):
        return None
    if not isinstance(source, dict) or not isinstance(source.get("signer"), str):
        return None
    signed_at = source.get("signed_at")
    return {
        "signer": str(source["signer"]),
        "organisation": str(source.get("organisation") or ""),
        "signed_at": signed_at if isinstance(signed_at, str) else None,
    }
