"""The victim pathway's clocks (domain.md, "NRM"): when something is due, as a Europe/London calendar date.

Working-day clocks take the calendar explicitly, never a default, so the administrator's list of extra
non-working days is always applied. Calendar-day clocks are plain date arithmetic. A due date is the last
day on which doing the thing is on time. There is deliberately no Conclusive Grounds deadline: there is no
target in law or guidance (the 2023 median wait was 526 days), so the app shows how long a case has waited.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mshtdesk.domain.working_days import WorkingCalendar, as_calendar_date

LONDON = ZoneInfo("Europe/London")

#: Reasonable Grounds decision target: 5 working days from the referral (statutory guidance).
RG_DECISION_WORKING_DAYS = 5
#: Minimum recovery period after a positive RG; 45 days for positive RGs before the change below.
RECOVERY_PERIOD_DAYS = 30
RECOVERY_PERIOD_DAYS_BEFORE_2023 = 45
#: First day the 30-day minimum applies (statutory guidance in force after the 13/12/2022 statement).
RECOVERY_PERIOD_CHANGE = date(2023, 1, 30)
#: A reconsideration must be requested within 30 calendar days of a negative RG or CG.
RECONSIDERATION_WINDOW_DAYS = 30
#: Default interval between VLO contacts when the VLO sets no date (a setting; this is its default).
DEFAULT_VLO_CONTACT_INTERVAL_DAYS = 28
#: Victims' Code: victims entitled to enhanced rights (all MSHT victims by default) hear within 1 working day.
ENHANCED_NOTIFICATION_WORKING_DAYS = 1
STANDARD_NOTIFICATION_WORKING_DAYS = 5


def london_date(moment: datetime) -> date:
    """The day a moment falls on in London; a naive date-time is refused, since its day would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the date-time {moment.isoformat()} has no time zone, so its day is unknown")
    return moment.astimezone(LONDON).date()


def london_start(day: date) -> datetime:
    """The UTC instant at which London's calendar day ``day`` begins (a period of days as instants)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def rg_decision_expected(submitted: date, calendar: WorkingCalendar) -> date:
    """The 5th working day after the referral was submitted."""
    return calendar.add_working_days(submitted, RG_DECISION_WORKING_DAYS)


def recovery_period_days(rg_positive: date) -> int:
    """30 days, or 45 for a positive RG made before 30/01/2023."""
    rg_positive = as_calendar_date(rg_positive)
    return RECOVERY_PERIOD_DAYS if rg_positive >= RECOVERY_PERIOD_CHANGE else RECOVERY_PERIOD_DAYS_BEFORE_2023


def recovery_period_end(rg_positive: date) -> date:
    """The day the minimum recovery period has run: a CG dated before it is inside the period.

    Follows "a minimum period of 30 days must pass between a Reasonable Grounds and Conclusive Grounds
    decision": a CG exactly 30 days after the RG is not inside it.
    """
    return as_calendar_date(rg_positive) + timedelta(days=recovery_period_days(rg_positive))


def in_recovery_period(rg_positive: date, on: date) -> bool:
    """True from the positive RG's day until the day before ``recovery_period_end``."""
    return as_calendar_date(rg_positive) <= as_calendar_date(on) < recovery_period_end(rg_positive)


def reconsideration_window_end(negative_decision: date) -> date:
    """Last day to request a reconsideration of a negative RG or CG (later only in exceptional cases)."""
    return as_calendar_date(negative_decision) + timedelta(days=RECONSIDERATION_WINDOW_DAYS)


def vlo_next_contact_due(
    last_contact: date,
    set_by_vlo: date | None = None,
    interval_days: int = DEFAULT_VLO_CONTACT_INTERVAL_DAYS,
) -> date:
    """The date the VLO set at the last contact, else the last contact plus the configured interval."""
    if set_by_vlo is not None:
        return as_calendar_date(set_by_vlo)
    if interval_days < 1:
        raise ValueError(f"the contact interval must be at least 1 day, not {interval_days}")
    return as_calendar_date(last_contact) + timedelta(days=interval_days)


def decision_notification_due(decided: date, calendar: WorkingCalendar, *, enhanced: bool = True) -> date:
    """When the victim must hear of a charge, NFA, bail or RUI decision: 1 working day (enhanced), else 5."""
    n = ENHANCED_NOTIFICATION_WORKING_DAYS if enhanced else STANDARD_NOTIFICATION_WORKING_DAYS
    return calendar.add_working_days(decided, n)


def is_on_time(done: date, due: date) -> bool:
    """Done on or before the due date (the due date is the last day that counts as on time)."""
    return as_calendar_date(done) <= as_calendar_date(due)


def days_waiting(since: date, today: date) -> int:
    """Calendar days from ``since`` to ``today`` (0 the same day); a start in the future is a data error."""
    since, today = as_calendar_date(since), as_calendar_date(today)
    if since > today:
        raise ValueError(f"the start date {since.isoformat()} is after today ({today.isoformat()})")
    return (today - since).days
