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


class TooManySuggestionsError(Exception):
    """This person already has MAX_OPEN suggestions waiting for this owner."""


class SuggestionClosedError(Exception):
    """Already taken or turned down (perhaps a moment ago, in another tab)."""


class NotVerifiableError(Exception):
    """This item cannot be verified by this person (kind, role, grant, or already done)."""


class CommentNotAllowedError(Exception):
    """This person may not write in this thread (no active grant with feedback)."""
