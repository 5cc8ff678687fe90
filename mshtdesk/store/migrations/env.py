"""Alembic environment: always handed a connection by ``mshtdesk.store.migrate`` (no alembic.ini)."""

from alembic import context

from mshtdesk.store import tables

target_metadata = tables.SQLModel.metadata


def _run(connection):  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_conn = context.config.attributes.get("connection")
if _conn is None:
    raise RuntimeError("Migrations run from mshtdesk.store.migrate, which passes a connection.")
_run(_conn)
