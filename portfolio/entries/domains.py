"""The ten default life domains (leefgebieden) of domain.md, with icons and translated names.

The rows live in the database (seeded by a migration) so that a municipality can adapt
them; the names of the defaults come from the translation catalogs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class DefaultDomain:
    code: str
    name: LazyString
    dutch: str
    icon: str


DEFAULT_DOMAINS: tuple[DefaultDomain, ...] = (
    DefaultDomain("language", _l("Language & learning"), "Taal & leren", "language"),
    DefaultDomain("education", _l("Education & diplomas"), "Opleiding & diploma's", "education"),
    DefaultDomain("work", _l("Work & career"), "Werk & loopbaan", "work"),
    DefaultDomain("money", _l("Money & paperwork"), "Geld & administratie", "money"),
    DefaultDomain("health", _l("Health"), "Gezondheid", "health"),
    DefaultDomain("family", _l("Family & children"), "Gezin & kinderen", "family"),
    DefaultDomain("housing", _l("Housing"), "Wonen", "housing"),
    DefaultDomain(
        "participation", _l("Network & taking part"), "Netwerk & meedoen", "participation"
    ),
    DefaultDomain("daily_life", _l("Daily life"), "Dagelijks leven", "daily_life"),
    DefaultDomain("society", _l("Knowing the Netherlands"), "Nederland kennen", "society"),
)
BY_CODE = {d.code: d for d in DEFAULT_DOMAINS}


class NamedDomain(Protocol):
    code: str
    name: str


def named(domains: Iterable[NamedDomain]) -> list[tuple[str, str]]:
    """(code, name in the current language) for each domain, in the given order."""
    return [(d.code, domain_name(d.code, d.name)) for d in domains]


def domain_name(code: str, fallback: str) -> str:
    """The translated name of a default domain, or the stored name of a custom one."""
    default = BY_CODE.get(code)
    return str(default.name) if default else fallback
