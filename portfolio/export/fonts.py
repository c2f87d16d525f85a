"""The fonts of the portfolio document: Noto Sans, Noto Sans Arabic (Arabic and
Persian) and Noto Sans Ethiopic (Tigrinya), all from PyPI under the SIL Open Font
License. They come as variable fonts; fpdf2 would make a bold instance of each for every
document (seconds), so the bold instances are made once, ahead of time, into a cache
directory (``make fonts`` or ``flask pdf-fonts``); the regular face is the variable
font's default instance and needs no step."""

from __future__ import annotations

import importlib.resources
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg

from portfolio.config import ROOT

logger = logging.getLogger(__name__)
CACHE_DIR = Path(os.environ.get("PDF_FONT_DIR", ROOT / "build" / "pdf-fonts"))
BOLD = 700


@dataclass(frozen=True)
class Face:
    family: str  # the name fpdf2 knows it by
    source: Path  # the variable font

    @property
    def bold_name(self) -> str:
        return f"{self.family}-bold.ttf"


def _ethiopic() -> Path:
    root = importlib.resources.files("justmytype_intl_africa")
    return Path(str(root / "fonts/ofl/notosansethiopic/NotoSansEthiopic[wdth,wght].ttf"))


def faces() -> tuple[Face, ...]:
    """Latin first: it is the document's font; the others are fallbacks by script."""
    return (
        Face("noto", Path(fontpkg.path("Noto Sans"))),
        Face("noto-arabic", Path(fontpkg.path("Noto Sans Arabic"))),
        Face("noto-ethiopic", _ethiopic()),
    )


def bold_path(face: Face, cache_dir: Path = CACHE_DIR) -> Path | None:
    path = cache_dir / face.bold_name
    return path if path.is_file() else None


def build(cache_dir: Path = CACHE_DIR) -> list[Path]:
    """Make the bold instances that are missing (about 15 s for all three, once)."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    cache_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for face in faces():
        target = cache_dir / face.bold_name
        if target.is_file():
            continue
        font = instancer.instantiateVariableFont(
            TTFont(str(face.source)), {"wght": BOLD, "wdth": 100}, updateFontNames=True
        )
        fd, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        os.close(fd)
        font.save(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)  # a concurrent builder's copy is as good as ours
        made.append(target)
        logger.info("made the bold instance of %s", face.family)
    return made


@cache
def covered() -> frozenset[int]:
    """Every code point one of the faces has a glyph for."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for face in faces():
        points.update(TTFont(str(face.source), lazy=True).getBestCmap())
    return frozenset(points)
