"""The working calendar as this database configures it: England & Wales bank holidays plus the
administrator's overrides in ``calendar_day``. Every clock that counts working days reads it here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import text_problem
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.errors import NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import writes
from mshtdesk.store.database import Database
from mshtdesk.store.queries import calendar as q


def load_calendar(conn: Connection) -> WorkingCalendar:
    """One query; the overrides are a handful of rows, so callers load it once per operation."""
    rows = q.working_overrides(conn)
    return WorkingCalendar(
        extra_non_working=tuple(d for d, working in rows if not working),
        extra_working=tuple(d for d, working in rows if working),
    )


@dataclass(frozen=True)
class CalendarOverride:
    """One administrator's change: ``working`` False adds a non-working day, True makes a bank holiday
    a normal working day."""

    day: date
    working: bool
    label: str


class CalendarService:
    """The administrator's list of extra non-working days and worked bank holidays.

    Anyone may read it (it is reference data that every clock uses); only an administrator changes it,
    and each change is recorded, because it moves every working-day deadline in the app.
    """

    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def list(self) -> list[CalendarOverride]:
        """Every override, oldest day first."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        with self._db.engine.connect() as conn:
            rows = q.calendar_days(conn)
        return [CalendarOverride(day=r.day, working=r.working, label=r.label) for r in rows]

    def calendar(self) -> WorkingCalendar:
        """The working calendar the clocks use (bank holidays with these overrides)."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        with self._db.engine.connect() as conn:
            return load_calendar(conn)

    @writes(Data.CALENDAR)
    def add(self, day: date, *, working: bool = False, label: str = "") -> None:
        """Add a non-working day (``working`` False) or make a bank holiday a working day (True)."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        label = label.strip()
        if len(label) > 120:
            raise ValidationError({"label": "At most 120 characters."})
        if (problem := text_problem(label)) is not None:
            raise ValidationError({"label": problem})
        with self._db.engine.begin() as conn:
            current = load_calendar(conn)
            if q.has_day(conn, day):
                raise ValidationError(
                    {"day": f"{uk(day)} is already on the list; remove it first to change it."}
                )
            if working:
                if day.weekday() >= 5:
                    raise ValidationError(
                        {"day": f"{uk(day)} is a weekend day; only a weekday can be made a working day."}
                    )
                if current.is_working_day(day):
                    raise ValidationError({"day": f"{uk(day)} is already a working day."})
            elif not current.is_working_day(day):
                raise ValidationError({"day": f"{uk(day)} is already a non-working day."})
            q.add_day(conn, day, working, label)
            record(
                conn,
                self._actor,
                AuditAction.ADMINISTER,
                Entity.REFERENCE,
                f"calendar:{day.isoformat()}",
                fields=("working" if working else "non_working", "label"),
            )

    @writes(Data.CALENDAR)
    def remove(self, day: date) -> None:
        """Take a day off the list: it goes back to the England & Wales default."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        with self._db.engine.begin() as conn:
            if not q.remove_day(conn, day):
                raise NotFoundError(f"{uk(day)} is not on the list of calendar changes.")
            record(
                conn,
                self._actor,
                AuditAction.ADMINISTER,
                Entity.REFERENCE,
                f"calendar:{day.isoformat()}",
                fields=("removed",),
            )
