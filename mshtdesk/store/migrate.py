"""Open a database the safe way: refuse newer ones, back up, migrate with foreign keys off, check.

Foreign keys stay off during migration because SQLite batch migrations copy and drop tables, and a
DROP with foreign keys on fires ON DELETE actions on child rows. The checks run inside the migration's
transaction, so a failed check leaves the file as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from mshtdesk.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseUnavailableError,
    MigrationError,
    NewerDatabaseError,
    NotAnMshtDatabaseError,
)
from mshtdesk.machine import machine_settings
from mshtdesk.store import derived, search_index
from mshtdesk.store.backup import Progress, backup_sqlite
from mshtdesk.store.engine import make_engine, sqlite_path
from mshtdesk.store.server import lacks_rights, no_rights, server_problem

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

#: The newest migration's revision: what a database opened by this version must be at. Kept here, not
#: read from the scripts, so that opening an up-to-date database (every login, every command) does not
#: load Alembic and its twenty scripts (about 0.1 s a command); ``tests/store/test_migrations.py`` fails
#: until a new migration's revision is written here.
HEAD_REVISION = "0021"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return HEAD_REVISION


def script_head() -> str | None:
    """The head revision as the migration scripts say (for the test that keeps HEAD_REVISION true)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The revision the database records; None for a database never migrated (Alembic's own table, read
    with plain SQL: Alembic is loaded only to upgrade)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) > 1:
        raise MigrationError(
            f"The database records {len(found)} schema versions at once ({', '.join(sorted(found))}); "
            "restore it from a backup."
        )
    return found[0] if found else None


def known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return any(s.revision == rev for s in script.walk_revisions())


def _check_sqlite(conn: Connection, where: str) -> None:
    bad_fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if bad_fk:
        raise MigrationError(f"{where}: {len(bad_fk)} rows point at records that do not exist.")
    result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    if result != "ok":
        raise MigrationError(f"{where}: the database failed its integrity check ({result}).")


def _configured_backup_folder(conn: Connection) -> Path | None:
    """The folder an administrator chose for backups (``services.backups``), if any."""
    value = conn.execute(text("SELECT value FROM setting WHERE key = 'backup_folder'")).scalar()
    return machine_settings().backup_folder_over(Path(value) if value else None)


UPGRADING = "Upgrading the database"
CHECKING = "Checking the upgraded database"


@contextmanager
def _upgrade_lock(engine: Engine, path: Path | None) -> Iterator[Connection]:
    """The upgrade's transaction. On a file it begins by taking the write lock (``engine.begin``), before
    the backup: two windows opening a file that needs upgrading take turns, and the second finds it
    done instead of copying the whole file again and failing half-way. A lock still held after the
    busy timeout (an upgrade of a large file takes minutes) is said as such; nothing was changed."""
    try:
        with engine.begin() as conn:
            yield conn
    except OperationalError as exc:
        if path is None or "locked" not in str(exc.orig):
            raise
        raise DatabaseLockedError(
            f"{path.name} is being upgraded or written to by another copy of MSHT Desk. Wait for it to "
            "finish, then open the database again; nothing was changed."
        ) from exc


def _not_set_up(path: Path | None) -> str:
    if path is None:
        return (
            "This team database has not been set up for MSHT Desk yet: its database administrator sets it "
            "up with mshtdesk server setup. Nothing was changed."
        )
    return f"{path.name} holds no MSHT Desk database yet. Create one with: mshtdesk init --admin-user NAME"


def migrate(
    url: str,
    backup_dir: Path | None = None,
    key: bytes | None = None,
    *,
    server_upgrade: bool = False,
    create: bool = True,
    progress: Progress | None = None,
) -> Path | None:
    """Bring the database at ``url`` to the current schema; return the backup taken, if any. Each step
    is said to ``progress``: on a large file the backup, the upgrade and the check take minutes.

    An empty database is given the schema only with ``create`` (``init`` and ``server setup``): a login
    on an empty team database is refused, since its tables would belong to whoever logged in and
    ``server setup`` could then give the app's roles no rights on them. A server database is upgraded
    only by ``server_upgrade`` (``mshtdesk server upgrade``: the administrator's owner role, after a
    pg_dump), never by a user's app.
    """
    engine = make_engine(url, foreign_keys=False, key=key)
    path = sqlite_path(url)
    backup: Path | None = None
    try:
        try:
            with engine.connect() as conn:
                current = current_revision(conn)
                # A login without the schema's USAGE sees no tables at all, set up or not.
                blind = (
                    path is None
                    and current is None
                    and not conn.execute(text("SELECT has_schema_privilege('public', 'USAGE')")).scalar()
                )
                tables = inspect(conn).get_table_names()
                has_tables = bool(tables)
                configured = _configured_backup_folder(conn) if "setting" in tables else None
        except DatabaseError as exc:
            if isinstance(exc, OperationalError) and path is None:
                raise server_problem(exc, url) from exc
            refused = lacks_rights(exc, url) if path is None else None
            if refused is not None:
                raise refused from exc
            damaged = any(sign in str(exc.orig) for sign in ("not a database", "malformed"))
            if path is not None and damaged:
                raise CorruptDatabaseError(
                    f"{path.name} is not a readable MSHT Desk database: it may be damaged or encrypted. "
                    "Restore it from a backup."
                ) from exc
            raise DatabaseUnavailableError(f"The database could not be opened: {exc.orig}.") from exc
        head = head_revision()
        if current == head:
            return None
        if current is None and not has_tables and not create:
            raise no_rights(url) if blind else NotAnMshtDatabaseError(_not_set_up(path))
        if current is None and has_tables:
            raise NotAnMshtDatabaseError(
                "That file holds a database that MSHT Desk did not create; choose another file."
            )
        if current is not None and not known_revision(current):
            raise NewerDatabaseError(
                "This database was written by a newer version of MSHT Desk. "
                "Install the newer version to open it; nothing in it has been changed."
            )
        if current is not None and path is None and not server_upgrade:
            raise MigrationError(
                "This team database is of an earlier version than this app: ask its database administrator "
                "to run mshtdesk server upgrade (after a pg_dump); nothing was changed."
            )
        cfg = alembic_config()
        with _upgrade_lock(engine, path) as conn:
            if path is not None:
                # Another window may have upgraded the file while this one waited for the lock.
                if current_revision(conn) == head:
                    return None
                if current is not None:
                    folder = backup_dir or configured or path.parent / "backups"
                    backup = backup_sqlite(path, folder, f"before-{head}", key, progress)
            if progress is not None:
                progress(UPGRADING, 0, 0)
            from alembic import command

            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if conn.dialect.name == "sqlite":
                search_index.ensure(conn)  # a later batch migration may have dropped its triggers
            derived.ensure_every(conn)  # likewise, and each derived table checked against its source
            if path is not None:
                where = "The upgrade was undone" + (f"; a backup is at {backup}" if backup else "")
                if progress is not None:
                    progress(CHECKING, 0, 0)
                _check_sqlite(conn, where)
        return backup
    finally:
        engine.dispose()


def check_models_match(engine: Engine) -> None:
    """Raise if the tables in ``tables.py`` and the migrations disagree (``alembic check``)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)
