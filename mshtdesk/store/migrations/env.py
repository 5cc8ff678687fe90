"""Alembic environment: always handed a connection by ``mshtdesk.store.migrate`` (no alembic.ini)."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from mshtdesk.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
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
