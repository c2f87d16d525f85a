"""Records through the web client: certificates with photos and PDFs, work and
volunteering, exam results, reflections with a voice message, about me, my integration.
Bad uploads are refused with a translated message and nothing is stored; files are
encrypted blobs that go when their item goes; other people's ids are 404."""

from __future__ import annotations

import io
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select

from portfolio.db import db
from portfolio.entries.models import Item, ItemFile
from tests.conftest import csrf_token, in_app, login, post_form, sql_statements
from tests.corpus import (
    BAD_UPLOADS,
    heic_with_gps,
    jpeg_with_gps,
    jpeg_with_zip,
    normal_pdf,
    webm_voice,
)

CERTIFICATE = {
    "title": "Certificaat EHBO",
    "certificate_type": "course",
    "issuer": "Het Oranje Kruis",
    "issued_on": "2026-03-14",
    "level": "Basis",
    "domain": "education",
    "notes": "Gehaald in het buurthuis Overvecht",
}
EXPERIENCE = {
    "experience_type": "volunteer",
    "organisation": "Voedselbank Utrecht",
    "role": "Pakketten inpakken en klanten helpen",
    "started_on": "2026-01-05",
    "ended_on": "",
    "hours_per_week": "6",
    "total_hours": "120",
    "reference_name": "Marieke de Vries",
    "reference_contact": "06-12345678",
    "learned": "Samenwerken in een Nederlands team",
    "domain": "work",
}
EXAM = {
    "exam": "nt2_1",
    "component": "speaking",
    "exam_date": "2026-10-02",
    "level": "B1",
    "result": "passed",
    "score": "512",
    "notes": "",
    "domain": "language",
}
REFLECTION = {
    "title": "Mijn eerste dag",
    "text": "Ik was zenuwachtig maar het ging goed",
    "domain": "work",
}


def jpeg(size: tuple[int, int] = (1200, 900), color: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return out.getvalue()


def post_multipart(
    client: FlaskClient, path: str, data: dict[str, object], form_page: str | None = None
):
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data}, content_type="multipart/form-data")


def counts(app: Flask) -> tuple[int, int, int]:
    """(listed items, file rows, blobs on disk): the summary item is kept apart."""

    def rows() -> tuple[int, int]:
        listed = select(func.count()).select_from(Item).where(Item.kind != "summary")
        return (
            db.session.scalar(listed) or 0,
            db.session.scalar(select(func.count()).select_from(ItemFile)) or 0,
        )

    items, files = in_app(app, rows)
    blob_dir: Path = app.extensions["portfolio.settings"].blob_dir
    return items, files, sum(1 for p in blob_dir.glob("??/*") if p.is_file())


def add_certificate(client: FlaskClient, photo: bytes | None = None, **changes: str):
    data: dict[str, object] = {**CERTIFICATE, **changes}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "IMG_2041.jpg")
    return post_multipart(client, "/portfolio/certificates/new", data)


def test_certificate_with_photo_shows_thumbnail_and_serves_it_safely(
    app: Flask, owner_client: FlaskClient
) -> None:
    response = add_certificate(owner_client, jpeg((3000, 2000)))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = owner_client.get(response.location).get_data(as_text=True)
    assert "Certificaat EHBO" in page and "Het Oranje Kruis" in page and "March 14, 2026" in page
    assert "IMG_2041.jpg" in page
    assert counts(app) == (1, 1, 2)  # one item, one file row, the photo and its thumbnail

    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    url = f"{response.location}/files/{row.id}"
    thumb = owner_client.get(url + "?size=thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320
    full = owner_client.get(url)
    assert full.headers["Cache-Control"] == "no-store"
    assert "sandbox" in full.headers["Content-Security-Policy"]
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(full.data)).size == (2400, 1600)
    download = owner_client.get(url + "?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "IMG_2041.jpg" in download.headers["Content-Disposition"]


def test_pdf_is_kept_as_is_and_downloaded_as_attachment(
    app: Flask, owner_client: FlaskClient
) -> None:
    pdf = normal_pdf()
    response = post_multipart(
        owner_client,
        "/portfolio/certificates/new",
        {**CERTIFICATE, "upload": (io.BytesIO(pdf), "../../etc/diploma\x07.pdf")},
    )
    assert response.status_code == 302
    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    served = owner_client.get(f"{response.location}/files/{row.id}")
    assert served.data == pdf and served.mimetype == "application/pdf"
    disposition = served.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "diploma.pdf" in disposition
    assert ".." not in disposition and "/" not in disposition


@pytest.mark.parametrize(
    ("name", "filename", "factory", "reason"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS]
)
def test_bad_upload_is_refused_with_a_message_and_nothing_is_stored(
    app: Flask, owner_client: FlaskClient, name, filename, factory, reason
) -> None:
    response = post_multipart(
        owner_client,
        "/portfolio/certificates/new",
        {**CERTIFICATE, "upload": (io.BytesIO(factory()), filename)},
    )
    if response.status_code == 413:  # larger than a request may be: refused before parsing
        assert "This file is too big" in response.get_data(as_text=True)
    else:
        assert response.status_code == 200, name
        page = response.get_data(as_text=True)
        assert 'id="error-summary"' in page
        assert 'value="Certificaat EHBO"' in page  # the typed fields are kept
        assert "Please choose the file again" in page
    assert counts(app) == (0, 0, 0)


def test_bad_upload_message_is_translated(app: Flask, owner_client: FlaskClient) -> None:
    post_form(owner_client, "/language", {"lang": "ar"}, form_page="/language")
    response = post_multipart(
        owner_client,
        "/portfolio/certificates/new",
        {**CERTIFICATE, "upload": (io.BytesIO(b"<html>"), "x.jpg")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'dir="rtl"' in page
    assert 'id="error-summary"' in page and "This kind of file cannot be used" not in page
    assert counts(app) == (0, 0, 0)


def test_add_and_delete_files_later_removes_blobs(app: Flask, owner_client: FlaskClient) -> None:
    location = add_certificate(owner_client).location
    item_id = location.rsplit("/", 1)[-1]
    assert counts(app) == (1, 0, 0)
    response = post_multipart(
        owner_client,
        f"/portfolio/certificates/{item_id}/files",
        {"photo": (io.BytesIO(jpeg()), "front.jpg")},
        form_page=location,
    )
    assert response.status_code == 302
    assert counts(app) == (1, 1, 2)
    bad = post_multipart(
        owner_client,
        f"/portfolio/certificates/{item_id}/files",
        {"photo": (io.BytesIO(b"not an image"), "back.jpg")},
        form_page=location,
    )
    assert "This kind of file cannot be used" in owner_client.get(bad.location).get_data(
        as_text=True
    )
    assert counts(app) == (1, 1, 2)
    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    confirm = owner_client.get(f"{location}/files/{row.id}/delete")
    assert "front.jpg" in confirm.get_data(as_text=True)
    token = csrf_token(owner_client, location)
    owner_client.post(f"{location}/files/{row.id}/delete", data={"csrf_token": token})
    assert counts(app) == (1, 0, 0)
    assert owner_client.get(f"{location}/files/{row.id}").status_code == 404


def test_deleting_an_item_removes_its_blobs(app: Flask, owner_client: FlaskClient) -> None:
    location = add_certificate(owner_client, jpeg()).location
    item_id = location.rsplit("/", 1)[-1]
    assert counts(app) == (1, 1, 2)
    token = csrf_token(owner_client, location)
    response = owner_client.post(f"/portfolio/items/{item_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert counts(app) == (0, 0, 0)


def test_other_people_cannot_see_or_touch_records_and_files(
    app: Flask, owner_client: FlaskClient, make_owner
) -> None:
    location = add_certificate(owner_client, jpeg()).location
    item_id = location.rsplit("/", 1)[-1]
    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    other = make_owner("bilal")
    intruder = app.test_client()
    login(intruder, other.username, other.passphrase)
    token = csrf_token(intruder, "/home")
    for path in (
        location,
        f"{location}/edit",
        f"{location}/files/{row.id}",
        f"{location}/files/{row.id}?size=thumb",
        f"{location}/files/{row.id}/delete",
        f"/portfolio/experience/{item_id}",  # the right id under another kind
        f"/portfolio/items/{item_id}/delete",
    ):
        assert intruder.get(path).status_code == 404, path
    for path in (f"{location}/edit", f"{location}/files", f"{location}/files/{row.id}/delete"):
        assert intruder.post(path, data={"csrf_token": token, **CERTIFICATE}).status_code == 404
    assert counts(app) == (1, 1, 2)
    # A file id of one item under another item of the same owner is not found either.
    other_location = add_certificate(owner_client).location
    assert owner_client.get(f"{other_location}/files/{row.id}").status_code == 404


def test_experience_exam_and_listing_filters(app: Flask, owner_client: FlaskClient) -> None:
    work = post_multipart(owner_client, "/portfolio/experience/new", EXPERIENCE)
    assert work.status_code == 302
    page = owner_client.get(work.location).get_data(as_text=True)
    assert "Voedselbank Utrecht" in page and "Marieke de Vries" in page and "120" in page
    exam = post_multipart(owner_client, "/portfolio/exams/new", EXAM)
    assert exam.status_code == 302
    page = owner_client.get(exam.location).get_data(as_text=True)
    assert "State exam NT2, programme I (B1)" in page and "Passed" in page
    listing = owner_client.get("/portfolio/").get_data(as_text=True)
    assert "Pakketten inpakken" in listing and "State exam NT2" in listing
    only_work = owner_client.get("/portfolio/?kind=experience").get_data(as_text=True)
    assert "Pakketten inpakken" in only_work and "State exam NT2" not in only_work
    by_domain = owner_client.get("/portfolio/?domain=language").get_data(as_text=True)
    assert "State exam NT2" in by_domain and "Pakketten inpakken" not in by_domain
    bad = post_multipart(
        owner_client, "/portfolio/experience/new", {**EXPERIENCE, "ended_on": "2025-01-01"}
    )
    assert "The end date is before the start date." in bad.get_data(as_text=True)
    assert counts(app)[0] == 2


def test_reflection_needs_text_or_a_file_and_keeps_a_voice_message(
    app: Flask, owner_client: FlaskClient
) -> None:
    empty = post_multipart(
        owner_client, "/portfolio/reflections/new", {"title": "", "text": "", "domain": "work"}
    )
    assert "Please write something, or add a photo or a voice message." in empty.get_data(
        as_text=True
    )
    voice = webm_voice()
    response = post_multipart(
        owner_client,
        "/portfolio/reflections/new",
        {"title": "", "text": "", "domain": "work", "voice": (io.BytesIO(voice), "voice.webm")},
    )
    assert response.status_code == 302
    page = owner_client.get(response.location).get_data(as_text=True)
    assert "<audio" in page
    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    played = owner_client.get(f"{response.location}/files/{row.id}")
    assert played.data == voice and played.mimetype == "audio/webm"
    # A PDF is not a reflection's file.
    pdf = normal_pdf()
    refused = post_multipart(
        owner_client,
        "/portfolio/reflections/new",
        {**REFLECTION, "upload": (io.BytesIO(pdf), "x.pdf")},
    )
    assert "Please use a photo or a voice recording" in refused.get_data(as_text=True)


def test_about_me_and_integration_are_single_and_remind_before_the_deadline(
    app: Flask, owner_client: FlaskClient
) -> None:
    assert owner_client.get("/portfolio/me/about-me").status_code == 200
    response = post_multipart(
        owner_client,
        "/portfolio/me/about-me/edit",
        {
            "languages_spoken": "Arabisch, Engels",
            "ambition": "Verpleegkundige worden",
            "needs": ["childcare", "letters"],
            "diploma_translated": "yes",
            "idw_status": "applied",
        },
    )
    assert response.status_code == 302
    page = owner_client.get("/portfolio/me/about-me").get_data(as_text=True)
    assert "Verpleegkundige worden" in page and "Childcare, Help with letters and forms" in page
    post_multipart(owner_client, "/portfolio/me/about-me/edit", {"languages_spoken": "Arabisch"})
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(Item))) == 1
    assert owner_client.get("/portfolio/me/nothing").status_code == 404
    assert owner_client.get("/portfolio/about-me/new").status_code == 404

    soon = date.today() + timedelta(days=60)
    response = post_multipart(
        owner_client,
        "/portfolio/me/integration/edit",
        {
            "route": "b1",
            "term_start": (soon - timedelta(days=3 * 365)).isoformat(),
            "term_end": soon.isoformat(),
            "component_reading": "done",
            "component_listening": "done",
            "component_writing": "busy",
            "component_speaking": "not_started",
            "component_knm": "done",
            "component_map": "done",
            "component_pvt": "done",
        },
    )
    assert response.status_code == 302
    home = owner_client.get("/home").get_data(as_text=True)
    assert "My integration term" in home and "Still to do: Writing, Speaking" in home
    bad = post_multipart(
        owner_client,
        "/portfolio/me/integration/edit",
        {"term_start": "2027-01-01", "term_end": "2026-01-01"},
    )
    assert "The end of the term is before its start." in bad.get_data(as_text=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["certificates", "experience", "exams", "reflections"]),
    values=st.dictionaries(
        st.sampled_from(
            [
                "title",
                "certificate_type",
                "issuer",
                "issued_on",
                "level",
                "notes",
                "domain",
                "organisation",
                "role",
                "started_on",
                "ended_on",
                "hours_per_week",
                "total_hours",
                "exam",
                "component",
                "exam_date",
                "result",
                "text",
            ]
        ),
        st.text(max_size=300),
    ),
)
def test_fuzzed_record_forms_never_500_and_never_half_store(
    app: Flask, owner_client: FlaskClient, kind: str, values: dict[str, str]
) -> None:
    before = counts(app)
    token = csrf_token(owner_client, f"/portfolio/{kind}/new")
    response = owner_client.post(
        f"/portfolio/{kind}/new",
        data={"csrf_token": token, **values},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    after = counts(app)
    if response.status_code == 200:
        assert after == before
    else:
        assert after[0] == before[0] + 1
        assert owner_client.get(response.location).status_code == 200
        assert owner_client.get("/portfolio/").status_code == 200


@pytest.mark.parametrize("factory", [jpeg_with_gps, heic_with_gps], ids=["jpeg", "heic"])
def test_stored_photo_carries_no_exif_at_all(
    app: Flask, owner_client: FlaskClient, factory
) -> None:
    original = factory()
    assert b"Exif" in original or b"exif" in original.lower()
    response = post_multipart(
        owner_client,
        "/portfolio/certificates/new",
        {**CERTIFICATE, "upload": (io.BytesIO(original), "IMG_0001.HEIC")},
    )
    assert response.status_code == 302
    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    assert row.media_type == "image/jpeg" and row.extension == ".jpg"
    for suffix in ("", "?size=thumb"):
        stored = owner_client.get(f"{response.location}/files/{row.id}{suffix}").data
        image = Image.open(io.BytesIO(stored))
        assert image.format == "JPEG"
        assert not image.getexif() and not {"exif", "xmp", "icc_profile"} & set(image.info)
        header = stored[: stored.index(b"\xff\xda")]  # metadata comes before the scan
        assert b"Exif" not in header and b"GPS" not in header


def test_jpeg_with_a_zip_appended_is_stored_without_it(
    app: Flask, owner_client: FlaskClient
) -> None:
    response = add_certificate(owner_client, jpeg_with_zip())
    assert response.status_code == 302
    row = in_app(app, lambda: db.session.scalars(select(ItemFile)).one())
    stored = owner_client.get(f"{response.location}/files/{row.id}").data
    assert b"PK\x03\x04" not in stored


def test_dump_of_every_kind_and_the_blob_directory_holds_no_plaintext(
    app: Flask, owner_client: FlaskClient
) -> None:
    from tests.web.test_dump import dump_everything

    photo, pdf, voice = jpeg_with_gps(), normal_pdf(), webm_voice() + os.urandom(2000)
    texts = {
        **{k: v for k, v in CERTIFICATE.items() if k in ("title", "issuer", "notes")},
        "role": EXPERIENCE["role"],
        "learned": EXPERIENCE["learned"],
        "reference": EXPERIENCE["reference_name"],
        "phone": EXPERIENCE["reference_contact"],
        "reflection": REFLECTION["text"],
        "score": "Score 512 van de 600",  # a short one would match hex ids by chance,
        "ambition": "Ik wil als verpleegkundige werken in het UMC",
        "exemptions": "Vrijstelling voor KNM door mijn opleiding",
        "goal": "Mijn rijbewijs halen voor de zomer",
        "file name": "paspoortfoto_Amal",
    }
    assert (
        post_multipart(
            owner_client,
            "/portfolio/certificates/new",
            {
                **CERTIFICATE,
                "photo": (io.BytesIO(photo), texts["file name"] + ".jpg"),
                "upload": (io.BytesIO(pdf), "diploma.pdf"),
            },
        ).status_code
        == 302
    )
    assert post_multipart(owner_client, "/portfolio/experience/new", EXPERIENCE).status_code == 302
    assert (
        post_multipart(
            owner_client, "/portfolio/exams/new", {**EXAM, "score": texts["score"]}
        ).status_code
        == 302
    )
    assert (
        post_multipart(
            owner_client,
            "/portfolio/reflections/new",
            {**REFLECTION, "voice": (io.BytesIO(voice), "voice.webm")},
        ).status_code
        == 302
    )
    post_multipart(owner_client, "/portfolio/me/about-me/edit", {"ambition": texts["ambition"]})
    post_multipart(
        owner_client, "/portfolio/me/integration/edit", {"exemptions": texts["exemptions"]}
    )
    post_multipart(
        owner_client,
        "/portfolio/goals/new",
        {"title": texts["goal"], "domain": "daily_life", "term": "short", "status": "planned"},
    )
    owner_client.get("/home")  # the summary item
    served = [
        owner_client.get(f"/portfolio/certificates/{row.item_id}/files/{row.id}{suffix}").data
        for row in in_app(app, lambda: list(db.session.scalars(select(ItemFile))))
        for suffix in ("", "?size=thumb")
        if suffix == "" or row.thumbnail_id
    ]
    blob_dir: Path = app.extensions["portfolio.settings"].blob_dir
    blobs = b"".join(p.read_bytes() for p in sorted(blob_dir.rglob("*")) if p.is_file())
    assert len(blobs) > 5000
    dump = dump_everything(app) + blobs
    for name, text in texts.items():
        assert text.encode() not in dump, name
    for name, data in {
        "photo": photo,
        "pdf": pdf,
        "voice": voice,
        **{f"served {n}": d for n, d in enumerate(served)},
    }.items():
        assert len(data) > 200, name
        for start in range(0, len(data) - 32, max(1, len(data) // 50)):
            assert data[start : start + 32] not in dump, (name, start)


def test_goal_links_evidence_from_other_items(
    app: Flask, owner_client: FlaskClient, make_owner
) -> None:
    certificate = add_certificate(owner_client).location
    certificate_id = certificate.rsplit("/", 1)[-1]
    form = owner_client.get("/portfolio/goals/new").get_data(as_text=True)
    assert f'value="{certificate_id}"' in form and "Certificaat EHBO" in form
    goal = {"title": "Werken in de zorg", "domain": "work", "term": "long", "status": "planned"}
    response = post_form(owner_client, "/portfolio/goals/new", {**goal, "evidence": certificate_id})
    assert response.status_code == 302
    page = owner_client.get(response.location).get_data(as_text=True)
    assert f'href="{certificate}"' in page and "Certificaat EHBO" in page
    # Someone else's item is not a choice.
    other = make_owner("bilal")
    intruder = app.test_client()
    login(intruder, other.username, other.passphrase)
    refused = post_form(intruder, "/portfolio/goals/new", {**goal, "evidence": certificate_id})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    # A deleted item drops out of the goal.
    token = csrf_token(owner_client, certificate)
    owner_client.post(f"/portfolio/items/{certificate_id}/delete", data={"csrf_token": token})
    page = owner_client.get(response.location).get_data(as_text=True)
    assert "Certificaat EHBO" not in page and "Werken in de zorg" in page


def test_more_files_than_inputs_are_refused_before_any_cleaning(
    app: Flask, owner_client: FlaskClient
) -> None:
    photos = [(io.BytesIO(jpeg()), f"p{n}.jpg") for n in range(4)]
    response = post_multipart(
        owner_client, "/portfolio/certificates/new", {**CERTIFICATE, "photo": photos}
    )
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)
    assert owner_client.get("/portfolio/?page=²").status_code == 200


def _item_writes(seen: list[str]) -> int:
    return sum(1 for s in seen if s.startswith("UPDATE items"))


def test_files_are_added_while_the_item_is_open_once(app: Flask, owner_client: FlaskClient) -> None:
    """A record made with two files is sealed once, as it is inserted; two files added
    later, or a change with a file, reseal it once, not once per file."""
    two = {"photo": (io.BytesIO(jpeg()), "front.jpg"), "upload": (io.BytesIO(jpeg()), "back.jpg")}
    with sql_statements(app) as seen:
        made = post_multipart(owner_client, "/portfolio/certificates/new", {**CERTIFICATE, **two})
    assert made.status_code == 302
    assert _item_writes(seen) == 0 and counts(app) == (1, 2, 4)
    page = owner_client.get(made.location).get_data(as_text=True)
    assert "front.jpg" in page and "back.jpg" in page

    more = {"photo": (io.BytesIO(jpeg()), "side.jpg"), "upload": (io.BytesIO(jpeg()), "top.jpg")}
    with sql_statements(app) as seen:
        added = post_multipart(
            owner_client, f"{made.location}/files", more, form_page=made.location
        )
    assert added.status_code == 302 and _item_writes(seen) == 1 and counts(app) == (1, 4, 8)

    changed = {**CERTIFICATE, "issuer": "Rode Kruis", "photo": (io.BytesIO(jpeg()), "new.jpg")}
    with sql_statements(app) as seen:
        edited = post_multipart(owner_client, f"{made.location}/edit", changed)
    assert edited.status_code == 302 and _item_writes(seen) == 1 and counts(app) == (1, 5, 10)
    page = owner_client.get(made.location).get_data(as_text=True)
    assert "Rode Kruis" in page and all(n in page for n in ("front", "back", "side", "top", "new"))
