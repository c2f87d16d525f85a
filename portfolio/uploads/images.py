"""Photos and scans: decoded with Pillow, re-encoded as a plain JPEG without metadata.

Re-encoding is what makes an image safe to store and show: whatever was appended to the
file or hidden in its metadata (GPS position, camera serial, comments) is gone, and
the browser only ever gets a JPEG written by us.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageFile

from portfolio.uploads.errors import Rejection, UploadRejected
from portfolio.uploads.isobmff import ftyp_brands

pillow_heif.register_heif_opener()

JPEG_QUALITY = 82
THUMBNAIL_QUALITY = 80
DRAFT_FROM = 2  # decode a JPEG at 1/2, 1/4 or 1/8 scale when it is this many times too big
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEIF_BRANDS = frozenset(  # the major brands pillow_heif opens
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
AVIF_BRANDS = frozenset({b"avif", b"avis"})

# Errors Pillow and its plugins raise on a file of the right type that is cut off or broken
# (pillow_heif passes on libheif's decoding errors as RuntimeError).
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    struct.error,
    EOFError,
    IndexError,
    zlib.error,
    RuntimeError,
)
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIXTEEN_BIT_GREY = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_warnings_lock = threading.Lock()


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    thumbnail: bytes
    width: int
    height: int


@dataclass(frozen=True)
class _Decoded:
    picture: Image.Image
    orientation: int
    icc_profile: bytes | None


def sniff_image(data: bytes) -> str | None:
    """The Pillow format name of an image we accept, judged by its first bytes."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WEBP"
    brands = ftyp_brands(data)
    if brands is None or brands.major not in HEIF_BRANDS:
        return None
    if brands.compatible & AVIF_BRANDS and not brands.compatible & (HEIF_BRANDS - {b"mif1"}):
        return None  # AVIF in a generic HEIF wrapper: no AV1 decoder here
    return "HEIF"


def clean_image(
    data: bytes, image_format: str, *, max_pixels: int, max_side: int, thumb_side: int
) -> CleanImage:
    """Decodes, orients, converts to sRGB, shrinks and re-encodes one image."""
    decoded = _decode(data, image_format, max_pixels=max_pixels, max_side=max_side)
    picture = _to_rgb(decoded.picture)
    picture = _shrink(picture, max_side)
    picture = _to_srgb(picture, decoded.icc_profile)
    if decoded.orientation in _TRANSPOSE:
        picture = picture.transpose(_TRANSPOSE[decoded.orientation])
    thumbnail = _shrink(picture, thumb_side)
    return CleanImage(
        data=_jpeg(picture, JPEG_QUALITY),
        thumbnail=_jpeg(thumbnail, THUMBNAIL_QUALITY),
        width=picture.width,
        height=picture.height,
    )


@contextmanager
def _pillow_warnings() -> Iterator[None]:
    """Pillow's warnings off, except a decompression bomb, which becomes an exception.

    Warning filters are global to the process, so the lock keeps two uploads from
    interleaving their save and restore of them (decoding is serialised per process).
    """
    with _warnings_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _decode(data: bytes, image_format: str, *, max_pixels: int, max_side: int) -> _Decoded:
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    try:
        with _pillow_warnings():
            source = Image.open(io.BytesIO(data), formats=(image_format,))
            _check_pixels(source.size, max_pixels)
            if source.format in ("JPEG", "MPO"):
                _draft(source, max_side)
            source.load()
            _check_pixels(source.size, max_pixels)
            orientation = source.getexif().get(ExifTags.Base.Orientation, 1)
    except BOMB_ERRORS:
        raise UploadRejected(Rejection.TOO_MANY_PIXELS) from None
    except DECODE_ERRORS:  # UnidentifiedImageError is an OSError
        raise UploadRejected(Rejection.DAMAGED) from None
    icc_profile = source.info.get("icc_profile")
    return _Decoded(
        picture=source,
        orientation=orientation if isinstance(orientation, int) else 1,
        icc_profile=icc_profile if isinstance(icc_profile, bytes) and icc_profile else None,
    )


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise UploadRejected(Rejection.TOO_MANY_PIXELS)


def _draft(source: Image.Image, max_side: int) -> None:
    """Lets libjpeg decode at a fraction of the size when the photo is far too big."""
    if max(source.size) >= DRAFT_FROM * max_side:
        source.draft(None, _fit(source.size, max_side))


def _shrink(picture: Image.Image, side: int) -> Image.Image:
    return picture.resize(_fit(picture.size, side), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` shrunk (never grown) so that its long side is at most ``side``."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_rgb(picture: Image.Image) -> Image.Image:
    """RGB with transparency flattened onto white; L and CMYK wait for their ICC profile."""
    if picture.has_transparency_data:
        rgba = picture.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if picture.mode in _SIXTEEN_BIT_GREY:
        return picture.convert("I").point(lambda value: value / 256).convert("L")
    if picture.mode in ("RGB", "L", "CMYK"):
        return picture
    return picture.convert("RGB")


def _to_srgb(picture: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Converts colours described by an ICC profile to sRGB; the profile is then dropped."""
    if icc_profile:
        converted = _convert_with_profile(picture, icc_profile)
        if converted is not None:
            return converted
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def _convert_with_profile(picture: Image.Image, icc_profile: bytes) -> Image.Image | None:
    """``None`` when the profile is sRGB already, unreadable, or does not fit the image."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if "srgb" in ImageCms.getProfileDescription(profile).lower():
            return None
        return ImageCms.profileToProfile(picture, profile, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    """A progressive JPEG with no metadata at all: no EXIF, XMP, ICC profile or comment."""
    picture.info = {}
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
