"""What the services need from configuration to use the vault, bundled and immutable."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from portfolio.vault.envelope import Keyring
from portfolio.vault.errors import VaultError
from portfolio.vault.kdf import KdfParams


class VaultBusyError(VaultError):
    """Too many passphrase derivations are running; the caller should try again soon."""


class DerivationGate:
    """Caps concurrent Argon2id derivations (64 MiB each) so logins cannot exhaust memory."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self._slots = threading.BoundedSemaphore(limit)
        self._wait = wait_seconds

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self._wait):
            raise VaultBusyError("too many derivations at once")
        try:
            yield
        finally:
            self._slots.release()


@dataclass(frozen=True)
class VaultContext:
    peppers: Mapping[str, bytes]
    app_keys: Keyring
    kdf: KdfParams
    floor: KdfParams
    gate: DerivationGate = field(compare=False)

    @property
    def pepper_id(self) -> str:
        return next(iter(self.peppers))

    @property
    def pepper(self) -> bytes:
        return self.peppers[self.pepper_id]
