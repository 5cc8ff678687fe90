"""The record of printed and exported reports: one row per disclosure, read back newest first."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select

from mshtdesk.store.tables import REPORT_RUN


class StoredRun(NamedTuple):
    id: int
    report: str
    period_from: date
    period_to: date
    as_at: date
    public: bool
    classification: str
    output_format: str
    file_name: str
    sha256: str
    size_bytes: int
    parameters: str  # JSON
    reason: str
    username: str
    created_at: datetime  # naive UTC from SQLite in some paths


_COLUMNS = tuple(REPORT_RUN.c[name] for name in StoredRun._fields)


def insert_run(conn: Connection, values: dict[str, Any]) -> int:
    """Record one run (``values``: the ``report_run`` columns); its id."""
    inserted = conn.execute(insert(REPORT_RUN).values(**values)).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def count_runs(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(REPORT_RUN)).scalar_one())


def page_runs(conn: Connection, *, offset: int, limit: int) -> list[StoredRun]:
    """One page of runs, newest first."""
    q = select(*_COLUMNS).order_by(REPORT_RUN.c.created_at.desc(), REPORT_RUN.c.id.desc())
    return [StoredRun._make(r) for r in conn.execute(q.offset(offset).limit(limit))]


def get_run(conn: Connection, run_id: int) -> StoredRun | None:
    row = conn.execute(select(*_COLUMNS).where(REPORT_RUN.c.id == run_id)).first()
    return None if row is None else StoredRun._make(row)
