"""Every revision's step down and up again (its ``downgrade`` undone by its ``upgrade``) leaves the same
schema, on PostgreSQL and on the laptop's SQLite (whose batch migrations copy tables, and can lose what a
copy drops: triggers). A new database, models against migrations and a newer schema, on both engines:
tests/store/test_migrations.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from mshtdesk.store import search_index
from mshtdesk.store.engine import make_engine
from mshtdesk.store.migrate import alembic_config
from tests.postgres import fresh_server

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each engine: a new plain file, or the emptied scratch server (whose half
    skips with the reason without one); opened as the app's migration opens it."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'round-trip.db'}", foreign_keys=False)
    else:
        engine = make_engine(fresh_server())
    yield engine
    engine.dispose()


def schema(engine: Engine) -> dict[str, object]:
    """Every table's columns, indexes, foreign keys and triggers: what a round trip must put back."""
    found: dict[str, object] = {}
    with engine.connect() as conn:
        insp = inspect(conn)
        for table in sorted(insp.get_table_names()):
            found[table] = (
                [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
                sorted(
                    (i["name"] or "", tuple(i["column_names"]), i["unique"]) for i in insp.get_indexes(table)
                ),
                sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in insp.get_foreign_keys(table)
                ),
            )
        if conn.dialect.name == "sqlite":
            triggers = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            triggers = text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        found["triggers"] = sorted(conn.execute(triggers).scalars())
    return found


def _move(engine: Engine, *steps: tuple[str, str]) -> None:
    """Run ``("upgrade" | "downgrade", target)`` steps in one transaction, as ``migrate`` does: on SQLite
    the search index's triggers are put back after an upgrade (a batch migration's copy drops them)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for direction, target in steps:
            getattr(command, direction)(cfg, target)
        if conn.dialect.name == "sqlite" and steps[-1][0] == "upgrade" and steps[-1][1] == "head":
            search_index.ensure(conn)


def test_every_revision_goes_down_and_up_again(empty: Engine) -> None:
    _move(empty, ("upgrade", "head"))
    at_head = schema(empty)
    _move(empty, ("downgrade", "base"))
    with empty.connect() as conn:
        left = set(inspect(conn).get_table_names()) - {"alembic_version"}
    assert left == set(), f"downgrade to base left {left}"
    _move(empty, ("upgrade", "head"))
    assert schema(empty) == at_head
    # one step at a time, from head down to the first: each step down and up again is the identity
    for revision in _revisions():
        before = schema(empty)
        _move(empty, ("downgrade", "-1"), ("upgrade", "+1"))
        assert schema(empty) == before, f"revision {revision} down and up again differs"
        _move(empty, ("downgrade", "-1"))
    _move(empty, ("upgrade", "head"))
    assert schema(empty) == at_head


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    return [s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
