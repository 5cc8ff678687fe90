"""The scratch PostgreSQL database of the tests (``MSHTDESK_TEST_PG_URL``, started by ``.ci/pg_up.sh``).

Its schema ``public`` is dropped and made again by ``fresh_server``: never point the variable at real data.
Without it, the PostgreSQL halves of the tests skip with the reason, and the SQLite halves still run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

PG_URL = os.environ.get("MSHTDESK_TEST_PG_URL", "")
SKIP_REASON = "set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL database (.ci/pg_up.sh starts one)"
needs_postgres = pytest.mark.skipif(not PG_URL, reason=SKIP_REASON)

T = TypeVar("T")


def fresh_server() -> str:
    """The scratch database emptied (schema ``public`` dropped and made again); its address."""
    if not PG_URL:
        pytest.skip(SKIP_REASON)
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL


def server_tables(url: str) -> int:
    """How many tables the database at ``url`` holds in its schema ``public``."""
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(
            text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        ).scalar_one()
    engine.dispose()
    return int(n)


def as_login(url: str, login: str, member_of: str) -> str:
    """The address of ``url`` for a login role that is a member of ``member_of`` (made if missing; the
    scratch server trusts local connections, so no password is involved)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first() is None:
            conn.execute(text(f'CREATE ROLE "{login}" LOGIN'))
        conn.execute(text(f'GRANT "{member_of}" TO "{login}"'))
    engine.dispose()
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{login}@{rest.split('@', 1)[1]}"


# ----- one migrated database per session, put back between tests ----------------------------------------
SITE_DB = "mshtdesk_test_site"
SNAPSHOT = "mshtdesk_snapshot"  # a schema beside ``public`` holding the rows as first made


def second_writer_waits(
    engine: Engine, first: Callable[[Connection], T], second: Callable[[Connection], object]
) -> T:
    """Writer 1 runs ``first`` and holds its transaction open while writer 2 runs ``second`` in its own
    transaction on another thread; writer 2 must wait (for a lock writer 1 holds) and finish without an
    error once writer 1 commits. What ``first`` returned."""
    errors: list[BaseException] = []
    started = threading.Event()

    def second_writer() -> None:
        try:
            with engine.begin() as conn:
                started.set()
                second(conn)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    with engine.connect() as conn, conn.begin():
        result = first(conn)
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert started.wait(10)
        thread.join(1.0)
        assert thread.is_alive(), "writer 2 did not wait for writer 1"
    thread.join(30)
    assert not thread.is_alive() and not errors, errors
    return result


def act_as_app_role(conn: Connection, prefix: str) -> None:
    """In the caller's transaction (which it rolls back: roles, owners and grants are transactional on
    PostgreSQL): roles named ``prefix``, every table and the derived tables' trigger functions owned by
    the owner role as ``server setup`` leaves them, the grants applied, and the connection acting as the
    application role from here (``RESET ROLE`` ends it)."""
    from mshtdesk.store import derived
    from mshtdesk.store.server_roles import ServerRoles, apply_grants

    roles = ServerRoles.named(prefix)
    for role in roles.all():
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
    conn.execute(text(f'GRANT "{roles.owner}" TO CURRENT_USER'))
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
    for table in list(tables):
        conn.execute(text(f'ALTER TABLE "{table}" OWNER TO "{roles.owner}"'))
    for made in derived.every():
        for fn in made.pg_functions:
            conn.execute(text(f'ALTER FUNCTION {fn} OWNER TO "{roles.owner}"'))
    apply_grants(conn, roles)
    conn.execute(text(f'SET ROLE "{roles.app}"'))


def _with_database(url: str, name: str) -> str:
    """``url`` pointing at the database ``name`` on the same server."""
    base, _, _query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name


class PgSnapshot:
    """A database migrated once (``mshtdesk_test_site``), its rows copied to a snapshot schema, and put
    back before each test by one statement batch: every table emptied (``DELETE`` with triggers off,
    which also skips the append-only triggers and the foreign-key checks, so no ordering is needed), the
    snapshot rows inserted again, every sequence set back, and any trigger a test dropped made again.
    Measured on the
    CI-like server (2 shared cores, 27 tables, 9 of them with seed rows): ~2 ms a reset, against ~18 ms for
    ``TRUNCATE ... RESTART IDENTITY CASCADE`` of the same tables (a new file per table, before re-seeding)
    and ~46 ms for ``CREATE DATABASE ... TEMPLATE`` (plus a new connection, and none may be open on the
    template). Needs a superuser (``session_replication_role``); CI's throwaway server is
    ``trust``/``postgres``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._reset_sql = ""
        self._engine = create_engine(url, pool_size=1, max_overflow=0)  # one connection, kept

    def take(self) -> None:
        """Copy every table's rows and every sequence's position into the snapshot schema."""
        engine = create_engine(self.url)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SNAPSHOT}"))
            tables = list(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
                ).scalars()
            )
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM public."{t}"' for t in tables]
            for table in tables:
                conn.execute(text(f'CREATE TABLE {SNAPSHOT}."{table}" AS TABLE public."{table}"'))
                if conn.execute(text(f'SELECT count(*) FROM {SNAPSHOT}."{table}"')).scalar_one():
                    cols = ", ".join(
                        f'"{c}"'
                        for c in conn.execute(
                            text(
                                "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
                                "AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum"
                            ),
                            {"t": f'public."{table}"'},
                        ).scalars()
                    )
                    statements.append(
                        f'INSERT INTO public."{table}" ({cols}) OVERRIDING SYSTEM VALUE '
                        f'SELECT {cols} FROM {SNAPSHOT}."{table}"'
                    )
            for name, last, called in conn.execute(
                text(
                    "SELECT sequencename, last_value, last_value IS NOT NULL FROM pg_sequences "
                    "WHERE schemaname = 'public'"
                )
            ):
                if called:
                    statements.append(f"SELECT setval('public.\"{name}\"', {int(last)}, true)")
                else:
                    statements.append(f"SELECT setval('public.\"{name}\"', 1, false)")
            statements.append(self._triggers_back(conn))
        engine.dispose()
        self._reset_sql = ";\n".join(statements)

    @staticmethod
    def _triggers_back(conn: Connection) -> str:
        """A block that makes again any trigger a test dropped, and enables any it disabled (a tampering
        test drops the audit log's append-only trigger as a superuser would); other schema changes are
        for ``fresh_server``'s database, not this one."""
        rows = conn.execute(
            text(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = 'public' ORDER BY 1"
            )
        ).all()
        body = []
        for name, table, definition in rows:
            found = f"FROM pg_trigger WHERE tgname = '{name}' AND tgrelid = 'public.\"{table}\"'::regclass"
            body.append(f"IF NOT EXISTS (SELECT 1 {found}) THEN EXECUTE $def${definition}$def$; END IF;")
            body.append(
                f"IF EXISTS (SELECT 1 {found} AND tgenabled = 'D') THEN "
                f'EXECUTE \'ALTER TABLE public."{table}" ENABLE TRIGGER "{name}"\'; END IF;'
            )
        return "DO $restore$ BEGIN " + " ".join(body) + " END $restore$"

    def reset(self) -> None:
        """Every table back to the snapshot (one round trip)."""
        with self._engine.begin() as conn:
            conn.exec_driver_sql(self._reset_sql)

    def close(self) -> None:
        self._engine.dispose()


def site_database(name: str = SITE_DB) -> str:
    """The database ``name`` (default ``mshtdesk_test_site``) made afresh on the scratch server (dropped
    first, with any connection left by a crashed run); its address. Skips with the reason when there is
    no scratch server."""
    if not PG_URL:
        pytest.skip(SKIP_REASON)
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one():
            pytest.skip("a PostgreSQL snapshot needs a superuser on the scratch server")
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return _with_database(PG_URL, name)
