"""Pages of the record kinds (certificates, work and volunteering, exam results,
reflections, about me, my integration): add, show, edit, and their files."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portfolio.accounts.access import PEOPLE, current_user_key, roles
from portfolio.accounts.forms import EmptyForm
from portfolio.blobs import BlobNotFoundError
from portfolio.db import db, dbs
from portfolio.entries import bp, files, panels, records, services
from portfolio.entries.domains import domain_name, named
from portfolio.entries.errors import ItemNotFoundError, TooManyFilesError
from portfolio.entries.models import Item
from portfolio.entries.record_forms import RecordForm
from portfolio.entries.records import RecordKind
from portfolio.extensions import limiter
from portfolio.forms import BaseForm
from portfolio.uploads import UploadLimits, UploadRejected, clean_upload
from portfolio.web import account_key, app_settings, blob_store, file_response, rejection_text

logger = logging.getLogger(__name__)
UPLOAD_RATE = "120 per hour"  # per account: a busy evening of scanning, not a flood
# The file inputs of the forms: a photo from the camera, a picture or PDF, a voice note.
UPLOAD_INPUTS = ("photo", "upload", "voice")


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


def _uploads(spec: RecordKind, existing: int = 0) -> tuple[list[files.Upload], list[str]]:
    """Clean every file sent with the form (in memory); nothing is stored yet. The count
    is checked first: cleaning is costly, and our pages send one file per input."""
    if any(len(request.files.getlist(name)) > 1 for name in UPLOAD_INPUTS):
        abort(400)
    sent = [request.files[name] for name in UPLOAD_INPUTS if name in request.files]
    if existing + sum(1 for s in sent if s.filename) > files.MAX_FILES:
        return [], [_("An item can hold at most 10 files.")]
    cleaned: list[files.Upload] = []
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


def _one_upload(spec: RecordKind, storage: FileStorage, errors: list[str]) -> files.Upload | None:
    data = storage.read()
    if not data and not storage.filename:
        return None  # the input was left empty
    try:
        clean = clean_upload(data, _limits(), allowed=spec.files)
    except UploadRejected as rejected:
        logger.info("upload refused: %s", rejected.reason.value)
        errors.append(rejection_text(rejected.reason, app_settings().max_upload_bytes, spec.files))
        return None
    return files.Upload(clean, storage.filename)


def _domains() -> list[tuple[str, str]]:
    return named(services.life_domains(dbs()))


def _form(spec: RecordKind) -> BaseForm:
    form = spec.form()
    if isinstance(form, RecordForm):
        form.set_domains(_domains())
    return form


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
            item = _create(spec, form, uploads)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("entries.show", slug=slug, item_id=item.id))
    return _render_form(spec, form, None, upload_errors)


def _create(spec: RecordKind, form: BaseForm, uploads: list[files.Upload]) -> Item:
    return files.create_with_files(
        dbs(),
        blob_store(),
        current_user.id,
        current_user_key(),
        spec.kind,
        _domain_of(form, spec),
        records.fields_of(form),
        uploads,
        app_settings().source_trust_roots,
    )


def _needs_something(spec: RecordKind, form: BaseForm, uploads: list[files.Upload]) -> bool:
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
    shown_panels: list[Markup] = []
    if item is not None:
        item_key, data = services.open_item(item, current_user_key())
        fields, names = records.split(data)
        shown_panels = panels.for_item(dbs(), item, item_key, data)
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
        panels=shown_panels,
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
        uploads, upload_errors = _uploads(spec, len(_file_names(item)))
        if not upload_errors:
            try:
                item = _save(spec, form, item, uploads)
            except TooManyFilesError:  # files added elsewhere at the same moment
                db.session.rollback()
                upload_errors.append(_("An item can hold at most 10 files."))
            else:
                db.session.commit()
                flash(_("Your changes are saved."), "success")
                return redirect(_show_url(spec, item))
    return _render_form(spec, form, item, upload_errors)


def _save(spec: RecordKind, form: BaseForm, item: Item | None, uploads: list[files.Upload]) -> Item:
    if item is None:
        return _create(spec, form, uploads)
    files.update_with_files(
        dbs(),
        blob_store(),
        item,
        current_user_key(),
        _domain_of(form, spec),
        records.fields_of(form),
        uploads,
        app_settings().source_trust_roots,
    )
    return item


def _show_url(spec: RecordKind, item: Item) -> str:
    if spec.single:
        return url_for("entries.show_single", slug=spec.slug)
    return url_for("entries.show", slug=spec.slug, item_id=item.id)


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
    if not errors:
        try:
            files.attach(
                dbs(),
                blob_store(),
                item,
                current_user_key(),
                uploads,
                app_settings().source_trust_roots,
            )
        except TooManyFilesError:
            errors.append(_("An item can hold at most 10 files."))
    if errors:
        db.session.rollback()
        for error in errors:
            flash(error, "error")
    else:
        db.session.commit()
        flash(_("The file is added."), "success")
    return redirect(url_for("entries.show", slug=slug, item_id=item.id) + "#files")


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
    how = files.served(
        row,
        _name_of(_file_names(item), row.id),
        thumbnail=thumbnail,
        download=request.args.get("download") == "1",
    )
    return file_response(data, how.media_type, how.download_name, attachment=how.attachment)


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
        blob_store().delete_all(blob_ids)
        flash(_("The file is deleted."), "success")
        return redirect(url_for("entries.show", slug=slug, item_id=item.id) + "#files")
    return render_template(
        "entries/delete.html",
        item=item,
        title=_name_of(_file_names(item), row.id) or "",
        form=form,
        back=url_for("entries.show", slug=slug, item_id=item.id),
    )
