"""One person's pathway: every kind of entry, newest first, with what is due next above it; sections a
role may not read left out; one audited consultation and a bounded number of queries per opening."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, event, text

from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    NotifiableDecision,
)
from mshtdesk.errors import ConflictError, PermissionDeniedError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactInput, ContactService
from mshtdesk.services.haven import HavenService, StayInput
from mshtdesk.services.navigator import NavigatorCaseInput
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.pathway import DueKind, PathwayService, TimelineKind
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.services.today import TodayService
from mshtdesk.store.database import Database
from tests.conftest import USERS

Backends = Callable[[Role], Backend]
LONDON = ZoneInfo("Europe/London")
TODAY = date(2024, 6, 10)


def at(m: int, d: int, h: int = 10) -> datetime:
    return datetime(2024, m, d, h, tzinfo=LONDON)


def pathway(b: Backend) -> PathwayService:
    return PathwayService(b.db, b.actor, today=TODAY, now=datetime(2024, 6, 10, 12, tzinfo=UTC))


def victim_with_history(backend_for: Backends) -> dict[str, int]:
    """A victim with an arrest (charged on 6 June), a stay, a referral with a positive RG, a Navigator
    case and two contacts; a second referral still waiting for its RG."""
    officer = backend_for(Role.HTT_OFFICER)
    arrest = officer.register.create_arrest(ArrestInput("HT/1", date(2024, 5, 1), "LD"), [("O1", "MSA s.2")])
    offence = officer.register.get(arrest).offences[0].id
    officer.register.append_event(offence, "RUI", date(2024, 5, 2))
    officer.register.append_event(offence, "CHARGE", date(2024, 6, 6))
    pid = officer.people.create(
        PersonInput(surname="Nowak", forenames="Ewa", interpreter_language="Polish"),
        link=(LinkRole.POTENTIAL_VICTIM, arrest, "Op Birch"),
    )
    officer.people.assign_vlo(pid, "vlo")
    referral = officer.nrm.create(
        ReferralInput(
            Route.NRM,
            AgeAtReferral.ADULT,
            date(2024, 5, 2),
            person_id=pid,
            consents=True,
            crime_ref="13/1/24",
        )
    )
    officer.nrm.add_decision(referral, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 20))
    waiting = officer.nrm.create(
        ReferralInput(
            Route.NRM,
            AgeAtReferral.ADULT,
            date(2024, 5, 30),
            person_id=pid,
            consents=True,
            crime_ref="13/2/24",
        )
    )
    admin = backend_for(Role.ADMINISTRATOR)
    bed = admin.haven.add_bed("Bed A")
    staff = backend_for(Role.HAVEN_HOUSE)
    stay = staff.haven.admit(StayInput(bed_id=bed, admitted_at=at(5, 1, 22), person_id=pid))
    staff.haven.discharge(stay, 1, at(5, 4, 11), DischargeDestination.MSVCC_SAFE_HOUSE)
    officer.people.add_supporter(pid, "navigator")
    nav = backend_for(Role.NAVIGATOR)
    case = nav.navigator.create(
        pid, NavigatorCaseInput(referral_date=date(2024, 5, 3), support_plan_opened=date(2024, 5, 7))
    )
    vlo = backend_for(Role.VLO)
    contacts = ContactService(vlo.db, vlo.actor)
    contacts.add(ContactInput(pid, at(5, 3), ContactMethod.PHONE, ContactPurpose.INITIAL))
    contacts.add(
        ContactInput(
            pid,
            at(5, 3, 15),
            ContactMethod.IN_PERSON,
            ContactPurpose.DECISION_NOTIFICATION,
            decision_notified=NotifiableDecision.RUI,
            decision_date=date(2024, 5, 2),
            next_contact_due=date(2024, 6, 3),
        )
    )
    return {
        "person": pid,
        "arrest": arrest,
        "referral": referral,
        "waiting": waiting,
        "stay": stay,
        "case": case,
    }


def test_the_whole_pathway_newest_first_with_what_is_due(backend_for: Backends) -> None:
    ids = victim_with_history(backend_for)
    p = pathway(backend_for(Role.MANAGER)).timeline(ids["person"])
    assert (p.person_name, p.vlo, p.opted_out_of_updates, p.interpreter_language) == (
        "Nowak, Ewa",
        "vlo",
        False,
        "Polish",
    )
    got = [(e.day, e.kind, e.title) for e in p.entries]
    assert got == [
        (date(2024, 6, 6), TimelineKind.DISPOSAL, "Charge on arrest HT/1"),
        (
            date(2024, 5, 30),
            TimelineKind.REFERRAL,
            f"NRM referral {_ref(backend_for, ids['waiting'])} submitted",
        ),
        (date(2024, 5, 20), TimelineKind.DECISION, "Reasonable Grounds decision: Positive"),
        (date(2024, 5, 7), TimelineKind.NAVIGATOR, "Support plan opened"),
        (date(2024, 5, 4), TimelineKind.STAY, "Left Haven House"),
        (
            date(2024, 5, 3),
            TimelineKind.CONTACT,
            "Decision notification (in person): released under investigation, on time",
        ),
        (date(2024, 5, 3), TimelineKind.CONTACT, "Initial contact (phone)"),
        (date(2024, 5, 3), TimelineKind.NAVIGATOR, "Referred to the Victim Navigator"),
        (
            date(2024, 5, 2),
            TimelineKind.REFERRAL,
            f"NRM referral {_ref(backend_for, ids['referral'])} submitted",
        ),
        (date(2024, 5, 2), TimelineKind.DISPOSAL, "Released under investigation on arrest HT/1"),
        (date(2024, 5, 1), TimelineKind.STAY, "Admitted to Haven House"),
        (date(2024, 5, 1), TimelineKind.LINK, "Potential victim in arrest HT/1 (operation Op Birch)"),
    ]
    left = next(e for e in p.entries if e.title == "Left Haven House")
    assert left.detail == "To MSVCC safe house after 2 days 13 h"
    plan = next(e for e in p.entries if e.title == "Support plan opened")
    assert plan.detail == "Test victim navigator"  # the Navigator's display name
    due = [(d.kind, d.due, d.overdue) for d in p.due]
    assert due == [
        (DueKind.VLO_CONTACT, date(2024, 6, 3), True),
        (DueKind.RG_EXPECTED, date(2024, 6, 6), True),  # 30/05 + 5 working days
        (DueKind.DECISION_NOTIFICATION, date(2024, 6, 7), True),  # the charge of 06/06 not yet told
        (DueKind.RECOVERY_PERIOD_END, date(2024, 6, 19), False),  # positive RG 20/05 + 30 days
    ]


def _ref(backend_for: Backends, referral_id: int) -> str:
    return backend_for(Role.MANAGER).nrm.get(referral_id).referral_ref


def test_a_notified_decision_is_no_longer_owed(backend_for: Backends) -> None:
    ids = victim_with_history(backend_for)
    vlo = backend_for(Role.VLO)
    ContactService(vlo.db, vlo.actor).add(
        ContactInput(
            ids["person"],
            at(6, 7),
            ContactMethod.PHONE,
            ContactPurpose.DECISION_NOTIFICATION,
            decision_notified=NotifiableDecision.CHARGE,
            decision_date=date(2024, 6, 6),
        )
    )
    p = pathway(vlo).timeline(ids["person"])
    assert DueKind.DECISION_NOTIFICATION not in {d.kind for d in p.due}
    assert [d for d in p.due if d.kind is DueKind.VLO_CONTACT][0].due == date(2024, 7, 5)  # 07/06 + 28


def test_each_role_sees_its_sections_only(backend_for: Backends) -> None:
    ids = victim_with_history(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    link = officer.engagement.links(ids["person"])[0].id
    officer.engagement.record(ids["person"], link, "engaged_first_account", date(2024, 5, 3))
    kinds = {
        role: {e.kind for e in pathway(backend_for(role)).timeline(ids["person"]).entries}
        for role in (Role.VLO, Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.HTT_OFFICER)
    }
    assert kinds[Role.VLO] == {
        TimelineKind.LINK,
        TimelineKind.DISPOSAL,
        TimelineKind.REFERRAL,
        TimelineKind.DECISION,
        TimelineKind.CONTACT,
        TimelineKind.ENGAGEMENT,
    }
    assert kinds[Role.NAVIGATOR] == {TimelineKind.LINK, TimelineKind.NAVIGATOR, TimelineKind.ENGAGEMENT}
    assert kinds[Role.HAVEN_HOUSE] == {TimelineKind.LINK, TimelineKind.STAY}
    assert kinds[Role.HTT_OFFICER] == set(TimelineKind)
    nav_due = pathway(backend_for(Role.NAVIGATOR)).timeline(ids["person"]).due
    assert nav_due == []  # no NRM, contacts or arrests for a Navigator


def test_out_of_scope_people_are_refused(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    stranger = officer.people.create(PersonInput(surname="Other"))
    for role in (Role.VLO, Role.NAVIGATOR):
        with pytest.raises(PermissionDeniedError, match="not one you have been assigned or support"):
            pathway(backend_for(role)).timeline(stranger)
    for role in (Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            pathway(backend_for(role)).timeline(stranger)


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def test_one_consultation_and_a_bounded_number_of_queries(backend_for: Backends) -> None:
    ids = victim_with_history(backend_for)
    manager = backend_for(Role.MANAGER)
    with counting(manager.db) as small:
        pathway(manager).timeline(ids["person"])
    # ten more contacts and another arrest must not add a query
    vlo = backend_for(Role.VLO)
    contacts = ContactService(vlo.db, vlo.actor)
    for day in range(10):
        contacts.add(
            ContactInput(ids["person"], at(5, 10 + day), ContactMethod.PHONE, ContactPurpose.WELFARE)
        )
    officer = backend_for(Role.HTT_OFFICER)
    other = officer.register.create_arrest(ArrestInput("HT/2", date(2024, 5, 5), "BD"), [("O1", "MSA s.1")])
    officer.people.link(ids["person"], LinkRole.CONFIRMED_VICTIM, other)
    with counting(manager.db) as large:
        p = pathway(manager).timeline(ids["person"])
    assert len(large) == len(small) <= 20
    assert sum(e.kind is TimelineKind.CONTACT for e in p.entries) == 12
    audit = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id=str(ids["person"])))
    assert [r.fields for r in audit if r.action == "consult"] == ["pathway", "pathway"]


def test_a_witness_and_an_opted_out_victim_are_owed_no_notification(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    arrest = officer.register.create_arrest(ArrestInput("HT/9", date(2024, 6, 1), "KD"), [("O1", "MSA s.2")])
    officer.register.append_event(officer.register.get(arrest).offences[0].id, "NFA", date(2024, 6, 5))
    witness = officer.people.create(PersonInput(surname="Witness"), link=(LinkRole.WITNESS, arrest, ""))
    quiet = officer.people.create(
        PersonInput(surname="Quiet", opted_out_of_updates=True), link=(LinkRole.CONFIRMED_VICTIM, arrest, "")
    )
    told = officer.people.create(PersonInput(surname="Told"), link=(LinkRole.CONFIRMED_VICTIM, arrest, ""))
    manager = pathway(backend_for(Role.MANAGER))
    assert manager.timeline(witness).due == manager.timeline(quiet).due == []
    assert [d.text for d in manager.timeline(told).due] == [
        "Tell the victim of the no further action decision of 05/06/2024 on arrest HT/9"
    ]


PG_URL = os.environ.get("MSHTDESK_TEST_PG_URL")


@pytest.mark.skipif(not PG_URL, reason="set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL database")
def test_victim_support_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same services on PostgreSQL: the pathway, Today, and the open-bed index's refusal (whose error
    text differs from SQLite's). Drops and recreates schema ``public``: never point it at real data."""
    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    admin = USERS[Role.ADMINISTRATOR]
    created = Backend.create(PG_URL, admin.username, admin.password)
    try:
        for user in USERS.values():
            if user.role is not Role.ADMINISTRATOR:
                created.users.add_user(user.username, user.role.label, user.role, user.password)

        def make(role: Role) -> Backend:
            return Backend.as_user(created.db, USERS[role].username)

        ids = victim_with_history(make)
        p = pathway(make(Role.MANAGER)).timeline(ids["person"])
        assert [d.kind for d in p.due] == [
            DueKind.VLO_CONTACT,
            DueKind.RG_EXPECTED,
            DueKind.DECISION_NOTIFICATION,
            DueKind.RECOVERY_PERIOD_END,
        ]
        assert len(p.entries) == 12
        vlo = make(Role.VLO)
        items = TodayService(vlo.db, vlo.actor, now=datetime(2024, 6, 10, 12, tzinfo=UTC)).items(TODAY)
        assert {i.kind for i in items} == {
            DueKind.RG_EXPECTED,
            DueKind.VLO_CONTACT,
            DueKind.DECISION_NOTIFICATION,
        }
        assert make(Role.NAVIGATOR).navigator.count() == 1
        staff = make(Role.HAVEN_HOUSE).haven
        bed = make(Role.ADMINISTRATOR).haven.add_bed("Bed B")
        staff.admit(StayInput(bed_id=bed, admitted_at=at(6, 1)))
        monkeypatch.setattr(HavenService, "_check_bed", lambda self, conn, bed_id, own: "Bed B")
        with pytest.raises(ConflictError, match=r"That bed \(Bed B\) was taken"):
            staff.admit(StayInput(bed_id=bed, admitted_at=at(6, 2)))
    finally:
        created.close()
