"""Named errors of municipal administration."""


class StaffNotFoundError(Exception):
    """No such staff member in this municipality."""


class LastAdministratorError(Exception):
    """A municipality keeps at least one active administrator."""
