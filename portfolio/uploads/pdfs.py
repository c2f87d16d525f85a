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


def _run_worker(
    data: bytes, *, timeout_s: float, memory_mb: int, options: list[str]
) -> subprocess.CompletedProcess[bytes] | None:
    """The worker's answer about one PDF; None (logged) when it timed out or failed."""
    command = [
        sys.executable,
        "-I",
        str(WORKER),
        f"--memory-mb={memory_mb}",
        f"--cpu-seconds={math.ceil(timeout_s) + 1}",
        *options,
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
        return None
    if completed.returncode != 0:
        error = completed.stderr.decode("ascii", "replace")
        name = error if _ERROR_NAME.fullmatch(error) else "-"
        logger.warning("pdf check ended with status %s (%s)", completed.returncode, name)
        return None
    return completed


def count_pdf_pages(data: bytes, *, max_pages: int, timeout_s: float, memory_mb: int) -> int:
    """The number of pages of a PDF that opened, decoded and stayed within the limits."""
    completed = _run_worker(
        data, timeout_s=timeout_s, memory_mb=memory_mb, options=[f"--max-pages={max_pages}"]
    )
    if completed is None:
        raise UploadRejected(Rejection.PDF_TOO_COMPLEX)
    return _pages_from(completed, max_pages)


def _pages_from(completed: subprocess.CompletedProcess[bytes], max_pages: int) -> int:
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
    completed = _run_worker(
        data,
        timeout_s=SIGNATURE_TIMEOUT_S,
        memory_mb=SIGNATURE_MEMORY_MB,
        options=["--max-pages=0", f"--trust-roots={trust_roots}"],
    )
    if completed is None:
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
