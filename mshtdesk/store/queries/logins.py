"""Failed logins in a row on a team server (``login_failure``), counted by one atomic statement.

Twenty laptops log in to one server: a count read and then written back would lose failures made at the
same moment, so a failure is one ``INSERT ... ON CONFLICT DO UPDATE`` that starts a new run when the
last one is over (the lock expired, or no failure for the lockout period) and sets the lock on the
``max_failures``-th. The row lock that statement takes also orders two failures of the same name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, and_, case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from mshtdesk.store.tables import LOGIN_FAILURE

F = LOGIN_FAILURE


class FailureRun(NamedTuple):
    failures: int
    locked_until: datetime | None


def _over(now: datetime, period: timedelta) -> object:
    """The stored run is over: its lock has expired, or (no lock) its last failure is a period old."""
    return or_(
        and_(F.c.locked_until.is_not(None), F.c.locked_until <= now),
        and_(F.c.locked_until.is_(None), F.c.last_at <= now - period),
    )


def current_run(conn: Connection, slot: str, now: datetime, period: timedelta) -> FailureRun:
    """The failures in a row of ``slot`` that still count (none when the run is over)."""
    row = conn.execute(
        select(F.c.failures, F.c.locked_until).where(F.c.slot == slot, ~_over(now, period))  # type: ignore[operator]
    ).one_or_none()
    return FailureRun(0, None) if row is None else FailureRun(int(row.failures), row.locked_until)


def count_failure(
    conn: Connection, slot: str, now: datetime, period: timedelta, max_failures: int
) -> FailureRun:
    """One more failure for ``slot``, atomically; the run after it (locked on the ``max_failures``-th)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(F).values(slot=slot, failures=1, last_at=now, locked_until=None)
    failures = case((_over(now, period), 1), else_=F.c.failures + 1)  # type: ignore[arg-type]
    stmt = stmt.on_conflict_do_update(
        index_elements=[F.c.slot],
        set_={
            "failures": failures,
            "last_at": now,
            "locked_until": case((failures >= max_failures, now + period), else_=None),
        },
    ).returning(F.c.failures, F.c.locked_until)
    row = conn.execute(stmt).one()
    until = row.locked_until if int(row.failures) >= max_failures else None
    return FailureRun(int(row.failures), until)


def clear_failures(conn: Connection, slot: str) -> None:
    conn.execute(delete(F).where(F.c.slot == slot))
