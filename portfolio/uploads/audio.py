"""Voice notes: WebM, Ogg, MP4 (M4A) and MP3, recognised by their first bytes.

Audio is stored as sent: re-encoding it would need ffmpeg. Only the container is
checked (and the codec for Ogg), so what is stored is at least the kind of file its
media type says.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.uploads.errors import Rejection, UploadRejected
from portfolio.uploads.isobmff import ftyp_brands


@dataclass(frozen=True)
class AudioFormat:
    media_type: str
    extension: str


WEBM = AudioFormat("audio/webm", ".webm")
OGG = AudioFormat("audio/ogg", ".ogg")
MP4 = AudioFormat("audio/mp4", ".m4a")
MP3 = AudioFormat("audio/mpeg", ".mp3")

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_DOCTYPE_ID = 0x4282
MP4_BRANDS = frozenset(
    {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"dash"}
)
_OGG_PAGE_HEADER = 27
OGG_CODECS = (b"OpusHead", b"\x01vorbis", b"\x7fFLAC", b"Speex   ")
_ID3_HEADER = 10
_FRAME_HEADER = 4


def sniff_container(data: bytes) -> AudioFormat | None:
    """The audio container announced by a magic number at offset 0, if any."""
    if data.startswith(EBML_MAGIC):
        return WEBM
    if data.startswith(b"OggS"):
        return OGG
    if data.startswith(b"ID3"):
        return MP3
    brands = ftyp_brands(data)
    return MP4 if brands is not None and brands.major in MP4_BRANDS else None


def sniff_mpeg_frame(data: bytes) -> AudioFormat | None:
    """MP3 without an ID3 tag starts with the 11 set bits of an MPEG frame sync."""
    return MP3 if len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 else None


def check_audio(data: bytes, audio_format: AudioFormat) -> None:
    """Refuses a header that is cut off (DAMAGED) or names something else (UNSUPPORTED)."""
    if audio_format is WEBM and _ebml_doctype(data) != b"webm":
        raise UploadRejected(Rejection.UNSUPPORTED)  # Matroska video, or no DocType at all
    if audio_format is OGG and not _ogg_first_packet(data).startswith(OGG_CODECS):
        raise UploadRejected(Rejection.UNSUPPORTED)  # Theora video, or an unknown codec
    if audio_format is MP3 and data.startswith(b"ID3"):
        _check_id3(data)
    elif audio_format is MP3:
        _check_frame_header(data)


def _damaged() -> UploadRejected:
    return UploadRejected(Rejection.DAMAGED)


def _vint(data: bytes, pos: int, *, keep_marker: bool = False) -> tuple[int, int]:
    """An EBML variable-length integer at ``pos``: its value and the position after it."""
    if pos >= len(data) or data[pos] == 0:
        raise _damaged()
    length = 9 - data[pos].bit_length()
    if pos + length > len(data):
        raise _damaged()
    first = data[pos] if keep_marker else data[pos] & (0xFF >> length)
    value = int.from_bytes(bytes([first]) + data[pos + 1 : pos + length], "big")
    return value, pos + length


def _ebml_doctype(data: bytes) -> bytes | None:
    """The DocType of the EBML header ("webm", "matroska"), ``None`` if it names none."""
    size, pos = _vint(data, len(EBML_MAGIC))
    end = pos + size
    if end > len(data):
        raise _damaged()
    while pos < end:
        element, pos = _vint(data, pos, keep_marker=True)
        length, pos = _vint(data, pos)
        if pos + length > end:
            raise _damaged()
        if element == _DOCTYPE_ID:
            return data[pos : pos + length].rstrip(b"\x00")
        pos += length
    return None


def _ogg_first_packet(data: bytes) -> bytes:
    """The start of the first packet of the first Ogg page (it names the codec)."""
    if len(data) < _OGG_PAGE_HEADER or data[4] != 0:
        raise _damaged()
    start = _OGG_PAGE_HEADER + data[26]
    if len(data) < start + len(OGG_CODECS[0]):
        raise _damaged()
    return data[start : start + len(OGG_CODECS[0])]


def _check_id3(data: bytes) -> None:
    if len(data) < _ID3_HEADER:
        raise _damaged()
    version, size = data[3], data[6:10]
    if version not in (2, 3, 4) or any(byte & 0x80 for byte in size):
        raise _damaged()


def _check_frame_header(data: bytes) -> None:
    if len(data) < _FRAME_HEADER:
        raise _damaged()
    version, layer = (data[1] >> 3) & 0b11, (data[1] >> 1) & 0b11
    bitrate, sample_rate = data[2] >> 4, (data[2] >> 2) & 0b11
    if version == 0b01 or layer == 0b00 or bitrate == 0b1111 or sample_rate == 0b11:
        raise UploadRejected(Rejection.UNSUPPORTED)  # reserved values: not MPEG audio
