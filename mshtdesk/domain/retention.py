"""Which backups to keep: the newest of each of the last N days, weeks and months that have one.

The default (7 daily, 4 weekly, 12 monthly) is the grandfather-father-son rule of backup tools such as
borg's ``prune``: a bad change noticed a week, a month or a year late can still be undone, while the
folder holds at most about two dozen copies. Buckets are counted over days that *have* a backup, so a
laptop left off for a fortnight does not lose its older copies. Safety copies (taken before an
upgrade, a restore or by hand) are never pruned while they are younger than ``protect_days``: the rule
must not delete the copy taken an hour ago before a migration just because a daily one followed it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class RetentionPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    protect_days: int = 30  # safety copies younger than this are kept whatever the buckets say

    def describe(self) -> str:
        return (
            f"the newest backup of each of the last {self.daily} days, {self.weekly} weeks and "
            f"{self.monthly} months that have one"
        )


DEFAULT_POLICY = RetentionPolicy()


@dataclass(frozen=True)
class Dated:
    """A backup as the rule sees it: when it was taken, and whether it is a routine (daily) copy."""

    taken_at: datetime
    routine: bool = True


def _newest_per_bucket(items: list[tuple[T, Dated]], key: Callable[[datetime], Hashable], n: int) -> set[T]:
    kept: set[T] = set()
    seen: set[Hashable] = set()
    for item, dated in items:  # newest first
        if len(seen) >= n:
            break
        bucket = key(dated.taken_at)
        if bucket not in seen:
            seen.add(bucket)
            kept.add(item)
    return kept


def to_keep(
    backups: Iterable[tuple[T, Dated]], now: datetime, policy: RetentionPolicy = DEFAULT_POLICY
) -> set[T]:
    """The items to keep; everything else may be deleted. The newest backup is always kept."""
    items = sorted(backups, key=lambda pair: pair[1].taken_at, reverse=True)
    if not items:
        return set()
    keep = {items[0][0]}
    keep |= _newest_per_bucket(items, lambda t: t.date(), policy.daily)
    keep |= _newest_per_bucket(items, lambda t: t.isocalendar()[:2], policy.weekly)
    keep |= _newest_per_bucket(items, lambda t: (t.year, t.month), policy.monthly)
    young = now - timedelta(days=policy.protect_days)
    keep |= {item for item, dated in items if not dated.routine and dated.taken_at >= young}
    return keep
