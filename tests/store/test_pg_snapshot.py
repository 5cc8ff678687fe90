"""The shared PostgreSQL database of the tests is put back whole between tests (tests/postgres.py): what
one test wrote is gone, ids start again where they did, and the append-only triggers are on again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from tests.conftest import SEED_EXPORT, USERS
from tests.postgres import PgSnapshot


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("arrest", "audit_event", "app_user", "disposal_type", "import_batch")
        }


def test_a_reset_puts_every_row_and_id_back(pg_snapshot: PgSnapshot) -> None:
    pg_snapshot.reset()
    db = Database(pg_snapshot.url)
    before = _counts(db)
    officer = Backend.as_user(db, USERS[Role.HTT_OFFICER].username)
    officer.import_file(str(SEED_EXPORT))
    with db.engine.connect() as conn:
        first_id = conn.execute(text("SELECT min(id) FROM arrest")).scalar_one()
    after = _counts(db)
    assert after["arrest"] > 0 and after["audit_event"] > before["audit_event"]
    db.close()

    pg_snapshot.reset()
    db = Database(pg_snapshot.url)
    assert _counts(db) == before
    assert before["app_user"] == len(USERS) and before["disposal_type"] == 7
    officer = Backend.as_user(db, USERS[Role.HTT_OFFICER].username)
    officer.import_file(str(SEED_EXPORT))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT min(id) FROM arrest")).scalar_one() == first_id  # ids restart
    # the triggers were off only inside the reset's own transaction
    with pytest.raises(DBAPIError), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    db.close()
