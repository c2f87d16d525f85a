"""Uploaded files made safe to store: images re-encoded, PDFs checked apart, audio sniffed.

No Flask imports; the caller passes bytes held in memory and encrypts what comes back.
"""

from portfolio.uploads.errors import Rejection, UploadRejected
from portfolio.uploads.pipeline import CleanFile, FileKind, UploadLimits, clean_upload

__all__ = [
    "CleanFile",
    "FileKind",
    "Rejection",
    "UploadLimits",
    "UploadRejected",
    "clean_upload",
]
