"""A database the app can use: migrated, checked, reference data present."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session

from mshtdesk.errors import StoreError
from mshtdesk.store.backup import Progress
from mshtdesk.store.engine import make_engine, resolve_url, sqlite_path
from mshtdesk.store.migrate import migrate
from mshtdesk.store.reference import seed_reference

if TYPE_CHECKING:
    from mshtdesk.security.keypairs import Signer


class Database:
    """Owns the engine; hands out short-lived sessions (never kept open across user actions)."""

    def __init__(self, url: str, key: bytes | None = None) -> None:
        self.url = url
        self.key = key  # the data key of an encrypted SQLite file, held only while the user is logged in
        self._engine: Engine | None = make_engine(url, key=key)
        # The signing keys unlocked in this session (by user name): the one who logged in, and in a
        # demo database every demo user, so that ``actor_for`` can hand out an actor that signs.
        self.signers: dict[str, Signer] = {}

    @property
    def engine(self) -> Engine:
        """Refused after ``close``: a logged-out session must not quietly reconnect with the key."""
        if self._engine is None:
            raise StoreError("This session has ended; log in again.")
        return self._engine

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def describe(self) -> str:
        """For a status bar: the file name or the server, never a password."""
        path = self.path
        if path is not None:
            return str(path)
        return self.engine.url.render_as_string(hide_password=True)

    def use_key(self, key: bytes) -> None:
        """After a rekey: every connection from now on opens the file with the new key."""
        if self._engine is not None:
            self._engine.dispose()
        self.key = key
        self._engine = make_engine(self.url, key=key)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self.key = None
        self.signers.clear()


def open_database(
    db: str | None = None,
    *,
    profile: str | None = None,
    key: bytes | None = None,
    progress: Progress | None = None,
    create: bool = True,
) -> Database:
    """Resolve, migrate (backing up first), seed reference data and return a ready database.

    ``key`` opens an encrypted SQLite file; None opens an unencrypted one or a server database.
    ``progress`` hears the steps of an upgrade, if one is needed. Without ``create`` an empty database
    is refused rather than given the schema (a login: see ``migrate``).
    """
    url = resolve_url(db)
    migrate(url, key=key, progress=progress, create=create)
    database = Database(url, key)
    seed_reference(database.engine, profile)
    return database
