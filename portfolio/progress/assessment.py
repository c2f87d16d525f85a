"""A self-assessment: per life domain a score from 1 to 5, in the spirit of the ZRM
(Zelfredzaamheidsmatrix: 1 = acute need of help, 5 = fully self-reliant)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from portfolio.entries.errors import InvalidContentError

SCHEMA = 1
SCORES = (1, 2, 3, 4, 5)
SCALE = {
    1: _l("Very hard: I need help now"),
    2: _l("Hard: I need a lot of help"),
    3: _l("It is going, with some help"),
    4: _l("Good: I manage mostly alone"),
    5: _l("Very good: I manage on my own"),
}


@dataclass(frozen=True)
class SelfAssessment:
    scores: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "scores": dict(self.scores), "note": self.note}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SelfAssessment:
        try:
            if data.get("schema") != SCHEMA:
                raise InvalidContentError("unknown self-assessment schema")
            scores = {str(k): int(v) for k, v in dict(data["scores"]).items()}
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidContentError("self-assessment does not fit") from error
        if any(v not in SCORES for v in scores.values()):
            raise InvalidContentError("score out of range")
        return cls(scores=scores, note=str(data.get("note", "")))
