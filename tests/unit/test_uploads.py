"""Uploads: bad files are refused with their reason, good ones come out clean and small."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pillow_heif
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from portfolio.uploads import (
    CleanFile,
    FileKind,
    Rejection,
    UploadLimits,
    UploadRejected,
    clean_upload,
    pdf_worker,
)
from tests import corpus

ALL = frozenset(FileKind)
CERTIFICATES = frozenset({FileKind.IMAGE, FileKind.PDF})
REFLECTIONS = frozenset({FileKind.IMAGE, FileKind.AUDIO})
HEIF_ENCODER = bool(pillow_heif.libheif_info()["HEIF"])


def refusal(
    data: bytes, limits: UploadLimits | None = None, allowed: frozenset[FileKind] = ALL
) -> Rejection:
    with pytest.raises(UploadRejected) as caught:
        clean_upload(data, limits or UploadLimits(), allowed=allowed)
    return caught.value.reason


def jpeg_markers(data: bytes) -> list[int]:
    """The marker of every segment before the first scan (where metadata lives)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:  # start of scan
        assert data[pos] == 0xFF
        markers.append(data[pos + 1])
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return markers


def assert_no_metadata(jpeg: bytes) -> None:
    picture = Image.open(io.BytesIO(jpeg))
    assert picture.format == "JPEG"
    assert not picture.getexif()
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(picture.info)
    markers = jpeg_markers(jpeg)
    assert all(marker < 0xE1 or marker > 0xEF for marker in markers)  # APP0 (JFIF) only
    assert 0xFE not in markers  # no comment
    # Metadata segments come before the scan; the compressed pixels after it are noise
    # in which three letters turn up by chance.
    header = jpeg[: jpeg.index(b"\xff\xda")]
    for secret in (b"Exif", b"TestCam", b"SERIAL-123456", b"GPS", b"ICC_PROFILE", b"secret"):
        assert secret not in header


def check_clean_image(clean: CleanFile, size: tuple[int, int]) -> Image.Image:
    assert (clean.kind, clean.media_type, clean.extension) == (FileKind.IMAGE, "image/jpeg", ".jpg")
    assert (clean.width, clean.height, clean.pages) == (*size, None)
    assert clean.thumbnail is not None
    assert_no_metadata(clean.data)
    assert_no_metadata(clean.thumbnail)
    picture = Image.open(io.BytesIO(clean.data))
    assert picture.size == size and picture.mode == "RGB"
    assert max(Image.open(io.BytesIO(clean.thumbnail)).size) <= 320
    return picture


# -- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload_id", "filename", "factory", "reason"),
    corpus.BAD_UPLOADS,
    ids=[bad[0] for bad in corpus.BAD_UPLOADS],
)
def test_bad_upload_is_refused_with_its_reason(
    upload_id: str, filename: str, factory: corpus.Factory, reason: Rejection
) -> None:
    assert refusal(factory()) is reason


@pytest.mark.parametrize(
    "allowed", [REFLECTIONS, frozenset({FileKind.AUDIO})], ids=lambda kinds: "+".join(sorted(kinds))
)
def test_a_kind_the_form_does_not_take_is_unsupported(allowed: frozenset[FileKind]) -> None:
    for upload_id, _, factory, reason in corpus.BAD_UPLOADS:
        expected = corpus.expected_reason(upload_id, reason, allowed)
        assert refusal(factory(), allowed=allowed) is expected, upload_id
    for upload_id, _, factory, kind in corpus.GOOD_UPLOADS:
        if kind not in allowed:
            assert refusal(factory(), allowed=allowed) is Rejection.UNSUPPORTED, upload_id


def test_allowed_kinds_accept_their_own() -> None:
    assert clean_upload(corpus.normal_pdf(), allowed=CERTIFICATES).kind is FileKind.PDF
    assert clean_upload(corpus.webm_voice(), allowed=REFLECTIONS).kind is FileKind.AUDIO
    assert refusal(corpus.webm_voice(), allowed=CERTIFICATES) is Rejection.UNSUPPORTED
    assert refusal(corpus.jpeg_with_gps(), allowed=frozenset()) is Rejection.UNSUPPORTED


def test_refusal_names_only_its_reason() -> None:
    rejected = UploadRejected(Rejection.DAMAGED)
    assert str(rejected) == "damaged" and rejected.reason is Rejection.DAMAGED
    assert {reason.value for reason in Rejection} >= pdf_worker.REASONS


def test_byte_limit_comes_first_and_pixel_limit_is_configurable() -> None:
    limits = UploadLimits(max_bytes=1000)
    assert refusal(corpus.jpeg_with_gps(), limits) is Rejection.TOO_LARGE
    assert refusal(b"\xff\xd8\xff" + bytes(997), limits) is Rejection.DAMAGED
    assert refusal(corpus.jpeg_with_gps(), UploadLimits(max_pixels=100_000)) == (
        Rejection.TOO_MANY_PIXELS
    )


def test_truncated_headers_are_damaged() -> None:
    for data in (b"ID3\x04", b"\xff\xfb", b"\x00\x00\x00\x18ftypM4A", b"\x1a\x45\xdf\xa3"):
        assert refusal(data) is Rejection.DAMAGED, data


# -- images --------------------------------------------------------------------------


def test_jpeg_loses_gps_and_every_other_metadata_and_is_turned_upright() -> None:
    clean = corpus.jpeg_with_gps()
    assert b"Exif" in clean and b"TestCam" in clean  # the source does carry them
    picture = check_clean_image(clean_upload(clean), (800, 1200))
    # orientation 6: the dark top edge of the stored pixels is shown on the right
    red_left, red_right = picture.getpixel((5, 600)), picture.getpixel((794, 600))
    assert isinstance(red_left, tuple) and isinstance(red_right, tuple)
    assert red_left[0] > 200 and red_right[0] < 60


@pytest.mark.skipif(not HEIF_ENCODER, reason="this pillow_heif wheel has no HEIF encoder")
def test_heic_loses_gps_and_is_turned_upright() -> None:
    source = Image.open(io.BytesIO(corpus.heic_with_gps()))
    assert source.format == "HEIF" and source.getexif().get_ifd(0x8825)  # GPS is there
    check_clean_image(clean_upload(corpus.heic_with_gps()), (480, 640))


def test_png_transparency_becomes_white() -> None:
    picture = check_clean_image(clean_upload(corpus.png_with_alpha()), (600, 400))
    transparent, opaque = picture.getpixel((20, 200)), picture.getpixel((580, 200))
    assert isinstance(transparent, tuple) and isinstance(opaque, tuple)
    assert min(transparent) > 245 and opaque[0] > 230 and opaque[1] < 30


def test_webp_is_stored_as_jpeg() -> None:
    check_clean_image(clean_upload(corpus.webp_image()), (640, 480))


def test_large_photo_is_shrunk_with_a_small_thumbnail() -> None:
    clean = clean_upload(corpus.large_jpeg())
    check_clean_image(clean, (2400, 1800))
    assert clean.thumbnail is not None
    assert Image.open(io.BytesIO(clean.thumbnail)).size == (320, 240)
    assert len(clean.data) < len(corpus.large_jpeg())


def test_very_large_jpeg_is_decoded_at_a_reduced_size() -> None:
    data = corpus.large_jpeg()
    clean = clean_upload(data, UploadLimits(max_side=1000, thumb_side=100))
    check_clean_image(clean, (1000, 750))


def test_appended_zip_is_gone() -> None:
    data = corpus.jpeg_with_zip()
    assert b"PK\x03\x04" in data
    clean = clean_upload(data)
    check_clean_image(clean, (800, 1200))
    assert clean.thumbnail is not None
    assert b"PK\x03\x04" not in clean.data and b"PK\x03\x04" not in clean.thumbnail


@pytest.mark.parametrize(
    "profile",
    [
        b"not an icc profile",
        corpus.srgb_profile(),
        corpus.srgb_profile().replace("sRGB".encode("utf-16-be"), "Wide".encode("utf-16-be")),
    ],
    ids=["garbage", "srgb", "other"],
)
def test_colour_profiles_are_applied_or_dropped(profile: bytes) -> None:
    check_clean_image(clean_upload(corpus.jpeg_with_profile(profile)), (300, 200))


def test_odd_image_modes_come_out_as_rgb() -> None:
    for picture in (
        Image.new("I;16", (40, 30), 40000),
        Image.new("P", (40, 30), 3),
        Image.new("LA", (40, 30), (0, 0)),
        Image.new("1", (40, 30), 1),
    ):
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        check_clean_image(clean_upload(buffer.getvalue()), (40, 30))
    buffer = io.BytesIO()
    Image.new("CMYK", (40, 30), (0, 255, 255, 0)).save(buffer, "JPEG")
    red = Image.open(io.BytesIO(clean_upload(buffer.getvalue()).data)).getpixel((20, 15))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60


# -- PDFs and audio ------------------------------------------------------------------


def test_pdf_is_kept_as_sent_with_its_page_count() -> None:
    clean = clean_upload(corpus.normal_pdf())
    assert (clean.kind, clean.media_type, clean.extension) == (
        FileKind.PDF,
        "application/pdf",
        ".pdf",
    )
    assert clean.data == corpus.normal_pdf()
    assert (clean.pages, clean.thumbnail, clean.width, clean.height) == (2, None, None, None)
    assert clean_upload(corpus.pdf_with_pages(100)).pages == 100


def test_pdf_with_only_an_owner_password_is_accepted_as_sent() -> None:
    clean = clean_upload(corpus.restricted_pdf())
    assert clean.kind is FileKind.PDF and clean.pages == 1
    assert clean.data == corpus.restricted_pdf()


def test_pdf_checker_out_of_time_or_memory_is_too_complex() -> None:
    data = corpus.normal_pdf()
    assert refusal(data, UploadLimits(pdf_timeout_s=0.001)) is Rejection.PDF_TOO_COMPLEX
    assert refusal(data, UploadLimits(pdf_memory_mb=24)) is Rejection.PDF_TOO_COMPLEX
    assert refusal(data, UploadLimits(pdf_max_pages=1)) is Rejection.PDF_TOO_MANY_PAGES


def test_pdf_worker_cannot_write_files(tmp_path: Path) -> None:
    target = tmp_path / "written"
    script = (
        "from portfolio.uploads.pdf_worker import limit_resources\n"
        "limit_resources(256, 5)\n"
        f"with open({str(target)!r}, 'wb') as file:\n"
        "    file.write(b'x' * 10)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert completed.returncode != 0 and b"File too large" in completed.stderr
    assert target.stat().st_size == 0


@pytest.mark.parametrize(
    ("factory", "media_type", "extension"),
    [
        (corpus.webm_voice, "audio/webm", ".webm"),
        (corpus.ogg_voice, "audio/ogg", ".ogg"),
        (corpus.mp3_voice, "audio/mpeg", ".mp3"),
        (corpus.mp3_without_tag, "audio/mpeg", ".mp3"),
        (corpus.m4a_voice, "audio/mp4", ".m4a"),
    ],
    ids=["webm", "ogg", "mp3", "mp3_no_tag", "m4a"],
)
def test_audio_is_kept_as_sent(factory: corpus.Factory, media_type: str, extension: str) -> None:
    clean = clean_upload(factory(), allowed=REFLECTIONS)
    assert (clean.kind, clean.media_type, clean.extension) == (
        FileKind.AUDIO,
        media_type,
        extension,
    )
    assert clean.data == factory() and clean.thumbnail is None


def test_nothing_is_written_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for _, _, factory, _ in corpus.GOOD_UPLOADS:
        clean_upload(factory())
    assert list(tmp_path.iterdir()) == []


# -- fuzzing -------------------------------------------------------------------------


@cache
def small_images() -> dict[str, bytes]:
    picture = Image.new("RGB", (64, 48), "teal")
    images = {}
    for image_format, options in (
        ("JPEG", {"exif": corpus.exif_with_gps(6), "icc_profile": corpus.srgb_profile()}),
        ("PNG", {"exif": corpus.exif_with_gps(3)}),
        ("WEBP", {}),
        ("HEIF", {"quality": 30}),
    ):
        if image_format != "HEIF" or HEIF_ENCODER:
            buffer = io.BytesIO()
            picture.save(buffer, image_format, **options)
            images[image_format] = buffer.getvalue()
    return images


def mutations(base: bytes) -> st.SearchStrategy[bytes]:
    """``base`` with a few bytes changed, then perhaps cut short."""
    edits = st.lists(st.tuples(st.integers(0, len(base) - 1), st.integers(0, 255)), max_size=8)
    return st.builds(_mutated, st.just(base), edits, st.integers(1, len(base)))


def _mutated(base: bytes, edits: list[tuple[int, int]], length: int) -> bytes:
    data = bytearray(base)
    for position, value in edits:
        data[position] = value
    return bytes(data[:length])


def cleaned_or_refused(data: bytes) -> None:
    """Anything but a clean file or ``UploadRejected`` fails the test."""
    try:
        clean = clean_upload(data)
    except UploadRejected:
        return
    assert clean.data and clean.media_type


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


@fuzz(300)
@given(st.binary(max_size=4096))
def test_random_bytes_are_cleaned_or_refused(data: bytes) -> None:
    cleaned_or_refused(data)


@fuzz(300)
@given(st.sampled_from(sorted(small_images())).flatmap(lambda f: mutations(small_images()[f])))
def test_damaged_images_are_cleaned_or_refused(data: bytes) -> None:
    cleaned_or_refused(data)


@fuzz(8)
@given(mutations(corpus.normal_pdf()))
def test_damaged_pdfs_are_cleaned_or_refused(data: bytes) -> None:
    cleaned_or_refused(data)


def test_images_decoded_at_full_size_have_a_lower_pixel_ceiling() -> None:
    """A 30 MP PNG would be fine as a JPEG (reduced decoding) but not as a PNG."""
    assert refusal(corpus._png(6000, 5000, bit_depth=1)) is Rejection.TOO_MANY_PIXELS
