"""The administrator's overrides of the England & Wales working calendar (``calendar_day``)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, delete, insert, select

from mshtdesk.store.tables import CALENDAR_DAY


class CalendarDay(NamedTuple):
    day: date
    working: bool
    label: str


def working_overrides(conn: Connection) -> list[tuple[date, bool]]:
    """Every override as ``(day, working)``, in no particular order (what the clocks need)."""
    return [
        (r.day, bool(r.working)) for r in conn.execute(select(CALENDAR_DAY.c.day, CALENDAR_DAY.c.working))
    ]


def calendar_days(conn: Connection) -> list[CalendarDay]:
    """Every override with its label, oldest day first."""
    rows = conn.execute(
        select(CALENDAR_DAY.c.day, CALENDAR_DAY.c.working, CALENDAR_DAY.c.label).order_by(CALENDAR_DAY.c.day)
    )
    return [CalendarDay(r.day, bool(r.working), r.label) for r in rows]


def has_day(conn: Connection, day: date) -> bool:
    return conn.execute(select(CALENDAR_DAY.c.day).where(CALENDAR_DAY.c.day == day)).first() is not None


def add_day(conn: Connection, day: date, working: bool, label: str) -> None:
    conn.execute(insert(CALENDAR_DAY).values(day=day, working=working, label=label))


def remove_day(conn: Connection, day: date) -> bool:
    """Take the day off the list; False when it was not on it."""
    return conn.execute(delete(CALENDAR_DAY).where(CALENDAR_DAY.c.day == day)).rowcount == 1
