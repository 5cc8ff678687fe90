"""Victim support vocabularies (Navigator, Haven House, VLO contacts) and the values derived from stays.

The codes are what the database stores; the labels are what forms and reports show. Stays are measured
in Europe/London: a bed night is a London midnight spent in the house, so a stay across a clock change
still counts its nights as people lived them. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Self, TypeVar

from mshtdesk.domain.clocks import london_date

E = TypeVar("E", bound=StrEnum)


class _Labelled(StrEnum):
    """A code with a label; ``parse`` accepts the code, the label or the member name, any case."""

    @property
    def label(self) -> str:
        return _LABEL_OF[(type(self), self.value)]

    @classmethod
    def parse(cls, text: str) -> Self | None:
        key = _norm(text)
        for member in cls:
            if key in (_norm(member.value), _norm(member.name), _norm(member.label)):
                return member
        return None


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


class NavigatorNeed(_Labelled):
    ACCOMMODATION = "accommodation"
    HEALTH = "health"
    MENTAL_HEALTH = "mental-health"
    LEGAL_IMMIGRATION = "legal-immigration"
    FINANCE = "finance"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    FAMILY = "family"
    REPATRIATION = "repatriation"
    SAFETY = "safety"


class NavigatorCloseReason(_Labelled):
    """Why a Navigator case closed; "other" needs the notes to say more."""

    SUPPORT_COMPLETE = "support-complete"
    DISENGAGED = "disengaged"
    MOVED_AWAY = "moved-away"
    REPATRIATED = "repatriated"
    TRANSFERRED = "transferred"
    OTHER = "other"


class HavenServiceGiven(_Labelled):
    """Services given during a stay at Haven House."""

    ACCOMMODATION = "accommodation"
    FOOD_CLOTHING = "food-clothing"
    MEDICAL = "medical"
    MENTAL_HEALTH = "mental-health"
    INTERPRETER = "interpreter"
    LEGAL_ADVICE = "legal-advice"
    NRM_ADVICE = "nrm-advice"
    CHILDCARE = "childcare"
    TRAVEL = "travel"
    PHONE_CONTACT = "phone-contact"


class ReceptionDecision(_Labelled):
    """What the person decided about the NRM at reception."""

    CONSENTED = "consented"
    DECLINED_DTN = "declined-dtn"
    CHILD_REFERRED = "child-referred"
    UNDECIDED = "undecided"


class DischargeDestination(_Labelled):
    MSVCC_SAFE_HOUSE = "msvcc-safe-house"
    PLACE_OF_SAFETY = "place-of-safety"
    LOCAL_AUTHORITY = "local-authority"
    ASYLUM_ACCOMMODATION = "asylum-accommodation"
    FRIENDS_FAMILY = "friends-family"
    OWN_ACCOMMODATION = "own-accommodation"
    RETURNED_TO_PREVIOUS = "returned-to-previous"
    HOSPITAL = "hospital"
    POLICE_CUSTODY = "police-custody"
    IMMIGRATION_DETENTION = "immigration-detention"
    VOLUNTARY_RETURN = "voluntary-return"
    LEFT_WITHOUT_NOTICE = "left-without-notice"


class ContactMethod(_Labelled):
    IN_PERSON = "in-person"
    PHONE = "phone"
    VIDEO = "video"
    TEXT_APP = "text-app"
    VIA_NAVIGATOR = "via-navigator"
    LETTER_EMAIL = "letter-email"


class ContactPurpose(_Labelled):
    INITIAL = "initial"
    WELFARE = "welfare"
    INVESTIGATION_UPDATE = "investigation-update"
    DECISION_NOTIFICATION = "decision-notification"
    STATEMENT = "statement"
    COURT = "court"
    SAFEGUARDING = "safeguarding"
    NRM_SUPPORT_LIAISON = "nrm-support-liaison"
    CLOSURE = "closure"

    @property
    def is_update(self) -> bool:
        """An update about the case: withheld from a victim who opted out of updates."""
        return self in (ContactPurpose.INVESTIGATION_UPDATE, ContactPurpose.DECISION_NOTIFICATION)


class NotifiableDecision(_Labelled):
    """Police decisions the victim must be told of (Victims' Code); codes match the disposal types."""

    CHARGE = "CHARGE"
    NFA = "NFA"
    BAIL = "BAIL"
    RUI = "RUI"


# (member, label) pairs, not a dict: members of two vocabularies may share a code, and a StrEnum member
# equals (and hashes as) its string, so dict keys would collide and the later label would win.
_LABELS: tuple[tuple[StrEnum, str], ...] = (
    (NavigatorNeed.ACCOMMODATION, "Accommodation"),
    (NavigatorNeed.HEALTH, "Health"),
    (NavigatorNeed.MENTAL_HEALTH, "Mental health"),
    (NavigatorNeed.LEGAL_IMMIGRATION, "Legal / immigration"),
    (NavigatorNeed.FINANCE, "Finance"),
    (NavigatorNeed.EMPLOYMENT, "Employment"),
    (NavigatorNeed.EDUCATION, "Education"),
    (NavigatorNeed.FAMILY, "Family"),
    (NavigatorNeed.REPATRIATION, "Repatriation"),
    (NavigatorNeed.SAFETY, "Safety"),
    (NavigatorCloseReason.SUPPORT_COMPLETE, "Support complete"),
    (NavigatorCloseReason.DISENGAGED, "Disengaged"),
    (NavigatorCloseReason.MOVED_AWAY, "Moved out of the area"),
    (NavigatorCloseReason.REPATRIATED, "Repatriated"),
    (NavigatorCloseReason.TRANSFERRED, "Transferred to another service"),
    (NavigatorCloseReason.OTHER, "Other"),
    (HavenServiceGiven.ACCOMMODATION, "Accommodation"),
    (HavenServiceGiven.FOOD_CLOTHING, "Food and clothing"),
    (HavenServiceGiven.MEDICAL, "Medical care"),
    (HavenServiceGiven.MENTAL_HEALTH, "Mental health support"),
    (HavenServiceGiven.INTERPRETER, "Interpreter"),
    (HavenServiceGiven.LEGAL_ADVICE, "Legal advice"),
    (HavenServiceGiven.NRM_ADVICE, "NRM advice"),
    (HavenServiceGiven.CHILDCARE, "Childcare"),
    (HavenServiceGiven.TRAVEL, "Travel"),
    (HavenServiceGiven.PHONE_CONTACT, "Phone contact with family"),
    (ReceptionDecision.CONSENTED, "Consented to NRM referral"),
    (ReceptionDecision.DECLINED_DTN, "Declined (Duty to Notify)"),
    (ReceptionDecision.CHILD_REFERRED, "Child referred"),
    (ReceptionDecision.UNDECIDED, "Undecided"),
    (DischargeDestination.MSVCC_SAFE_HOUSE, "MSVCC safe house"),
    (DischargeDestination.PLACE_OF_SAFETY, "Place of Safety"),
    (DischargeDestination.LOCAL_AUTHORITY, "Local authority"),
    (DischargeDestination.ASYLUM_ACCOMMODATION, "Asylum accommodation"),
    (DischargeDestination.FRIENDS_FAMILY, "Friends or family"),
    (DischargeDestination.OWN_ACCOMMODATION, "Own accommodation"),
    (DischargeDestination.RETURNED_TO_PREVIOUS, "Returned to previous situation"),
    (DischargeDestination.HOSPITAL, "Hospital"),
    (DischargeDestination.POLICE_CUSTODY, "Police custody"),
    (DischargeDestination.IMMIGRATION_DETENTION, "Immigration detention"),
    (DischargeDestination.VOLUNTARY_RETURN, "Voluntary return"),
    (DischargeDestination.LEFT_WITHOUT_NOTICE, "Left without notice"),
    (ContactMethod.IN_PERSON, "In person"),
    (ContactMethod.PHONE, "Phone"),
    (ContactMethod.VIDEO, "Video"),
    (ContactMethod.TEXT_APP, "Text / app"),
    (ContactMethod.VIA_NAVIGATOR, "Via Navigator"),
    (ContactMethod.LETTER_EMAIL, "Letter / email"),
    (ContactPurpose.INITIAL, "Initial contact"),
    (ContactPurpose.WELFARE, "Welfare"),
    (ContactPurpose.INVESTIGATION_UPDATE, "Investigation update"),
    (ContactPurpose.DECISION_NOTIFICATION, "Decision notification"),
    (ContactPurpose.STATEMENT, "Statement"),
    (ContactPurpose.COURT, "Court"),
    (ContactPurpose.SAFEGUARDING, "Safeguarding"),
    (ContactPurpose.NRM_SUPPORT_LIAISON, "NRM / support liaison"),
    (ContactPurpose.CLOSURE, "Closure"),
    (NotifiableDecision.CHARGE, "Charge"),
    (NotifiableDecision.NFA, "No further action"),
    (NotifiableDecision.BAIL, "Bail"),
    (NotifiableDecision.RUI, "Released under investigation"),
)
_LABEL_OF: dict[tuple[type, str], str] = {(type(m), m.value): text for m, text in _LABELS}


def join_codes(values: Iterable[StrEnum]) -> str:
    """Flags as stored: codes in declaration order, ``;``-joined, each once."""
    members = set(values)
    if not members:
        return ""
    order = list(type(next(iter(members))))
    return ";".join(m.value for m in order if m in members)


def split_codes(enum: type[E], stored: str) -> frozenset[E]:
    """The flags of a stored ``;``-joined string; unknown codes (from a newer version) are skipped."""
    known = {m.value: m for m in enum}
    return frozenset(known[c] for c in stored.split(";") if c in known)


def labels_of(values: Iterable[_Labelled]) -> str:
    """ "Health, Finance": flags in declaration order, for a table cell."""
    members = set(values)
    if not members:
        return ""
    order = list(type(next(iter(members))))
    return ", ".join(m.label for m in order if m in members)


# ----- Haven House stays -------------------------------------------------------------------------


def length_of_stay(admitted: datetime, discharged: datetime | None, now: datetime) -> timedelta:
    """Time in the house: to discharge, or to ``now`` while the person is still in (never negative)."""
    end = discharged if discharged is not None else now
    _aware(admitted)
    _aware(end)
    # In UTC: Python subtracts two times of the same zone as wall-clock times, ignoring a clock change.
    return max(end.astimezone(UTC) - admitted.astimezone(UTC), timedelta(0))


def bed_nights(admitted: datetime, discharged: datetime | None, now: datetime) -> int:
    """London midnights spent in the house: after admission, up to and including the discharge moment.

    Arrive 22:00, leave 09:00 next morning: one night. Arrive and leave the same day: none.
    """
    end = discharged if discharged is not None else now
    return max((london_date(end) - london_date(admitted)).days, 0)


def describe_length(length: timedelta) -> str:
    """ "3 days 4 h", "5 h", "under 1 h": how long, for a table cell or the Today page."""
    days = length.days
    hours = length.seconds // 3600
    if days and hours:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if days:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours} h" if hours else "under 1 h"


@dataclass(frozen=True)
class Occupancy:
    """Bed nights used against bed nights available over a period (inclusive dates, nights starting on
    each day of the period)."""

    start: date
    end: date
    beds: int
    bed_nights_used: int
    bed_nights_available: int

    @property
    def rate(self) -> float | None:
        """Share of available bed nights used (0–1); None when no bed was available."""
        if self.bed_nights_available == 0:
            return None
        return self.bed_nights_used / self.bed_nights_available


def occupancy(
    stays: Iterable[tuple[datetime, datetime | None]], start: date, end: date, beds: int, now: datetime
) -> Occupancy:
    """Nights of the days ``start``..``end`` used by ``stays`` against ``beds`` beds.

    The night of day D is the one whose midnight opens D+1 (London); a stay uses it when that midnight
    falls after its admission and no later than its discharge (or ``now`` for a stay still open).
    """
    if end < start:
        raise ValueError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    if beds < 0:
        raise ValueError(f"the number of beds cannot be negative, not {beds}")
    used = 0
    for admitted, discharged in stays:
        first = london_date(admitted)  # its first night is the night of this day
        leaving = london_date(discharged if discharged is not None else now)
        # nights of days first .. leaving-1, clipped to the period
        lo = max(first, start)
        hi = min(leaving - timedelta(days=1), end)
        if hi >= lo:
            used += (hi - lo).days + 1
    days = (end - start).days + 1
    return Occupancy(start, end, beds, used, beds * days)


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the date-time {moment.isoformat()} has no time zone")
