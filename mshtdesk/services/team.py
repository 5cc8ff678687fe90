"""Team mode's way in, for both front ends: a server's address from its parts, and the database password
asked for only when libpq has none (pgpass, service file), kept in memory for this process alone."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from mshtdesk.errors import ServerPasswordNeededError, ValidationError
from mshtdesk.store.engine import make_engine, resolve_url
from mshtdesk.store.server import DRIVER, remember_password, server_problem, server_url

MAX_PART = 255


def team_address(host: str, database: str, *, port: int | None = None, user: str = "") -> str:
    """The address of a team database from the connect dialog's fields, checked (never with a password);
    a ValidationError names the field at fault."""
    host, database, user = host.strip(), database.strip(), user.strip()
    problems: dict[str, str] = {}
    if not host:
        problems["host"] = "Give the server's name, for example htt-db.force.police.uk."
    elif len(host) > MAX_PART or not host.isprintable() or any(c in host for c in "/@?#\\ "):
        problems["host"] = "A server's name is a short name or address without spaces or / @ ? # \\."
    if not database:
        problems["database"] = "Give the database's name on the server, for example mshtdesk."
    for name, part in (("database", database), ("user", user)):
        if part and (len(part) > MAX_PART or not part.isprintable() or any(c in part for c in "/@?#:\\ ")):
            problems[name] = "A name here is a short name without spaces or / @ ? # : \\."
    if port is not None and not 0 < port < 65536:
        problems["port"] = "The port is a number from 1 to 65535 (PostgreSQL's usual port is 5432)."
    if problems:
        raise ValidationError(problems)
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


def address_parts(db: str | None) -> tuple[str, str, str, str]:
    """Host, port, database and user of a team address (to fill the connect dialog); empty for a file."""
    from sqlalchemy.engine import make_url

    if not db or not is_team_address(db):
        return ("", "", "", "")
    u = make_url(resolve_url(db))
    return (u.host or "", str(u.port or ""), u.database or "", u.username or "")
