"""From the bytes of an upload to a clean file to store, or a named refusal.

Everything happens in memory: nothing of the upload is ever written to disk. The kind
of file is decided by its content only, never by its name or declared type.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from portfolio.uploads import audio, images, pdfs
from portfolio.uploads.errors import Rejection, UploadRejected


class FileKind(enum.StrEnum):
    IMAGE = "image"
    PDF = "pdf"
    AUDIO = "audio"


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 50_000_000  # of the decoded image, checked before decoding
    # PNG, WebP and HEIF decode at full size (no JPEG-style reduced decoding) and may
    # carry transparency to flatten: a lower ceiling bounds their memory per request.
    max_pixels_full_decode: int = 25_000_000
    max_side: int = 2400  # long side of the stored image
    thumb_side: int = 320  # long side of the thumbnail
    pdf_max_pages: int = 100
    pdf_timeout_s: float = 10.0
    pdf_memory_mb: int = 512


@dataclass(frozen=True)
class CleanFile:
    kind: FileKind
    media_type: str
    extension: str
    data: bytes  # what will be stored
    thumbnail: bytes | None  # JPEG thumbnail for images, None otherwise
    width: int | None  # of the stored image
    height: int | None
    pages: int | None  # for PDFs


DEFAULT_LIMITS = UploadLimits()
ALL_KINDS = frozenset(FileKind)


def clean_upload(
    data: bytes, limits: UploadLimits = DEFAULT_LIMITS, *, allowed: frozenset[FileKind] = ALL_KINDS
) -> CleanFile:
    """The file to store for ``data``; raises ``UploadRejected`` (and nothing else) if refused."""
    if not data:
        raise UploadRejected(Rejection.EMPTY)
    if len(data) > limits.max_bytes:
        raise UploadRejected(Rejection.TOO_LARGE)
    image_format = images.sniff_image(data)
    if image_format is not None:
        _require(FileKind.IMAGE, allowed)
        return _image(data, image_format, limits)
    audio_format = audio.sniff_container(data)
    if audio_format is None and pdfs.looks_like_pdf(data):
        _require(FileKind.PDF, allowed)
        return _pdf(data, limits)
    audio_format = audio_format or audio.sniff_mpeg_frame(data)  # the weakest signature
    if audio_format is None:
        raise UploadRejected(Rejection.UNSUPPORTED)
    _require(FileKind.AUDIO, allowed)
    audio.check_audio(data, audio_format)
    return _audio(data, audio_format)


def _require(kind: FileKind, allowed: frozenset[FileKind]) -> None:
    if kind not in allowed:
        raise UploadRejected(Rejection.UNSUPPORTED)


def _image(data: bytes, image_format: str, limits: UploadLimits) -> CleanFile:
    max_pixels = limits.max_pixels
    if image_format != "JPEG":
        max_pixels = min(max_pixels, limits.max_pixels_full_decode)
    image = images.clean_image(
        data,
        image_format,
        max_pixels=max_pixels,
        max_side=limits.max_side,
        thumb_side=limits.thumb_side,
    )
    return CleanFile(
        kind=FileKind.IMAGE,
        media_type="image/jpeg",
        extension=".jpg",
        data=image.data,
        thumbnail=image.thumbnail,
        width=image.width,
        height=image.height,
        pages=None,
    )


def _pdf(data: bytes, limits: UploadLimits) -> CleanFile:
    pages = pdfs.count_pdf_pages(
        data,
        max_pages=limits.pdf_max_pages,
        timeout_s=limits.pdf_timeout_s,
        memory_mb=limits.pdf_memory_mb,
    )
    return CleanFile(
        kind=FileKind.PDF,
        media_type="application/pdf",
        extension=".pdf",
        data=data,
        thumbnail=None,
        width=None,
        height=None,
        pages=pages,
    )


def _audio(data: bytes, audio_format: audio.AudioFormat) -> CleanFile:
    return CleanFile(
        kind=FileKind.AUDIO,
        media_type=audio_format.media_type,
        extension=audio_format.extension,
        data=data,
        thumbnail=None,
        width=None,
        height=None,
        pages=None,
    )
