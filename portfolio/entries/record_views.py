"""Pages of the record kinds (certificates, work and volunteering, exam results,
reflections, about me, my integration): add, show, edit, and their files."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.accounts.web import account_key, app_settings
from portfolio.db import db, dbs, utcnow
from portfolio.entries import files, records, services
from portfolio.entries.blobs import BlobNotFoundError, BlobStore
from portfolio.entries.domains import domain_name, named
from portfolio.entries.errors import ItemNotFoundError
from portfolio.entries.models import Item, ItemFile, ItemKind
from portfolio.entries.record_forms import RecordForm
from portfolio.entries.records import RecordKind
from portfolio.extensions import limiter
from portfolio.forms import BaseForm
from portfolio.sharing import comments, endorsements
from portfolio.uploads import pdfs
from portfolio.uploads.errors import Rejection, UploadRejected
from portfolio.uploads.pipeline import CleanFile, FileKind, UploadLimits, clean_upload

bp = Blueprint("records", __name__, url_prefix="/portfolio")
UPLOAD_RATE = "120 per hour"  # per account: a busy evening of scanning, not a flood

# The file inputs of the forms: a photo from the camera, a picture or PDF, a voice note.
UPLOAD_INPUTS = ("photo", "upload", "voice")
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


@dataclass(frozen=True)
class Upload:
    clean: CleanFile
    name: str | None
    source: dict[str, str | None] | None = None  # the issuer's signature on a PDF


# Kinds whose PDF may carry the issuer's own signature ("issued by the source").
SOURCE_SIGNED_KINDS = frozenset({ItemKind.CERTIFICATE, ItemKind.EXAM_RESULT})


def blob_store() -> BlobStore:
    return BlobStore(app_settings().blob_dir)


def _limits() -> UploadLimits:
    return UploadLimits(max_bytes=app_settings().max_upload_bytes)


def _kind(slug: str, *, single: bool = False) -> RecordKind:
    spec = records.BY_SLUG.get(slug)
    if spec is None or spec.single != single:
        abort(404)
    return spec


def _item(spec: RecordKind, item_id: str) -> Item:
    try:
        return services.get_item(dbs(), current_user.id, item_id, spec.kind)
    except ItemNotFoundError:
        abort(404)


def _rejection_text(reason: Rejection, allowed: frozenset[FileKind]) -> str:
    if reason is Rejection.UNSUPPORTED and FileKind.AUDIO in allowed:
        return str(AUDIO_REJECTION)
    return str(REJECTIONS[reason]) % {"mb": app_settings().max_upload_bytes // (1024 * 1024)}


def _uploads(spec: RecordKind, existing: int = 0) -> tuple[list[Upload], list[str]]:
    """Clean every file sent with the form (in memory); nothing is stored yet. The count
    is checked first: cleaning is costly, and our pages send one file per input."""
    if any(len(request.files.getlist(name)) > 1 for name in UPLOAD_INPUTS):
        abort(400)
    sent = [request.files[name] for name in UPLOAD_INPUTS if name in request.files]
    if existing + sum(1 for s in sent if s.filename) > files.MAX_FILES:
        return [], [_("An item can hold at most 10 files.")]
    cleaned: list[Upload] = []
    errors: list[str] = []
    for storage in sent:
        upload = _one_upload(spec, storage, errors)
        if upload:
            cleaned.append(upload)
    return cleaned, errors


def _file_names(item: Item | None) -> list[dict[str, str]]:
    """The owner's names of an item's files, from its encrypted content."""
    if item is None:
        return []
    return records.split(services.read_data(item, current_user_key()))[1]


def _name_of(names: list[dict[str, str]], file_id: str) -> str | None:
    return next((f.get("name") for f in names if f.get("id") == file_id), None)


def _one_upload(spec: RecordKind, storage: FileStorage, errors: list[str]) -> Upload | None:
    data = storage.read()
    if not data and not storage.filename:
        return None  # the input was left empty
    try:
        clean = clean_upload(data, _limits(), allowed=spec.files)
    except UploadRejected as rejected:
        current_app.logger.info("upload refused: %s", rejected.reason.value)
        errors.append(_rejection_text(rejected.reason, spec.files))
        return None
    roots = app_settings().source_trust_roots
    source = None
    if roots and clean.kind is FileKind.PDF and spec.kind in SOURCE_SIGNED_KINDS:
        source = pdfs.source_signature(clean.data, roots)
    return Upload(clean, storage.filename, source)


def _domains() -> list[tuple[str, str]]:
    return named(services.life_domains(dbs()))


def _form(spec: RecordKind) -> BaseForm:
    form = spec.form()
    if isinstance(form, RecordForm):
        form.set_domains(_domains())
    return form


def _attach_all(item: Item, uploads: list[Upload]) -> bool:
    store = blob_store()
    try:
        for upload in uploads:
            files.attach(
                dbs(), store, item, current_user_key(), upload.clean, upload.name, upload.source
            )
    except files.TooManyFilesError:
        return False
    return True


def _domain_of(form: BaseForm, spec: RecordKind) -> str | None:
    if isinstance(form, RecordForm):
        return str(form.domain.data) if form.domain.data else None
    return spec.default_domain


@bp.route("/<slug>/new", methods=["GET", "POST"])
@limiter.limit(UPLOAD_RATE, methods=["POST"], key_func=account_key)
@roles(*PEOPLE)
def new(slug: str) -> str | Response:
    spec = _kind(slug)
    form = _form(spec)
    upload_errors: list[str] = []
    if request.method == "GET" and isinstance(form, RecordForm):
        wanted = request.args.get("domain")
        form.domain.data = wanted if wanted in dict(_domains()) else spec.default_domain
    elif form.validate_on_submit():
        uploads, upload_errors = _uploads(spec)
        if not upload_errors and _needs_something(spec, form, uploads):
            upload_errors.append(_("Please write something, or add a photo or a voice message."))
        if not upload_errors:
            item = _create(spec, form)
            if not _attach_all(item, uploads):
                db.session.rollback()
                abort(400)  # more files than the form has inputs: not from our page
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("records.show", slug=slug, item_id=item.id))
    return _render_form(spec, form, None, upload_errors)


def _create(spec: RecordKind, form: BaseForm) -> Item:
    return services.create_item(
        dbs(),
        current_user.id,
        current_user_key(),
        spec.kind,
        _domain_of(form, spec),
        records.content(records.fields_of(form), []),
    )


def _needs_something(spec: RecordKind, form: BaseForm, uploads: list[Upload]) -> bool:
    """A reflection is a text, a photo or a voice message: an empty one is refused."""
    if spec.slug != "reflections" or uploads:
        return False
    return not any(records.fields_of(form).values())


def _render_form(
    spec: RecordKind, form: BaseForm, item: Item | None, upload_errors: list[str]
) -> str:
    return render_template(
        "entries/record_form.html",
        spec=spec,
        form=form,
        item=item,
        upload_errors=upload_errors,
        max_mb=app_settings().max_upload_bytes // (1024 * 1024),
        max_bytes=app_settings().max_upload_bytes,
    )


@bp.route("/<slug>/<item_id>")
@roles(*PEOPLE)
def show(slug: str, item_id: str) -> str:
    spec = _kind(slug)
    item = _item(spec, item_id)
    return _render_show(spec, item)


def _render_show(spec: RecordKind, item: Item | None) -> str:
    facts: list[records.Fact] = []
    stored: list[files.StoredFile] = []
    title = str(spec.plural)
    verified: list[endorsements.Verified] = []
    feedback = None
    if item is not None:
        item_key, data = services.open_item(item, current_user_key())
        fields, names = records.split(data)
        verified = endorsements.shown(dbs(), item, item_key, data)
        feedback = comments.summary_for_owner(dbs(), item, utcnow())
        facts = records.facts(spec.display_form(fields))
        stored = files.files_of(dbs(), item, names)
        title = records.title(spec, fields)
        if len(spec.title_fields) == 1:  # already the heading
            facts = [f for f in facts if f.name not in spec.title_fields]
    return render_template(
        "entries/record.html",
        spec=spec,
        item=item,
        title=title,
        facts=facts,
        files=stored,
        domain=domain_name(item.domain_code or "", item.domain_code or "") if item else "",
        form=EmptyForm(),
        max_mb=app_settings().max_upload_bytes // (1024 * 1024),
        max_bytes=app_settings().max_upload_bytes,
        verified=verified,
        feedback=feedback,
    )


@bp.route("/<slug>/<item_id>/edit", methods=["GET", "POST"])
@limiter.limit(UPLOAD_RATE, methods=["POST"], key_func=account_key)
@roles(*PEOPLE)
def edit(slug: str, item_id: str) -> str | Response:
    spec = _kind(slug)
    return _edit(spec, _item(spec, item_id))


def _edit(spec: RecordKind, item: Item | None) -> str | Response:
    form = _form(spec)
    upload_errors: list[str] = []
    if request.method == "GET":
        if item is not None:
            fields, _files = records.split(services.read_data(item, current_user_key()))
            records.fill(form, fields)
            if isinstance(form, RecordForm):
                form.domain.data = item.domain_code
    elif form.validate_on_submit():
        names = _file_names(item)
        uploads, upload_errors = _uploads(spec, len(names))
        if not upload_errors:
            fields = records.fields_of(form)
            if item is None:
                item = _create(spec, form)
            else:
                services.update_content(
                    dbs(),
                    item,
                    current_user_key(),
                    _domain_of(form, spec),
                    records.content(fields, names),
                )
            if not _attach_all(item, uploads):
                upload_errors.append(_("An item can hold at most 10 files."))
                db.session.rollback()
            else:
                db.session.commit()
                flash(_("Your changes are saved."), "success")
                return redirect(_show_url(spec, item))
    return _render_form(spec, form, item, upload_errors)


def _show_url(spec: RecordKind, item: Item) -> str:
    if spec.single:
        return url_for("records.show_single", slug=spec.slug)
    return url_for("records.show", slug=spec.slug, item_id=item.id)


@bp.route("/me/<slug>")
@roles(*PEOPLE)
def show_single(slug: str) -> str:
    spec = _kind(slug, single=True)
    return _render_show(spec, services.single_item(dbs(), current_user.id, spec.kind))


@bp.route("/me/<slug>/edit", methods=["GET", "POST"])
@limiter.limit(UPLOAD_RATE, methods=["POST"], key_func=account_key)
@roles(*PEOPLE)
def edit_single(slug: str) -> str | Response:
    spec = _kind(slug, single=True)
    return _edit(spec, services.single_item(dbs(), current_user.id, spec.kind))


@bp.route("/<slug>/<item_id>/files", methods=["POST"])
@limiter.limit(UPLOAD_RATE, methods=["POST"], key_func=account_key)
@roles(*PEOPLE)
def add_file(slug: str, item_id: str) -> str | Response:
    spec = _kind(slug)
    item = _item(spec, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    uploads, errors = _uploads(spec, len(_file_names(item)))
    if not uploads and not errors:
        errors.append(_("Please choose a file first."))
    if not errors and not _attach_all(item, uploads):
        errors.append(_("An item can hold at most 10 files."))
    if errors:
        db.session.rollback()
        for error in errors:
            flash(error, "error")
    else:
        db.session.commit()
        flash(_("The file is added."), "success")
    return redirect(url_for("records.show", slug=slug, item_id=item.id) + "#files")


@bp.route("/<slug>/<item_id>/files/<file_id>")
@roles(*PEOPLE)
def file(slug: str, item_id: str, file_id: str) -> Response:
    """The decrypted file, for this response only: no-store, a sandbox, a safe name."""
    spec = _kind(slug)
    item = _item(spec, item_id)
    thumbnail = request.args.get("size") == "thumb"
    try:
        row = files.get_file(dbs(), item, file_id)
        data = files.read(blob_store(), item, row, current_user_key(), thumbnail=thumbnail)
    except (ItemNotFoundError, BlobNotFoundError):
        abort(404)
    return file_response(data, row, _name_of(_file_names(item), row.id), thumbnail=thumbnail)


def file_response(data: bytes, row: ItemFile, name: str | None, *, thumbnail: bool) -> Response:
    """Decrypted bytes for this response only: no-store, a sandbox, a safe name; PDFs and
    ``?download=1`` as attachments."""
    as_attachment = row.kind == FileKind.PDF.value or request.args.get("download") == "1"
    response = send_file(
        io.BytesIO(data),
        mimetype="image/jpeg" if thumbnail else row.media_type,
        as_attachment=as_attachment,
        download_name=files.safe_name(name, ".jpg" if thumbnail else row.extension),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/<item_id>/files/<file_id>/delete", methods=["GET", "POST"])
@roles(*PEOPLE)
def delete_file(slug: str, item_id: str, file_id: str) -> str | Response:
    spec = _kind(slug)
    item = _item(spec, item_id)
    try:
        row = files.get_file(dbs(), item, file_id)
    except ItemNotFoundError:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        blob_ids = files.remove(dbs(), item, row, current_user_key())
        db.session.commit()
        delete_blobs(blob_ids)
        flash(_("The file is deleted."), "success")
        return redirect(url_for("records.show", slug=slug, item_id=item.id) + "#files")
    return render_template(
        "entries/delete.html",
        item=item,
        title=_name_of(_file_names(item), row.id) or "",
        form=form,
        back=url_for("records.show", slug=slug, item_id=item.id),
    )


def delete_blobs(blob_ids: list[str]) -> None:
    store = blob_store()
    for blob_id in blob_ids:
        try:
            store.delete(blob_id)
        except OSError:  # unreadable without its key; purge_orphans sweeps it later
            current_app.logger.warning("blob %s could not be removed", blob_id)
