"""Working days in England and Wales, for the clocks that count them (RG decision, victim notification).

A working day is Monday to Friday and not an England & Wales bank holiday. Bank holidays come from the
``holidays`` package (offline, years computed on demand), because one-off days are announced at short
notice (2022 Jubilee and State Funeral, 2023 Coronation) and a police desktop cannot rely on fetching
GOV.UK's list. An administrator's list of extra non-working dates covers what the package lacks; a list
of dates to treat as working covers a package date the force does not observe.

"Within N working days of D" means the N-th working day after D; D itself is never counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType

_SATURDAY = 5


def as_calendar_date(value: date) -> date:
    """Refuse a date-time where a calendar date is meant.

    ``datetime`` is a subclass of ``date`` but never equals one, so a date-time would silently miss every
    holiday and break the arithmetic; the caller must first decide which day it falls on in London.
    """
    if isinstance(value, datetime):
        raise TypeError(f"expected a calendar date, got the date-time {value.isoformat()}; convert it first")
    if not isinstance(value, date):
        raise TypeError(f"expected a calendar date, got {type(value).__name__}")
    return value


@cache
def _table() -> dict[int, dict[date, str]]:
    from mshtdesk.domain.bank_holidays_table import DAYS

    years: dict[int, dict[date, str]] = {}
    for line in DAYS.splitlines():
        iso, name = line.split("|", 1)
        day = date.fromisoformat(iso)
        years.setdefault(day.year, {})[day] = name
    return years


@cache
def _bank_holidays_of(year: int) -> Mapping[date, str]:
    # One immutable mapping per year: the calendar stays a frozen value and is safe to share across threads.
    # The years the app meets come from a table generated from the package (tools/bank_holidays.py; a
    # test holds the two equal): importing the package costs a tenth of a second, paid by the first page
    # with a deadline on it. Other years ask the package itself.
    from mshtdesk.domain.bank_holidays_table import FIRST, LAST

    if FIRST <= year <= LAST:
        return MappingProxyType(dict(_table().get(year, {})))
    import holidays

    return MappingProxyType(dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items()))


def bank_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """England & Wales bank holidays of ``year`` (both the day and its substitute), to seed the admin list."""
    return tuple(sorted(_bank_holidays_of(year).items()))


def _sorted_dates(values: Iterable[date]) -> tuple[date, ...]:
    return tuple(sorted({as_calendar_date(v) for v in values}))


@dataclass(frozen=True)
class WorkingCalendar:
    """England & Wales bank holidays adjusted by an administrator's two lists.

    ``extra_non_working``: dates to treat as holidays (a newly announced one-off day, a force closure day).
    ``extra_working``: weekdays to treat as working although the package lists them as bank holidays.
    Both are stored sorted and de-duplicated so two calendars with the same lists compare equal.
    """

    extra_non_working: tuple[date, ...] = ()
    extra_working: tuple[date, ...] = ()
    _off: frozenset[date] = field(init=False, repr=False, compare=False)
    _on: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        off = _sorted_dates(self.extra_non_working)
        on = _sorted_dates(self.extra_working)
        both = sorted(set(off) & set(on))
        if both:
            raise ValueError(
                "A date cannot be both an extra working and an extra non-working day: "
                + ", ".join(d.isoformat() for d in both)
            )
        weekend = [d for d in on if d.weekday() >= _SATURDAY]
        if weekend:
            raise ValueError(
                "Only a weekday can be made a working day (working days are Monday to Friday): "
                + ", ".join(d.isoformat() for d in weekend)
            )
        object.__setattr__(self, "extra_non_working", off)
        object.__setattr__(self, "extra_working", on)
        object.__setattr__(self, "_off", frozenset(off))
        object.__setattr__(self, "_on", frozenset(on))

    def is_working_day(self, d: date) -> bool:
        """Monday to Friday, not a bank holiday (unless made working), not an extra non-working day."""
        d = as_calendar_date(d)
        if d.weekday() >= _SATURDAY:
            return False
        if d in self._on:
            return True
        return d not in self._off and d not in _bank_holidays_of(d.year)

    def non_working_weekday_name(self, d: date) -> str | None:
        """Why a weekday is not a working day (the holiday's name), for tooltips; None if it is one."""
        d = as_calendar_date(d)
        if d.weekday() >= _SATURDAY or d in self._on:
            return None
        if d in self._off:
            return "Non-working day (administrator's list)"
        return _bank_holidays_of(d.year).get(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``d`` itself never counted); ``n == 0`` gives ``d``."""
        d = as_calendar_date(d)
        if n < 0:
            raise ValueError(f"the number of working days must be 0 or more, not {n}")
        day = d
        left = n
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

        The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``,
        so "decided within 5 working days" is ``working_days_between(submitted, decided) <= 5``.
        """
        a, b = as_calendar_date(a), as_calendar_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        days = (b - a).days
        weeks, rest = divmod(days, 7)
        start = a.weekday()
        weekdays = weeks * 5 + sum(1 for k in range(1, rest + 1) if (start + k) % 7 < _SATURDAY)
        off = set(self._off)
        for year in range(a.year, b.year + 1):
            off.update(_bank_holidays_of(year))
        lost = sum(1 for x in off if a < x <= b and x.weekday() < _SATURDAY and x not in self._on)
        return weekdays - lost


#: No administrator adjustments: the package's England & Wales bank holidays only.
ENGLAND_AND_WALES = WorkingCalendar()
