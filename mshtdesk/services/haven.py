"""Haven House: the reception centre's beds and the stays in them.

An administrator configures the beds; Haven House staff admit (anonymously if the person wishes) and
discharge. A bed holds one open stay at a time: the service refuses a full house or an occupied bed with
a clear message, and a partial unique index on open stays stops two workstations filling the same bed
at once. Length of stay and bed nights are derived, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from mshtdesk.domain.changes import Data
from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.support import (
    DischargeDestination,
    HavenServiceGiven,
    Occupancy,
    ReceptionDecision,
    bed_nights,
    join_codes,
    length_of_stay,
    occupancy,
    split_codes,
)
from mshtdesk.domain.text import add_text_problems, text_problems
from mshtdesk.errors import ConflictError, NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import returned, writes
from mshtdesk.services.support_scope import plain_name
from mshtdesk.store.database import Database
from mshtdesk.store.queries import haven as queries
from mshtdesk.store.queries.people import person_exists
from mshtdesk.store.tables import utcnow

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


BED_ENTITY = "haven_bed"
#: A clock a few minutes ahead on another workstation is not "the future".
CLOCK_SKEW = timedelta(minutes=5)
LIMITS = {"operation": 120, "notes": 4000}


def full_house(beds: int) -> str:
    """The refusal of an admission when every bed in use is taken (said by the form and the service)."""
    taken = "its one bed is occupied" if beds == 1 else f"all {beds} beds are occupied"
    return (
        f"Haven House is full: {taken}. Discharge someone first, or find the person another place of safety."
    )


def beds_free(free: int, beds: int) -> str:
    return f"{free} of {beds} {'bed' if beds == 1 else 'beds'} free"


def _bed_text(label: str, room: str) -> str:
    return f"{label} ({room})" if room else label


def _stay_problems(data: StayInput, now: datetime) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            problems[name] = f"At most {limit} characters."
    if data.admitted_at.tzinfo is None or data.admitted_at.utcoffset() is None:
        problems["admitted_at"] = "Give the admission time with its time zone."
    elif data.admitted_at > now + CLOCK_SKEW:
        problems["admitted_at"] = "An admission cannot be in the future."
    if data.adults < 0 or data.children < 0:
        problems["adults"] = "The number of adults and children cannot be negative."
    elif data.adults + data.children < 1:
        problems["adults"] = "A stay is for at least one person (an adult or a child)."
    elif data.adults + data.children > 20:
        problems["adults"] = "At most 20 people in one party."
    if ReceptionDecision.parse(data.nrm_decision_at_reception) is None:
        problems["nrm_decision_at_reception"] = "Choose the NRM decision made at reception."
    return add_text_problems(problems, vars(data), multiline=("notes",))


def _is_open_bed_clash(error: IntegrityError) -> bool:
    text = str(error.orig)
    return "ux_haven_stay_open_bed" in text or "haven_stay.bed_id" in text


def _row(r: queries.StayListRow, now: datetime) -> StayRow:
    return StayRow(
        id=r.id,
        person_id=r.person_id,
        person_ref=r.person_ref,
        person_name=plain_name(r.surname, r.forenames, r.person_ref)
        if r.person_id is not None
        else ANONYMOUS,
        bed_id=r.bed_id,
        bed=_bed_text(r.bed, r.room),
        admitted_at=r.admitted_at,
        discharged_at=r.discharged_at,
        length_of_stay=length_of_stay(r.admitted_at, r.discharged_at, now),
        bed_nights=bed_nights(r.admitted_at, r.discharged_at, now),
        adults=r.adults,
        children=r.children,
        referring_district=r.referring_district,
        operation=r.operation,
        nrm_decision_at_reception=ReceptionDecision.parse(r.nrm_decision_at_reception)
        or ReceptionDecision.UNDECIDED,
        discharge_destination=DischargeDestination.parse(r.discharge_destination)
        if r.discharge_destination
        else None,
        version=r.version,
    )


class HavenService:
    def __init__(self, db: Database, actor: Actor, *, now: datetime | None = None) -> None:
        self._db = db
        self._actor = actor
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    # ----- beds ------------------------------------------------------------------------------------
    def beds(self, *, include_retired: bool = False) -> list[BedRow]:
        """The beds in their configured order, each with its open stay (if any).

        Haven House staff (and readers of stays) see them to choose a bed; an administrator to configure
        them. No personal data: a bed shows only whether it is taken.
        """
        if not (
            self._actor.may(Action.READ, Entity.HAVEN_STAY)
            or self._actor.may(Action.ADMINISTER, Entity.REFERENCE)
        ):
            self._actor.require(Action.READ, Entity.HAVEN_STAY)
        with self._db.engine.connect() as conn:
            rows = queries.beds(conn, include_retired=include_retired)
        return [BedRow(b.id, b.label, b.room, b.active, b.sort_order, b.stay_id) for b in rows]

    @writes(Data.HAVEN_BED, ids=returned)
    def add_bed(self, label: str, room: str = "", sort_order: int | None = None) -> int:
        """Administrators only: a new bed (label unique)."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        label, room = label.strip(), room.strip()
        if not label:
            raise ValidationError({"label": 'Give the bed a label, for example "Room 1, bed A".'})
        if len(label) > 40 or len(room) > 40:
            raise ValidationError({"label" if len(label) > 40 else "room": "At most 40 characters."})
        if problems := text_problems({"label": label, "room": room}):
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            if queries.bed_labelled(conn, label):
                raise ValidationError({"label": f"There is already a bed labelled {label}."})
            bed_id = queries.insert_bed(conn, label, room, sort_order)
            record(conn, self._actor, AuditAction.ADMINISTER, BED_ENTITY, bed_id, fields=("label", "room"))
        return bed_id

    def _set_active(self, bed_id: int, active: bool) -> None:
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        with self._db.engine.begin() as conn:
            found = queries.bed_label(conn, bed_id)
            if found is None:
                raise NotFoundError("That bed is no longer configured.")
            if not active and queries.bed_occupied(conn, bed_id):
                raise ValidationError(
                    {"bed": f"That bed ({found}) is occupied; it can be retired once its guest has left."}
                )
            queries.set_bed_active(conn, bed_id, active)
            record(conn, self._actor, AuditAction.ADMINISTER, BED_ENTITY, bed_id, fields=("active",))

    @writes(Data.HAVEN_BED, arg="bed_id")
    def retire_bed(self, bed_id: int) -> None:
        """Administrators only: take a free bed out of use; its past stays keep it."""
        self._set_active(bed_id, False)

    @writes(Data.HAVEN_BED, arg="bed_id")
    def restore_bed(self, bed_id: int) -> None:
        """Administrators only: put a retired bed back into use."""
        self._set_active(bed_id, True)

    # ----- stays -----------------------------------------------------------------------------------
    def count(self, q: StayFilter = StayFilter(), at_most: int | None = None) -> int:
        self._actor.require(Action.READ, Entity.HAVEN_STAY)
        with self._db.engine.connect() as conn:
            return queries.count_stays(conn, in_house=q.in_house, text=q.text, at_most=at_most)

    def stays(self, q: StayFilter = StayFilter(), *, offset: int = 0, limit: int = 200) -> list[StayRow]:
        """One page of stays, latest admission first, with derived length of stay and bed nights."""
        self._actor.require(Action.READ, Entity.HAVEN_STAY)
        now = self.now
        with self._db.engine.connect() as conn:
            rows = queries.page_stays(conn, in_house=q.in_house, text=q.text, offset=offset, limit=limit)
        return [_row(r, now) for r in rows]

    def get(self, stay_id: int) -> StayDetail:
        """Open one stay (a consultation)."""
        self._actor.require(Action.READ, Entity.HAVEN_STAY)
        with self._db.engine.begin() as conn:
            r = queries.get_stay(conn, stay_id)
            if r is None:
                raise NotFoundError("That Haven House stay is no longer in the register.")
            record(conn, self._actor, AuditAction.CONSULT, Entity.HAVEN_STAY, stay_id)
        row = _row(r, self.now)
        data = StayInput(
            bed_id=row.bed_id,
            admitted_at=row.admitted_at,
            person_id=row.person_id,
            referring_district=row.referring_district,
            operation=row.operation,
            adults=row.adults,
            children=row.children,
            services=split_codes(HavenServiceGiven, r.services),
            nrm_decision_at_reception=row.nrm_decision_at_reception,
            notes=r.notes,
        )
        return StayDetail(stay_id, row, data, r.notes, row.version)

    def _resolve(self, conn: Connection, data: StayInput) -> int | None:
        """Check the person and the district; the district's id (None when not given)."""
        if data.person_id is not None and not person_exists(conn, data.person_id):
            raise NotFoundError("That person is no longer in the register.")
        if not data.referring_district.strip():
            return None
        found = queries.district_id(conn, data.referring_district)
        if found is None:
            raise ValidationError(
                {"referring_district": f"{data.referring_district} is not a district of this force."}
            )
        return found

    def _check_bed(self, conn: Connection, bed_id: int, own_stay: int | None) -> str:
        """The bed's label, if it can take this stay; a clear refusal when the house or the bed is full."""
        beds = queries.beds(conn)
        chosen = next((b for b in beds if b.id == bed_id), None)
        if chosen is None:
            raise ValidationError({"bed_id": "That bed is no longer configured; choose another."})
        free = [_bed_text(b.label, b.room) for b in beds if b.active and b.stay_id in (None, own_stay)]
        if not chosen.active:
            raise ValidationError({"bed_id": f"That bed ({chosen.label}) has been retired; choose another."})
        if chosen.stay_id is not None and chosen.stay_id != own_stay:
            if not free:
                raise ValidationError({"bed_id": full_house(sum(1 for b in beds if b.active))})
            assert chosen.admitted_at is not None  # an open stay has an admission
            since = chosen.admitted_at.astimezone(LONDON)
            raise ValidationError(
                {
                    "bed_id": f"That bed ({chosen.label}) has been occupied since {uk(since.date())} "
                    f"{since:%H:%M}. "
                    f"Free: {', '.join(free)}."
                }
            )
        return chosen.label

    def _values(self, conn: Connection, data: StayInput) -> dict[str, Any]:
        return {
            "person_id": data.person_id,
            "bed_id": data.bed_id,
            "admitted_at": data.admitted_at.astimezone(UTC),
            "referring_district_id": self._resolve(conn, data),
            "operation": data.operation.strip(),
            "adults": data.adults,
            "children": data.children,
            "services": join_codes(data.services),
            "nrm_decision_at_reception": ReceptionDecision(data.nrm_decision_at_reception).value,
            "notes": data.notes,
        }

    @writes(Data.HAVEN_STAY, ids=returned)
    def admit(self, data: StayInput) -> int:
        """Admit into a free bed; refused when the house is full or the chosen bed is taken."""
        self._actor.require(Action.CREATE, Entity.HAVEN_STAY)
        problems = _stay_problems(data, self.now)
        if problems:
            raise ValidationError(problems)
        now = utcnow()
        label = ""
        try:
            with self._db.engine.begin() as conn:
                label = self._check_bed(conn, data.bed_id, None)
                values = self._values(conn, data)
                values.update(
                    discharged_at=None, discharge_destination="", version=1, created_at=now, updated_at=now
                )
                stay_id = queries.insert_stay(conn, values)
                filled = [
                    k
                    for k in ("person_id", "referring_district_id", "operation", "services", "notes")
                    if values[k]
                ]
                record(
                    conn,
                    self._actor,
                    AuditAction.COLLECT,
                    Entity.HAVEN_STAY,
                    stay_id,
                    fields=(
                        "bed_id",
                        "admitted_at",
                        *filled,
                        "adults",
                        "children",
                        "nrm_decision_at_reception",
                    ),
                )
        except IntegrityError as e:
            if not _is_open_bed_clash(e):
                raise
            raise ConflictError(
                f"That bed ({label}) was taken by another admission a moment ago; nothing was saved. "
                "Choose another bed."
            ) from None
        return stay_id

    def _current(self, conn: Connection, stay_id: int) -> queries.StayState:
        found = queries.stay_state(conn, stay_id)
        if found is None:
            raise NotFoundError("That Haven House stay is no longer in the register.")
        return found

    def _save(self, conn: Connection, stay_id: int, version: int, values: dict[str, Any]) -> None:
        if not queries.save_stay(conn, stay_id, version, values, utcnow()):
            raise ConflictError(
                "Someone else saved this stay after you opened it; your changes were not saved. "
                "Reopen the stay to see their version."
            )

    @writes(Data.HAVEN_STAY, arg="stay_id")
    def update(self, stay_id: int, version: int, data: StayInput) -> int:
        """Correct an admission's details (ConflictError if saved by someone else since)."""
        self._actor.require(Action.UPDATE, Entity.HAVEN_STAY)
        problems = _stay_problems(data, self.now)
        if problems:
            raise ValidationError(problems)
        label = ""
        try:
            with self._db.engine.begin() as conn:
                before = self._current(conn, stay_id)
                discharged = before.discharged_at
                if discharged is not None and data.admitted_at > discharged:
                    raise ValidationError({"admitted_at": "The admission cannot be after the discharge."})
                if discharged is None and data.bed_id != before.bed_id:
                    label = self._check_bed(conn, data.bed_id, stay_id)
                values = self._values(conn, data)
                old = before._asdict()
                changed = [k for k, v in values.items() if old[k] != v]
                self._save(conn, stay_id, version, values)
                record(conn, self._actor, AuditAction.ALTER, Entity.HAVEN_STAY, stay_id, fields=changed)
        except IntegrityError as e:
            if not _is_open_bed_clash(e):
                raise
            raise ConflictError(
                f"That bed ({label}) was taken by another admission a moment ago; nothing was saved. "
                "Choose another bed."
            ) from None
        return version + 1

    @writes(Data.HAVEN_STAY, arg="stay_id")
    def discharge(
        self, stay_id: int, version: int, discharged_at: datetime, destination: DischargeDestination
    ) -> int:
        """Discharge an open stay, no earlier than its admission, with where the person went."""
        self._actor.require(Action.UPDATE, Entity.HAVEN_STAY)
        problems: dict[str, str] = {}
        if DischargeDestination.parse(destination) is None:
            problems["discharge_destination"] = "Choose where the person went on leaving."
        if discharged_at.tzinfo is None or discharged_at.utcoffset() is None:
            problems["discharged_at"] = "Give the discharge time with its time zone."
        elif discharged_at > self.now + CLOCK_SKEW:
            problems["discharged_at"] = "A discharge cannot be in the future."
        if problems:
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            current = self._current(conn, stay_id)
            admitted, discharged = current.admitted_at, current.discharged_at
            if discharged is not None:
                when = discharged.astimezone(LONDON)
                raise ValidationError(
                    {"discharged_at": f"This stay was already discharged on {uk(when.date())} {when:%H:%M}."}
                )
            if discharged_at < admitted:
                when = admitted.astimezone(LONDON)
                raise ValidationError(
                    {
                        "discharged_at": "A discharge cannot be before the admission "
                        f"({uk(when.date())} {when:%H:%M})."
                    }
                )
            self._save(
                conn,
                stay_id,
                version,
                {
                    "discharged_at": discharged_at.astimezone(UTC),
                    "discharge_destination": DischargeDestination(destination).value,
                },
            )
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.HAVEN_STAY,
                stay_id,
                fields=("discharged_at", "discharge_destination"),
            )
        return version + 1

    def occupancy(self, start: date, end: date) -> Occupancy:
        """Bed nights used against available over a period, counting the beds in use now."""
        self._actor.require(Action.READ, Entity.HAVEN_STAY)
        if end < start:
            raise ValidationError({"end": "The period ends before it starts."})
        # stays that can touch the period's nights (London midnights start+1 .. end+1)
        first = datetime.combine(start + timedelta(days=1), time.min, LONDON).astimezone(UTC)
        last = datetime.combine(end + timedelta(days=1), time.min, LONDON).astimezone(UTC)
        with self._db.engine.connect() as conn:
            beds = queries.active_beds(conn)
            stays = queries.stays_between(conn, first, last)
        return occupancy(stays, start, end, beds, self.now)
