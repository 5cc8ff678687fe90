"""The Today page: what is overdue or due this week for the logged-in user, within their scope.

Each kind of item comes from one query over the people the user may see; kinds the role may not read
are skipped (a Navigator has no NRM or contact items). Items are plain rows, soonest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database

#: "Due this week": due within this many days from today (today included).
HORIZON_DAYS = 7


class TodayKind(StrEnum):
    RG_OVERDUE = "rg-overdue"
    VLO_CONTACT = "vlo-contact"
    DECISION_NOTIFICATION = "decision-notification"
    RECONSIDERATION_CLOSING = "reconsideration-closing"
    IN_HAVEN_HOUSE = "in-haven-house"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TodayKind.RG_OVERDUE: "Reasonable Grounds decision overdue",
    TodayKind.VLO_CONTACT: "VLO contact due",
    TodayKind.DECISION_NOTIFICATION: "Decision notification owed",
    TodayKind.RECONSIDERATION_CLOSING: "Reconsideration window closing",
    TodayKind.IN_HAVEN_HOUSE: "In Haven House",
}


@dataclass(frozen=True)
class TodayItem:
    kind: TodayKind
    person_id: int | None  # None for an anonymous Haven House stay
    person: str  # display: "Surname, Forenames (P-000012)", or "Anonymous"
    due: date | None  # None for "in Haven House"
    overdue: bool
    text: str
    record_id: int | None = None  # referral, stay or arrest the item concerns
    since: datetime | None = None  # admission time for "in Haven House"


class TodayService:
    def __init__(self, db: Database, actor: Actor, *, now: datetime | None = None) -> None:
        self._db = db
        self._actor = actor
        self._now = now

    def items(self, today: date | None = None) -> list[TodayItem]:
        """Everything overdue or due within HORIZON_DAYS for this user, overdue first then by due date;
        then who is in Haven House now, longest stay first."""
        raise NotImplementedError
