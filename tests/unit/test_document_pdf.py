"""The portfolio document as people see it: every character of every language is
covered by the embedded fonts (Arabic, Persian, Tigrinya, Latin with diacritics); pages
in Arabic and Tigrinya render (pdftoppm) and are not blank; the QR code on the cover
reads back (zbarimg) as the verification address."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfReader

from portfolio.entries.goals import Goal, GoalStatus, Step
from portfolio.entries.models import Item
from portfolio.export import pdf, pdf_layout
from portfolio.export.document import (
    Audience,
    Choice,
    Contents,
    DomainScore,
    Record,
    Section,
    Trust,
)
from portfolio.pip.plan import Agreement, Plan, PlanContent, Reason, Version
from portfolio.progress.language import LanguageLevels
from portfolio.sharing.endorsements import Verified
from portfolio.sharing.models import Endorsement

WHEN = datetime(2026, 5, 12, tzinfo=UTC)
URL = "https://portfolio.example.nl/verify/7KQ2M9XD4TRBP3WA"
# What owners write, in their own scripts: it is printed as written.
OWN_WORDS = {
    "ar": "شهادة الإسعافات الأولية",
    "fa": "گواهی کمک‌های اولیه",
    "ti": "ምስክር ወረቐት ቀዳማይ ረድኤት",
    "so": "Shahaadada gargaarka degdegga ah",
    "tr": "İlk yardım sertifikası, çğış",
    "en": "First aid certificate",
}


def item(kind: str, domain: str | None = "work") -> Item:
    return Item(
        id=f"{kind}{domain}".ljust(32, "0")[:32],
        owner_id="o" * 32,
        kind=kind,
        domain_code=domain,
        created_at=WHEN,
        updated_at=WHEN,
    )


def _thumbnail() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 226), "#c8dcf0").save(out, "JPEG")
    return out.getvalue()


def contents(second: str | None, words: str) -> Contents:
    endorsement = Endorsement(id="e" * 32, municipality_id="m" * 32, item_id="c" * 32)
    verified = Verified(endorsement, "Sanne de Vries", "Utrecht", date(2026, 5, 1), True, True)
    return Contents(
        choice=Choice(
            audience=Audience.MUNICIPALITY,
            sections=frozenset(Section),
            items=frozenset(),
            second_language=second,
            shown_name=f"Amal Haddad {words}",
        ),
        issued_on=date(2026, 12, 2),
        domains=[
            DomainScore("language", "Taal & leren", 4, 2, 1),
            DomainScore("work", "Werk & loopbaan", 3, None, 2),
        ],
        language=LanguageLevels({"reading": "A2", "speaking": "A1", "knm": "B1"}, "B1"),
        exams=[
            Record(
                item("exam_result", "language"),
                {
                    "exam": "inburgering",
                    "component": "reading",
                    "level": "A2",
                    "result": "passed",
                    "exam_date": "2026-04-02",
                    "score": "78",
                },
                Trust([verified]),
            )
        ],
        goals=[
            (
                item("goal", "daily_life"),
                Goal(words, status=GoalStatus.DONE, steps=(Step("a", True), Step("b", True))),
            )
        ],
        certificates=[
            Record(
                item("certificate", "education"),
                {
                    "title": words,
                    "certificate_type": "course",
                    "issuer": "Het Oranje Kruis",
                    "issued_on": "2026-03-01",
                    "level": "B1",
                },
                Trust([verified]),
                thumbnail=_thumbnail(),
            )
        ],
        experience=[
            Record(
                item("experience"),
                {
                    "experience_type": "volunteer",
                    "organisation": "Voedselbank Utrecht",
                    "role": words,
                    "started_on": "2025-09-01",
                    "hours_per_week": 6,
                    "total_hours": 240,
                    "reference_name": "Joke Jansen",
                    "reference_contact": "06-12345678",
                    "learned": words,
                },
                Trust(),
            )
        ],
        plan=Version(
            2,
            PlanContent(
                Plan(
                    route="b1",
                    main_goal="work",
                    provider="ROC Midden",
                    hours_per_week=12,
                    map_status="busy",
                    pvt_status="done",
                ),
                (Agreement("a1", words, due=date(2027, 1, 15)),),
            ),
            Reason.PROGRESS,
            None,
            None,
        ),
    )


IDENTITY = pdf_layout.Identity("7KQ2-M9XD-4TRB-P3WA", "Gemeente Utrecht", URL)


@pytest.mark.parametrize("second", [None, "en", "ar", "fa", "ti", "tr", "so"])
def test_every_character_is_covered_by_the_embedded_fonts(app: Flask, second) -> None:
    with app.test_request_context():
        doc = pdf.compose(contents(second, OWN_WORDS.get(second or "en", "")), IDENTITY)
        assert len(doc.used) > 60  # the check looked at real text
        assert doc.missing_glyphs() == set()


@pytest.mark.parametrize("second", ["ar", "ti"])
def test_pages_render_and_the_code_reads_back(app: Flask, second, tmp_path: Path) -> None:
    with app.test_request_context():
        data = pdf.render(contents(second, OWN_WORDS[second]), IDENTITY)
    (tmp_path / "doc.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "doc.pdf", "page"], cwd=tmp_path, check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        with Image.open(page) as image:
            grey = image.convert("L")
            body = grey.crop((0, 0, grey.width, int(grey.height * 0.9)))  # above the footer
            inked = sum(body.point(lambda v: 255 if v < 128 else 0).histogram()[255:])
            assert inked > 500, page.name  # not a page with only its footer
    images = [image for page in PdfReader(tmp_path / "doc.pdf").pages for image in page.images]
    assert len(images) == 2  # the QR code and the certificate's photo
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(pages[0])], capture_output=True, text=True, check=True
    )
    assert read.stdout.strip() == URL
    if keep := os.environ.get("KEEP_PAGES"):  # a directory, to look at the pages by eye
        Path(keep).mkdir(parents=True, exist_ok=True)
        for page in pages:
            (Path(keep) / f"{second}-{page.name}").write_bytes(page.read_bytes())


def test_a_chosen_part_with_nothing_in_it_is_left_out(app: Flask) -> None:
    """A reader sees no empty headings ("Goals achieved: nothing yet")."""
    full = contents(None, OWN_WORDS["en"])
    empty = Contents(
        Choice(
            Audience.EMPLOYER,
            frozenset(Section),
            frozenset(),
            None,
            "Amal Haddad",
            False,
        ),
        date(2026, 5, 12),
        certificates=full.certificates,
    )
    with app.test_request_context():
        text = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(empty, IDENTITY))).pages
        )
    assert "Certificaten en diploma's" in text
    for heading in (
        "Behaalde doelen",
        "Werk en vrijwilligerswerk",
        "Persoonlijk plan (PIP)",
        "Samenvatting per leefgebied",
        "Nederlandse taal",
    ):
        assert heading not in text, heading
    assert "Nog niets" not in text
