"""NRM referrals and their decision histories, seen through each role's record scope.

A referral belongs to one person; a victim liaison officer sees the referrals of the people assigned to
them, narrowed in SQL for lists and by ``Actor.require`` for one record. Decisions are appended, never
edited: a mistaken entry is withdrawn by a void row that supersedes it, with a reason. The rules (route,
consent, anonymity of a Duty to Notify, crime recording, decision sequence) are those of
``mshtdesk.domain.nrm``; this module stores what passes them and refuses what does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.errors import MshtError
from mshtdesk.services.actor import Actor
from mshtdesk.services.people import PersonInput
from mshtdesk.store.database import Database


class ExploitationLocation(StrEnum):
    """Where the exploitation happened, as the Home Office tables split it."""

    UK = "uk"
    OVERSEAS = "overseas"
    UK_AND_OVERSEAS = "uk-and-overseas"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _LOCATION_LABELS[self]


_LOCATION_LABELS = {
    ExploitationLocation.UK: "UK",
    ExploitationLocation.OVERSEAS: "Overseas",
    ExploitationLocation.UK_AND_OVERSEAS: "UK and Overseas",
    ExploitationLocation.UNKNOWN: "Unknown",
}


class ReferralStatus(StrEnum):
    """Where a referral stands today, from its effective decisions (what the NRM page filters on)."""

    AWAITING_RG = "awaiting-rg"
    RG_OVERDUE = "rg-overdue"  # awaiting RG and past the 5th working day after submission
    AWAITING_CG = "awaiting-cg"
    CONCLUDED = "concluded"  # a CG, a negative RG, or a refused reconsideration
    WITHDRAWN = "withdrawn"
    DUTY_TO_NOTIFY = "dtn"  # a Duty to Notify: the Home Office makes no decision, no clock runs

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ReferralStatus.AWAITING_RG: "Awaiting RG",
    ReferralStatus.RG_OVERDUE: "RG overdue",
    ReferralStatus.AWAITING_CG: "Awaiting CG",
    ReferralStatus.CONCLUDED: "Concluded",
    ReferralStatus.WITHDRAWN: "Withdrawn",
    ReferralStatus.DUTY_TO_NOTIFY: "Duty to Notify (no decision)",
}

#: Columns the list may be sorted by.
SORT_KEYS = (
    "referral_ref",
    "person",
    "route",
    "submitted_date",
    "age_at_referral",
    "exploitation",
    "status",
)


class DecisionNeedsConfirmationError(MshtError):
    """The decision breaks no rule but deserves a second look (a CG inside the recovery period, a late
    reconsideration request). Nothing was written; call again with ``confirm_warnings=True`` to record it.
    ``warnings`` maps a form field to its message."""

    def __init__(self, warnings: dict[str, str]) -> None:
        self.warnings = dict(warnings)
        super().__init__(" ".join(self.warnings.values()) + " Confirm to record it anyway.")


@dataclass(frozen=True)
class ReferralInput:
    """What a referral form or an import row holds.

    The person is either an existing one (``person_id``) or a new one (``new_person``; exactly one of the
    two). ``referral_ref`` empty on create: one is generated (``NRM-000123``). ``consents`` records an
    adult's informed consent (None: not recorded); ``cooperates`` a Duty to Notify's agreement to
    co-operate, without which the person keeps no name or contact details. ``district``: a district code
    or name, "" for none. ``sub_types``: local sub-type codes (``exploitation.DEFAULT_SUB_TYPES``), each
    implying its Home Office type.
    """

    route: Route
    age_at_referral: AgeAtReferral
    submitted_date: date | None
    person_id: int | None = None
    new_person: PersonInput | None = None
    referral_ref: str = ""
    consents: bool | None = None
    cooperates: bool | None = None
    first_responder: str = ""
    first_responder_org: str = ""
    age_at_exploitation: AgeAtExploitation = AgeAtExploitation.UNKNOWN
    exploitation: frozenset[ExploitationType] = field(default_factory=frozenset)
    sub_types: tuple[str, ...] = ()
    exploitation_location: ExploitationLocation = ExploitationLocation.UNKNOWN
    crime_ref: str = ""
    no_crime_reason: str = ""
    district: str = ""
    operation: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ReferralQuery:
    """The NRM page's filter bar. ``text`` matches the referral reference, person reference, names and
    crime reference; dates are inclusive."""

    text: str = ""
    route: Route | None = None
    age_at_referral: AgeAtReferral | None = None
    status: ReferralStatus | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    referral_ref: str
    person_id: int
    person_ref: str
    surname: str  # "" for an anonymous Duty to Notify
    forenames: str
    route: Route
    age_at_referral: AgeAtReferral
    submitted_date: date
    exploitation_label: str
    status: ReferralStatus
    rg_expected: date | None  # 5th working day after submission; None for a Duty to Notify
    last_decision: str  # e.g. "Positive RG 03/02/2024", "" when none


@dataclass(frozen=True)
class DecisionRow:
    id: int
    kind: DecisionKind
    outcome: Outcome | None
    decided_on: date
    note: str
    reason: str  # why a void row withdrew the entry it supersedes
    source: str  # manual | import | demo
    recorded_by: str  # user name, "" when unknown
    recorded_at_utc: str
    supersedes_id: int | None
    superseded: bool  # a later void row withdrew it: show struck through
    is_void: bool  # this row is the withdrawal marker

    @property
    def label(self) -> str:
        """ "Reasonable Grounds decision: Positive", for the history list."""
        text = self.kind.label[:1].upper() + self.kind.label[1:]
        return f"{text}: {self.outcome.label}" if self.outcome else text


@dataclass(frozen=True)
class ReferralClocks:
    """The clocks of domain/clocks.py as they stand today. None where a clock does not apply."""

    rg_expected: date | None  # 5th working day after submission (database's calendar); None for a DtN
    rg_overdue: bool  # no RG yet and past rg_expected
    waiting_for: str  # "RG", "CG", "reconsideration" or "" when concluded or withdrawn
    days_waiting: int | None  # calendar days since the event that started the current wait
    recovery_period_end: date | None  # from the positive RG in force
    reconsideration_window_end: date | None  # from a negative RG or CG that stands


@dataclass(frozen=True)
class ReferralDetail:
    id: int
    referral_ref: str
    person_id: int
    person_ref: str
    person_name: str  # "Surname, Forenames", "" for an anonymous Duty to Notify
    data: ReferralInput  # person_id set, new_person None
    exploitation_label: str
    status: ReferralStatus
    decisions: tuple[DecisionRow, ...]  # oldest first, void rows included
    clocks: ReferralClocks
    version: int


class NrmService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- reading -------------------------------------------------------------------------------
    def count(self, q: ReferralQuery | None = None) -> int:
        """How many referrals ``list`` would give without paging (within the user's scope)."""
        raise NotImplementedError

    def list(
        self,
        q: ReferralQuery | None = None,
        *,
        sort: str = "submitted_date",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ReferralRow]:
        """One page of referrals in the user's scope, filtered, sorted and paged in SQL."""
        raise NotImplementedError

    def get(self, referral_id: int) -> ReferralDetail:
        """Open one referral with its decision history and clocks: a recorded consultation."""
        raise NotImplementedError

    def find_id(self, referral_ref: str) -> int | None:
        """The id of the referral with this reference, if the user may read it."""
        raise NotImplementedError

    # ----- writing -------------------------------------------------------------------------------
    def create(self, data: ReferralInput) -> int:
        """Record a referral (creating its person when ``new_person`` is given); ValidationError names
        every problem by field. Returns the referral's id."""
        raise NotImplementedError

    def update(self, referral_id: int, version: int, data: ReferralInput) -> int:
        """Save changed details; ConflictError when someone saved since ``version`` was read. Returns
        the new version. The person cannot be changed here (a wrong person is a new referral)."""
        raise NotImplementedError

    def add_decision(
        self,
        referral_id: int,
        kind: DecisionKind,
        outcome: Outcome | None,
        decided_on: date,
        note: str = "",
        *,
        confirm_warnings: bool = False,
    ) -> int:
        """Append a decision. Refused (ValidationError) when the sequence rules forbid it; warnings raise
        DecisionNeedsConfirmationError unless ``confirm_warnings``. Returns the decision's id."""
        raise NotImplementedError

    def void_decision(self, decision_id: int, reason: str) -> int:
        """Withdraw an entry made in error by appending a void row that supersedes it (reason required).
        Only the latest effective entry may be withdrawn, so the history stays a valid sequence."""
        raise NotImplementedError
