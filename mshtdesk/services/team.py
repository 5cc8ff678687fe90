"""Team mode's way in, for both front ends: a server's address from its parts, and the database password
asked for only when libpq has none (pgpass, service file), kept in memory for this process alone."""

from __future__ import annotations

from mshtdesk.errors import ValidationError
from mshtdesk.store import server
from mshtdesk.store.engine import resolve_url, sqlite_path

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
    return server.address_from_parts(host, database, port, user)


def is_team_address(db: str | None) -> bool:
    return sqlite_path(resolve_url(db)) is None


def password_needed(db: str | None) -> str | None:
    """``user@host/database`` when the server asks for a password libpq cannot find; else None (also
    when the server cannot be reached: the command that follows says why)."""
    url = resolve_url(db)
    return server.password_needed(url) if sqlite_path(url) is None else None


def use_password(db: str | None, password: str) -> None:
    """A database password typed at the prompt: every connection of this process uses it."""
    server.remember_password(resolve_url(db), password)


def address_parts(db: str | None) -> tuple[str, str, str, str]:
    """Host, port, database and user of a team address (to fill the connect dialog); empty for a file."""
    if not db or not is_team_address(db):
        return ("", "", "", "")
    return server.parts_of(resolve_url(db))
