"""The migrations on PostgreSQL: from an empty database to head, the models agree, and every step down
and up again (each revision's ``downgrade`` undone by its ``upgrade``) leaves the same schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, text

from mshtdesk.errors import NewerDatabaseError
from mshtdesk.store.database import open_database
from mshtdesk.store.migrate import alembic_config, check_models_match, head_revision
from tests.postgres import fresh_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server() -> Iterator[Engine]:
    """The scratch database emptied; an engine on it (skips with the reason without a server)."""
    engine = create_engine(fresh_server())
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
        found["triggers"] = sorted(
            conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
        )
    return found


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


def test_every_revision_goes_down_and_up_again(server: Engine) -> None:
    cfg = alembic_config()
    with server.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    at_head = schema(server)
    with server.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with server.connect() as conn:
        left = set(inspect(conn).get_table_names()) - {"alembic_version"}
    assert left == set(), f"downgrade to base left {left}"
    with server.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert schema(server) == at_head
    # one step at a time, from head down to the first: each step down and up again is the identity
    for revision in _revisions():
        before = schema(server)
        with server.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "-1")
            command.upgrade(cfg, "+1")
        assert schema(server) == before, f"revision {revision} down and up again differs"
        with server.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "-1")
    with server.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert schema(server) == at_head


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
