"""Named errors of the exports: the portfolio document and its credentials."""


class DocumentNotFoundError(Exception):
    """No such document for this owner (or at all)."""


class CredentialError(Exception):
    """A credential that does not verify: broken, tampered, or signed by another key."""


class SigningUnavailableError(Exception):
    """The document could not be signed for the long term: its certificate chain is not
    trusted ("untrusted"), it is revoked ("revoked"), or a certificate or timestamp
    authority could not be reached ("unreachable")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
