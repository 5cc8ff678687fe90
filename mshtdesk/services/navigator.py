"""Victim Navigator cases: the support a Navigator gives one person, seen through record scope.

A Navigator sees the cases of the people they support (``person_support``); opening a case is a
recorded consultation. Creating a case is how a Navigator takes a referral on: it adds them to the
person's supporters, a combination of records written to the audit log with the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from mshtdesk.domain.support import NavigatorCloseReason, NavigatorNeed
from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True)
class NavigatorFilter:
    """``text`` matches the person's names or reference; ``status`` is open, closed or all."""

    text: str = ""
    status: CaseStatus = CaseStatus.OPEN


@dataclass(frozen=True)
class NavigatorCaseInput:
    """What a Navigator records; engagement flags are None until known."""

    referral_date: date
    referral_source: str = ""
    consent: bool = False
    support_plan_opened: date | None = None
    needs: frozenset[NavigatorNeed] = field(default_factory=frozenset)
    engaged_at_start: bool | None = None
    engaged_now: bool | None = None
    engaged_at_charge: bool | None = None
    statement_date: date | None = None  # statement or ABE interview
    attended_court: bool | None = None
    gave_evidence: bool | None = None
    repatriated: bool | None = None
    notes: str = ""


@dataclass(frozen=True)
class NavigatorCaseRow:
    id: int
    person_id: int
    person_ref: str
    person_name: str  # "Surname, Forenames", or the reference when no name is kept
    navigator: str  # the Navigator's user name, or ""
    referral_date: date
    support_plan_opened: date | None
    needs: str  # labels, "Health, Finance"
    engaged_now: bool | None
    closed_date: date | None
    closed_reason: str  # label, "" while open
    version: int


@dataclass(frozen=True)
class NavigatorCaseDetail:
    id: int
    person_id: int
    person_ref: str
    person_name: str
    navigator_user_id: int | None
    navigator: str
    data: NavigatorCaseInput
    closed_date: date | None
    closed_reason: NavigatorCloseReason | None
    version: int


class NavigatorService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    def count(self, q: NavigatorFilter = NavigatorFilter()) -> int:
        """How many cases the filter finds in the user's scope (for the table's row count)."""
        raise NotImplementedError

    def list(
        self, q: NavigatorFilter = NavigatorFilter(), *, offset: int = 0, limit: int = 200
    ) -> list[NavigatorCaseRow]:
        """One page of cases in the user's scope, newest referral first; paged in SQL."""
        raise NotImplementedError

    def get(self, case_id: int) -> NavigatorCaseDetail:
        """Open one case (checked against scope, recorded as a consultation)."""
        raise NotImplementedError

    def create(self, person_id: int, data: NavigatorCaseInput, *, navigator: str | None = None) -> int:
        """Open a case; its Navigator (the user, or ``navigator`` by user name) supports the person."""
        raise NotImplementedError

    def update(self, case_id: int, version: int, data: NavigatorCaseInput) -> int:
        """Save the case if nobody saved it since ``version`` was read (ConflictError); the new version."""
        raise NotImplementedError

    def close(
        self, case_id: int, version: int, closed_on: date, reason: NavigatorCloseReason, note: str = ""
    ) -> int:
        """Close the case on a date with a reason (not before the referral, not in the future)."""
        raise NotImplementedError
