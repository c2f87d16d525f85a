"""Named errors of the account services."""


class AccountError(Exception):
    """Base class of account failures the views translate for the user."""


class InvalidCredentialsError(AccountError):
    """Unknown username or wrong passphrase (one error, one message)."""


class UsernameTakenError(AccountError):
    """Somebody already uses this username."""


class WeakPassphraseError(AccountError):
    """The passphrase is too short, too long or too common."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidRecoveryError(AccountError):
    """Unknown username or wrong recovery code (one error, one message)."""


class InvalidTotpError(AccountError):
    """A second-factor code is wrong, expired or already used."""


class RecoveryConfirmationError(AccountError):
    """The characters typed back do not match the recovery code."""
