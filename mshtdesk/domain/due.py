"""What is due for a victim: the kinds of item, their labels and texts, and how near or late they are.

One vocabulary for the Today page and the pathway, so the same item reads the same in both: the services
read the records (``mshtdesk.store.queries.due``) and build each item here. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mshtdesk.domain.clocks import decision_notification_due
from mshtdesk.domain.dates import uk
from mshtdesk.domain.support import NotifiableDecision
from mshtdesk.domain.working_days import WorkingCalendar


class DueKind(StrEnum):
    RG_EXPECTED = "rg-expected"
    VLO_CONTACT = "vlo-contact"
    DECISION_NOTIFICATION = "decision-notification"
    RECONSIDERATION_WINDOW = "reconsideration-window"
    RECOVERY_PERIOD_END = "recovery-period-end"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DueKind.RG_EXPECTED: "Reasonable Grounds decision expected",
    DueKind.VLO_CONTACT: "VLO contact due",
    DueKind.DECISION_NOTIFICATION: "Decision notification owed",
    DueKind.RECONSIDERATION_WINDOW: "Reconsideration window closes",
    DueKind.RECOVERY_PERIOD_END: "Recovery period ends",
}

FIRST_CONTACT_TEXT = "First contact with the victim not yet made"


@dataclass(frozen=True)
class DueItem:
    """``overdue``: the day has passed for something that can be late (a window closing cannot)."""

    kind: DueKind
    due: date
    overdue: bool
    text: str


def due_words(due: date, today: date, *, overdue: bool = False) -> str:
    """ "overdue by 3 days", "due today", "due tomorrow", "in 2 days": how far away, in words."""
    days = (due - today).days
    if days < 0 or overdue:
        late = max(-days, 0)
        return "overdue" if late == 0 else f"overdue by {late} day{'s' if late != 1 else ''}"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"in {days} days"


# ----- one function per kind: the same words wherever the item is shown ------------------------------


def rg_expected(referral_ref: str, expected: date, days_waiting: int, today: date) -> DueItem:
    return DueItem(
        DueKind.RG_EXPECTED,
        expected,
        expected < today,
        f"Reasonable Grounds decision on {referral_ref} expected by {uk(expected)} "
        f"(waiting {days_waiting} days)",
    )


def reconsideration_window(referral_ref: str, last_day: date) -> DueItem:
    return DueItem(
        DueKind.RECONSIDERATION_WINDOW,
        last_day,
        False,
        f"Last day to ask for a reconsideration of the negative decision on {referral_ref}: {uk(last_day)}",
    )


def recovery_period_end(referral_ref: str, end: date) -> DueItem:
    return DueItem(
        DueKind.RECOVERY_PERIOD_END, end, False, f"Recovery period on {referral_ref} ends {uk(end)}"
    )


def next_contact(due: date, last_contact: date, today: date) -> DueItem:
    """The contact the latest one set (its ``next_contact_due``)."""
    return DueItem(
        DueKind.VLO_CONTACT,
        due,
        due < today,
        f"Next contact with the victim due by {uk(due)} (last contact {uk(last_contact)})",
    )


def first_contact(owed_since: date, today: date) -> DueItem:
    """A victim with a VLO and no contact yet: owed since the assignment, so nobody waits unseen."""
    return DueItem(DueKind.VLO_CONTACT, owed_since, owed_since < today, FIRST_CONTACT_TEXT)


@dataclass(frozen=True)
class OwedNotification:
    """Charge, NFA, bail or RUI on an arrest linked to a victim, of which they have not been told."""

    person_id: int
    arrest_id: int
    custody_ref: str
    decided: date
    decisions: tuple[NotifiableDecision, ...]
    due: date

    def text(self) -> str:
        what = ", ".join(d.label for d in self.decisions)
        return (
            f"Tell the victim of the {what.lower()} decision of {uk(self.decided)} "
            f"on arrest {self.custody_ref}"
        )

    def item(self, today: date) -> DueItem:
        return DueItem(DueKind.DECISION_NOTIFICATION, self.due, self.due < today, self.text())


def owed_notifications(
    decisions: Iterable[tuple[int, int, str, date, str]], calendar: WorkingCalendar
) -> list[OwedNotification]:
    """``(person, arrest, custody ref, day, disposal code)`` of decisions not yet told, one notification per
    person, arrest and day (a charge and a bail the same day are one conversation), oldest first."""
    grouped: dict[tuple[int, int, str, date], set[NotifiableDecision]] = {}
    for person_id, arrest_id, ref, day, code in decisions:
        grouped.setdefault((person_id, arrest_id, ref, day), set()).add(NotifiableDecision(code))
    order = list(NotifiableDecision)
    return sorted(
        (
            OwedNotification(
                p,
                a,
                ref,
                day,
                tuple(d for d in order if d in found),
                decision_notification_due(day, calendar),
            )
            for (p, a, ref, day), found in grouped.items()
        ),
        key=lambda o: (o.decided, o.custody_ref, o.person_id),
    )
