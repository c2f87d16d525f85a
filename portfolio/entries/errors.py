"""Named errors of the portfolio items."""


class ItemNotFoundError(Exception):
    """No such item for this owner (also when it belongs to somebody else)."""


class InvalidContentError(Exception):
    """Stored or submitted content does not fit the item's schema."""


class TooManyFilesError(Exception):
    """An item holds at most ``files.MAX_FILES`` files."""
