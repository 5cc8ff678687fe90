"""The errors a user is shown as they are. Anything else escaping a service is a bug.

Every message is one sentence (or two) that says what happened and what to do; none carries
personal data, because messages reach logs and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass


class MshtError(Exception):
    """Base of every expected failure."""


class StoreError(MshtError):
    """Environmental: the database file or server, not the data in it."""


class NewerDatabaseError(StoreError):
    pass


class NotAnMshtDatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class MigrationError(StoreError):
    pass


class DatabaseUnavailableError(StoreError):
    pass


class PermissionDeniedError(MshtError):
    """The user's role does not allow the action; nothing was read or written."""


class AuthenticationError(MshtError):
    """Wrong user name or password, a locked or deactivated account: the CLI exits 3."""


class AccountLockedError(AuthenticationError):
    """Too many failed logins: typing again cannot help until the lock expires."""


class NotFoundError(MshtError):
    pass


class ConflictError(MshtError):
    """Someone else saved the record after it was read; nothing was written."""


class ValidationError(MshtError):
    """Input that breaks a rule; ``fields`` maps a form field name to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.fields.items()))


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason}"


class ImportRejectedError(MshtError):
    """A file with any invalid row: nothing was written."""

    def __init__(self, errors: list[RowError], rows_read: int) -> None:
        self.errors = errors
        self.rows_read = rows_read
        n = len(errors)
        super().__init__(
            f"The file was not imported: {n} problem{'s' if n != 1 else ''} found in {rows_read} rows, "
            "and nothing was written. Correct the rows listed and import the file again."
        )


class CancelledError(MshtError):
    def __init__(self) -> None:
        super().__init__("Cancelled: nothing was written.")
