"""The working calendar as this database configures it: England & Wales bank holidays plus the
administrator's overrides in ``calendar_day``. Every clock that counts working days reads it here."""

from __future__ import annotations

from sqlalchemy import Connection, select

from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.store.tables import CALENDAR_DAY


def load_calendar(conn: Connection) -> WorkingCalendar:
    """One query; the overrides are a handful of rows, so callers load it once per operation."""
    rows = conn.execute(select(CALENDAR_DAY.c.day, CALENDAR_DAY.c.working)).all()
    return WorkingCalendar(
        extra_non_working=tuple(d for d, working in rows if not working),
        extra_working=tuple(d for d, working in rows if working),
    )
