"""Named errors of the vault. Every failed decryption raises ``DecryptError``."""


class VaultError(Exception):
    """Base class of every vault failure."""


class DecryptError(VaultError):
    """A ciphertext did not open: wrong key, wrong context, tampered or unknown format.

    Deliberately one type with no detail that could act as an oracle.
    """


class KdfTooWeakError(VaultError):
    """Stored key-derivation parameters are below the configured floor."""


class InvalidRecoveryCodeFormatError(VaultError):
    """A recovery code does not have the expected shape (typo, wrong length)."""
