"""The crypto core of the portfolio (crypto.md). No Flask imports, no database access."""

from portfolio.vault.envelope import Keyring, SymmetricKey, canonical_aad, open_, seal
from portfolio.vault.errors import (
    DecryptError,
    InvalidRecoveryCodeFormatError,
    KdfTooWeakError,
    VaultError,
)
from portfolio.vault.kdf import KdfParams
from portfolio.vault.keys import WrongSecretError

__all__ = [
    "DecryptError",
    "InvalidRecoveryCodeFormatError",
    "KdfParams",
    "KdfTooWeakError",
    "Keyring",
    "SymmetricKey",
    "VaultError",
    "WrongSecretError",
    "canonical_aad",
    "open_",
    "seal",
]
