"""A team server's schema and database roles, made and upgraded by its database administrator.

Three roles, none of which can log in; people's login roles are made members of one of them:

* the **owner** owns the tables and is the only role that changes the schema (Alembic migrations, run
  by ``mshtdesk server setup`` and ``mshtdesk server upgrade`` with ``SET ROLE``);
* the **application** role, which the app's users connect through: SELECT, INSERT, UPDATE and DELETE
  on the working tables, but only SELECT and INSERT on the history (the audit log, disposal events,
  arrest corrections, court outcomes), which the triggers of migrations 0011 and 0014 also keep from
  UPDATE, DELETE and TRUNCATE; engagement milestones are appended and withdrawn in place
  (``withdrawn_*``), never deleted: SELECT, INSERT and UPDATE only; the derived tables
  (``store/derived.py``) only SELECT: their triggers' ``SECURITY DEFINER`` functions, the owner's, write
  them;
* the **auditor** role, read-only, for an auditor's own tools: every table, but not the password hashes.

The grants are applied again after every upgrade, so a table a migration adds is covered at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.exc import OperationalError

from mshtdesk.errors import MigrationError, NewerDatabaseError, NotAnMshtDatabaseError, StoreError
from mshtdesk.store import derived
from mshtdesk.store.engine import make_engine
from mshtdesk.store.migrate import alembic_config, current_revision, head_revision, known_revision
from mshtdesk.store.server import server_problem
from mshtdesk.store.tables import SETTING, USER

T = TypeVar("T")
HISTORY = frozenset({"audit_event", "disposal_event", "arrest_correction", "court_outcome"})
# Appended and withdrawn in place, never deleted: no DELETE for the application role.
KEPT = frozenset({"engagement_milestone"})
# Derived from other tables by triggers running as the owner (store/derived.py): read-only for the
# application role, so no user can make them disagree with their source; never copied, rebuilt.
DERIVED = frozenset(table.name for table in derived.every())
HIDDEN_FROM_AUDITOR = {"app_user": frozenset({"password_hash"})}
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")
ROLE_SETTINGS = ("server_owner_role", "server_app_role", "server_auditor_role")


@dataclass(frozen=True)
class ServerRoles:
    owner: str
    app: str
    auditor: str

    @classmethod
    def named(cls, prefix: str) -> ServerRoles:
        """``PREFIX_owner``, ``PREFIX_app``, ``PREFIX_auditor``; the prefix is checked (it goes into DDL)."""
        if not ROLE_NAME.match(prefix):
            raise StoreError(
                "A role prefix is up to 50 lower-case letters, digits and underscores, starting with a "
                "letter."
            )
        return cls(f"{prefix}_owner", f"{prefix}_app", f"{prefix}_auditor")

    @classmethod
    def for_database(cls, database: str) -> ServerRoles:
        """The default: named after the database, so two databases on one server never share roles."""
        prefix = re.sub(r"[^a-z0-9_]", "_", database.lower())[:50] or "mshtdesk"
        return cls.named(prefix if prefix[0].isalpha() or prefix[0] == "_" else f"m{prefix}"[:50])

    def all(self) -> tuple[str, str, str]:
        return (self.owner, self.app, self.auditor)


@dataclass(frozen=True)
class Upgrade:
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _check_postgresql(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        raise StoreError(
            "Server set-up is for a PostgreSQL team database; a file needs mshtdesk init instead."
        )


def prepare_server(url: str, roles: ServerRoles, fill: Callable[[Connection], T] | None = None) -> T | None:
    """As the database administrator, in one transaction: the roles, the schema at head (made by the
    owner role), the grants, and ``fill`` (a laptop's rows, for ``server import-from``), whose result is
    returned. Refuses a database that holds anything already, apart from an MSHT Desk schema at head
    with no users yet (a set-up whose first administrator was not made)."""
    with _administrator(url) as conn:
        _check_postgresql(conn)
        current = current_revision(conn)
        tables = set(inspect(conn).get_table_names())
        if current is None and tables:
            raise NotAnMshtDatabaseError(
                "That database already holds tables MSHT Desk did not make; set up an empty database."
            )
        if current is not None:
            refuse_newer(current)
            if current != head_revision():
                raise StoreError("That database is already set up; run mshtdesk server upgrade instead.")
            if conn.execute(select(USER.c.id).limit(1)).first() is not None:
                raise StoreError("That database is already set up and has users; nothing was changed.")
            _refuse_other_owners(conn, roles)
        for role in roles.all():
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            if exists is None:
                conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        conn.execute(text(f'GRANT "{roles.owner}" TO CURRENT_USER'))
        conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA public TO "{roles.owner}"'))
        if current is None:
            _migrate_as_owner(conn, roles, "head")
        apply_grants(conn, roles)
        _remember_roles(conn, roles)
        return None if fill is None else fill(conn)


def _refuse_other_owners(conn: Connection, roles: ServerRoles) -> None:
    """A schema at head with no users is taken as a set-up whose first administrator was not made; only
    if the owner role owns its tables (made otherwise, by an older app's login or by hand, the grants
    would fail half-way and the app's role could not use them)."""
    owners = sorted(
        str(o)
        for (o,) in conn.execute(
            text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        )
        if o != roles.owner
    )
    if owners:
        raise NotAnMshtDatabaseError(
            f"That database holds MSHT Desk's tables, but they belong to {', '.join(owners)}, not to "
            f"{roles.owner}: server setup did not make them. Set up an empty database; nothing was changed."
        )


def upgrade_server(url: str) -> Upgrade:
    """As the database administrator: pending migrations run by the owner role, then the grants again.
    A newer schema is refused untouched; the backup (pg_dump) is the administrator's, taken before."""
    with _administrator(url) as conn:
        _check_postgresql(conn)
        current = current_revision(conn)
        if current is None:
            raise StoreError("That database is not set up yet; run mshtdesk server setup first.")
        refuse_newer(current)
        head = head_revision()
        if current == head:
            return Upgrade(current, head)
        roles = recorded_roles(conn)
        _migrate_as_owner(conn, roles, "head")
        apply_grants(conn, roles)
        return Upgrade(current, head)


def server_revision(url: str) -> str | None:
    with _administrator(url, transaction=False) as conn:
        return current_revision(conn)


@contextmanager
def _administrator(url: str, *, transaction: bool = True) -> Iterator[Connection]:
    """The database administrator's connection (in one transaction unless told), for one command. A
    failure to connect is said as a login's is (``server_problem``: no such database, a refused
    password, an unreachable host), not as a connection lost part-way."""
    engine = make_engine(url)
    try:
        try:
            conn = engine.connect()
        except OperationalError as exc:
            raise server_problem(exc, url) from exc
        with conn:
            if not transaction:
                yield conn
                return
            with conn.begin():
                yield conn
    finally:
        engine.dispose()


def refuse_newer(current: str) -> None:
    if not known_revision(current):
        raise NewerDatabaseError(
            "This team database was set up by a newer version of MSHT Desk; install that version to "
            "administer it. Nothing was changed."
        )


def _migrate_as_owner(conn: Connection, roles: ServerRoles, target: str) -> None:
    """Alembic on this connection as the owner role, so every table, index and function it makes is
    the owner's (and the administrator's own role owns nothing the app depends on)."""
    conn.execute(text(f'SET ROLE "{roles.owner}"'))
    try:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        from alembic import command  # loaded only to upgrade (see store.migrate.HEAD_REVISION)

        command.upgrade(cfg, target)
        derived.ensure_every(conn)
    except Exception as exc:
        raise MigrationError(
            f"The schema could not be brought up to date ({type(exc).__name__}); nothing was changed."
        ) from exc
    _reset_role(conn)


def apply_grants(conn: Connection, roles: ServerRoles) -> None:
    """The application and auditor roles' rights on every table now in the schema (idempotent). The
    schema's rights are the administrator's to give; the tables' are given as their owner."""
    app, auditor = f'"{roles.app}"', f'"{roles.auditor}"'
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {app}, {auditor}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {app}, {auditor}"))
    conn.execute(text(f'SET ROLE "{roles.owner}"'))
    _grant_tables(conn, app, auditor)
    _reset_role(conn)


def _reset_role(conn: Connection) -> None:
    """Back to the administrator's own role, after the owner's work succeeded. Not in a ``finally``: a
    failed statement aborts the transaction, where RESET ROLE fails too and would hide the first error;
    the rollback that follows undoes the SET ROLE anyway (a plain SET is transactional in PostgreSQL)."""
    conn.execute(text("RESET ROLE"))


def _grant_tables(conn: Connection, app: str, auditor: str) -> None:
    inspector = inspect(conn)
    for table in sorted(inspector.get_table_names()):
        t = f'"{table}"'
        conn.execute(text(f"REVOKE ALL ON {t} FROM PUBLIC, {app}, {auditor}"))
        if table == "alembic_version":
            rights = "SELECT"
        elif table in HISTORY:
            rights = "SELECT, INSERT"
        elif table in DERIVED:
            rights = "SELECT"
        elif table in KEPT:
            rights = "SELECT, INSERT, UPDATE"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        conn.execute(text(f"GRANT {rights} ON {t} TO {app}"))
        hidden = HIDDEN_FROM_AUDITOR.get(table, frozenset())
        if hidden:
            columns = ", ".join(
                f'"{c["name"]}"' for c in inspector.get_columns(table) if c["name"] not in hidden
            )
            conn.execute(text(f"GRANT SELECT ({columns}) ON {t} TO {auditor}"))
        else:
            conn.execute(text(f"GRANT SELECT ON {t} TO {auditor}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {auditor}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}"))


def _remember_roles(conn: Connection, roles: ServerRoles) -> None:
    conn.execute(SETTING.delete().where(SETTING.c.key.in_(ROLE_SETTINGS)))
    conn.execute(
        SETTING.insert(), [{"key": k, "value": v} for k, v in zip(ROLE_SETTINGS, roles.all(), strict=True)]
    )


def recorded_roles(conn: Connection) -> ServerRoles:
    rows = dict(
        conn.execute(select(SETTING.c.key, SETTING.c.value).where(SETTING.c.key.in_(ROLE_SETTINGS))).all()
    )
    if set(rows) != set(ROLE_SETTINGS):
        raise StoreError(
            "That database was not set up with mshtdesk server setup (its roles are not recorded); "
            "set up a new database and move the data with mshtdesk server import-from."
        )
    return ServerRoles(*(str(rows[k]) for k in ROLE_SETTINGS))
