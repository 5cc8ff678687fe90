"""The arrests list's ORDER BY says ``NULLS LAST`` only where a NULL can occur: on PostgreSQL (NULLs first
when descending) it would otherwise keep the first page from being read from ``ix_arrest_period`` and
sort every arrest instead (29 ms against 3 ms at 20,000 arrests; tests/benchmarks/engines.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.dialects import postgresql

from mshtdesk.store.queries.arrests import ArrestQuery, page_arrests


class _Capture:
    """A stand-in connection that keeps the statement the list would run (the SQL only, no data)."""

    def __init__(self) -> None:
        self.sql = ""

    def execute(self, stmt: Any) -> list[Any]:
        self.sql = str(stmt.compile(dialect=postgresql.dialect()))
        return []


@pytest.mark.parametrize(
    ("sort", "nulls_last"),
    [("arrest_date", False), ("custody_ref", False), ("district", False), ("disposal", True)],
)
def test_nulls_last_only_where_a_null_can_be(sort: str, nulls_last: bool) -> None:
    conn = _Capture()
    page_arrests(conn, ArrestQuery(), sort=sort)  # type: ignore[arg-type]
    order = conn.sql.split("ORDER BY", 1)[1]
    assert ("NULLS LAST" in order) is nulls_last, order
