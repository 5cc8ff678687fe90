"""The errors a user is shown as they are. Anything else escaping a service is a bug.

Every message is one sentence (or two) that says what happened and what to do; none carries
personal data, because messages reach logs and the command line.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any


class MshtError(Exception):
    """Base of every expected failure."""


class StoreError(MshtError):
    """Environmental: the database file or server, not the data in it."""


class NewerDatabaseError(StoreError):
    pass


class DatabaseLockedError(StoreError):
    """Another program (or another copy of MSHT Desk) held the write lock for longer than we wait."""


class ReadOnlyDatabaseError(StoreError):
    """The file, its folder or the disk refuses writes."""


class DiskFullError(StoreError):
    """No room left for the database, its write-ahead log or a backup."""


class NotAnMshtDatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class MigrationError(StoreError):
    pass


class DatabaseUnavailableError(StoreError):
    pass


class ServerConnectionLostError(DatabaseUnavailableError):
    """The team server stopped answering and did not come back while MSHT Desk retried; nothing was
    committed, so the user may simply try again (``services/reconnect.py``)."""


class SaveOutcomeUnknownError(DatabaseUnavailableError):
    """The connection dropped after a COMMIT was sent: the change may or may not be saved, so it is never
    retried by itself; the user checks the record (``services/reconnect.py``)."""


CONNECTION_LOST = (
    "The connection to the team server was lost; if you were saving, check whether your change was "
    "saved before saving it again."
)
_LOST_STATES = ("57P01", "57P02", "57P03")  # the server shutting down, crashed, or still starting


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` means the team server's connection dropped or could not be made (a restart, the
    network), as opposed to an error in the statement. Read from psycopg's SQLSTATE (class 08, or a
    shutdown) or its absence (no answer from the server at all), and SQLAlchemy's invalidation flag."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "connection_invalidated", False) is True:
            return True
        for candidate in (current, getattr(current, "orig", None)):
            if not isinstance(candidate, BaseException):
                continue
            if type(candidate).__module__.split(".")[0] != "psycopg":
                continue
            if not any(k.__name__ == "OperationalError" for k in type(candidate).__mro__):
                continue
            state = getattr(candidate, "sqlstate", None)
            if state is None or str(state).startswith("08") or state in _LOST_STATES:
                return True
        current = current.__cause__ or current.__context__
    return False


class ServerPasswordNeededError(DatabaseUnavailableError):
    """A team server asks for a password that libpq found nowhere: a front end may ask for it."""

    def __init__(self, message: str, who: str) -> None:
        super().__init__(message)
        self.who = who  # "user@host/database", for the prompt


class PermissionDeniedError(MshtError):
    """The user's role does not allow the action; nothing was read or written."""


class AuthenticationError(MshtError):
    """Wrong user name or password, a locked or deactivated account: the CLI exits 3."""


class AccountLockedError(AuthenticationError):
    """Too many failed logins: typing again cannot help until the lock expires."""


class NotFoundError(MshtError):
    pass


class ConflictError(MshtError):
    """Someone else saved the record after it was read; nothing was written.

    ``mine`` is what this user tried to save and ``theirs`` the record as it now stands (plain values,
    e.g. the service's input and detail dataclasses), so a form can show both and let the user choose.
    """

    def __init__(self, message: str, *, mine: Any = None, theirs: Any = None) -> None:
        super().__init__(message)
        self.mine = mine
        self.theirs = theirs


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

    def __init__(self, errors: list[RowError], rows_read: int, found: int | None = None) -> None:
        """``found``: how many problems there were in all, when ``errors`` lists only the first ones."""
        self.errors = errors
        self.rows_read = rows_read
        self.found = max(found or 0, len(errors))
        n = self.found
        shown = f" Showing the first {len(errors):,} of {n:,} problems." if len(errors) < n else ""
        super().__init__(
            f"The file was not imported: {n:,} problem{'s' if n != 1 else ''} found in {rows_read:,} rows, "
            f"and nothing was written.{shown} Correct the rows listed and import the file again."
        )


class CancelledError(MshtError):
    def __init__(self) -> None:
        super().__init__("Cancelled: nothing was written.")


NOT_SAVED = "Your last change was not saved."

_SQLITE_MESSAGES: tuple[tuple[str, type[StoreError], str], ...] = (
    (
        "database is locked",
        DatabaseLockedError,
        "The database is busy: another copy of MSHT Desk or another program is writing to it. "
        "Wait a moment and try again. " + NOT_SAVED,
    ),
    (
        "database table is locked",
        DatabaseLockedError,
        "The database is busy: another copy of MSHT Desk or another program is writing to it. "
        "Wait a moment and try again. " + NOT_SAVED,
    ),
    (
        "readonly",
        ReadOnlyDatabaseError,
        "The database file cannot be written to (it, or its folder, is read-only). Ask IT to give you "
        "write access, or open a copy you may change. " + NOT_SAVED,
    ),
    (
        "read-only",
        ReadOnlyDatabaseError,
        "The database file cannot be written to (it, or its folder, is read-only). Ask IT to give you "
        "write access, or open a copy you may change. " + NOT_SAVED,
    ),
    (
        "database or disk is full",
        DiskFullError,
        "The disk holding the database is full. Free some space (or move old backups elsewhere), then "
        "try again. " + NOT_SAVED,
    ),
    (
        "disk i/o error",
        StoreError,
        "The disk holding the database reported an error. Check the drive (and the network, for a "
        "shared folder), then try again. " + NOT_SAVED,
    ),
    (
        "malformed",
        CorruptDatabaseError,
        "The database file is damaged. Close MSHT Desk and restore the latest good backup. " + NOT_SAVED,
    ),
    (
        "file is not a database",
        CorruptDatabaseError,
        "The database file is damaged. Close MSHT Desk and restore the latest good backup. " + NOT_SAVED,
    ),
    (
        "unable to open database file",
        DatabaseUnavailableError,
        "The database file could not be opened: check that its folder still exists and that you may "
        "use it. " + NOT_SAVED,
    ),
)

_NO_PERMISSION = "You do not have permission to write there; choose another folder."
_OS_ERRORS: dict[int, tuple[type[StoreError], str]] = {
    errno.ENOSPC: (DiskFullError, "The disk is full. Free some space, then try again."),
    errno.EROFS: (ReadOnlyDatabaseError, "The disk is read-only; choose a folder you may write to."),
    errno.EACCES: (ReadOnlyDatabaseError, _NO_PERMISSION),
    errno.EPERM: (ReadOnlyDatabaseError, _NO_PERMISSION),
}


def environmental(exc: BaseException) -> MshtError | None:
    """The expected failure ``exc`` stands for, or None if it is a bug.

    Database drivers report a full disk, a read-only file, a lock held too long or a damaged file as
    generic exceptions; their text is matched here (driver messages are fixed English strings). The
    returned message never quotes the driver's, which can carry values from a row.
    """
    if isinstance(exc, MshtError):
        return exc
    if connection_lost(exc):  # outside services/reconnect.py's guard, which tells saved from not
        return DatabaseUnavailableError(CONNECTION_LOST)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _OS_ERRORS:
            kind, message = _OS_ERRORS[current.errno]
            return kind(message)
        orig = getattr(current, "orig", None)
        text = str(orig if isinstance(orig, BaseException) else current).lower()
        name = type(orig if isinstance(orig, BaseException) else current).__name__
        if name in ("OperationalError", "DatabaseError") or "sqlite" in name.lower():
            for needle, kind, message in _SQLITE_MESSAGES:
                if needle in text:
                    return kind(message)
        current = current.__cause__ or current.__context__
    return None
