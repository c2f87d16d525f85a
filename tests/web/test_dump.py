"""The dump test: a populated instance holds none of the secrets or plaintext entered,
in any table or column, nor in the blob directory."""

from __future__ import annotations

import base64
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from portfolio.accounts.models import AuthSession, User
from portfolio.db import db
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from tests.conftest import in_app, login, post_form
from tests.web.test_staff import NEW, current_code, manual_secret

KNOWN_TEXTS = [
    "Ik was verpleegkundige in Aleppo",  # an entry's text
    "شهادة التمريض من جامعة حلب",  # Arabic content
    "Vrijwilliger bij de Voedselbank Utrecht",
]


def dump_everything(app: Flask) -> bytes:
    """Every value of every column of every table, as raw bytes and text."""
    out = bytearray()
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        out += bytes(value)
                    else:
                        out += str(value).encode()
                    out += b"\x00"
    return bytes(out)


def forms_of(secret: bytes) -> list[bytes]:
    return [
        secret,
        secret.hex().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


def test_dump_holds_no_secret_or_plaintext(
    app: Flask, make_owner, make_staff, tmp_path: Path
) -> None:
    owner = make_owner("amina", passphrase="mijn geheime zin over Aleppo")
    client = app.test_client()
    login(client, owner.username, owner.passphrase)
    cookie = client.get_cookie("__Host-pf_session").value

    # Staff with TOTP enrolled.
    staff = make_staff("sanne")
    staff_client = app.test_client()
    login(staff_client, staff.username, staff.passphrase)
    post_form(staff_client, "/staff/setup", {"passphrase": NEW, "passphrase_repeat": NEW})
    totp_secret = manual_secret(staff_client.get("/staff/setup").get_data(as_text=True))
    post_form(staff_client, "/staff/setup", {"code": current_code(totp_secret)})

    # Encrypted content and a blob, written the way the portfolio features do it.
    ctx = app.extensions["portfolio.vault"]

    def unlock_and_write() -> tuple[bytes, bytes]:
        user = db.session.get(User, owner.user_id)
        unlocked = keys.unlock_with_passphrase(
            user.passphrase_wrap, owner.passphrase, user.id, peppers=ctx.peppers, floor=ctx.floor
        )
        private = keys.unwrap_private_key(unlocked, user.key_pair, user.id)
        return unlocked.material, private.private_bytes_raw()

    user_key, private_key = in_app(app, unlock_and_write)
    item_key = SymmetricKey.generate()
    blob_dir = app.extensions["portfolio.settings"].blob_dir
    for n, text in enumerate(KNOWN_TEXTS):
        (blob_dir / f"blob{n}").write_bytes(
            keys.encrypt_file(item_key, text.encode(), owner.user_id, f"b{n}")
        )

    dump = dump_everything(app) + b"".join(p.read_bytes() for p in blob_dir.iterdir())
    assert len(dump) > 1000
    secrets = {
        "owner passphrase": owner.passphrase.encode(),
        "staff passphrase": NEW.encode(),
        "staff initial passphrase": staff.passphrase.encode(),
        "recovery code": owner.recovery_code.encode(),
        "recovery code (typed)": owner.recovery_code.replace("-", "").encode(),
        "session cookie": cookie.encode(),
        "session secret": cookie.split(".")[1].encode(),
        "session id": cookie.split(".")[0].encode(),
    }
    for text in KNOWN_TEXTS:
        secrets[text] = text.encode()
    for name, value in secrets.items():
        assert value not in dump, name
    for name, raw in {
        "user key": user_key,
        "private key": private_key,
        "totp secret": totp_secret,
    }.items():
        for form in forms_of(raw):
            assert form not in dump, name
    # The raw session id is not stored, only its hash.
    sid = base64.urlsafe_b64decode(cookie.split(".")[0] + "==")
    assert sid not in dump
    assert in_app(app, lambda: db.session.scalar(select(AuthSession.id_hash)))
