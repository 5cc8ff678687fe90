"""One person's pathway: every link, stay, referral, decision, Navigator milestone and contact on one
timeline, newest first, with what is due next above it.

Sections the user's role may not read are left out (a VLO sees no Haven House stays). Opening a pathway
is one consultation of the person's record. The queries are one per table, whatever the history's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database


class TimelineKind(StrEnum):
    LINK = "link"  # person linked to an arrest or operation
    STAY = "stay"  # admitted to / discharged from Haven House
    REFERRAL = "referral"  # NRM referral or Duty to Notify submitted
    DECISION = "decision"  # RG, CG, reconsideration, withdrawal
    NAVIGATOR = "navigator"  # case opened, support plan, statement, closed
    CONTACT = "contact"  # a VLO contact
    DISPOSAL = "disposal"  # charge / NFA / bail / RUI on a linked arrest


class DueKind(StrEnum):
    RG_EXPECTED = "rg-expected"
    VLO_CONTACT = "vlo-contact"
    DECISION_NOTIFICATION = "decision-notification"
    RECONSIDERATION_WINDOW = "reconsideration-window"
    RECOVERY_PERIOD_END = "recovery-period-end"

    @property
    def label(self) -> str:
        return _DUE_LABELS[self]


_DUE_LABELS = {
    DueKind.RG_EXPECTED: "Reasonable Grounds decision expected",
    DueKind.VLO_CONTACT: "Next VLO contact",
    DueKind.DECISION_NOTIFICATION: "Decision notification owed",
    DueKind.RECONSIDERATION_WINDOW: "Reconsideration window closes",
    DueKind.RECOVERY_PERIOD_END: "Recovery period ends",
}


@dataclass(frozen=True)
class DueItem:
    kind: DueKind
    due: date
    overdue: bool
    text: str


@dataclass(frozen=True)
class TimelineEntry:
    """``at`` is a date-time for things that happened at a time (contacts, stays), else midnight UTC of
    the day; ``day`` is the London calendar day, for display and grouping."""

    kind: TimelineKind
    at: datetime
    day: date
    title: str
    detail: str
    entity: str  # the table the entry comes from, to open it
    record_id: int


@dataclass(frozen=True)
class Pathway:
    person_id: int
    person_ref: str
    person_name: str
    vlo: str
    opted_out_of_updates: bool
    due: list[DueItem]  # soonest first
    entries: list[TimelineEntry]  # newest first


class PathwayService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    def timeline(self, person_id: int) -> Pathway:
        """The pathway of one person in the user's scope (PermissionDeniedError otherwise)."""
        raise NotImplementedError
