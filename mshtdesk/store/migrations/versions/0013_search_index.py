"""search index: the global search's folded entries and FTS5 trigram index (SQLite), pg_trgm (PostgreSQL)

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-03 18:30:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection, text

from mshtdesk.store import search_index

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: ``store/search_index.py`` creates ``search_entry``, the FTS5 table over it and the triggers,
# and fills it from the tables (the migration's connection has ``msht_fold``, like every connection).
# PostgreSQL: a trigram GIN index over each kind's folded text where the pg_trgm extension is (or can
# be) installed; without it the search scans with LIKE, which is correct, only slower.


def _pg_trigram_indexes(conn: Connection) -> None:
    from mshtdesk.store.queries.search import pg_sources, whole

    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception:  # noqa: BLE001 - no right to install it: the search falls back to scanning
        return
    for source in pg_sources():
        expression = whole(source).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        table = source.table.name
        conn.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS ix_search_trgm_{source.kind.value} ON {table} "
                f"USING gin (({expression}) gin_trgm_ops)"
            )
        )


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search_index.install(conn)
    else:
        _pg_trigram_indexes(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search_index.uninstall(conn)
    else:
        for kind in ("person", "arrest", "referral", "contact"):
            conn.execute(text(f"DROP INDEX IF EXISTS ix_search_trgm_{kind}"))
