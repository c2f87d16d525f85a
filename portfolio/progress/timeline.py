"""A timeline of language levels per skill, drawn as SVG (with a table beside it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from portfolio.progress.language import LEVELS

WIDTH, HEIGHT = 320.0, 180.0
LEFT, RIGHT, TOP, BOTTOM = 34.0, 10.0, 10.0, 20.0


@dataclass(frozen=True)
class Line:
    css_class: str  # the skill code: colours and dashes live in the CSS
    levels: Sequence[str | None]  # one per moment, None where not answered


def _y(level: str) -> float:
    step = (HEIGHT - TOP - BOTTOM) / (len(LEVELS) - 1)
    return round(HEIGHT - BOTTOM - LEVELS.index(level) * step, 1)


def _x(index: int, count: int, rtl: bool) -> float:
    """Time runs in the reading direction: right to left in Arabic and Persian."""
    offset = (
        (WIDTH - LEFT - RIGHT) / 2 if count == 1 else index * (WIDTH - LEFT - RIGHT) / (count - 1)
    )
    return round(WIDTH - LEFT - offset if rtl else LEFT + offset, 1)


def timeline(lines: Sequence[Line], target: str | None, rtl: bool = False) -> Markup:
    """Level (A0-B2) upwards, moments from left to right; the target as a dashed line."""
    count = max((len(line.levels) for line in lines), default=0)
    if count == 0:
        return Markup("")
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="presentation" '
        'aria-hidden="true" focusable="false" direction="ltr">'
    ]
    x1, x2 = (RIGHT, WIDTH - LEFT) if rtl else (LEFT, WIDTH - RIGHT)
    label_x, anchor = (WIDTH - 4, "end") if rtl else (4, "start")
    for level in LEVELS:
        y = _y(level)
        parts.append(f'<line class="grid" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>')
        parts.append(
            f'<text x="{label_x}" y="{y}" text-anchor="{anchor}" dominant-baseline="middle">'
            f"{level}</text>"
        )
    if target in LEVELS:
        y = _y(target)
        parts.append(f'<line class="target" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>')
    for line in lines:
        points = [
            (_x(i, count, rtl), _y(level)) for i, level in enumerate(line.levels) if level in LEVELS
        ]
        cls = escape(line.css_class)
        if len(points) > 1:
            path = " ".join(f"{x},{y}" for x, y in points)
            parts.append(f'<polyline class="skill {cls}" points="{path}"/>')
        for x, y in points:
            parts.append(f'<circle class="skill {cls}" cx="{x}" cy="{y}" r="3.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (our own shapes; the class is escaped)
