"""The Today page: each role's overdue and due-this-week items, within its scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from mshtdesk.domain.due import DueKind
from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactInput, ContactService
from mshtdesk.services.haven import StayInput
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.pathway import PathwayService
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.services.today import TodayItem, TodayKind, TodayService
from tests.conftest import USERS

Backends = Callable[[Role], Backend]
LONDON = ZoneInfo("Europe/London")
TODAY = date(2024, 6, 10)  # a Monday
NOW = datetime(2024, 6, 10, 12, tzinfo=UTC)


def at(m: int, d: int, h: int = 10) -> datetime:
    return datetime(2024, m, d, h, tzinfo=LONDON)


def today_for(b: Backend) -> list[TodayItem]:
    return TodayService(b.db, b.actor, now=NOW).items(TODAY)


def referral(officer: Backend, pid: int, submitted: date) -> int:
    return officer.nrm.create(
        ReferralInput(
            Route.NRM, AgeAtReferral.ADULT, submitted, person_id=pid, consents=True, crime_ref="13/9/24"
        )
    )


@pytest.fixture
def world(backend_for: Backends) -> dict[str, int]:
    """Two victims of the VLO and one of nobody's, with a spread of clocks."""
    officer = backend_for(Role.HTT_OFFICER)
    mine = officer.people.create(PersonInput(surname="Mazur", forenames="Olga"))
    also = officer.people.create(PersonInput(surname="Rusu", forenames="Ion"))
    other = officer.people.create(PersonInput(surname="Kaya", forenames="Deniz"))
    for pid in (mine, also):
        officer.people.assign_vlo(pid, "vlo")
    # RG overdue for mine (submitted 20/05, expected 28/05 after the spring bank holiday) and other
    late = referral(officer, mine, date(2024, 5, 20))
    referral(officer, other, date(2024, 5, 20))
    # RG not yet due: submitted 06/06, expected 13/06
    referral(officer, also, date(2024, 6, 6))
    # a negative RG on 15/05: the reconsideration window closes 14/06, inside this week
    negative = referral(officer, also, date(2024, 5, 1))
    officer.nrm.add_decision(negative, DecisionKind.RG, Outcome.NEGATIVE, date(2024, 5, 15))
    # charged on 07/06 on an arrest where mine is a victim: notification owed (due 10/06)
    arrest = officer.register.create_arrest(ArrestInput("HT/7", date(2024, 6, 1), "WD"), [("O1", "MSA s.2")])
    officer.register.append_event(officer.register.get(arrest).offences[0].id, "CHARGE", date(2024, 6, 7))
    officer.people.link(mine, LinkRole.CONFIRMED_VICTIM, arrest)
    officer.people.link(other, LinkRole.CONFIRMED_VICTIM, arrest)
    vlo = backend_for(Role.VLO)
    contacts = ContactService(vlo.db, vlo.actor)
    contacts.add(ContactInput(mine, at(5, 1), ContactMethod.PHONE, ContactPurpose.WELFARE))  # due 29/05
    contacts.add(ContactInput(also, at(5, 1), ContactMethod.PHONE, ContactPurpose.WELFARE))
    contacts.add(
        ContactInput(
            also, at(5, 20), ContactMethod.PHONE, ContactPurpose.WELFARE, next_contact_due=date(2024, 6, 14)
        )
    )
    bed = backend_for(Role.ADMINISTRATOR).haven.add_bed("Bed A")
    backend_for(Role.HAVEN_HOUSE).haven.admit(StayInput(bed_id=bed, admitted_at=at(6, 7, 21), children=1))
    return {"mine": mine, "also": also, "other": other, "late": late, "negative": negative, "arrest": arrest}


def test_a_vlo_sees_their_victims_items_overdue_first(backend_for: Backends, world: dict[str, int]) -> None:
    items = today_for(backend_for(Role.VLO))
    got = [(i.kind, i.person_id, i.due, i.overdue) for i in items]
    assert got == [
        (DueKind.RG_EXPECTED, world["mine"], date(2024, 5, 28), True),
        (DueKind.VLO_CONTACT, world["mine"], date(2024, 5, 29), True),
        (DueKind.DECISION_NOTIFICATION, world["mine"], date(2024, 6, 10), False),
        (DueKind.RECONSIDERATION_WINDOW, world["also"], date(2024, 6, 14), False),
        (DueKind.VLO_CONTACT, world["also"], date(2024, 6, 14), False),  # the latest contact's date
    ]
    assert items[0].person == f"Mazur, Olga (P-{world['mine']:06d})"
    assert items[2].text == "Tell the victim of the charge decision of 07/06/2024 on arrest HT/7"
    assert all(i.person_id != world["other"] for i in items)  # not assigned to this VLO


def test_each_item_reads_the_same_on_today_and_in_the_pathway(
    backend_for: Backends, world: dict[str, int]
) -> None:
    vlo = backend_for(Role.VLO)
    items = today_for(vlo)
    pathway = PathwayService(vlo.db, vlo.actor, today=TODAY, now=NOW)
    for pid in (world["mine"], world["also"]):
        on_pathway = {(d.kind, d.due): d for d in pathway.timeline(pid, consult=False).due}
        mine = [i for i in items if i.person_id == pid]
        assert mine
        for item in mine:
            due = on_pathway[(item.kind, item.due)]
            assert (item.text, item.overdue) == (due.text, due.overdue)
    texts = {i.kind: i.text for i in items if i.person_id == world["mine"]}
    assert texts[DueKind.RG_EXPECTED] == (
        f"Reasonable Grounds decision on NRM-{world['late']:06d} expected by 28/05/2024 (waiting 21 days)"
    )
    assert (
        texts[DueKind.VLO_CONTACT]
        == "Next contact with the victim due by 29/05/2024 (last contact 01/05/2024)"
    )
    window = next(i for i in items if i.kind is DueKind.RECONSIDERATION_WINDOW)
    assert window.text.startswith("Last day to ask for a reconsideration of the negative decision on ")
    assert window.text.endswith(": 14/06/2024")
    assert DueKind.RG_EXPECTED.label == "Reasonable Grounds decision expected"
    assert DueKind.VLO_CONTACT.label == "VLO contact due"
    assert DueKind.RECONSIDERATION_WINDOW.label == "Reconsideration window closes"


def test_notifying_and_contacting_clear_items(backend_for: Backends, world: dict[str, int]) -> None:
    vlo = backend_for(Role.VLO)
    contacts = ContactService(vlo.db, vlo.actor)
    contacts.add(
        ContactInput(
            world["mine"],
            at(6, 10, 9),
            ContactMethod.IN_PERSON,
            ContactPurpose.DECISION_NOTIFICATION,
            decision_notified=NotifiableDecision.CHARGE,
            decision_date=date(2024, 6, 7),
        )
    )
    kinds = {(i.kind, i.person_id) for i in today_for(vlo)}
    assert (DueKind.DECISION_NOTIFICATION, world["mine"]) not in kinds
    assert (DueKind.VLO_CONTACT, world["mine"]) not in kinds  # next due 08/07


def test_a_manager_sees_the_force_and_who_is_in_haven_house(
    backend_for: Backends, world: dict[str, int]
) -> None:
    items = today_for(backend_for(Role.MANAGER))
    rg = {i.person_id for i in items if i.kind is DueKind.RG_EXPECTED}
    assert rg == {world["mine"], world["other"]}
    owed = {i.person_id for i in items if i.kind is DueKind.DECISION_NOTIFICATION}
    assert owed == {world["mine"], world["other"]}
    last = items[-1]
    assert (last.kind, last.person, last.person_id, last.due) == (
        TodayKind.IN_HAVEN_HOUSE,
        "Anonymous",
        None,
        None,
    )
    assert last.text == "Bed A: in for 2 days 16 h (party of 2)"


def test_other_roles(backend_for: Backends, world: dict[str, int]) -> None:
    haven = today_for(backend_for(Role.HAVEN_HOUSE))
    assert [i.kind for i in haven] == [TodayKind.IN_HAVEN_HOUSE]
    assert today_for(backend_for(Role.NAVIGATOR)) == []
    officer = {i.kind for i in today_for(backend_for(Role.HTT_OFFICER))}
    assert officer == {DueKind.RG_EXPECTED, DueKind.RECONSIDERATION_WINDOW, TodayKind.IN_HAVEN_HOUSE}
    assert today_for(backend_for(Role.ADMINISTRATOR)) == []


def test_a_decided_referral_is_no_longer_overdue(backend_for: Backends, world: dict[str, int]) -> None:
    backend_for(Role.HTT_OFFICER).nrm.add_decision(
        world["late"], DecisionKind.RG, Outcome.POSITIVE, date(2024, 6, 3)
    )
    items = today_for(backend_for(Role.VLO))
    assert DueKind.RG_EXPECTED not in {i.kind for i in items}


def test_a_victim_assigned_but_never_contacted_is_owed_a_first_contact(backend_for: Backends) -> None:
    from mshtdesk.services.pathway import FIRST_CONTACT_TEXT

    officer = backend_for(Role.HTT_OFFICER)
    pid = officer.people.create(PersonInput(surname="Ionescu", forenames="Maria"))
    unassigned = officer.people.create(PersonInput(surname="Nobody", forenames="Yet"))
    vlo = backend_for(Role.VLO)
    assert [i for i in vlo.today.items() if i.kind is DueKind.VLO_CONTACT] == []
    officer.people.assign_vlo(pid, USERS[Role.VLO].username)
    first = [i for i in vlo.today.items() if i.kind is DueKind.VLO_CONTACT]
    assert [(i.person_id, i.text) for i in first] == [(pid, FIRST_CONTACT_TEXT)]
    assert unassigned not in {i.person_id for i in officer.today.items()}
    assert [d.text for d in vlo.pathway.timeline(pid).due] == [FIRST_CONTACT_TEXT]
    # once contacted, the first-contact item gives way to the next contact the VLO set
    vlo.contacts.add(
        ContactInput(pid, datetime.now(LONDON), ContactMethod.PHONE, ContactPurpose.INITIAL, summary="Hello.")
    )
    assert FIRST_CONTACT_TEXT not in {i.text for i in vlo.today.items()}
    assert FIRST_CONTACT_TEXT not in {d.text for d in vlo.pathway.timeline(pid).due}
