"""The ``ftyp`` box that opens ISO base media files (HEIF images, MP4 audio)."""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.uploads.errors import Rejection, UploadRejected

_HEADER = 16  # size, "ftyp", major brand, minor version
_MAX_BRANDS = 64


@dataclass(frozen=True)
class Brands:
    major: bytes
    compatible: frozenset[bytes]


def ftyp_brands(data: bytes) -> Brands | None:
    """The brands of the ``ftyp`` box at the start of ``data``; ``None`` if there is none.

    A file that announces an ``ftyp`` box but is cut off inside it is damaged.
    """
    if data[4:8] != b"ftyp":
        return None
    if len(data) < _HEADER:
        raise UploadRejected(Rejection.DAMAGED)
    size = int.from_bytes(data[:4], "big")
    end = min(len(data), _HEADER + 4 * _MAX_BRANDS, size if size >= _HEADER else len(data))
    compatible = frozenset(data[i : i + 4] for i in range(_HEADER, end - 3, 4))
    return Brands(major=data[8:12], compatible=compatible)
