"""Victim liaison officers' contacts with victims, and the clocks they set.

A VLO logs contacts with the victims assigned to them. A decision notification stores, at entry, when
it was due (1 working day for enhanced rights, the default for MSHT victims, else 5) and whether it was
on time, so reports need no calendar. Every contact stores the next contact due: the date the VLO set,
else the contact date plus the interval in the ``vlo_contact_interval_days`` setting (28 by default).
A victim who opted out of updates is not sent investigation updates or decision notifications; welfare
and safeguarding contacts go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database

#: The Setting key holding the default days between contacts.
INTERVAL_SETTING = "vlo_contact_interval_days"


@dataclass(frozen=True)
class ContactFilter:
    """``person_id``: one victim's contacts; ``mine``: only the user's own contacts."""

    person_id: int | None = None
    mine: bool = False
    purpose: ContactPurpose | None = None


@dataclass(frozen=True)
class ContactInput:
    person_id: int
    contact_at: datetime  # time-zone aware
    method: ContactMethod
    purpose: ContactPurpose
    interpreter_language: str = ""
    decision_notified: NotifiableDecision | None = None  # required for a decision notification
    decision_date: date | None = None  # required for a decision notification
    enhanced_rights: bool = True  # Victims' Code enhanced rights: 1 working day, else 5
    safeguarding_concern: bool = False
    summary: str = ""
    next_contact_due: date | None = None  # None: the setting's interval after this contact


@dataclass(frozen=True)
class ContactRow:
    id: int
    person_id: int
    person_ref: str
    person_name: str
    vlo: str  # user name of the VLO who logged it
    contact_at: datetime
    method: ContactMethod
    purpose: ContactPurpose
    interpreter_language: str
    decision_notified: NotifiableDecision | None
    decision_date: date | None
    notification_due: date | None
    notified_on_time: bool | None
    safeguarding_concern: bool
    summary: str
    next_contact_due: date | None


@dataclass(frozen=True)
class ContactSaved:
    """What a new contact set in motion, to show the VLO at once."""

    id: int
    next_contact_due: date
    notification_due: date | None
    notified_on_time: bool | None


class ContactService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def count(self, q: ContactFilter = ContactFilter()) -> int:
        raise NotImplementedError

    def list(
        self, q: ContactFilter = ContactFilter(), *, offset: int = 0, limit: int = 200
    ) -> list[ContactRow]:
        """One page of contacts in scope, latest first. Listing one person's contacts is a consultation."""
        raise NotImplementedError

    def add(self, data: ContactInput) -> ContactSaved:
        """Log a contact with an assigned victim; refuses an update to a victim who opted out."""
        raise NotImplementedError

    def interval_days(self) -> int:
        """The default days between contacts (the setting, else 28)."""
        raise NotImplementedError
