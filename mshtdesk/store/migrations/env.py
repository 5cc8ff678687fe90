"""Alembic environment: always handed a connection by ``mshtdesk.store.migrate`` (no alembic.ini)."""

from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from mshtdesk.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


#: Kept out of the models on purpose (store/search_index.py): the SQLite search index and its FTS5 tables,
#: and PostgreSQL's trigram indexes for the same search.
SEARCH_OBJECTS = ("search_", "ix_search_trgm_")


def _include_name(name: str | None, type_: str, _parents: Any) -> bool:
    return not (type_ in ("table", "index") and name is not None and name.startswith(SEARCH_OBJECTS))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_conn = context.config.attributes.get("connection")
if _conn is None:
    raise RuntimeError("Migrations run from mshtdesk.store.migrate, which passes a connection.")
_run(_conn)
