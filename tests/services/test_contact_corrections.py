"""Contact corrections: a VLO corrects or withdraws their own contact by appending a superseding row
(a void one for a withdrawal) with a reason; the old row stays; every list, clock and COM figure reads
only the contacts in force; another VLO, or any other role, is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.errors import PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest
from mshtdesk.services.contacts import ContactFilter, ContactInput
from mshtdesk.services.people import PersonInput
from mshtdesk.store.database import Database
from mshtdesk.store.tables import VLO_CONTACT

Backends = Callable[[Role], Backend]
LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=LONDON)


def victim(backend_for: Backends) -> int:
    officer = backend_for(Role.HTT_OFFICER)
    person = officer.people.create(PersonInput(surname="Dragan", forenames="Elena"))
    officer.people.assign_vlo(person, "vlo")
    return person


def notice(person_id: int, when: datetime, decided: date) -> ContactInput:
    return ContactInput(
        person_id,
        when,
        ContactMethod.IN_PERSON,
        ContactPurpose.DECISION_NOTIFICATION,
        decision_notified=NotifiableDecision.CHARGE,
        decision_date=decided,
    )


def welfare(person_id: int, when: datetime) -> ContactInput:
    return ContactInput(person_id, when, ContactMethod.PHONE, ContactPurpose.WELFARE)


def test_a_correction_supersedes_and_the_old_row_stays(backend_for: Backends, database: Database) -> None:
    person = victim(backend_for)
    vlo = backend_for(Role.VLO)
    first = vlo.contacts.add(welfare(person, at(2024, 5, 1))).id
    second = vlo.contacts.correct(first, welfare(person, at(2024, 5, 2)), "Wrong day typed").id
    third = vlo.contacts.correct(second, welfare(person, at(2024, 5, 3)), "  And again  ").id
    rows = vlo.contacts.list(ContactFilter(person_id=person))
    assert [(r.id, r.contact_at.date()) for r in rows] == [(third, date(2024, 5, 3))]
    assert vlo.contacts.count(ContactFilter(person_id=person)) == 1
    with database.engine.connect() as conn:
        chain = conn.execute(
            select(VLO_CONTACT.c.id, VLO_CONTACT.c.supersedes_id, VLO_CONTACT.c.reason).order_by(
                VLO_CONTACT.c.id
            )
        ).all()
    assert [tuple(r) for r in chain] == [
        (first, None, ""),
        (second, first, "Wrong day typed"),
        (third, second, "And again"),
    ]
    # a superseded contact cannot be corrected again: only its latest version
    with pytest.raises(ValidationError, match="already been corrected"):
        vlo.contacts.withdraw(first, "late")
    events = backend_for(Role.ADMINISTRATOR).audit.list(AuditQuery(entity="vlo_contact"))
    assert {(e.action, e.record_id, e.reason) for e in events} >= {
        ("alter", str(first), "Wrong day typed"),
        ("alter", str(second), "And again"),
    }


def test_a_reason_is_required_and_checked(backend_for: Backends) -> None:
    person = victim(backend_for)
    vlo = backend_for(Role.VLO)
    first = vlo.contacts.add(welfare(person, at(2024, 5, 1))).id
    for bad in ("", "   ", "bad\u202ereason", "x" * 2001):
        with pytest.raises(ValidationError) as caught:
            vlo.contacts.withdraw(first, bad)
        assert "reason" in caught.value.fields
    assert vlo.contacts.count(ContactFilter(person_id=person)) == 1


def test_only_the_vlo_who_logged_it_may_correct_it(backend_for: Backends, database: Database) -> None:
    person = victim(backend_for)
    vlo = backend_for(Role.VLO)
    first = vlo.contacts.add(welfare(person, at(2024, 5, 1))).id
    admin = backend_for(Role.ADMINISTRATOR)
    admin.users._add_user("vlo2", "Second VLO", Role.VLO, "quiet-maple-harbour-77", keep_signer=True)
    backend_for(Role.HTT_OFFICER).people.assign_vlo(person, "vlo2")
    other = Backend.as_user(database, "vlo2")
    # in scope now (the victim was reassigned), but not their contact
    with pytest.raises(PermissionDeniedError, match="Only the VLO who logged"):
        other.contacts.withdraw(first, "Not mine")
    with pytest.raises(PermissionDeniedError, match="Only the VLO who logged"):
        other.contacts.correct(first, welfare(person, at(2024, 5, 2)), "Not mine")
    # the first VLO, no longer assigned, is out of scope
    with pytest.raises(PermissionDeniedError, match="not one you have been assigned"):
        vlo.contacts.withdraw(first, "Mine but reassigned")
    for role in (Role.HTT_OFFICER, Role.MANAGER, Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).contacts.withdraw(first, "Not theirs")
    assert other.contacts.count(ContactFilter(person_id=person)) == 1


def test_a_correction_keeps_the_victim(backend_for: Backends) -> None:
    person = victim(backend_for)
    other = backend_for(Role.HTT_OFFICER).people.create(PersonInput(surname="Tran", forenames="Minh"))
    backend_for(Role.HTT_OFFICER).people.assign_vlo(other, "vlo")
    vlo = backend_for(Role.VLO)
    first = vlo.contacts.add(welfare(person, at(2024, 5, 1))).id
    with pytest.raises(ValidationError, match="same victim"):
        vlo.contacts.correct(first, welfare(other, at(2024, 5, 1)), "Moved")


def _vlo_table(backend: Backend) -> dict[str, object]:
    report = backend.reports.build(
        ReportRequest(ReportKind.COM, date(2024, 4, 1), date(2024, 9, 30), date(2024, 10, 1))
    )
    return {str(r[0]): r[1] for r in report.table("vlo").rows}


def test_com_timeliness_follows_a_withdrawal_and_a_correction(backend_for: Backends) -> None:
    person = victim(backend_for)
    vlo = backend_for(Role.VLO)
    late = vlo.contacts.add(notice(person, at(2024, 5, 10), date(2024, 5, 1)))
    timely = vlo.contacts.add(notice(person, at(2024, 5, 2), date(2024, 5, 1)))
    assert (late.notified_on_time, timely.notified_on_time) == (False, True)
    manager = backend_for(Role.MANAGER)
    before = _vlo_table(manager)
    assert before["Decisions notified to victims"] == 2 and before["Decisions notified on time"] == 1
    vlo.contacts.withdraw(late.id, "Duplicate of the notification on 2 May")
    after = _vlo_table(manager)
    assert after["Decisions notified to victims"] == 1 and after["Decisions notified on time"] == 1
    assert after["Contacts"] == 1
    # a correction to a welfare contact takes the notice out of the timeliness figures
    vlo.contacts.correct(timely.id, welfare(person, at(2024, 5, 2)), "It was a welfare call")
    corrected = _vlo_table(manager)
    assert corrected["Decisions notified to victims"] == 0 and corrected["Contacts"] == 1


def test_a_withdrawn_contact_leaves_the_due_clock(backend_for: Backends) -> None:
    person = victim(backend_for)
    vlo = backend_for(Role.VLO)
    only = vlo.contacts.add(welfare(person, at(2024, 5, 1))).id
    assert [r.id for r in vlo.contacts.list(ContactFilter(overdue=True))] == [only]
    vlo.contacts.withdraw(only, "Logged against the wrong victim")
    assert vlo.contacts.list(ContactFilter(person_id=person)) == []
    assert vlo.contacts.list(ContactFilter(overdue=True)) == []
