"""Charts drawn on the server as SVG, with no chart library. Each chart is decorative for
screen readers (``aria-hidden``); the template puts a table with the same figures next
to it as the text alternative. Axes carry the life domains' icons rather than words:
they stay readable on a small phone, in every language and script, and for people who
read little; the table names them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from portfolio.icons import ICON_PATHS
from portfolio.progress.services import Recorded

MAX_SCORE = 5
RADIUS = 120.0


@dataclass(frozen=True)
class Series:
    css_class: str  # e.g. "first" or "latest": colours and dashes live in the CSS
    values: Mapping[str, int]


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / MAX_SCORE
    return (round(r * math.cos(angle), 1), round(r * math.sin(angle), 1))


def radar(axes: Sequence[tuple[str, str]], series: Sequence[Series]) -> Markup:
    """A radar chart: one axis per (code, label), one polygon per series (scores 1-5).

    An axis without a score in a series is drawn at the centre for that series.
    """
    count = len(axes)
    if count < 3:
        return Markup("")
    parts = [
        '<svg class="radar" viewBox="-160 -160 320 320" role="presentation" '
        'aria-hidden="true" focusable="false">'
    ]
    for ring in range(1, MAX_SCORE + 1):
        points = " ".join(f"{x},{y}" for x, y in (_point(i, count, ring) for i in range(count)))
        parts.append(f'<polygon class="ring" points="{points}"/>')
    for i, (code, _label) in enumerate(axes):
        x, y = _point(i, count, MAX_SCORE)
        ix, iy = _point(i, count, MAX_SCORE + 0.9)
        parts.append(f'<line class="axis" x1="0" y1="0" x2="{x}" y2="{y}"/>')
        parts.append(
            f'<g class="axis-icon" transform="translate({ix - 12},{iy - 12})">'
            f"{ICON_PATHS.get(code, ICON_PATHS['star'])}</g>"
        )
    for one in series:
        points = " ".join(
            f"{x},{y}"
            for x, y in (
                _point(i, count, one.values.get(code, 0)) for i, (code, _l) in enumerate(axes)
            )
        )
        parts.append(f'<polygon class="series {escape(one.css_class)}" points="{points}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (our own shapes; the class is escaped)


def radar_chart(axes: list[tuple[str, str]], recorded: Sequence[Recorded]) -> Markup:
    """The first and the latest self-assessment as a radar chart."""
    series = [Series("latest", recorded[-1].assessment.scores)]
    if len(recorded) > 1:
        series.insert(0, Series("first", recorded[0].assessment.scores))
    return radar(axes, series)
