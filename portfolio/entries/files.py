"""Files of items: clean the upload, encrypt it under the item's key, keep it as a blob.

The owner's file name is part of the item's encrypted content; the row only says how to
serve the bytes. Blobs are written before the commit and removed after it (a crash in
between leaves an unreadable orphan that ``BlobStore.purge_orphans`` sweeps).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.blobs import BlobStore
from portfolio.db import new_id, utcnow
from portfolio.entries import observers, records
from portfolio.entries.errors import ItemNotFoundError, TooManyFilesError
from portfolio.entries.models import Item, ItemFile, ItemKind
from portfolio.entries.services import (
    add_item,
    new_item,
    open_item,
    owner_item_key,
    seal,
    write_content,
)
from portfolio.uploads import pdfs
from portfolio.uploads.pipeline import CleanFile, FileKind
from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey

logger = logging.getLogger(__name__)
MAX_FILES = 10
MAX_NAME = 80


@dataclass(frozen=True)
class StoredFile:
    row: ItemFile
    name: str
    source: dict[str, Any] | None = None  # the issuer's signature, when it held on upload

    @property
    def is_image(self) -> bool:
        return self.row.kind == FileKind.IMAGE.value


def safe_name(original: str | None, extension: str) -> str:
    """A file name to show and to download with: the last path part, printable, short,
    ending in the extension of what is really stored."""
    name = PureWindowsPath(PurePosixPath(original or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    stem = name.rsplit(".", 1)[0].strip(" .")[:MAX_NAME] or "file"
    return stem + extension


@dataclass(frozen=True)
class Upload:
    """A cleaned file as it came with a form, with the name it had on the device."""

    clean: CleanFile
    name: str | None


# Kinds whose PDF may carry the issuer's own signature ("issued by the source").
SOURCE_SIGNED_KINDS = frozenset({ItemKind.CERTIFICATE, ItemKind.EXAM_RESULT})


def issuer_signature(
    clean: CleanFile, kind: ItemKind, trust_roots: Path | None
) -> dict[str, str | None] | None:
    """Who signed a certificate's or exam result's PDF, when that signature holds against
    the trusted roots (checked in the limited PDF worker); None for everything else."""
    if trust_roots is None or clean.kind is not FileKind.PDF or kind not in SOURCE_SIGNED_KINDS:
        return None
    return pdfs.source_signature(clean.data, trust_roots)


def _store(
    store: BlobStore,
    item: Item,
    item_key: SymmetricKey,
    upload: Upload,
    trust_roots: Path | None,
) -> tuple[ItemFile, dict[str, Any]]:
    """Encrypt one file (and its thumbnail) under the item key as blobs; returns its row
    (not added yet) and the entry that names it in the item's content."""
    clean = upload.clean
    row = ItemFile(
        id=new_id(),
        item_id=item.id,
        owner_id=item.owner_id,
        kind=clean.kind.value,
        media_type=clean.media_type,
        extension=clean.extension,
    )
    store.put(row.id, keys.encrypt_file(item_key, clean.data, item.owner_id, row.id))
    if clean.thumbnail is not None:
        row.thumbnail_id = new_id()
        envelope = keys.encrypt_file(item_key, clean.thumbnail, item.owner_id, row.thumbnail_id)
        store.put(row.thumbnail_id, envelope)
    entry: dict[str, Any] = {"id": row.id, "name": safe_name(upload.name, clean.extension)}
    source = issuer_signature(clean, ItemKind(item.kind), trust_roots)
    if source:
        entry["source"] = source  # who signed the PDF, checked against trusted roots
    logger.info("file %s (%s) added to item %s", row.id, row.kind, item.id)
    return row, entry


def _store_all(
    store: BlobStore,
    item: Item,
    item_key: SymmetricKey,
    held: list[dict[str, Any]],
    uploads: Sequence[Upload],
    trust_roots: Path | None,
) -> tuple[list[ItemFile], list[dict[str, Any]]]:
    """Every upload stored; the rows to add once the item is in the session, and the
    content's file entries (those held before, then the new ones)."""
    if len(held) + len(uploads) > MAX_FILES:
        raise TooManyFilesError(item.id)
    stored = [_store(store, item, item_key, upload, trust_roots) for upload in uploads]
    return [row for row, _ in stored], held + [entry for _, entry in stored]


def create_with_files(
    session: Session,
    store: BlobStore,
    owner_id: str,
    user_key: SymmetricKey,
    kind: ItemKind,
    domain: str | None,
    fields: dict[str, Any],
    uploads: Sequence[Upload] = (),
    trust_roots: Path | None = None,
) -> Item:
    """A new record with its files: the files are encrypted under the new item's key and
    the content, naming them, is sealed once."""
    item, item_key = new_item(owner_id, user_key, kind, domain)
    rows, named = _store_all(store, item, item_key, [], uploads, trust_roots)
    add_item(session, item, item_key, user_key, records.content(fields, named))
    session.add_all(rows)
    session.flush()
    return item


def update_with_files(
    session: Session,
    store: BlobStore,
    item: Item,
    user_key: SymmetricKey,
    domain: str | None,
    fields: dict[str, Any],
    uploads: Sequence[Upload] = (),
    trust_roots: Path | None = None,
) -> None:
    """New fields for a record, with more files: opened once, sealed once."""
    item_key, data = open_item(item, user_key)
    held = records.split(data)[1]
    rows, named = _store_all(store, item, item_key, held, uploads, trust_roots)
    session.add_all(rows)
    write_content(session, item, item_key, user_key, domain, records.content(fields, named))


def attach(
    session: Session,
    store: BlobStore,
    item: Item,
    user_key: SymmetricKey,
    uploads: Sequence[Upload],
    trust_roots: Path | None = None,
) -> None:
    """More files for an item: opened once, every file stored, named and sealed once."""
    item_key, data = open_item(item, user_key)
    fields, held = records.split(data)
    rows, named = _store_all(store, item, item_key, held, uploads, trust_roots)
    session.add_all(rows)
    seal(item, item_key, records.content(fields, named))
    item.updated_at = utcnow()
    session.flush()
    observers.written(session, item, item_key, user_key)


def files_of(session: Session, item: Item, names: list[dict[str, Any]]) -> list[StoredFile]:
    """The item's files in the order its content names them (files stored in one request
    share a moment), then any the content does not name."""
    order = {f.get("id"): position for position, f in enumerate(names)}
    rows = sorted(
        session.scalars(
            select(ItemFile).where(ItemFile.item_id == item.id).order_by(ItemFile.created_at)
        ).all(),
        key=lambda row: order.get(row.id, len(order)),
    )
    by_id = {f.get("id"): f for f in names}
    found = []
    for row in rows:
        named = by_id.get(row.id, {})
        source = named.get("source")
        found.append(
            StoredFile(
                row,
                str(named.get("name") or "") or safe_name(None, row.extension),
                source if isinstance(source, dict) else None,
            )
        )
    return found


@dataclass(frozen=True)
class Served:
    """How a stored file goes out: its media type, download name and disposition."""

    media_type: str
    download_name: str
    attachment: bool


def served(row: ItemFile, name: str | None, *, thumbnail: bool, download: bool) -> Served:
    """Thumbnails are JPEG; PDFs, and anything asked for as a download, are attachments."""
    return Served(
        "image/jpeg" if thumbnail else row.media_type,
        safe_name(name, ".jpg" if thumbnail else row.extension),
        row.kind == FileKind.PDF.value or download,
    )


def get_file(session: Session, item: Item, file_id: str) -> ItemFile:
    row = session.get(ItemFile, file_id) if len(file_id) <= 32 else None
    if row is None or row.item_id != item.id or row.owner_id != item.owner_id:
        raise ItemNotFoundError(file_id)
    return row


def read(
    store: BlobStore, item: Item, row: ItemFile, user_key: SymmetricKey, *, thumbnail: bool
) -> bytes:
    """The plaintext of a file or its thumbnail, decrypted for this response only."""
    item_key = owner_item_key(item, user_key)
    return read_with_item_key(store, item, row, item_key, thumbnail=thumbnail)


def read_with_item_key(
    store: BlobStore, item: Item, row: ItemFile, item_key: SymmetricKey, *, thumbnail: bool
) -> bytes:
    """As ``read``, with the item key already unwrapped (by the owner or through a grant)."""
    blob_id = row.thumbnail_id if thumbnail else row.id
    if blob_id is None:
        raise ItemNotFoundError(row.id)
    return keys.decrypt_file(item_key, store.get(blob_id), item.owner_id, blob_id)


def blob_ids(row: ItemFile) -> list[str]:
    return [row.id] + ([row.thumbnail_id] if row.thumbnail_id else [])


def remove(session: Session, item: Item, row: ItemFile, user_key: SymmetricKey) -> list[str]:
    """Forget a file; returns the blob ids to delete once the change is committed."""
    item_key, data = open_item(item, user_key)
    fields, files = records.split(data)
    seal(item, item_key, records.content(fields, [f for f in files if f.get("id") != row.id]))
    item.updated_at = utcnow()
    session.delete(row)
    session.flush()
    observers.written(session, item, item_key, user_key)
    logger.info("file %s removed from item %s", row.id, item.id)
    return blob_ids(row)


def blobs_of_item(session: Session, item: Item) -> list[str]:
    """Every blob id of an item, to delete after the item itself is deleted."""
    rows = session.scalars(select(ItemFile).where(ItemFile.item_id == item.id)).all()
    return [blob for row in rows for blob in blob_ids(row)]


def is_known_blob(session: Session, blob_id: str) -> bool:
    return (
        session.scalar(
            select(ItemFile.id)
            .where((ItemFile.id == blob_id) | (ItemFile.thumbnail_id == blob_id))
            .limit(1)
        )
        is not None
    )
