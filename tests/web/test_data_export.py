"""Download all my data: confirmed with the passphrase; the zip holds every value the
newcomer entered (items decrypted, the original files without metadata, feedback,
shares, connections, the access log); the download is in the access log; nobody else
gets one."""

from __future__ import annotations

import io
import json
import re
import zipfile

import jsonschema
from flask import Flask
from sqlalchemy import select

from portfolio.accounts.models import Role
from portfolio.db import db
from portfolio.entries.models import Item, ItemKind
from portfolio.export.data import SCHEMA_JSON
from portfolio.export.document import Audience, Section
from portfolio.export.models import IssuedDocument
from portfolio.i18n import CODES
from portfolio.sharing.labels import PURPOSES
from portfolio.sharing.models import AccessEvent, Action, Grant, Relation
from tests.conftest import PASSPHRASE, in_app, post_form
from tests.corpus import jpeg_with_gps
from tests.web.test_feedback import add_certificate
from tests.web.test_sharing import SHARE, connect, new_code, owner_with_items, share, staff_client


def test_every_value_entered_is_in_the_zip(app: Flask, make_owner, make_staff) -> None:
    owner = owner_with_items(app, make_owner)
    add_certificate(owner, (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg"))
    staff = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(staff)),
        {**SHARE, "kinds": ["goal", "certificate"], "may_comment": "y"},
    )
    owner_id = in_app(app, lambda: db.session.scalar(select(Grant.owner_id)))
    certificate = in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "certificate"))
    )
    post_form(
        staff,
        f"/clients/{owner_id}/items/{certificate}/comments",
        {"text": "Mooi, neem het origineel mee."},
        f"/clients/{owner_id}/items/{certificate}",
    )

    wrong = post_form(owner, "/account/data", {"current": "niet mijn wachtwoordzin"})
    assert wrong.status_code == 200 and 'class="field-error"' in wrong.get_data(as_text=True)
    response = post_form(owner, "/account/data", {"current": PASSPHRASE})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {
        "account.json",
        "shares.json",
        "connections.json",
        "access_log.json",
        "SCHEMA.md",
    } <= names
    account = json.loads(archive.read("account.json"))
    assert account["format"] == "portfolio-data-export/1" and account["username"] == "amal"
    stored = in_app(
        app,
        lambda: set(db.session.scalars(select(Item.id).where(Item.owner_id == owner_id))),
    )
    assert {i["id"] for i in account["items"]} == stored
    everything = " ".join(archive.read(n).decode() for n in names if n.endswith(".json"))
    for value in (
        "Read the newspaper",
        "Find a job",
        "See a doctor",
        "Voedselbank Utrecht",
        "Certificaat EHBO",
        "Het Oranje Kruis",
        "IMG_0042.jpg",
        "Mooi, neem het origineel mee.",
        "Amal Haddad",  # the name shown in the share
        "Voor het voortgangsgesprek",  # its purpose in the owner's words
        "Sanne de Vries",
    ):
        assert value in everything, value
    photos = [n for n in names if n.startswith(f"files/{certificate}/")]
    assert len(photos) == 1
    assert re.fullmatch(rf"files/{certificate}/[0-9a-f]{{32}}\.jpg", photos[0])  # <file id>.<ext>
    photo = archive.read(photos[0])
    assert photo.startswith(b"\xff\xd8") and b"GPS" not in photo and b"Exif" not in photo
    log = json.loads(archive.read("access_log.json"))
    assert {"share", "comment"} <= {row["action"] for row in log}
    exports = in_app(
        app,
        lambda: db.session.scalars(select(AccessEvent).where(AccessEvent.action == "export")).all(),
    )
    assert len(exports) == 1 and exports[0].actor_id == owner_id
    assert staff.get("/account/data").status_code == 403


def test_the_documents_made_are_in_the_zip(app: Flask, make_owner) -> None:
    from tests.web.test_document import EMPLOYER, done_goal, make_document

    owner = owner_with_items(app, make_owner)
    done_goal(owner)
    assert make_document(owner, EMPLOYER).status_code == 200
    response = post_form(owner, "/account/data", {"current": PASSPHRASE})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    [document] = json.loads(archive.read("documents.json"))
    stored = in_app(app, lambda: db.session.scalars(select(IssuedDocument)).one())
    assert document["number"] == stored.id and document["sha256"] == stored.sha256
    assert document["audience"] == "employer" and document["revoked_at"] is None
    # Only the sections printed: this owner has no language level and no certificate.
    assert set(document["sections"]) == {"goals", "experience"}
    assert "documents.json" in archive.read("SCHEMA.md").decode()


def _validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_JSON.read_text())
    return jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _errors(definition: str, instance: object) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in _validator(definition).iter_errors(instance)]


def test_every_file_of_the_zip_follows_the_shipped_json_schema(
    app: Flask, make_owner, make_staff
) -> None:
    from tests.web.test_document import EMPLOYER, done_goal, make_document

    owner = owner_with_items(app, make_owner)
    add_certificate(owner, (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg"))
    done_goal(owner)
    staff = staff_client(app, make_staff("sanne"))
    share(
        owner,
        connect(owner, new_code(staff)),
        {**SHARE, "kinds": ["goal", "certificate"], "may_comment": "y", "may_verify": "y"},
    )
    owner_id = in_app(app, lambda: db.session.scalar(select(Grant.owner_id)))
    certificate = in_app(
        app, lambda: db.session.scalar(select(Item.id).where(Item.kind == "certificate"))
    )
    item_url = f"/clients/{owner_id}/items/{certificate}"
    post_form(staff, f"{item_url}/comments", {"text": "Goed gedaan."}, item_url)
    assert post_form(staff, f"{item_url}/verify", {}, item_url).status_code == 302
    assert make_document(owner, EMPLOYER).status_code == 200
    response = post_form(owner, "/account/data", {"current": PASSPHRASE})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert json.loads(archive.read("SCHEMA.json")) == json.loads(SCHEMA_JSON.read_text())
    files = {
        "account.json": "account",
        "shares.json": "shares",
        "connections.json": "connections",
        "access_log.json": "access_log",
        "documents.json": "documents",
    }
    for name, definition in files.items():
        assert _errors(definition, json.loads(archive.read(name))) == [], name
    items = [n for n in archive.namelist() if n.startswith("items/")]
    assert len(items) >= 6
    for name in items:
        assert _errors("item", json.loads(archive.read(name))) == [], name
    verified = json.loads(archive.read(f"items/certificate/{certificate}.json"))
    assert verified["endorsements"] and verified["feedback"] and verified["files"]
    # The verification as a credential, twice secured: the same bytes as its downloads.
    jwt, linked = verified["credentials"]
    endorsement = verified["endorsements"][0]["statement"]["id"]
    assert jwt["endorsement"] == linked["endorsement"] == endorsement
    assert (jwt["media_type"], linked["media_type"]) == (
        "application/vc+jwt",
        "application/vc+ld+json",
    )
    download = f"/items/{certificate}/credentials/{endorsement}"
    assert owner.get(download).data == archive.read(jwt["path"])
    assert owner.get(download + ".json").data == archive.read(linked["path"])


def test_the_schema_s_code_lists_are_the_app_s() -> None:
    """A kind, an action, a role or a purpose added to the app without the schema fails
    here, so the schema cannot go stale."""
    defs = json.loads(SCHEMA_JSON.read_text())["$defs"]
    assert defs["kind"]["enum"] == [k.value for k in ItemKind]
    actions = defs["access_log"]["items"]["properties"]["action"]["enum"]
    assert actions == [a.value for a in Action]
    assert set(defs["role"]["enum"]) == {r.value for r in Role} | {"system", None}
    relations = defs["connections"]["items"]["properties"]["relation"]["enum"]
    assert relations == [r.value for r in Relation]
    purposes = defs["shares"]["items"]["properties"]["purpose"]["enum"]
    assert purposes == [p for p, _label in PURPOSES]
    document = defs["documents"]["items"]["properties"]
    assert document["audience"]["enum"] == [a.value for a in Audience]
    assert document["sections"]["items"]["enum"] == [s.value for s in Section]
    assert defs["account"]["properties"]["language"]["enum"] == list(CODES)
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_JSON.read_text()))
