"""Team mode's way in, for both front ends: a server's address from its parts, and the database password
asked for only when libpq has none (pgpass, service file), kept in memory for this process alone."""

from __future__ import annotations

import stat
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from mshtdesk.domain.changes import Changes
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import StoreError, ValidationError
from mshtdesk.services.audit import MOVED_ENTITY, MOVED_RECORD, AuditAction, record
from mshtdesk.services.users import check_new_user, create_database, login
from mshtdesk.store import notify, server, server_copy, server_roles
from mshtdesk.store.database import Database
from mshtdesk.store.engine import resolve_url, sqlite_path, url_without_password
from mshtdesk.store.migrate import head_revision

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


# ----- the database administrator's commands ---------------------------------------------------------
MAX_DUMP_AGE = timedelta(hours=24)
DUMP_TEXT_MARK = b"PostgreSQL database dump"


@dataclass(frozen=True)
class SetUp:
    location: str  # the address without a password
    roles: server_roles.ServerRoles


def _server_only(db: str) -> str:
    url = resolve_url(db)
    if sqlite_path(url) is not None:
        raise StoreError(
            "mshtdesk server commands take a team database address (postgresql://server/database); "
            "a database file is made with mshtdesk init."
        )
    return url


def setup_server(
    db: str,
    admin_username: str,
    password: str,
    *,
    display_name: str = "",
    profile: str | None = None,
    role_prefix: str | None = None,
) -> SetUp:
    """Set up an empty team database: roles, schema (as the owner role), grants, then the first
    application administrator. Every check on the administrator comes before anything is made."""
    url = _server_only(db)
    check_new_user(admin_username, password, display_name)
    roles = _roles_for(url, role_prefix)
    server_roles.prepare_server(url, roles)
    opened, _actor = create_database(
        url, admin_username, password, display_name=display_name, profile=profile
    )
    opened.close()
    return SetUp(url_without_password(url), roles)


def _roles_for(url: str, role_prefix: str | None) -> server_roles.ServerRoles:
    if role_prefix:
        return server_roles.ServerRoles.named(role_prefix)
    return server_roles.ServerRoles.for_database(server.parts_of(url)[2])


def check_dump(path: Path, *, now: datetime | None = None) -> None:
    """The backup an administrator names before an upgrade: it must exist, be a pg_dump output (custom,
    directory, tar or plain format) and have been written in the last 24 hours."""
    moment = now or datetime.now(UTC)
    take = "take one with: pg_dump -Fc -f FILE DATABASE, then run the upgrade again with --dump FILE"
    try:
        st = path.stat()
    except OSError:
        raise StoreError(f"There is no backup at {path}; {take}.") from None
    head = b""
    if stat.S_ISDIR(st.st_mode):
        toc = path / "toc.dat"
        head = toc.read_bytes()[:5] if toc.is_file() else b""
        st = toc.stat() if toc.is_file() else st
    elif stat.S_ISREG(st.st_mode) and st.st_size > 0:
        with path.open("rb") as fh:
            head = fh.read(4096)
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as tar:
                head = b"PGDMP" if "toc.dat" in tar.getnames() else b""
    is_dump = head.startswith(b"PGDMP") or DUMP_TEXT_MARK in head
    if not is_dump:
        raise StoreError(f"{path} is not a pg_dump backup; {take}.")
    age = moment - datetime.fromtimestamp(st.st_mtime, UTC)
    if age > MAX_DUMP_AGE:
        hours = int(age.total_seconds() // 3600)
        raise StoreError(f"The backup {path} is {hours} hours old; {take}.")


def upgrade_server(db: str, dump: Path | None) -> server_roles.Upgrade:
    """Pending migrations, run as the owner role, once the administrator has named a recent pg_dump
    (MSHT Desk takes no backup of a server itself). A newer schema is refused untouched."""
    url = _server_only(db)
    revision = server_roles.server_revision(url)
    if revision is None:
        raise StoreError("That database is not set up yet; run mshtdesk server setup first.")
    server_roles.refuse_newer(revision)
    if revision == head_revision():
        return server_roles.Upgrade(revision, revision)  # nothing to do: no backup needed either
    if dump is None:
        raise StoreError(
            "Back up the team database first (pg_dump -Fc -f FILE DATABASE), then run the upgrade "
            "again with --dump FILE; nothing was changed."
        )
    check_dump(dump)
    return server_roles.upgrade_server(url)


@dataclass(frozen=True)
class Moved:
    location: str  # the team database, without a password
    roles: server_roles.ServerRoles
    copied: dict[str, int]  # rows by table


def import_from(
    laptop: str,
    username: str,
    password: str,
    db: str,
    *,
    role_prefix: str | None = None,
    progress: server_copy.Progress | None = None,
) -> Moved:
    """Copy a laptop's encrypted database (every table, users with their password hashes, the audit log
    with its hashes and signatures) into an empty team database, all or nothing.

    An administrator of the laptop's database logs in to it; in one write transaction on the laptop
    (nobody can change it meanwhile) they sign an event recording the move, and the server is set up
    and filled in one transaction of its own; the laptop's commits only after the server's, so a failure
    anywhere leaves the server empty and the laptop as it was. ``progress`` hears the copy's rows.
    """
    url = _server_only(db)
    if sqlite_path(resolve_url(laptop)) is None:
        raise StoreError("import-from copies a laptop's database file: give its path first, then the server.")
    opened, actor = login(laptop, username, password)
    try:
        actor.require(Action.ADMINISTER, Entity.USER)
        roles = _roles_for(url, role_prefix)
        where = url_without_password(url)
        with opened.engine.begin() as source:
            record(
                source,
                actor,
                AuditAction.ADMINISTER,
                MOVED_ENTITY,
                MOVED_RECORD,
                fields=("database",),
                reason=f"copied to the team server {where}"[:1000],
            )
            copied = server_roles.prepare_server(
                url, roles, lambda target: server_copy.copy_rows(source, target, progress)
            )
        with opened.engine.begin() as source:
            record(source, actor, AuditAction.LOGOUT, Entity.USER, actor.user_id)
    finally:
        opened.close()
    return Moved(where, roles, copied or {})


class Watch(Protocol):
    def stop(self) -> None: ...


def watch_changes(
    db: Database,
    on_changes: Callable[[Changes], None],
    on_state: Callable[[bool], None] = lambda _ok: None,
    *,
    poll_seconds: float = 2.0,
) -> Watch | None:
    """On a team server: hear what other users change (NOTIFY, polling while that is down) until
    ``stop``; the callbacks run on a thread of the watcher's own. None for a file (nobody else)."""
    if db.path is not None:
        return None
    listener = notify.Listener(db.engine, on_changes, on_state, poll_seconds=poll_seconds)
    listener.start()
    return listener
