"""Haven House: beds an administrator configures, admissions refused when the house or the bed is
full (also when two workstations race for a bed), anonymous stays, discharge after admission only,
derived length of stay and bed nights, occupancy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection

from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import DischargeDestination, HavenServiceGiven, ReceptionDecision
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.haven import ANONYMOUS, HavenService, StayFilter, StayInput
from mshtdesk.services.people import PersonInput

Backends = Callable[[Role], Backend]
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 6, 10, 12, tzinfo=UTC)


def at(d: int, h: int, month: int = 6) -> datetime:
    return datetime(2024, month, d, h, tzinfo=LONDON)


def haven(backend_for: Backends, role: Role = Role.HAVEN_HOUSE) -> HavenService:
    b = backend_for(role)
    return HavenService(b.db, b.actor, now=NOW)


def two_beds(backend_for: Backends) -> tuple[int, int]:
    admin = backend_for(Role.ADMINISTRATOR).haven
    return admin.add_bed("Bed A", "Room 1"), admin.add_bed("Bed B", "Room 1")


def test_beds_are_configured_by_an_administrator(backend_for: Backends) -> None:
    a, b = two_beds(backend_for)
    admin = backend_for(Role.ADMINISTRATOR).haven
    with pytest.raises(ValidationError, match="already a bed labelled"):
        admin.add_bed("bed a")
    with pytest.raises(ValidationError):
        admin.add_bed("   ")
    for role in (Role.HAVEN_HOUSE, Role.MANAGER, Role.VLO):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).haven.add_bed("Bed C")
    staff = haven(backend_for)
    assert [(x.label, x.room, x.stay_id) for x in staff.beds()] == [
        ("Bed A", "Room 1", None),
        ("Bed B", "Room 1", None),
    ]
    admin.retire_bed(b)
    assert [x.id for x in staff.beds()] == [a]
    assert [x.id for x in staff.beds(include_retired=True)] == [a, b]
    admin.restore_bed(b)
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.VLO).haven.beds()


def test_admission_refused_when_the_bed_or_the_house_is_full(backend_for: Backends) -> None:
    a, b = two_beds(backend_for)
    staff = haven(backend_for)
    first = staff.admit(StayInput(bed_id=a, admitted_at=at(8, 21)))
    with pytest.raises(
        ValidationError,
        match=r"That bed \(Bed A\) has been occupied since 08/06/2024 21:00. Free: Bed B \(Room 1\)",
    ):
        staff.admit(StayInput(bed_id=a, admitted_at=at(9, 9)))
    staff.admit(StayInput(bed_id=b, admitted_at=at(9, 9)))
    with pytest.raises(ValidationError, match="Haven House is full: all 2 beds are occupied"):
        staff.admit(StayInput(bed_id=a, admitted_at=at(9, 10)))
    with pytest.raises(ValidationError, match="occupied; it can be retired once"):
        backend_for(Role.ADMINISTRATOR).haven.retire_bed(a)
    assert {x.id: x.stay_id for x in staff.beds()}[a] == first
    # after a discharge the bed is free again
    staff.discharge(first, 1, at(10, 10), DischargeDestination.MSVCC_SAFE_HOUSE)
    staff.admit(StayInput(bed_id=a, admitted_at=at(10, 11)))


def test_two_writers_cannot_fill_one_bed(backend_for: Backends, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check passed on a stale read (another workstation admitted in between): the store's partial
    unique index still refuses, and the user gets a clear sentence, not a database error."""
    a, _ = two_beds(backend_for)
    staff = haven(backend_for)
    staff.admit(StayInput(bed_id=a, admitted_at=at(8, 21)))

    def stale_check(self: HavenService, conn: Connection, bed_id: int, own: int | None) -> str:
        return "Bed A"

    monkeypatch.setattr(HavenService, "_check_bed", stale_check)
    with pytest.raises(
        ConflictError, match=r"That bed \(Bed A\) was taken by another admission a moment ago"
    ):
        staff.admit(StayInput(bed_id=a, admitted_at=at(9, 9)))
    assert staff.count(StayFilter(in_house=False)) == 1


def test_anonymous_and_named_stays_with_derived_measures(backend_for: Backends) -> None:
    a, b = two_beds(backend_for)
    staff = haven(backend_for)
    pid = backend_for(Role.HAVEN_HOUSE).people.create(PersonInput(surname="Lupu", forenames="Ana"))
    named = staff.admit(
        StayInput(
            bed_id=a,
            admitted_at=at(7, 22),
            person_id=pid,
            referring_district="ld",
            operation="Op Larch",
            adults=1,
            children=2,
            services=frozenset({HavenServiceGiven.MEDICAL, HavenServiceGiven.INTERPRETER}),
            nrm_decision_at_reception=ReceptionDecision.CONSENTED,
        )
    )
    anon = staff.admit(StayInput(bed_id=b, admitted_at=at(9, 20)))
    rows = {r.id: r for r in staff.stays()}
    assert rows[anon].person_name == ANONYMOUS and rows[anon].person_id is None
    assert rows[named].person_name == "Lupu, Ana" and rows[named].referring_district == "LD"
    assert rows[named].bed == "Bed A (Room 1)"
    # now is 10/06 13:00 London: admitted 07/06 22:00 -> 3 nights, 2 days 15 h
    assert (rows[named].bed_nights, rows[named].length_of_stay) == (3, timedelta(days=2, hours=15))
    assert [r.id for r in staff.stays()] == [anon, named]  # latest admission first
    detail = staff.get(named)
    assert detail.data.services == {HavenServiceGiven.MEDICAL, HavenServiceGiven.INTERPRETER}
    assert (
        detail.data.person_id == pid and detail.data.nrm_decision_at_reception is ReceptionDecision.CONSENTED
    )
    assert staff.count(StayFilter(text="lupu")) == 1 and staff.count(StayFilter(text="larch")) == 1
    free = backend_for(Role.ADMINISTRATOR).haven.add_bed("Bed C")
    with pytest.raises(ValidationError, match="not a district"):
        staff.admit(StayInput(bed_id=free, admitted_at=at(9, 20), referring_district="Narnia"))
    with pytest.raises(NotFoundError):
        staff.admit(StayInput(bed_id=free, admitted_at=at(9, 20), person_id=999_999))


def test_admission_validation(backend_for: Backends) -> None:
    a, _ = two_beds(backend_for)
    staff = haven(backend_for)
    with pytest.raises(ValidationError) as info:
        staff.admit(
            StayInput(
                bed_id=a, admitted_at=NOW + timedelta(hours=1), adults=0, children=0, operation="x" * 121
            )
        )
    assert set(info.value.fields) == {"admitted_at", "adults", "operation"}
    with pytest.raises(ValidationError, match="time zone"):
        staff.admit(StayInput(bed_id=a, admitted_at=datetime(2024, 6, 1, 10)))
    with pytest.raises(ValidationError, match="no longer configured"):
        staff.admit(StayInput(bed_id=999, admitted_at=at(9, 9)))
    with pytest.raises(PermissionDeniedError):
        haven(backend_for, Role.MANAGER).admit(StayInput(bed_id=a, admitted_at=at(9, 9)))


def test_discharge_only_after_admission(backend_for: Backends) -> None:
    a, _ = two_beds(backend_for)
    staff = haven(backend_for)
    stay = staff.admit(StayInput(bed_id=a, admitted_at=at(8, 21)))
    with pytest.raises(ValidationError, match="before the admission"):
        staff.discharge(stay, 1, at(8, 20), DischargeDestination.HOSPITAL)
    with pytest.raises(ValidationError, match="future"):
        staff.discharge(stay, 1, NOW + timedelta(days=1), DischargeDestination.HOSPITAL)
    with pytest.raises(ConflictError):
        staff.discharge(stay, 7, at(9, 10), DischargeDestination.HOSPITAL)
    version = staff.discharge(stay, 1, at(9, 10), DischargeDestination.LEFT_WITHOUT_NOTICE)
    with pytest.raises(ValidationError, match="already discharged on 09/06/2024 10:00"):
        staff.discharge(stay, version, at(9, 11), DischargeDestination.HOSPITAL)
    row = staff.stays(StayFilter(in_house=False))[0]
    assert (row.discharge_destination, row.bed_nights, row.length_of_stay) == (
        DischargeDestination.LEFT_WITHOUT_NOTICE,
        1,
        timedelta(hours=13),
    )
    assert staff.stays() == []  # nobody in the house now


def test_update_is_versioned_and_moves_beds_only_into_free_ones(backend_for: Backends) -> None:
    a, b = two_beds(backend_for)
    staff = haven(backend_for)
    s1 = staff.admit(StayInput(bed_id=a, admitted_at=at(8, 21)))
    staff.admit(StayInput(bed_id=b, admitted_at=at(8, 22)))
    d = staff.get(s1)
    moved = StayInput(**{**d.data.__dict__, "bed_id": b})
    with pytest.raises(ValidationError, match=r"That bed \(Bed B\) has been occupied"):
        staff.update(s1, d.version, moved)
    changed = StayInput(**{**d.data.__dict__, "children": 1, "notes": "Arrived with a cousin"})
    assert staff.update(s1, d.version, changed) == d.version + 1
    with pytest.raises(ConflictError, match="Someone else saved this stay"):
        staff.update(s1, d.version, changed)
    assert staff.get(s1).data.children == 1
    rows = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="haven_stay", record_id=str(s1)))
    assert ("alter", "children,notes") in [(r.action, r.fields) for r in rows]
    assert not any("cousin" in r.fields + r.reason for r in rows)


def test_occupancy_against_the_beds(backend_for: Backends) -> None:
    a, b = two_beds(backend_for)
    staff = haven(backend_for)
    s = staff.admit(StayInput(bed_id=a, admitted_at=at(1, 20)))
    staff.discharge(s, 1, at(4, 9), DischargeDestination.PLACE_OF_SAFETY)  # nights of 1, 2, 3 June
    staff.admit(StayInput(bed_id=b, admitted_at=at(31, 20, month=5)))  # open: nights 31 May .. 9 June
    occ = staff.occupancy(date(2024, 6, 1), date(2024, 6, 7))
    assert (occ.beds, occ.bed_nights_used, occ.bed_nights_available) == (2, 3 + 7, 14)
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.NAVIGATOR).haven.occupancy(date(2024, 6, 1), date(2024, 6, 7))


def test_a_full_house_and_the_free_beds_are_said_in_good_english() -> None:
    """The form and the service share the wording; one bed is "its one bed", not "all 1 beds"."""
    from mshtdesk.services.haven import beds_free, full_house

    assert full_house(1).startswith("Haven House is full: its one bed is occupied. Discharge someone")
    assert full_house(6).startswith("Haven House is full: all 6 beds are occupied.")
    assert (beds_free(0, 1), beds_free(2, 6)) == ("0 of 1 bed free", "2 of 6 beds free")
