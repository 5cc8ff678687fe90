"""Where the database is, and engines configured for it.

A ``--db`` value (or ``MSHTDESK_DB``) is either an SQLAlchemy URL or a file path; with neither, the
file lives in the per-user data folder. SQLite connections get foreign keys, WAL, a busy timeout and
``synchronous=FULL`` (a committed import must survive a power cut; the cost is one fsync per commit).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from mshtdesk import APP_NAME
from mshtdesk.domain.names import VARIANTS, fold

DB_ENV = "MSHTDESK_DB"
DATA_DIR_ENV = "MSHTDESK_DATA_DIR"
BUSY_TIMEOUT_MS = 5000


def data_dir() -> Path:
    """The per-user data folder (``%LOCALAPPDATA%`` on Windows: never the roaming profile)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def resolve_url(db: str | None = None) -> str:
    """Turn a ``--db`` value, ``MSHTDESK_DB``, the machine's preset (``mshtdesk.machine``) or the default
    location into an SQLAlchemy URL. A locked preset replaces ``--db`` in the front ends, before this."""
    from mshtdesk.machine import machine_settings

    chosen = machine_settings().database_for(os.environ.get(DB_ENV))  # the machine's preset, if any
    value = db or chosen or str(data_dir() / "mshtdesk.db")
    if "://" in value:
        from mshtdesk.store.server import is_server_address, server_url

        if is_server_address(value):
            return server_url(value)  # no password in it; TLS checked for a remote host
        _check_supported(value)
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


# The only drivers the app opens a file with (a server address reaches psycopg by server.server_url): an
# async driver (postgresql+psycopg_async, sqlite+aiosqlite) imports but fails at the first connection,
# and any other needs code and tests the app does not have.
SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")
_SUPPORTED_TEXT = "give a file path, or a team database address such as postgresql://server/database"


def _check_supported(value: str) -> None:
    """Refuse, in words, an address this app cannot use, before any engine is made.

    The message names only the scheme: the rest of an address can hold a password.
    """
    from sqlalchemy.exc import ArgumentError

    from mshtdesk.errors import StoreError

    scheme = value.split("://", 1)[0]
    try:
        url = make_url(value)
    except ArgumentError:
        raise StoreError(f"The database address is not one MSHT Desk can read: {_SUPPORTED_TEXT}.") from None
    if url.drivername not in SQLITE_DRIVERS:  # a server address in a form server.py accepts never gets here
        raise StoreError(f"Database addresses starting {scheme}:// are not supported: {_SUPPORTED_TEXT}.")
    if url.database in (None, "", ":memory:"):
        raise StoreError("An in-memory database keeps nothing after each step: give a database file path.")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another backend or an in-memory database."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


SQLITE_HEADER = b"SQLite format 3\x00"


def url_without_password(url: str) -> str:
    """The URL to show people: a server's password never appears on screen or in a log."""
    return make_url(url).render_as_string(hide_password=True)


def is_plain_sqlite(path: Path) -> bool:
    """True for an unencrypted SQLite file (an encrypted one starts with random bytes)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def key_pragma(key: bytes) -> str:
    """The raw-key form: no PBKDF2 on every connection (the key was derived once, with argon2id)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


CACHE_MIN_KIB = 2 * 1024
CACHE_MAX_KIB = 64 * 1024


def cache_kib(path: Path) -> int:
    """The page cache of one connection, in KiB: the size of the file, within 2 MiB and 64 MiB. An
    encrypted page missing from the cache is read and decrypted again, and a report over a register
    that grew month by month comes back to the same pages; 64 MiB holds the indexes a year's tables
    read at a million arrests, and a few connections stay well within the app's memory budget."""
    try:
        size = path.stat().st_size // 1024
    except OSError:
        size = 0
    return max(CACHE_MIN_KIB, min(CACHE_MAX_KIB, size))


def make_engine(url: str, *, foreign_keys: bool = True, key: bytes | None = None) -> Engine:
    """An engine for ``url``; SQLite files get the pragmas this app relies on on every connection.

    With ``key`` the file is opened through SQLCipher: every page, the WAL included, is encrypted.
    """
    path = sqlite_path(url)
    if path is None:
        from mshtdesk.store.commits import count_commits
        from mshtdesk.store.server import connect_args

        # pool_pre_ping: a connection the server dropped while idle (a restart) is replaced on check-out.
        server = create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args(url))
        count_commits(server)  # services/reconnect.py: a retry only when no COMMIT was sent
        return server
    path.parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {}
    if key is not None:
        import sqlcipher3

        extra["module"] = sqlcipher3
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        **extra,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if key is not None:
            cur.execute(key_pragma(key))  # must come first
            cur.execute("PRAGMA cipher_log_level = NONE")
            cur.execute("PRAGMA temp_store = MEMORY")  # sorts and temporary tables never touch the disk
        cur.execute(f"PRAGMA cache_size = -{cache_kib(path)}")
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()
        register_functions(dbapi_conn)
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that DDL in a
        # migration is rolled back with everything else when a check fails.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    _begin_writes_immediately(engine)
    return engine


def _fold(value: object) -> str:
    """``domain.names.fold`` for SQL; plain ASCII (references, most English text) takes a short way
    there with the same result, since the triggers fold every reference an import brings."""
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        return fold(text)
    text = text.lower()
    for old, new in VARIANTS:
        text = text.replace(old, new)
    return text


def register_functions(dbapi_conn: Any) -> None:
    """The SQL functions the schema's triggers call (``store.search_index``): every connection that may
    write needs them, so every SQLite engine registers them as it connects."""
    dbapi_conn.create_function("msht_fold", 1, _fold, deterministic=True)


_WRITE = "mshtdesk_write"


def _begin_writes_immediately(engine: Engine) -> None:
    """Make ``engine.begin()`` (the write idiom everywhere) take SQLite's write lock at BEGIN.

    A deferred transaction that reads and then writes cannot wait for another app instance's commit:
    SQLite refuses the upgrade to a write lock at once (SQLITE_BUSY_SNAPSHOT) whatever the busy timeout.
    Taken at BEGIN, the lock is waited for, so two writers queue instead of one failing. Reads
    (``engine.connect()``) stay deferred: they never block a writer and work on read-only files.
    """

    @contextmanager
    def begin() -> Iterator[Connection]:
        with engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
            yield conn

    setattr(engine, "begin", begin)  # noqa: B010 - an instance attribute, so the class stays untouched
