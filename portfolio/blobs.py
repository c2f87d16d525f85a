"""Encrypted blobs on disk, the embedded default: one file per blob id, written
atomically, never plaintext.

The store knows nothing about keys: callers hand it envelopes made by the vault. A blob
whose row is gone (a request that failed before its commit, a deleted item whose unlink
failed) is unreadable without its item key and is swept by ``purge_orphans``.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

logger = logging.getLogger(__name__)
_BLOB_ID = re.compile(r"^[0-9a-f]{32}$")


class BlobNotFoundError(LookupError):
    """No blob with this id on disk."""


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, blob_id: str) -> Path:
        if not _BLOB_ID.match(blob_id):
            raise BlobNotFoundError(blob_id)
        return self.root / blob_id[:2] / blob_id

    def put(self, blob_id: str, envelope: bytes) -> None:
        """Write the envelope under a temporary name, fsync, then rename into place."""
        path = self._path(blob_id)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        partial = path.with_suffix(".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(envelope)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def get(self, blob_id: str) -> bytes:
        try:
            return self._path(blob_id).read_bytes()
        except FileNotFoundError as error:
            raise BlobNotFoundError(blob_id) from error

    def delete(self, blob_id: str) -> None:
        self._path(blob_id).unlink(missing_ok=True)

    def delete_all(self, blob_ids: list[str]) -> None:
        """Remove the blobs of something whose rows are gone (after the commit). A blob
        that cannot be removed is unreadable without its key; ``purge_orphans`` sweeps it."""
        for blob_id in blob_ids:
            try:
                self.delete(blob_id)
            except OSError:
                logger.warning("blob %s could not be removed", blob_id)

    def ids(self) -> Iterator[tuple[str, float]]:
        """Every blob id on disk with its modification time."""
        for path in self.root.glob("??/*"):
            if _BLOB_ID.match(path.name):
                yield path.name, path.stat().st_mtime

    def purge_orphans(self, is_known: Callable[[str], bool], older_than_s: float = 3600) -> int:
        """Remove blobs that no row refers to and that are older than a running request."""
        cutoff = time.time() - older_than_s
        removed = 0
        for blob_id, mtime in list(self.ids()):
            if mtime < cutoff and not is_known(blob_id):
                self.delete(blob_id)
                removed += 1
        for partial in self.root.glob("??/*.part"):
            if partial.stat().st_mtime < cutoff:
                partial.unlink(missing_ok=True)
        return removed
