"""Upload test files, built in memory: good ones, broken ones and hostile ones.

Nothing here is a committed fixture. Every factory returns the same bytes on each call
(they are cached, the bombs take a moment to build). ``BAD_UPLOADS`` pairs each bad
file with the reason it is refused when every kind of file is allowed; for a form that
takes fewer kinds, ``expected_reason`` gives the answer (a file of a kind the form does
not take is simply unsupported).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

import pillow_heif
from PIL import ExifTags, Image, ImageCms
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from portfolio.uploads.errors import Rejection
from portfolio.uploads.pipeline import FileKind

pillow_heif.register_heif_opener()

MB = 1024 * 1024
Factory = Callable[[], bytes]

# -- helpers -------------------------------------------------------------------------


def deflate_zeros(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes, built in well under a second.

    One megabyte of zeros is compressed once, ending in a full flush (byte aligned, no
    back references), and that block is repeated; the Adler-32 of n zeros is n << 16 | 1.
    """
    unit_compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = unit_compressor.compress(bytes(MB)) + unit_compressor.flush(zlib.Z_FULL_FLUSH)
    tail_compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = tail_compressor.compress(bytes(size % MB)) + tail_compressor.flush(zlib.Z_FULL_FLUSH)
    final_empty_block = b"\x03\x00"
    adler = ((size % 65521) << 16) | 1
    return b"\x78\xda" + unit * (size // MB) + tail + final_empty_block + adler.to_bytes(4, "big")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png(width: int, height: int, *, bit_depth: int, extra: bytes = b"") -> bytes:
    """A greyscale PNG whose rows are all zero, written chunk by chunk."""
    row_bytes = 1 + (width * bit_depth + 7) // 8  # a filter byte, then the pixels
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + extra
        + _png_chunk(b"IDAT", deflate_zeros(row_bytes * height))
        + _png_chunk(b"IEND", b"")
    )


def _pdf_document(*objects: bytes) -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalogue."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _picture(size: tuple[int, int]) -> Image.Image:
    """Something photo-like: gradients with a little noise, so JPEG has work to do."""
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, 24)
    blue = Image.radial_gradient("L").resize(size)
    return Image.merge("RGB", (red, green, blue))


def exif_with_gps(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 41.25)
    return exif.tobytes()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _saved(picture: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


# -- good files ----------------------------------------------------------------------


@cache
def jpeg_with_gps() -> bytes:
    """1200x800, EXIF orientation 6 (shown as 800x1200), GPS, XMP, an ICC profile, a comment."""
    return _saved(
        _picture((1200, 800)),
        "JPEG",
        quality=90,
        exif=exif_with_gps(6),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS 52.37 4.89</x:xmpmeta>',
        icc_profile=srgb_profile(),
        comment=b"secret comment",
    )


@cache
def png_with_alpha() -> bytes:
    """600x400: the left half fully transparent, the right half opaque red."""
    picture = Image.new("RGBA", (600, 400), (255, 0, 0, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 300, 400))
    return _saved(picture, "PNG")


@cache
def webp_image() -> bytes:
    return _saved(_picture((640, 480)), "WEBP", quality=80, exif=exif_with_gps(1))


@cache
def heic_with_gps() -> bytes:
    """640x480 with GPS EXIF and orientation 6 (pillow_heif stores it as a rotation)."""
    return _saved(_picture((640, 480)), "HEIF", quality=60, exif=exif_with_gps(6))


@cache
def large_jpeg() -> bytes:
    """A 12-megapixel phone photo, 4000x3000."""
    return _saved(_picture((4000, 3000)), "JPEG", quality=90)


@cache
def jpeg_with_zip() -> bytes:
    """A good JPEG with a real ZIP archive appended (a classic polyglot)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    return jpeg_with_gps() + archive.getvalue()


def jpeg_with_profile(profile: bytes) -> bytes:
    return _saved(_picture((300, 200)), "JPEG", icc_profile=profile)


@cache
def normal_pdf() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    contents = StreamObject()
    contents.set_data(b"BT /F1 12 Tf 72 760 Td (Diploma) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(contents)
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _ebml_file(doc_type: bytes) -> bytes:
    """The EBML header MediaRecorder writes, with this DocType, then the start of a Segment."""
    header = b"".join(
        [
            b"\x42\x86\x81\x01",  # EBMLVersion 1
            b"\x42\xf7\x81\x01",  # EBMLReadVersion 1
            b"\x42\xf2\x81\x04",  # EBMLMaxIDLength 4
            b"\x42\xf3\x81\x08",  # EBMLMaxSizeLength 8
            b"\x42\x82" + bytes([0x80 | len(doc_type)]) + doc_type,  # DocType
            b"\x42\x87\x81\x04",  # DocTypeVersion 4
            b"\x42\x85\x81\x02",  # DocTypeReadVersion 2
        ]
    )
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + bytes(64)
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + segment


@cache
def webm_voice() -> bytes:
    return _ebml_file(b"webm")


def _ogg_page(packet: bytes) -> bytes:
    header = b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(4) + bytes(4)
    return header + bytes([1, len(packet)]) + packet


@cache
def ogg_voice() -> bytes:
    opus_head = b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
    return _ogg_page(opus_head) + _ogg_page(b"OpusTags" + bytes(16))


@cache
def mp3_voice() -> bytes:
    """An ID3v2.4 tag, then three MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz)."""
    frame = b"\xff\xfb\x90\x64" + bytes(413)
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + frame * 3


@cache
def mp3_without_tag() -> bytes:
    return (b"\xff\xfb\x90\x64" + bytes(413)) * 3


@cache
def m4a_voice() -> bytes:
    ftyp = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom"
    return ftyp + b"\x00\x00\x00\x08moov" + b"\x00\x00\x00\x08mdat"


GOOD_UPLOADS: list[tuple[str, str, Factory, FileKind]] = [
    ("jpeg_gps", "photo.jpg", jpeg_with_gps, FileKind.IMAGE),
    ("png_alpha", "drawing.png", png_with_alpha, FileKind.IMAGE),
    ("webp", "image.webp", webp_image, FileKind.IMAGE),
    ("heic_gps", "IMG_0001.HEIC", heic_with_gps, FileKind.IMAGE),
    ("jpeg_zip", "photo.jpg", jpeg_with_zip, FileKind.IMAGE),
    ("pdf", "diploma.pdf", normal_pdf, FileKind.PDF),
    ("webm", "voice.webm", webm_voice, FileKind.AUDIO),
    ("ogg", "voice.ogg", ogg_voice, FileKind.AUDIO),
    ("mp3", "voice.mp3", mp3_voice, FileKind.AUDIO),
    ("mp3_no_tag", "voice.mp3", mp3_without_tag, FileKind.AUDIO),
    ("m4a", "voice.m4a", m4a_voice, FileKind.AUDIO),
]

# -- bad files -----------------------------------------------------------------------


def empty() -> bytes:
    return b""


@cache
def fifty_megabytes() -> bytes:
    return b"\xff\xd8\xff\xe0" + bytes(50 * MB - 4)


@cache
def truncated_jpeg() -> bytes:
    data = jpeg_with_gps()
    return data[: len(data) // 2]


@cache
def random_bytes() -> bytes:
    return b"\x00" + random.Random(20240501).randbytes(4095)


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg_image() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


@cache
def gif_image() -> bytes:
    return _saved(Image.new("P", (20, 20)), "GIF")


@cache
def bmp_image() -> bytes:
    return _saved(Image.new("RGB", (20, 20)), "BMP")


@cache
def tiff_image() -> bytes:
    return _saved(Image.new("RGB", (20, 20)), "TIFF")


@cache
def avif_image() -> bytes:
    return _saved(Image.new("RGB", (64, 64), "navy"), "AVIF")


@cache
def png_bomb() -> bytes:
    """40000x40000 one-bit pixels (1.6 gigapixels) in about 200 KB."""
    return _png(40000, 40000, bit_depth=1)


@cache
def png_over_pillow_limit() -> bytes:
    """100 megapixels: above Pillow's warning threshold, below its hard error."""
    return _png(10000, 10000, bit_depth=1)


@cache
def png_over_our_limit() -> bytes:
    """64 megapixels: under Pillow's own threshold, above ``UploadLimits.max_pixels``."""
    return _png(8000, 8000, bit_depth=1)


@cache
def png_text_bomb() -> bytes:
    """A 10x10 PNG with a zTXt comment that inflates to 64 MB."""
    text = _png_chunk(b"zTXt", b"Comment\x00\x00" + deflate_zeros(64 * MB))
    return _png(10, 10, bit_depth=8, extra=text)


def _protected_pdf(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@cache
def restricted_pdf() -> bytes:
    """Only an owner password (copying and printing restricted): opens without one."""
    return _protected_pdf("")


@cache
def encrypted_pdf() -> bytes:
    return _protected_pdf("secret")


@cache
def pdf_bomb() -> bytes:
    """One page whose /FlateDecode content stream inflates to 1.2 GB (the file: ~1.2 MB)."""
    stream = deflate_zeros(1200 * MB)
    return _pdf_document(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    )


@cache
def too_many_pages_pdf() -> bytes:
    return pdf_with_pages(101)


def damaged_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage"


def truncated_webm() -> bytes:
    return webm_voice()[:12]


def matroska_video() -> bytes:
    return _ebml_file(b"matroska")


def ogg_theora() -> bytes:
    return _ogg_page(b"\x80theora" + bytes(34))


def truncated_ogg() -> bytes:
    return b"OggS\x00\x02" + bytes(10)


def mov_video() -> bytes:
    return b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00\x00\x00\x08moov"


BAD_UPLOADS: list[tuple[str, str, Factory, Rejection]] = [
    ("empty", "empty.jpg", empty, Rejection.EMPTY),
    ("fifty_mb", "huge.jpg", fifty_megabytes, Rejection.TOO_LARGE),
    ("truncated_jpeg", "photo.jpg", truncated_jpeg, Rejection.DAMAGED),
    ("random_bytes", "photo.jpg", random_bytes, Rejection.UNSUPPORTED),
    ("html_as_jpeg", "photo.jpg", html_page, Rejection.UNSUPPORTED),
    ("svg_as_jpeg", "photo.jpg", svg_image, Rejection.UNSUPPORTED),
    ("gif", "animation.gif", gif_image, Rejection.UNSUPPORTED),
    ("bmp", "picture.bmp", bmp_image, Rejection.UNSUPPORTED),
    ("tiff", "scan.tiff", tiff_image, Rejection.UNSUPPORTED),
    ("avif", "photo.avif", avif_image, Rejection.UNSUPPORTED),
    ("png_bomb", "bomb.png", png_bomb, Rejection.TOO_MANY_PIXELS),
    ("png_over_pillow_limit", "big.png", png_over_pillow_limit, Rejection.TOO_MANY_PIXELS),
    ("png_over_our_limit", "big.png", png_over_our_limit, Rejection.TOO_MANY_PIXELS),
    ("png_text_bomb", "comment.png", png_text_bomb, Rejection.DAMAGED),
    ("encrypted_pdf", "diploma.pdf", encrypted_pdf, Rejection.PDF_ENCRYPTED),
    ("pdf_bomb", "bomb.pdf", pdf_bomb, Rejection.PDF_TOO_COMPLEX),
    ("pdf_101_pages", "book.pdf", too_many_pages_pdf, Rejection.PDF_TOO_MANY_PAGES),
    ("damaged_pdf", "diploma.pdf", damaged_pdf, Rejection.DAMAGED),
    ("truncated_webm", "voice.webm", truncated_webm, Rejection.DAMAGED),
    ("matroska_video", "voice.webm", matroska_video, Rejection.UNSUPPORTED),
    ("ogg_theora", "voice.ogg", ogg_theora, Rejection.UNSUPPORTED),
    ("truncated_ogg", "voice.ogg", truncated_ogg, Rejection.DAMAGED),
    ("mov_video", "voice.m4a", mov_video, Rejection.UNSUPPORTED),
]

# The kind each bad file's first bytes claim; a form that does not take that kind
# refuses it as unsupported before looking further.
CLAIMED_KIND: dict[str, FileKind] = {
    "truncated_jpeg": FileKind.IMAGE,
    "png_bomb": FileKind.IMAGE,
    "png_over_pillow_limit": FileKind.IMAGE,
    "png_over_our_limit": FileKind.IMAGE,
    "png_text_bomb": FileKind.IMAGE,
    "encrypted_pdf": FileKind.PDF,
    "pdf_bomb": FileKind.PDF,
    "pdf_101_pages": FileKind.PDF,
    "damaged_pdf": FileKind.PDF,
    "truncated_webm": FileKind.AUDIO,
    "matroska_video": FileKind.AUDIO,
    "ogg_theora": FileKind.AUDIO,
    "truncated_ogg": FileKind.AUDIO,
}


def expected_reason(upload_id: str, reason: Rejection, allowed: frozenset[FileKind]) -> Rejection:
    """The reason a bad upload gets from a form that takes only the ``allowed`` kinds."""
    kind = CLAIMED_KIND.get(upload_id)
    return Rejection.UNSUPPORTED if kind is not None and kind not in allowed else reason
