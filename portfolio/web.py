"""App-wide helpers for views: the settings, the vault context, the blob store, the
rate-limit key of the logged-in account, responses that carry decrypted bytes, and the
words for a refused upload.

Every feature's views may use this module; it knows no feature (only the core below
them: config, vault, uploads, blobs), so no feature needs another feature's views.
"""

from __future__ import annotations

import io
from typing import Any

from flask import current_app, make_response, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.blobs import BlobStore
from portfolio.config import Settings
from portfolio.uploads import FileKind, Rejection
from portfolio.vault.context import VaultContext


def app_settings() -> Settings:
    return current_app.extensions["portfolio.settings"]  # type: ignore[no-any-return]


def vault_context() -> VaultContext:
    return current_app.extensions["portfolio.vault"]  # type: ignore[no-any-return]


def public_url_for(endpoint: str, **values: Any) -> str:
    """An absolute URL that leaves the app (a QR code, a document, a credential): from
    ``PUBLIC_URL``, never from the request's Host header."""
    return app_settings().public_url + url_for(endpoint, **values)


def blob_store() -> BlobStore:
    return BlobStore(app_settings().blob_dir)


def account_key() -> str:
    """Rate-limit key for the logged-in account (uploads, messages, re-checks of the
    passphrase): one person's budget, wherever they are."""
    return "account:" + (current_user.id if current_user.is_authenticated else "?")


def file_response(
    data: bytes, media_type: str, download_name: str, *, attachment: bool
) -> Response:
    """Decrypted bytes of a stored file for this response only: no-store, a sandbox, a
    safe name (the caller made it with ``entries.files.safe_name``)."""
    response = send_file(
        io.BytesIO(data),
        mimetype=media_type,
        as_attachment=attachment,
        download_name=download_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    """Something made for this one response (it holds plaintext): a download, not kept."""
    response = make_response(data)
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


REJECTIONS = {
    Rejection.EMPTY: _l("The file is empty."),
    Rejection.TOO_LARGE: _l("The file is too big. The limit is %(mb)d MB."),
    Rejection.UNSUPPORTED: _l(
        "This kind of file cannot be used. Please use a photo (JPEG, PNG, WebP or HEIC) or a PDF."
    ),
    Rejection.DAMAGED: _l("The file is damaged or incomplete. Please try another file."),
    Rejection.TOO_MANY_PIXELS: _l("The picture is too large. Please use a smaller picture."),
    Rejection.PDF_ENCRYPTED: _l(
        "The PDF is protected with a password. Please use a PDF without a password."
    ),
    Rejection.PDF_TOO_COMPLEX: _l("The PDF is too complex to check. Please try another file."),
    Rejection.PDF_TOO_MANY_PAGES: _l("The PDF has too many pages."),
}
AUDIO_REJECTION = _l("This kind of file cannot be used. Please use a photo or a voice recording.")


def rejection_text(reason: Rejection, max_bytes: int, allowed: frozenset[FileKind]) -> str:
    """Why an upload was refused, in the user's language."""
    if reason is Rejection.UNSUPPORTED and FileKind.AUDIO in allowed:
        return str(AUDIO_REJECTION)
    return str(REJECTIONS[reason]) % {"mb": max_bytes // (1024 * 1024)}
