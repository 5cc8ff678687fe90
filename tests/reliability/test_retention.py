"""The retention rule: 7 daily, 4 weekly, 12 monthly, newest always, safety copies protected a while."""

from datetime import datetime, timedelta

from mshtdesk.domain.retention import Dated, RetentionPolicy, to_keep

NOW = datetime(2026, 11, 22, 9, 0)


def daily_for(days: int) -> list[tuple[int, Dated]]:
    """One routine backup a day at 08:00 for ``days`` days up to today; id = days ago."""
    return [(i, Dated(NOW - timedelta(days=i, hours=1))) for i in range(days)]


def test_nothing_to_keep_from_nothing() -> None:
    assert to_keep([], NOW) == set()


def test_two_years_of_dailies_keep_about_two_dozen() -> None:
    kept = to_keep(daily_for(730), NOW)
    assert set(range(7)) <= kept  # the last 7 days
    assert len(kept) <= 7 + 4 + 12
    months = {(NOW - timedelta(days=i)).strftime("%Y-%m") for i in kept}
    assert len(months) == 12  # one per month for a year
    assert max(kept) < 366


def test_newest_of_each_day_wins() -> None:
    morning = (1, Dated(NOW.replace(hour=7)))
    evening = (2, Dated(NOW.replace(hour=8)))
    assert to_keep([morning, evening], NOW, RetentionPolicy(daily=1, weekly=0, monthly=0)) == {2}


def test_gaps_do_not_cost_old_copies() -> None:
    """Days without a backup (a laptop left off) are not counted: 7 days that *have* one are kept."""
    sparse = [(i, Dated(NOW - timedelta(days=10 * i))) for i in range(10)]
    kept = to_keep(sparse, NOW, RetentionPolicy(daily=7, weekly=0, monthly=0))
    assert kept == set(range(7))


def test_safety_copies_are_protected_while_young() -> None:
    policy = RetentionPolicy(daily=1, weekly=0, monthly=0, protect_days=30)
    before_upgrade = ("upgrade", Dated(NOW - timedelta(hours=2), routine=False))
    daily = ("daily", Dated(NOW - timedelta(hours=1)))
    old_manual = ("old", Dated(NOW - timedelta(days=40), routine=False))
    assert to_keep([before_upgrade, daily, old_manual], NOW, policy) == {"daily", "upgrade"}
