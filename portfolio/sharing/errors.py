"""Named errors of sharing."""


class CodeNotValidError(Exception):
    """A connect code is unknown, used, expired or of the wrong kind for this person."""


class NotConnectedError(Exception):
    """A share goes only to a person the owner is connected to."""


class KeyNotCertifiedError(Exception):
    """A staff member's public key is not certified by their municipality."""


class GrantNotFoundError(Exception):
    """No such grant for this person (also when it belongs to somebody else)."""


class GrantExistsError(Exception):
    """The owner already shares with this person: change that share instead."""


class EmptyScopeError(Exception):
    """A share must cover something."""


class NoAccessError(Exception):
    """This person holds no active grant for that owner (revoked, expired or never)."""
