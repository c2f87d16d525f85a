"""Why an upload was refused: one named reason, never the file's content."""

from __future__ import annotations

import enum


class Rejection(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"
    DAMAGED = "damaged"
    TOO_MANY_PIXELS = "too_many_pixels"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_TOO_COMPLEX = "pdf_too_complex"
    PDF_TOO_MANY_PAGES = "pdf_too_many_pages"


class UploadRejected(Exception):
    """An upload is refused; ``reason`` says why. ``str()`` is the reason and nothing else."""

    def __init__(self, reason: Rejection) -> None:
        super().__init__(reason.value)
        self.reason = reason
