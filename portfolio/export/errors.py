"""Named errors of the exports: the portfolio document and its credentials."""


class DocumentNotFoundError(Exception):
    """No such document for this owner (or at all)."""


class CredentialError(Exception):
    """A credential that does not verify: broken, tampered, or signed by another key."""
