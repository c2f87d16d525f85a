"""What a grant covers: kinds x life domains, plus single items. Pure; no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portfolio.entries.models import Item, ItemKind

SHAREABLE_KINDS: tuple[ItemKind, ...] = (
    ItemKind.GOAL,
    ItemKind.CERTIFICATE,
    ItemKind.EXPERIENCE,
    ItemKind.EXAM_RESULT,
    ItemKind.LANGUAGE_LEVEL,
    ItemKind.SELF_ASSESSMENT,
    ItemKind.REFLECTION,
    ItemKind.ABOUT_ME,
    ItemKind.INTEGRATION,
    ItemKind.PIP,
    ItemKind.MEETING,  # apart from the plan: the owner's preparation is personal
)
SHAREABLE = frozenset(k.value for k in SHAREABLE_KINDS)
# Item kinds that go with a chosen kind: proposals and own plans go with the plan (PIP).
KIND_GROUPS = {
    ItemKind.PIP_PROPOSAL.value: ItemKind.PIP.value,
    ItemKind.OWN_PLAN.value: ItemKind.PIP.value,
    ItemKind.GOAL_SUGGESTION.value: ItemKind.GOAL.value,
}
ITEM_KINDS = SHAREABLE | frozenset(KIND_GROUPS)
SENSITIVE_DOMAINS = frozenset({"health"})
# Kinds whose items have no life domain: chosen alone, they make a scope.
UNDOMAINED = frozenset(
    k.value for k in (ItemKind.ABOUT_ME, ItemKind.INTEGRATION, ItemKind.PIP, ItemKind.MEETING)
)  # special-category data: never in a default scope


def _split(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def _join(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


@dataclass(frozen=True)
class Scope:
    kinds: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, kinds: str, domains: str, items: str) -> Scope:
        return cls(_split(kinds) & SHAREABLE, _split(domains), _split(items))

    def stored(self) -> tuple[str, str, str]:
        return _join(self.kinds), _join(self.domains), _join(self.items)

    @property
    def is_empty(self) -> bool:
        return not self.items and not (self.kinds and self.domains) and not self._undomained

    @property
    def _undomained(self) -> bool:
        return bool(self.kinds & UNDOMAINED)

    def covers(self, item: Item) -> bool:
        """Single items always; otherwise a chosen kind in a chosen domain. Items with no
        domain (about me, my integration, self-assessments) go with their kind; what a
        self-assessment shows is cut to the chosen domains when it is rendered."""
        kind = KIND_GROUPS.get(item.kind, item.kind)
        if kind not in SHAREABLE:
            return False
        if item.id in self.items:
            return True
        if kind not in self.kinds:
            return False
        return item.domain_code is None or item.domain_code in self.domains

    def shows_domain(self, code: str) -> bool:
        return code in self.domains


def default_scope(relation: str, domain_codes: Iterable[str]) -> Scope:
    """The pre-selected scope of a new share: never health, never the diary."""
    codes = [c for c in domain_codes if c not in SENSITIVE_DOMAINS]
    if relation == "regievoerder":
        kinds = SHAREABLE - {ItemKind.REFLECTION.value}
        return Scope(frozenset(kinds), frozenset(codes))
    if relation == "language_coach":
        coach = {ItemKind.GOAL, ItemKind.LANGUAGE_LEVEL, ItemKind.EXAM_RESULT, ItemKind.CERTIFICATE}
        return Scope(frozenset(k.value for k in coach), frozenset({"language"}) & set(codes))
    helper = {ItemKind.GOAL, ItemKind.CERTIFICATE, ItemKind.EXPERIENCE}
    wanted = {"language", "work", "participation", "daily_life"}
    return Scope(frozenset(k.value for k in helper), frozenset(wanted & set(codes)))
