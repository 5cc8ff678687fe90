"""Copy every row of a laptop's database into an empty team database, inside the caller's transactions.

Rows keep their ids (the audit log names records by id, and the chain's hashes cover them), so the
copy is table by table in dependency order, each by ascending id (a correction points at an earlier
row of its own table), and the server's id sequences are moved past the copied ids afterwards. Nothing
is transformed: password hashes, public signing keys, the audit events with their hashes and
signatures, and ``audit_head`` arrive as they were, so ``audit verify`` walks the same chain there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from mshtdesk.errors import StoreError
from mshtdesk.store import derived
from mshtdesk.store.bulk import bulk_insert
from mshtdesk.store.server_roles import DERIVED, HISTORY, ROLE_SETTINGS
from mshtdesk.store.tables import SETTING, USER

BATCH = 2000
Progress = Callable[[str, int, int], None]
LAPTOP_ONLY_SETTINGS = frozenset({"backup_folder"})  # a folder on the laptop means nothing on the server


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


def clear_target(target: Connection) -> None:
    """Make room for the laptop's rows in a team database nobody has used: refuse one with users or
    history (someone worked in it), then remove what the migrations and set-up seeded (the empty
    chain's head, default reference rows), which the laptop's own rows replace. The roles' settings
    written by the set-up stay."""
    used = [USER, *(t for t in _tables() if t.name in HISTORY)]
    for table in used:
        if target.execute(select(func.count()).select_from(table)).scalar_one():
            raise StoreError(
                "The team database already holds records; import into an empty database. Nothing was changed."
            )
    for table in reversed(_tables()):
        if table.name in HISTORY:
            continue  # empty, as just checked; its triggers refuse a DELETE anyway
        stmt = delete(table)
        if table is SETTING:
            stmt = stmt.where(SETTING.c.key.not_in(ROLE_SETTINGS))
        target.execute(stmt)


def _copied(table: Table) -> Select[Any]:
    """The rows of ``table`` that move to the server (a laptop's own settings stay behind)."""
    stmt = select(table)
    if table is SETTING:
        stmt = stmt.where(SETTING.c.key.not_in(LAPTOP_ONLY_SETTINGS | set(ROLE_SETTINGS)))
    return stmt


def _rows(source: Connection, table: Table) -> Iterator[Sequence[Sequence[Any]]]:
    """The table's rows in batches, each row's values in ``table.c`` order."""
    result = source.execute(_copied(table).order_by(*table.primary_key.columns))
    while batch := result.fetchmany(BATCH):
        yield batch


#: What ``copy_rows`` tells its progress callback it is doing (a laptop of 100,000 arrests takes a minute).
COPYING = "Copying the laptop's records to the team server"
DERIVING = "Deriving the latest contacts and waiting referrals on the server"


def copy_rows(source: Connection, target: Connection, progress: Progress | None = None) -> dict[str, int]:
    """Every table's rows from ``source`` into the empty ``target``; the number copied, by table.
    ``progress(phase, done, total)`` hears the rows copied so far out of all of them after each batch."""
    clear_target(target)
    copied: dict[str, int] = {}
    tables = [t for t in _tables() if t.name not in DERIVED]  # the derived: rebuilt below, not copied
    total = sum(
        source.execute(select(func.count()).select_from(_copied(t).subquery())).scalar_one() for t in tables
    )
    done = 0
    with derived.paused_every(target):  # derived from the copied rows at the end, a statement each
        for table in tables:
            n = 0
            columns = [c.name for c in table.c]
            for batch in _rows(source, table):
                try:  # one COPY a batch (bulk_insert): 98 -> 65 s for a 100k-arrest laptop (1.65M rows)
                    bulk_insert(target, table, columns, batch)
                except DBAPIError as exc:  # a value the laptop's SQLite took but the server's types refuse
                    raise StoreError(
                        f"Rows of the laptop's {table.name} table do not fit the team database "
                        f"({type(exc.orig).__name__}); nothing was copied."
                    ) from None
                n += len(batch)
                done += len(batch)
                if progress is not None:
                    progress(COPYING, done, total)
            copied[table.name] = n
        if progress is not None:
            progress(DERIVING, 0, 0)
        derived.rebuild_every(target)
    _move_sequences(target)
    # The planner's statistics are those of the empty tables the set-up made, and autovacuum gets
    # round to 17 million rows in its own time: the first Today or COM summary after a move would be
    # planned for empty tables. A sample of each table, a few seconds at a million arrests.
    target.exec_driver_sql("ANALYZE")
    return copied


def _move_sequences(target: Connection) -> None:
    """Each serial id's sequence past the largest id copied, so the next row the app adds is new."""
    for table in _tables():
        if "id" not in table.c:
            continue
        sequence = target.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if sequence is None:  # an id the app assigns itself (the audit log's, from audit_head)
            continue
        top = target.execute(select(func.max(table.c.id))).scalar()
        if top is not None:
            target.execute(
                text("SELECT setval(CAST(:s AS regclass), :v, true)"), {"s": sequence, "v": int(top)}
            )
