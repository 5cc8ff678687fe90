"""``row_exists``: why the store never writes SQLAlchemy's bare ``exists()``."""

from __future__ import annotations

import re
from pathlib import Path

import sqlcipher3
from sqlalchemy import Column, Integer, MetaData, Table, exists, select
from sqlalchemy.dialects import sqlite

from mshtdesk.store.queries.probe import row_exists

ROOT = Path(__file__).resolve().parents[2]

_META = MetaData()
PARENT = Table("parent", _META, Column("id", Integer, primary_key=True))
CHILD = Table(
    "child",
    _META,
    Column("id", Integer, primary_key=True),
    Column("parent_id", Integer),
    Column("is_void", Integer),
    Column("note", Integer),
)


def _plan(probe: object) -> str:
    """SQLite's plan for the parents without a child in force, with ``probe`` as the EXISTS."""
    stmt = select(PARENT.c.id).where(
        ~probe.where(CHILD.c.parent_id == PARENT.c.id, CHILD.c.is_void == 0)  # type: ignore[attr-defined]
    )
    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    con = sqlcipher3.connect(":memory:")  # the driver the app runs on, and its SQLite
    con.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    con.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT, is_void INT, note INT)")
    con.execute("CREATE INDEX ix_child_parent ON child (parent_id)")
    con.execute("CREATE INDEX ix_child_covering ON child (parent_id, is_void)")
    return " / ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql))


def test_a_row_exists_probe_is_answered_from_the_covering_index() -> None:
    assert "COVERING INDEX ix_child_covering" in _plan(row_exists())
    assert "SELECT 1" in str(row_exists().where(CHILD.c.id == 1).compile(dialect=sqlite.dialect()))


def test_sqlalchemys_bare_exists_still_reads_the_table_so_the_helper_is_still_needed() -> None:
    """When this fails, SQLite has learnt to ignore ``*`` inside EXISTS; the helper can go."""
    assert "COVERING" not in _plan(exists())


def test_the_store_writes_no_bare_exists() -> None:
    bare = re.compile(r"(?<![\w.])exists\(\)|EXISTS\s*\(\s*SELECT\s+\*", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "mshtdesk").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if bare.search(line) and "``" not in line
    ]
    assert not found, "use store.queries.probe.row_exists(): " + ", ".join(found)
