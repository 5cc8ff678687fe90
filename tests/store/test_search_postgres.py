"""The global search's pg_trgm indexes (migration 0013) on a migrated team server: one per kind of
record. What the search finds, how it ranks and whom it shows runs on both engines in
tests/services/test_search.py; this is the one thing only a server has.

Runs when MSHTDESK_TEST_PG_URL names a scratch database (skips with the reason otherwise).
"""

from __future__ import annotations

from sqlalchemy import text

from mshtdesk.domain.search import Kind
from mshtdesk.store.database import Database
from tests.postgres import PgSnapshot


def test_every_kind_has_its_trigram_index(pg_snapshot: PgSnapshot) -> None:
    pg_snapshot.reset()
    db = Database(pg_snapshot.url)
    try:
        with db.engine.connect() as conn:
            indexes = set(
                conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_trgm_%'")
                ).scalars()
            )
    finally:
        db.close()
    assert indexes == {f"ix_search_trgm_{k.value}" for k in Kind}
