"""A team server's connection lost under a read or a save (``services/reconnect.py``), on a server of the
test's own: what was cut off before its COMMIT is run again and saved once; what was cut off at its
COMMIT is never run again and the user is told to check; a server that stays away is said to be away.

The connection is cut at an exact point by the server itself (``pg_terminate_backend`` from a second
connection, called from an engine event), or the whole server is stopped and started again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, event, text

from mshtdesk.domain.roles import Role
from mshtdesk.errors import (
    CancelledError,
    ConflictError,
    DatabaseUnavailableError,
    SaveOutcomeUnknownError,
    ServerConnectionLostError,
    connection_lost,
    environmental,
)
from mshtdesk.services.audit import verify_chain
from mshtdesk.services.backend import Backend
from mshtdesk.services.reconnect import NOT_DONE, UNKNOWN, guarded
from mshtdesk.services.register import ArrestInput, ArrestQuery
from tests.conftest import USERS
from tests.reliability.pg_cluster import Cluster, own_cluster

OFFICER = USERS[Role.HTT_OFFICER]
QUICK = (0.05, 0.05, 0.05)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from own_cluster()


@pytest.fixture(scope="module")
def site(cluster: Cluster) -> Iterator[Backend]:
    """The team database with an administrator and an officer; the officer's session."""
    admin = USERS[Role.ADMINISTRATOR]
    created = Backend.create(cluster.url, admin.username, admin.password)
    created.users.add_user(OFFICER.username, "Officer", Role.HTT_OFFICER, OFFICER.password)
    created.close()
    officer = Backend.login(cluster.url, OFFICER.username, OFFICER.password)
    yield officer
    officer.close()


def cut_connection(url: str, conn: Any) -> None:
    """End the server process behind ``conn`` (a SQLAlchemy connection), waiting until it is gone."""
    pid = conn.connection.driver_connection.info.backend_pid
    killer = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True)
    with killer:
        killer.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


def stored(engine: Engine, custody_ref: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM arrest WHERE custody_ref = :r"), {"r": custody_ref}
            ).scalar_one()
        )


def new_arrest(ref: str) -> ArrestInput:
    return ArrestInput(ref, date(2022, 6, 1), "LD")


def test_a_save_cut_off_before_its_commit_is_saved_once(cluster: Cluster, site: Backend) -> None:
    engine = site.db.engine
    cuts: list[str] = []

    def before(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "INSERT INTO audit_event" in statement and not cuts:  # the arrest is written, the audit next
            cuts.append(statement)
            cut_connection(cluster.url, conn)

    event.listen(engine, "before_cursor_execute", before)
    states: list[bool] = []
    try:
        aid = guarded(
            lambda: site.register.create_arrest(new_arrest("CUT-BEFORE"), [("O1", "MSA s.2")]),
            on_state=states.append,
            pauses=QUICK,
        )
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert len(cuts) == 1, "the connection was cut once, mid-transaction"
    assert states == [False, True], "lost, then back: what the status bar shows"
    assert stored(engine, "CUT-BEFORE") == 1, "run again once and saved once, not twice"
    assert site.register.get(aid, consult=False).custody_ref == "CUT-BEFORE"
    assert verify_chain(site.db).ok


def test_a_save_cut_off_at_its_commit_is_not_run_again(cluster: Cluster, site: Backend) -> None:
    engine = site.db.engine
    attempts: list[int] = []

    def at_commit(conn: Any) -> None:
        attempts.append(1)
        cut_connection(cluster.url, conn)  # the COMMIT is on its way: whether it lands is unknown

    def save() -> int:
        event.listen(engine, "commit", at_commit)
        try:
            return site.register.create_arrest(new_arrest("CUT-AT-COMMIT"), [("O1", "MSA s.2")])
        finally:
            event.remove(engine, "commit", at_commit)

    with pytest.raises(SaveOutcomeUnknownError) as info:
        guarded(save, pauses=QUICK)
    assert attempts == [1], "never run again after its COMMIT was sent"
    assert str(info.value) == UNKNOWN
    assert str(info.value).count(".") == 1 and "check" in str(info.value), "one sentence, saying what to do"
    assert stored(engine, "CUT-AT-COMMIT") <= 1
    assert verify_chain(site.db).ok
    # The user checks, finds it missing (the server never received the COMMIT here) and saves it again.
    guarded(lambda: site.register.create_arrest(new_arrest("CUT-AT-COMMIT"), [("O1", "MSA s.2")]))
    assert stored(engine, "CUT-AT-COMMIT") == 1


def test_a_read_waits_for_a_restarted_server(cluster: Cluster, site: Backend) -> None:
    site.register.create_arrest(new_arrest("READ-ME"), [("O1", "MSA s.2")])
    cluster.stop()
    restart = threading.Timer(1.5, cluster.start)
    restart.start()
    states: list[bool] = []
    try:
        rows = guarded(
            lambda: site.register.page(ArrestQuery(text="READ-ME"), limit=10), on_state=states.append
        )
    finally:
        restart.join()
    assert [r.custody_ref for r in rows] == ["READ-ME"]
    assert states == [False, True]


def test_an_idle_session_reads_after_a_restart_without_noticing(cluster: Cluster, site: Backend) -> None:
    site.register.count(ArrestQuery())  # a pooled connection, then the server restarts under it
    cluster.restart()
    states: list[bool] = []
    assert guarded(lambda: site.register.count(ArrestQuery()), on_state=states.append) >= 1
    assert states == [], "the pool's pre-ping replaced the dead connection: no retry was needed"


def test_a_server_that_stays_away_is_said_to_be_away_and_nothing_is_saved(
    cluster: Cluster, site: Backend
) -> None:
    cluster.stop()
    try:
        attempts: list[int] = []

        def save() -> int:
            attempts.append(1)
            return site.register.create_arrest(new_arrest("AWAY-1"), [("O1", "MSA s.2")])

        with pytest.raises(ServerConnectionLostError) as info:
            guarded(save, pauses=QUICK)
        assert str(info.value) == NOT_DONE
        assert len(attempts) == len(QUICK) + 1, "tried, then once after each pause"
        with pytest.raises(CancelledError):  # Cancel during a pause: true, since nothing was saved
            guarded(save, pauses=(5.0,), cancelled=lambda: True)
    finally:
        cluster.start()
    guarded(save)  # the user saves again once the server is back
    assert stored(site.db.engine, "AWAY-1") == 1


def test_other_errors_on_a_server_are_not_retried(site: Backend) -> None:
    aid = site.register.create_arrest(new_arrest("CONFLICT-1"), [("O1", "MSA s.2")])
    site.register.update_arrest(aid, 1, new_arrest("CONFLICT-1"))
    attempts: list[int] = []

    def stale_save() -> int:
        attempts.append(1)
        return site.register.update_arrest(aid, 1, new_arrest("CONFLICT-1"))

    with pytest.raises(ConflictError):
        guarded(stale_save, pauses=QUICK)
    assert attempts == [1]


def test_what_counts_as_a_lost_connection() -> None:
    refused = psycopg.OperationalError("connection failed: Connection refused")
    assert connection_lost(refused)
    assert connection_lost(psycopg.errors.AdminShutdown("terminating connection"))
    assert not connection_lost(psycopg.errors.UniqueViolation("duplicate key"))
    assert not connection_lost(psycopg.errors.SerializationFailure("could not serialize"))
    assert not connection_lost(sqlite3.OperationalError("database is locked")), "a file has no connection"
    assert not connection_lost(ValueError("x"))
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = refused
    assert connection_lost(wrapped)
    # Outside the guard the message cannot know whether a save landed, so it says to check.
    found = environmental(refused)
    assert isinstance(found, DatabaseUnavailableError) and "check whether" in str(found)


def test_on_a_file_the_guard_changes_nothing(backend: Backend) -> None:
    attempts: list[int] = []

    def locked() -> None:
        attempts.append(1)
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        guarded(locked, pauses=QUICK)
    assert attempts == [1]
    assert guarded(lambda: backend.register.count(ArrestQuery())) >= 0
