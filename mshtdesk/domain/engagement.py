"""A victim's engagement with a police investigation, dated, and what it was at the charge decision.

The Victim Navigator's case rests on one comparison: engagement with the investigation at charge is
44% without a Navigator and over 90% with one. So engagement is recorded for every victim linked to an
arrest or operation, Navigator or not, as dated milestones on that link: engaged at first account,
still engaged at the charge decision, engaged at court, disengaged (with a reason). Milestones are
appended; a mistaken one is withdrawn, never deleted, so a figure as at a past date can be reproduced.

**Engaged at charge as at D** (the rule the COM report and the pathway share):

1. Only milestones *in force* on D count: recorded on or before D and not withdrawn on or before D
   (a milestone recorded after the as-at date does not exist yet for that report).
2. Of those, only milestones that *bear on the charge decision* count: "engaged at charge" dated on or
   before D, and "disengaged" dated on or before the charge decision (a victim who disengaged before
   the decision was not engaged at it; one who disengaged later still was). "Engaged at first
   account" and "engaged at court" say nothing about the decision itself.
3. The latest of them (by milestone date, then by when it was recorded) decides: "engaged at charge"
   means engaged; "disengaged" or no such milestone means not engaged. Re-engaging after disengaging
   is a later "engaged at charge" milestone, and counts.

Standard library only, like the rest of ``domain``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Milestone(StrEnum):
    ENGAGED_FIRST_ACCOUNT = "engaged_first_account"
    ENGAGED_AT_CHARGE = "engaged_at_charge"
    ENGAGED_AT_COURT = "engaged_at_court"
    DISENGAGED = "disengaged"

    @property
    def label(self) -> str:
        return LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Milestone | None:
        """A code, its label or the code with hyphens or spaces, case-insensitive; None if unknown."""
        plain = value.strip().lower()
        return _BY_CODE.get(plain.replace("-", "_").replace(" ", "_")) or _BY_LABEL.get(plain)


LABELS = {
    Milestone.ENGAGED_FIRST_ACCOUNT: "Engaged at first account",
    Milestone.ENGAGED_AT_CHARGE: "Still engaged at the charge decision",
    Milestone.ENGAGED_AT_COURT: "Engaged at court",
    Milestone.DISENGAGED: "Disengaged",
}
# Lookups for ``Milestone.parse``: the COM summary parses every stored milestone of the year's victims.
_BY_CODE = {m.value: m for m in Milestone}
_BY_LABEL = {label.lower(): m for m, label in LABELS.items()}

#: Most characters kept of a reason (disengagement or withdrawal).
REASON_LIMIT = 1000


@dataclass(frozen=True)
class MilestoneFact:
    """What the rule needs of one stored milestone: dates only (``recorded_on`` and ``withdrawn_on`` as
    London days). ``order`` breaks a same-day tie by recording order (the row id)."""

    milestone: Milestone
    milestone_date: date
    recorded_on: date
    withdrawn_on: date | None = None
    order: int = 0

    def in_force(self, as_at: date) -> bool:
        return self.recorded_on <= as_at and (self.withdrawn_on is None or self.withdrawn_on > as_at)


def engaged_at_charge(milestones: Iterable[MilestoneFact], charge_decision: date | None, as_at: date) -> bool:
    """Was the victim engaged at the charge decision, as the records stood on ``as_at``? (The rule in
    the module docstring.) ``charge_decision`` None: no decision yet, so only "engaged at charge" and
    no disengagement can bear on it; the COM table only asks about victims with a decision."""
    bearing = [
        m
        for m in milestones
        if m.in_force(as_at)
        and m.milestone_date <= as_at
        and (
            m.milestone is Milestone.ENGAGED_AT_CHARGE
            or (
                m.milestone is Milestone.DISENGAGED
                and charge_decision is not None
                and m.milestone_date <= charge_decision
            )
        )
    ]
    if not bearing:
        return False
    latest = max(bearing, key=lambda m: (m.milestone_date, m.recorded_on, m.order))
    return latest.milestone is Milestone.ENGAGED_AT_CHARGE


def reason_problem(milestone: Milestone, reason: str) -> str | None:
    """A disengagement needs its reason (the figure means little without why); others may have one."""
    if milestone is Milestone.DISENGAGED and not reason.strip():
        return "Say why the victim disengaged; the reason is part of the record."
    if len(reason.strip()) > REASON_LIMIT:
        return f"Keep the reason to {REASON_LIMIT} characters."
    return None


def date_problem(milestone_date: date, today: date) -> str | None:
    """A milestone is something that happened: never dated in the future."""
    if milestone_date > today:
        return "A milestone cannot be dated in the future."
    return None


@dataclass(frozen=True)
class EngagementCounts:
    """Victims whose investigation reached a charge decision, and how many were engaged at it, with a
    Navigator and without. A victim is counted once per investigation (per link to an arrest)."""

    with_navigator: int = 0
    with_navigator_engaged: int = 0
    without_navigator: int = 0
    without_navigator_engaged: int = 0

    @property
    def total(self) -> int:
        return self.with_navigator + self.without_navigator

    @property
    def engaged(self) -> int:
        return self.with_navigator_engaged + self.without_navigator_engaged


@dataclass(frozen=True)
class DecisionVictim:
    """One victim's link to an investigation with a charge decision (``decided_on``), and its milestones."""

    link_id: int
    decided_on: date
    with_navigator: bool
    milestones: tuple[MilestoneFact, ...] = ()


def engagement_counts(victims: Iterable[DecisionVictim], as_at: date) -> EngagementCounts:
    """The COM table's counts: each victim judged by :func:`engaged_at_charge` as at ``as_at``."""
    counts = {True: [0, 0], False: [0, 0]}
    for v in victims:
        tally = counts[v.with_navigator]
        tally[0] += 1
        tally[1] += engaged_at_charge(v.milestones, v.decided_on, as_at)
    return EngagementCounts(counts[True][0], counts[True][1], counts[False][0], counts[False][1])
