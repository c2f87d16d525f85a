"""Record kinds: what each kind of portfolio item is made of, declared once.

A record's content is the data of its form (``record_forms.py``) as JSON, plus the
owner's names of its files. The same form turns stored content back into fields to edit
and into facts to show, so a kind is one form class and one ``RecordKind`` entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)

from portfolio.entries import record_forms as rf
from portfolio.entries.errors import InvalidContentError
from portfolio.entries.models import ItemKind
from portfolio.forms import BaseForm
from portfolio.uploads.pipeline import FileKind

SCHEMA = 1
SKIPPED_FIELDS = {"csrf_token", "domain"}
DOCUMENTS = frozenset({FileKind.IMAGE, FileKind.PDF})


@dataclass(frozen=True)
class RecordKind:
    kind: ItemKind
    slug: str
    form: type[BaseForm]
    icon: str
    plural: LazyString
    add_label: LazyString
    title_fields: tuple[str, ...]  # the fields that name the item in lists
    files: frozenset[FileKind] = frozenset()
    default_domain: str | None = None
    single: bool = False  # one per owner (about me, my integration)

    def display_form(self, fields: Mapping[str, Any]) -> BaseForm:
        """A form holding stored content, to show (no request data, no CSRF token)."""
        form = self.form(formdata=None, meta={"csrf": False})
        fill(form, fields)
        return form


KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        ItemKind.CERTIFICATE,
        "certificates",
        rf.CertificateForm,
        "award",
        _l("Certificates and diplomas"),
        _l("Add a certificate"),
        ("title",),
        DOCUMENTS,
        "education",
    ),
    RecordKind(
        ItemKind.EXPERIENCE,
        "experience",
        rf.ExperienceForm,
        "hands",
        _l("Work and volunteering"),
        _l("Add work or volunteering"),
        ("role", "organisation"),
        DOCUMENTS,
        "work",
    ),
    RecordKind(
        ItemKind.EXAM_RESULT,
        "exams",
        rf.ExamResultForm,
        "education",
        _l("Exam results"),
        _l("Add an exam result"),
        ("exam", "component"),
        DOCUMENTS,
        "language",
    ),
    RecordKind(
        ItemKind.REFLECTION,
        "reflections",
        rf.ReflectionForm,
        "note",
        _l("Reflections"),
        _l("Write a reflection"),
        ("title",),
        frozenset({FileKind.IMAGE, FileKind.AUDIO}),
        None,
    ),
    RecordKind(
        ItemKind.ABOUT_ME,
        "about-me",
        rf.AboutMeForm,
        "user",
        _l("About me and my future"),
        _l("Fill in about me"),
        (),
        single=True,
    ),
    RecordKind(
        ItemKind.INTEGRATION,
        "integration",
        rf.IntegrationForm,
        "route",
        _l("My integration"),
        _l("Fill in my integration"),
        (),
        single=True,
    ),
)
BY_SLUG = {k.slug: k for k in KINDS}
BY_KIND = {k.kind: k for k in KINDS}


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: str
    long: bool  # a text to show with its line breaks


def _stored(field: Field) -> Any:
    """A field's value as JSON (dates as ISO strings)."""
    data = field.data
    if isinstance(field, DateField):
        return data.isoformat() if data else None
    if isinstance(field, IntegerField):
        return data
    if isinstance(field, SelectMultipleField):
        return sorted(str(v) for v in data or [])
    return (data or "").strip() if isinstance(data, str) else data


def _loaded(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, DateField):
        return date.fromisoformat(str(value))
    if isinstance(field, IntegerField):
        return int(value)
    if isinstance(field, SelectMultipleField):
        return [str(v) for v in value]
    return str(value)


def _own_fields(form: BaseForm) -> list[Field]:
    return [f for f in form if f.name not in SKIPPED_FIELDS]


def fields_of(form: BaseForm) -> dict[str, Any]:
    """The content fields of a validated form, as JSON values."""
    return {f.name: _stored(f) for f in _own_fields(form)}


def fill(form: BaseForm, fields: Mapping[str, Any]) -> None:
    """Put stored content into a form to edit; unknown or broken values are refused."""
    try:
        for f in _own_fields(form):
            if f.name in fields:
                f.data = _loaded(f, fields[f.name])
    except (TypeError, ValueError) as error:
        raise InvalidContentError("record content does not fit its form") from error


def _choice_label(field: SelectField, value: str) -> str:
    for choice in field.choices or []:
        if isinstance(choice, SelectChoice) and choice.value == value:
            return str(choice.label)
    return value


def facts(form: BaseForm) -> list[Fact]:
    """What the owner filled in, as label and value, in the order of the form."""
    shown = []
    for f in _own_fields(form):
        data = f.data
        if data in (None, "", []):
            continue
        if isinstance(f, SelectMultipleField):
            value = ", ".join(_choice_label(f, str(v)) for v in data)
        elif isinstance(f, SelectField):
            value = _choice_label(f, str(data))
        elif isinstance(f, DateField):
            value = format_date(data, "long")
        else:
            value = str(data)
        shown.append(Fact(f.name, str(f.label.text), value, isinstance(f, TextAreaField)))
    return shown


def content(fields: Mapping[str, Any], files: list[dict[str, str]]) -> dict[str, Any]:
    return {"schema": SCHEMA, "fields": dict(fields), "files": files}


def split(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(fields, files) of stored content."""
    if data.get("schema") != SCHEMA:
        raise InvalidContentError("unknown record schema")
    fields = data.get("fields")
    files = data.get("files", [])
    if not isinstance(fields, dict) or not isinstance(files, list):
        raise InvalidContentError("record content does not fit")
    return fields, [dict(f) for f in files if isinstance(f, dict)]


TITLE_LENGTH = 80
FALLBACK_FIELDS = ("text", "notes")


@cache
def _choice_labels(slug: str, name: str) -> dict[str, Any]:
    """value -> label of a choice field, read off the kind's form class: lists name 30
    items without building 30 forms."""
    unbound = getattr(BY_SLUG[slug].form, name, None)
    choices = getattr(unbound, "kwargs", {}).get("choices") or []
    return {c.value: c.label for c in choices if isinstance(c, SelectChoice)}


def title(spec: RecordKind, fields: Mapping[str, Any]) -> str:
    """What names an item: its title fields, else the start of its text."""
    named = [
        str(_choice_labels(spec.slug, name).get(value, value))
        for name in spec.title_fields
        if (value := fields.get(name))
    ]
    if named:
        return " · ".join(named)
    for name in FALLBACK_FIELDS:
        text = " ".join(str(fields.get(name) or "").split())
        if text and not spec.single:
            return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"
    return str(spec.plural)


def is_achievement(kind: str, fields: Mapping[str, Any]) -> bool:
    """Whether the item is something achieved that a credential may claim: a certificate,
    or an exam result that was passed (not one failed or still waiting)."""
    if kind == ItemKind.EXAM_RESULT.value:
        return fields.get("result") == "passed"
    return kind == ItemKind.CERTIFICATE.value
