from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mshtdesk.domain import clocks
from mshtdesk.domain.clocks import (
    days_waiting,
    decision_notification_due,
    in_recovery_period,
    is_on_time,
    london_date,
    reconsideration_window_end,
    recovery_period_days,
    recovery_period_end,
    rg_decision_expected,
    vlo_next_contact_due,
)
from mshtdesk.domain.working_days import ENGLAND_AND_WALES, WorkingCalendar

D = date
EW = ENGLAND_AND_WALES


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (D(2024, 3, 4), D(2024, 3, 11)),  # Monday -> next Monday
        (D(2024, 3, 8), D(2024, 3, 15)),  # Friday -> next Friday
        (D(2024, 3, 9), D(2024, 3, 15)),  # submitted on a Saturday: Mon..Fri
        (D(2022, 6, 1), D(2022, 6, 10)),  # Platinum Jubilee Thursday and Friday
        (D(2022, 9, 13), D(2022, 9, 21)),  # State Funeral Monday
        (D(2023, 5, 2), D(2023, 5, 10)),  # Coronation Monday
        (D(2022, 12, 21), D(2022, 12, 30)),  # Christmas 2022 (Boxing Day + substitute)
        (D(2021, 12, 22), D(2021, 12, 31)),  # Christmas 2021 (two substitutes)
        (D(2027, 12, 22), D(2027, 12, 31)),  # Christmas 2027 (two substitutes)
        (D(2024, 3, 27), D(2024, 4, 5)),  # Easter 2024
    ],
)
def test_rg_decision_expected_on_the_fifth_working_day(submitted: date, expected: date) -> None:
    assert rg_decision_expected(submitted, EW) == expected


def test_rg_decision_expected_uses_the_administrator_list() -> None:
    cal = WorkingCalendar(extra_non_working=(D(2024, 3, 11),))
    assert rg_decision_expected(D(2024, 3, 4), cal) == D(2024, 3, 12)


@pytest.mark.parametrize(
    ("rg", "days", "end"),
    [
        (D(2023, 1, 30), 30, D(2023, 3, 1)),  # first day of the 30-day rule
        (D(2023, 1, 29), 45, D(2023, 3, 15)),  # last day of the 45-day rule
        (D(2022, 12, 13), 45, D(2023, 1, 27)),  # the statement's day: guidance not yet in force
        (D(2024, 2, 1), 30, D(2024, 3, 2)),  # leap year
        (D(2024, 12, 15), 30, D(2025, 1, 14)),  # across the year end; calendar days, holidays count
    ],
)
def test_recovery_period(rg: date, days: int, end: date) -> None:
    assert recovery_period_days(rg) == days
    assert recovery_period_end(rg) == end


def test_in_recovery_period_boundaries() -> None:
    rg = D(2024, 2, 1)
    end = recovery_period_end(rg)
    assert not in_recovery_period(rg, rg - timedelta(days=1))
    assert in_recovery_period(rg, rg)
    assert in_recovery_period(rg, end - timedelta(days=1))
    assert not in_recovery_period(rg, end)  # 30 days have passed: a CG is no longer early


@pytest.mark.parametrize(
    ("decided", "end"),
    [
        (D(2024, 1, 31), D(2024, 3, 1)),
        (D(2023, 1, 31), D(2023, 3, 2)),
        (D(2024, 12, 20), D(2025, 1, 19)),  # a Sunday: calendar days are not moved to a working day
    ],
)
def test_reconsideration_window(decided: date, end: date) -> None:
    assert reconsideration_window_end(decided) == end
    assert is_on_time(end, reconsideration_window_end(decided))
    assert not is_on_time(end + timedelta(days=1), reconsideration_window_end(decided))


def test_vlo_next_contact_defaults_to_28_days() -> None:
    assert vlo_next_contact_due(D(2024, 1, 31)) == D(2024, 2, 28)
    assert vlo_next_contact_due(D(2024, 2, 1)) == D(2024, 2, 29)


def test_vlo_next_contact_takes_the_date_the_vlo_set() -> None:
    assert vlo_next_contact_due(D(2024, 1, 31), set_by_vlo=D(2024, 2, 7)) == D(2024, 2, 7)
    # The VLO's date wins even when later than the default.
    assert vlo_next_contact_due(D(2024, 1, 31), set_by_vlo=D(2024, 4, 1)) == D(2024, 4, 1)


def test_vlo_next_contact_interval_is_a_setting() -> None:
    assert vlo_next_contact_due(D(2024, 1, 31), interval_days=14) == D(2024, 2, 14)
    with pytest.raises(ValueError, match="at least 1 day"):
        vlo_next_contact_due(D(2024, 1, 31), interval_days=0)


@pytest.mark.parametrize(
    ("decided", "enhanced", "due"),
    [
        (D(2024, 3, 4), True, D(2024, 3, 5)),
        (D(2024, 3, 8), True, D(2024, 3, 11)),  # Friday decision: Monday
        (D(2022, 9, 16), True, D(2022, 9, 20)),  # State Funeral Monday skipped
        (D(2022, 9, 16), False, D(2022, 9, 26)),
        (D(2022, 6, 1), True, D(2022, 6, 6)),  # Jubilee
        (D(2023, 5, 5), True, D(2023, 5, 9)),  # Coronation
        (D(2027, 12, 24), True, D(2027, 12, 29)),
        (D(2027, 12, 24), False, D(2028, 1, 5)),  # 29, 30, 31 Dec, 4, 5 Jan (3 Jan: New Year substitute)
    ],
)
def test_decision_notification_due(decided: date, enhanced: bool, due: date) -> None:
    assert decision_notification_due(decided, EW, enhanced=enhanced) == due


def test_decision_notification_defaults_to_enhanced_rights() -> None:
    assert decision_notification_due(D(2024, 3, 4), EW) == D(2024, 3, 5)


def test_is_on_time_includes_the_due_day() -> None:
    due = D(2024, 3, 5)
    assert is_on_time(D(2024, 3, 4), due)
    assert is_on_time(due, due)
    assert not is_on_time(D(2024, 3, 6), due)


def test_days_waiting() -> None:
    assert days_waiting(D(2024, 3, 4), D(2024, 3, 4)) == 0
    assert days_waiting(D(2024, 2, 28), D(2024, 3, 1)) == 2  # leap day counts
    assert days_waiting(D(2022, 1, 1), D(2023, 6, 11)) == 526  # the 2023 median CG wait, for scale
    with pytest.raises(ValueError, match="after today"):
        days_waiting(D(2024, 3, 5), D(2024, 3, 4))


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2024, 1, 15, 23, 30, tzinfo=UTC), D(2024, 1, 15)),  # GMT: same day
        (datetime(2024, 6, 30, 23, 30, tzinfo=UTC), D(2024, 7, 1)),  # BST: already the next day
        (datetime(2024, 3, 31, 0, 30, tzinfo=UTC), D(2024, 3, 31)),  # clocks go forward that night
        (datetime(2024, 6, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))), D(2024, 6, 1)),
    ],
)
def test_london_date(moment: datetime, day: date) -> None:
    assert london_date(moment) == day


def test_london_date_refuses_a_naive_date_time() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        london_date(datetime(2024, 6, 30, 23, 30))


def test_clocks_refuse_date_times() -> None:
    with pytest.raises(TypeError):
        recovery_period_end(datetime(2024, 2, 1, 10, 0))
    with pytest.raises(TypeError):
        rg_decision_expected(datetime(2024, 2, 1, 10, 0), EW)


def test_there_is_no_conclusive_grounds_deadline() -> None:
    # domain.md: show the waiting time; do not invent a CG deadline.
    public = [name for name in vars(clocks) if not name.startswith("_")]
    assert not [name for name in public if name.lower().startswith(("cg", "conclusive"))]
