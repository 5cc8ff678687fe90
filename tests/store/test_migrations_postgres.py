"""The migrations on PostgreSQL: from an empty database to head, the models agree, and every step down
and up again (each revision's ``downgrade`` undone by its ``upgrade``) leaves the same schema; that round
trip runs on the laptop's SQLite too (its batch migrations copy tables, and can lose what a copy drops)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, text

from mshtdesk.errors import NewerDatabaseError
from mshtdesk.store import search_index
from mshtdesk.store.database import open_database
from mshtdesk.store.engine import make_engine
from mshtdesk.store.migrate import alembic_config, check_models_match, head_revision
from tests.postgres import fresh_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server() -> Iterator[Engine]:
    """The scratch database emptied; an engine on it (skips with the reason without a server)."""
    engine = create_engine(fresh_server())
    yield engine
    engine.dispose()


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


def test_an_empty_server_database_is_migrated_to_head(server: Engine) -> None:
    db = open_database(str(server.url.render_as_string(hide_password=False)))
    db.close()
    with server.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        assert conn.execute(text("SELECT COUNT(*) FROM disposal_type")).scalar() == 7
        districts = conn.execute(text("SELECT code FROM district ORDER BY sort_order")).scalars().all()
        assert districts == ["BD", "CD", "KD", "LD", "WD"]  # the default profile, as on the laptop
        # the history is kept on the server by triggers, not only by grants
        assert conn.execute(
            text("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE '%_not_truncated'")
        ).scalar()
    check_models_match(server)


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


def test_a_newer_server_schema_is_refused_without_harm(server: Engine) -> None:
    url = server.url.render_as_string(hide_password=False)
    open_database(url).close()
    with server.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(NewerDatabaseError):
        open_database(url)
    with server.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    return [s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
