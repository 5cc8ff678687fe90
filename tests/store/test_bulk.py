"""``store.bulk.bulk_insert``, the imports' write: on a team server one ``COPY`` a table, whose failures
must reach the import as an INSERT's would (SQLAlchemy's errors), so that another user's clashing row
and a dropped connection are still told apart from a fault."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from mshtdesk.errors import connection_lost
from mshtdesk.store.bulk import bulk_insert
from tests.postgres import fresh_server, needs_postgres

PROBE = Table(
    "bulk_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("ref", String(20), nullable=False, unique=True),
    Column("note", String(200)),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        made = create_engine(fresh_server())  # skips with the reason when there is no scratch server
    else:
        made = create_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    PROBE.metadata.create_all(made)
    yield made
    made.dispose()


def stored(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [(r.ref, r.note) for r in conn.execute(select(PROBE.c.ref, PROBE.c.note).order_by(PROBE.c.id))]


def test_rows_go_in_as_given_and_a_clash_is_an_integrity_error(engine: Engine) -> None:
    with engine.begin() as conn:
        bulk_insert(conn, PROBE, ("ref", "note"), [("A-1", None), ("A-2", "\\N"), ("A-3", "")])
    with pytest.raises(IntegrityError), engine.begin() as conn:  # another user's row, already there
        bulk_insert(conn, PROBE, ("ref", "note"), [("A-4", "new"), ("A-2", "again")])
    assert stored(engine) == [("A-1", None), ("A-2", "\\N"), ("A-3", "")]  # nothing of the failed batch


@needs_postgres
def test_a_connection_dropped_before_the_copy_is_a_lost_connection() -> None:
    engine = create_engine(fresh_server())
    PROBE.metadata.create_all(engine)
    conn = engine.connect()
    conn.begin()
    pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        while other.execute(gone, {"pid": pid}).scalar_one():
            time.sleep(0.01)
    with pytest.raises(DBAPIError) as info:
        bulk_insert(conn, PROBE, ("ref", "note"), [("B-1", "lost")])
    assert connection_lost(info.value) and info.value.connection_invalidated
    conn.close()
    with engine.connect() as fresh:  # the pool gave up the dead connection: the next one works
        assert fresh.execute(select(func.count()).select_from(PROBE)).scalar_one() == 0
    engine.dispose()
