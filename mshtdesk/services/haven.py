"""Haven House: the reception centre's beds and the stays in them.

An administrator configures the beds; Haven House staff admit (anonymously if the person wishes) and
discharge. A bed holds one open stay at a time: the service refuses a full house or an occupied bed with
a clear message, and a partial unique index on open stays stops two workstations filling the same bed
at once. Length of stay and bed nights are derived, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mshtdesk.domain.support import DischargeDestination, HavenServiceGiven, Occupancy, ReceptionDecision
from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database

ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class BedRow:
    id: int
    label: str
    room: str
    active: bool
    sort_order: int
    stay_id: int | None  # the open stay in the bed, or None when free


@dataclass(frozen=True)
class StayFilter:
    """``in_house``: only stays not yet discharged; ``text`` matches names, reference or operation."""

    in_house: bool = True
    text: str = ""


@dataclass(frozen=True)
class StayInput:
    """An admission; ``person_id`` None is an anonymous stay. ``referring_district`` is a code or ""."""

    bed_id: int
    admitted_at: datetime  # time-zone aware
    person_id: int | None = None
    referring_district: str = ""
    operation: str = ""
    adults: int = 1
    children: int = 0
    services: frozenset[HavenServiceGiven] = field(default_factory=frozenset)
    nrm_decision_at_reception: ReceptionDecision = ReceptionDecision.UNDECIDED
    notes: str = ""


@dataclass(frozen=True)
class StayRow:
    id: int
    person_id: int | None
    person_ref: str  # "" when anonymous
    person_name: str  # "Anonymous" when no person is recorded
    bed_id: int
    bed: str  # bed label (room in brackets when set)
    admitted_at: datetime
    discharged_at: datetime | None
    length_of_stay: timedelta  # to discharge, or to now while in the house
    bed_nights: int
    adults: int
    children: int
    referring_district: str  # code
    operation: str
    nrm_decision_at_reception: ReceptionDecision
    discharge_destination: DischargeDestination | None
    version: int


@dataclass(frozen=True)
class StayDetail:
    id: int
    row: StayRow
    data: StayInput
    notes: str
    version: int


class HavenService:
    def __init__(self, db: Database, actor: Actor, *, now: datetime | None = None) -> None:
        self._db = db
        self._actor = actor
        self._now = now

    # ----- beds ------------------------------------------------------------------------------------
    def beds(self, *, include_retired: bool = False) -> list[BedRow]:
        """The beds in their configured order, each with its open stay (if any)."""
        raise NotImplementedError

    def add_bed(self, label: str, room: str = "", sort_order: int | None = None) -> int:
        """Administrators only: a new bed (label unique)."""
        raise NotImplementedError

    def retire_bed(self, bed_id: int) -> None:
        """Administrators only: take a free bed out of use; its past stays keep it."""
        raise NotImplementedError

    def restore_bed(self, bed_id: int) -> None:
        """Administrators only: put a retired bed back into use."""
        raise NotImplementedError

    # ----- stays -----------------------------------------------------------------------------------
    def count(self, q: StayFilter = StayFilter()) -> int:
        raise NotImplementedError

    def stays(self, q: StayFilter = StayFilter(), *, offset: int = 0, limit: int = 200) -> list[StayRow]:
        """One page of stays, latest admission first, with derived length of stay and bed nights."""
        raise NotImplementedError

    def get(self, stay_id: int) -> StayDetail:
        """Open one stay (a consultation)."""
        raise NotImplementedError

    def admit(self, data: StayInput) -> int:
        """Admit into a free bed; refused when the house is full or the chosen bed is taken."""
        raise NotImplementedError

    def update(self, stay_id: int, version: int, data: StayInput) -> int:
        """Correct an admission's details (ConflictError if saved by someone else since)."""
        raise NotImplementedError

    def discharge(
        self, stay_id: int, version: int, discharged_at: datetime, destination: DischargeDestination
    ) -> int:
        """Discharge an open stay, no earlier than its admission, with where the person went."""
        raise NotImplementedError

    def occupancy(self, start: date, end: date) -> Occupancy:
        """Bed nights used against available over a period, counting the beds in use now."""
        raise NotImplementedError
