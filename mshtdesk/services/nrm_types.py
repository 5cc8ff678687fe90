"""The NRM service's vocabulary: what a referral form sends, what a list row and an opened referral
hold. Frozen values; no storage here. The statuses are the domain's (``domain.nrm.ReferralStatus``) and
the filter bar's query is the store's (``store.queries.nrm.ReferralQuery``); both are re-exported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import (
    AgeAtExploitation,
    AgeAtReferral,
    DecisionKind,
    Outcome,
    ReferralStatus,
    Route,
)
from mshtdesk.errors import MshtError
from mshtdesk.services.people import PersonInput
from mshtdesk.store.queries.nrm import SORT_KEYS, ReferralQuery

__all__ = [
    "SORT_KEYS",
    "DecisionNeedsConfirmationError",
    "DecisionRow",
    "ExploitationLocation",
    "ReferralClocks",
    "ReferralDetail",
    "ReferralInput",
    "ReferralQuery",
    "ReferralRow",
    "ReferralStatus",
]


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
