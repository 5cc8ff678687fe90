"""Team mode's way in, for both front ends: a server's address from its parts, and the database password
asked for only when libpq has none (pgpass, service file), kept in memory for this process alone."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from mshtdesk.errors import StoreError
from mshtdesk.store.engine import make_engine, resolve_url
from mshtdesk.store.server import (
    DRIVER,
    ServerPasswordNeededError,
    remember_password,
    server_problem,
    server_url,
)

MAX_PART = 255


def team_address(host: str, database: str, *, port: int | None = None, user: str = "") -> str:
    """The address of a team database from the connect dialog's fields, checked (never with a password)."""
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host:
        raise StoreError("Give the server's name, for example htt-db.force.police.uk.")
    if not database:
        raise StoreError("Give the database's name on the server, for example mshtdesk.")
    for part in (host, database, user):
        if len(part) > MAX_PART or not part.isprintable():
            raise StoreError("The server, database and user names are short, printable names.")
    if any(c in part for part in (database, user) for c in "/@?#:\\ "):
        raise StoreError("The database and user names cannot hold spaces or / @ ? # : \\.")
    if any(c in host for c in "/@?#\\ "):
        raise StoreError("The server's name cannot hold spaces or / @ ? # \\.")
    if port is not None and not 0 < port < 65536:
        raise StoreError("The port is a number from 1 to 65535 (PostgreSQL's usual port is 5432).")
    url = URL.create(DRIVER, username=user or None, host=host, port=port, database=database)
    return server_url(url.render_as_string(hide_password=False))


def is_team_address(db: str | None) -> bool:
    from mshtdesk.store.engine import sqlite_path

    return sqlite_path(resolve_url(db)) is None


def password_needed(db: str | None) -> str | None:
    """``user@host/database`` when the server asks for a password libpq cannot find; else None (also
    when the server cannot be reached: the command that follows says why)."""
    url = resolve_url(db)
    if not is_team_address(url):
        return None
    engine = make_engine(url)
    try:
        with engine.connect():
            return None
    except OperationalError as exc:
        problem = server_problem(exc, url)
        return problem.who if isinstance(problem, ServerPasswordNeededError) else None
    finally:
        engine.dispose()


def use_password(db: str | None, password: str) -> None:
    """A database password typed at the prompt: every connection of this process uses it."""
    remember_password(resolve_url(db), password)
