from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mshtdesk.domain.working_days import ENGLAND_AND_WALES, WorkingCalendar, bank_holidays

D = date
EW = ENGLAND_AND_WALES


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 3, 4), True),  # Monday
        (D(2024, 3, 8), True),  # Friday
        (D(2024, 3, 9), False),  # Saturday
        (D(2024, 3, 10), False),  # Sunday
        (D(2021, 12, 27), False),  # Christmas Day (Saturday) substitute
        (D(2021, 12, 28), False),  # Boxing Day (Sunday) substitute
        (D(2022, 1, 3), False),  # New Year's Day (Saturday) substitute
        (D(2022, 12, 26), False),  # Boxing Day, a Monday
        (D(2022, 12, 27), False),  # Christmas Day (Sunday) substitute
        (D(2022, 12, 28), True),
        (D(2027, 12, 27), False),  # both 2027 substitutes
        (D(2027, 12, 28), False),
        (D(2027, 12, 29), True),
        (D(2024, 3, 29), False),  # Good Friday
        (D(2024, 4, 1), False),  # Easter Monday
        (D(2022, 6, 2), False),  # Spring bank holiday moved for the Platinum Jubilee
        (D(2022, 6, 3), False),  # Platinum Jubilee
        (D(2022, 9, 19), False),  # State Funeral of Queen Elizabeth II
        (D(2023, 5, 8), False),  # Coronation of King Charles III
        (D(2023, 5, 1), False),  # Early May bank holiday the week before
        (D(2023, 5, 9), True),
        (D(2022, 5, 30), True),  # the usual last-Monday-of-May date, not a holiday in 2022
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert EW.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 3, 4), 0, D(2024, 3, 4)),
        (D(2024, 3, 9), 0, D(2024, 3, 9)),  # n = 0 returns the day even when it is not a working day
        (D(2024, 3, 4), 1, D(2024, 3, 5)),
        (D(2024, 3, 8), 1, D(2024, 3, 11)),  # Friday -> Monday
        (D(2024, 3, 9), 1, D(2024, 3, 11)),  # Saturday: the day itself is never counted
        (D(2024, 3, 10), 1, D(2024, 3, 11)),
        (D(2024, 3, 4), 5, D(2024, 3, 11)),
        (D(2021, 12, 24), 1, D(2021, 12, 29)),  # 2021 substitutes 27 and 28 Dec
        (D(2021, 12, 30), 2, D(2022, 1, 4)),  # ... and New Year substitute 3 Jan 2022
        (D(2022, 12, 23), 1, D(2022, 12, 28)),  # 2022: Boxing Day Monday + substitute Tuesday
        (D(2027, 12, 24), 1, D(2027, 12, 29)),  # 2027 substitutes
        (D(2026, 12, 24), 5, D(2027, 1, 5)),  # the package's own example, across the year end
        (D(2024, 3, 28), 1, D(2024, 4, 2)),  # Easter 2024
        (D(2022, 6, 1), 1, D(2022, 6, 6)),  # Jubilee Thursday and Friday
        (D(2022, 6, 1), 5, D(2022, 6, 10)),
        (D(2022, 9, 16), 1, D(2022, 9, 20)),  # State Funeral Monday
        (D(2023, 5, 5), 1, D(2023, 5, 9)),  # Coronation Monday
        (D(2023, 4, 28), 5, D(2023, 5, 9)),  # two bank holiday Mondays in a row
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert EW.add_working_days(start, n) == expected


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        EW.add_working_days(D(2024, 1, 1), -1)


def test_extra_non_working_days_are_skipped() -> None:
    christmas_eve_off = WorkingCalendar(extra_non_working=(D(2024, 12, 24),))
    assert EW.add_working_days(D(2024, 12, 23), 1) == D(2024, 12, 24)
    assert christmas_eve_off.add_working_days(D(2024, 12, 23), 1) == D(2024, 12, 27)
    assert not christmas_eve_off.is_working_day(D(2024, 12, 24))
    assert christmas_eve_off.non_working_weekday_name(D(2024, 12, 24)) == (
        "Non-working day (administrator's list)"
    )


def test_a_one_off_day_missing_from_the_package_can_be_added() -> None:
    # How a future one-off bank holiday is handled before the package knows of it.
    new_day = D(2031, 6, 6)
    cal = WorkingCalendar(extra_non_working=(new_day,))
    assert EW.is_working_day(new_day)
    assert not cal.is_working_day(new_day)
    assert cal.add_working_days(D(2031, 6, 5), 1) == D(2031, 6, 9)


def test_extra_working_days_override_a_bank_holiday() -> None:
    cal = WorkingCalendar(extra_working=(D(2022, 9, 19),))
    assert cal.is_working_day(D(2022, 9, 19))
    assert cal.add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 19)
    assert cal.working_days_between(D(2022, 9, 16), D(2022, 9, 20)) == 2
    assert cal.non_working_weekday_name(D(2022, 9, 19)) is None


def test_holiday_names_explain_non_working_days() -> None:
    assert EW.non_working_weekday_name(D(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert EW.non_working_weekday_name(D(2024, 3, 9)) is None  # a weekend needs no explanation
    assert EW.non_working_weekday_name(D(2024, 3, 5)) is None


def test_lists_are_sorted_and_deduplicated_so_equal_lists_give_equal_calendars() -> None:
    a = WorkingCalendar(extra_non_working=(D(2024, 12, 31), D(2024, 12, 24), D(2024, 12, 24)))
    b = WorkingCalendar(extra_non_working=(D(2024, 12, 24), D(2024, 12, 31)))
    assert a == b
    assert hash(a) == hash(b)
    assert a.extra_non_working == (D(2024, 12, 24), D(2024, 12, 31))


def test_a_date_in_both_lists_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(extra_non_working=(D(2024, 12, 24),), extra_working=(D(2024, 12, 24),))


def test_a_weekend_cannot_be_made_working() -> None:
    with pytest.raises(ValueError, match="Monday to Friday"):
        WorkingCalendar(extra_working=(D(2024, 3, 9),))


def test_date_times_are_refused_rather_than_silently_missing_holidays() -> None:
    with pytest.raises(TypeError, match="date-time"):
        EW.is_working_day(datetime(2022, 9, 19, 9, 0))
    with pytest.raises(TypeError, match="date-time"):
        WorkingCalendar(extra_non_working=(datetime(2024, 12, 24, 0, 0),))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2024, 3, 4), D(2024, 3, 4), 0),
        (D(2024, 3, 4), D(2024, 3, 11), 5),
        (D(2024, 3, 11), D(2024, 3, 4), -5),
        (D(2024, 3, 8), D(2024, 3, 10), 0),  # Friday to Sunday
        (D(2026, 11, 30), D(2026, 12, 31), 21),  # the package's December 2026 count
        (D(2022, 5, 31), D(2022, 6, 10), 6),  # Jubilee week
        (D(2022, 12, 23), D(2022, 12, 30), 3),
        (D(2021, 12, 24), D(2022, 1, 4), 4),  # 29, 30, 31 Dec and 4 Jan
    ],
)
def test_working_days_between(a: date, b: date, expected: int) -> None:
    assert EW.working_days_between(a, b) == expected


def test_bank_holidays_lists_the_2022_special_days() -> None:
    days = dict(bank_holidays(2022))
    assert days[D(2022, 6, 3)] == "Platinum Jubilee of Elizabeth II"
    assert days[D(2022, 9, 19)] == "State Funeral of Queen Elizabeth II"
    assert D(2022, 12, 27) in days
    assert [d for d, _ in bank_holidays(2022)] == sorted(days)


def test_years_are_expanded_on_demand() -> None:
    assert not EW.is_working_day(D(2041, 12, 25))
    assert EW.add_working_days(D(1999, 12, 24), 1) == D(1999, 12, 29)


days = st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31))
lists = st.lists(st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31)), max_size=6)


def _brute_between(cal: WorkingCalendar, a: date, b: date) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    return sign * sum(1 for k in range(1, (hi - lo).days + 1) if cal.is_working_day(lo + timedelta(days=k)))


@settings(max_examples=200, deadline=None)
@given(a=days, span=st.integers(-800, 800), off=lists)
def test_between_agrees_with_counting_day_by_day(a: date, span: int, off: list[date]) -> None:
    cal = WorkingCalendar(extra_non_working=tuple(off))
    b = a + timedelta(days=span)
    assert cal.working_days_between(a, b) == _brute_between(cal, a, b)


@settings(max_examples=200, deadline=None)
@given(d=days, n=st.integers(0, 60), off=lists)
def test_between_inverts_add(d: date, n: int, off: list[date]) -> None:
    cal = WorkingCalendar(extra_non_working=tuple(off))
    due = cal.add_working_days(d, n)
    assert cal.working_days_between(d, due) == n
    assert n == 0 or cal.is_working_day(due)


@settings(max_examples=100, deadline=None)
@given(d=days, n=st.integers(1, 30))
def test_agrees_with_the_package_own_working_day_arithmetic(d: date, n: int) -> None:
    ew = holidays.country_holidays("GB", subdiv="ENG")
    assert EW.add_working_days(d, n) == ew.get_nth_working_day(d, n)
