"""Engagement milestones through the service: who may record and withdraw them (role and scope), a
link or milestone of someone else refused, the checks on reason and date, the audit trail, the
pathway's timeline, and the changes a write announces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mshtdesk.domain.changes import Data
from mshtdesk.domain.engagement import Milestone
from mshtdesk.domain.roles import Role
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.changes import collect_changes
from mshtdesk.services.pathway import TimelineKind
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ENGAGEMENT

Backends = Callable[[Role], Backend]
D = date(2024, 6, 1)


def victim(backend_for: Backends, name: str = "Dragan", custody: str = "LD/24/000001") -> tuple[int, int]:
    """A victim linked to a new arrest, assigned to the demo VLO: (person id, link id)."""
    officer = backend_for(Role.HTT_OFFICER)
    arrest = officer.register.create_arrest(ArrestInput(custody, date(2024, 5, 1), "LD"), [("O1", "MSA s.2")])
    person = officer.people.create(PersonInput(surname=name, forenames="Elena"))
    link = officer.people.link(person, LinkRole.CONFIRMED_VICTIM, arrest)
    officer.people.assign_vlo(person, "vlo")
    return person, link


def test_an_officer_records_and_the_pathway_shows_it(backend_for: Backends, database: Database) -> None:
    person, link = victim(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    assert [lk.label for lk in officer.engagement.links(person)] == [
        "Confirmed victim in arrest LD/24/000001"
    ]
    with collect_changes() as changes:
        saved = officer.engagement.record(person, link, Milestone.ENGAGED_FIRST_ACCOUNT, D)
    assert changes.changes.touches(frozenset({Data.ENGAGEMENT}))
    assert saved.milestone is Milestone.ENGAGED_FIRST_ACCOUNT and saved.person_id == person
    gone = officer.engagement.record(person, link, "disengaged", D + timedelta(days=9), "  Moved abroad  ")
    entries = [e for e in officer.pathway.timeline(person).entries if e.kind is TimelineKind.ENGAGEMENT]
    assert [(e.title, e.day) for e in entries] == [
        ("Disengaged", D + timedelta(days=9)),
        ("Engaged at first account", D),
    ]
    assert "Moved abroad" in entries[0].detail and "arrest LD/24/000001" in entries[0].detail
    with database.engine.connect() as conn:
        row = conn.execute(select(ENGAGEMENT).where(ENGAGEMENT.c.id == gone.id)).one()
    assert row.reason == "Moved abroad" and row.recorded_by is not None and row.withdrawn_at is None
    events = backend_for(Role.ADMINISTRATOR).audit.list(AuditQuery(entity="engagement"))
    assert {e.record_id for e in events} >= {str(saved.id), str(gone.id)}
    assert all("Moved abroad" not in e.reason for e in events)  # the reason's text stays out of the log


def test_checks_on_the_values(backend_for: Backends) -> None:
    person, link = victim(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    with pytest.raises(ValidationError) as no_reason:
        officer.engagement.record(person, link, Milestone.DISENGAGED, D, "   ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(ValidationError) as future:
        officer.engagement.record(person, link, Milestone.ENGAGED_AT_CHARGE, date.today() + timedelta(days=2))
    assert "milestone_date" in future.value.fields
    with pytest.raises(ValidationError) as unknown:
        officer.engagement.record(person, link, "engaged-somewhat", D)
    assert "milestone" in unknown.value.fields
    for hostile in ("=cmd|' /C calc'!A0\x00", "moved \u202eaway", "bell\x07"):
        with pytest.raises(ValidationError):
            officer.engagement.record(person, link, Milestone.DISENGAGED, D, hostile)
    with pytest.raises(ValidationError):
        officer.engagement.withdraw(
            officer.engagement.record(person, link, "engaged_first_account", D).id, "\x1b[2J"
        )


def test_another_persons_link_and_out_of_scope_people_are_refused(backend_for: Backends) -> None:
    mine, my_link = victim(backend_for)
    theirs, their_link = victim(backend_for, "Other", "LD/24/000002")
    officer = backend_for(Role.HTT_OFFICER)
    officer.people.assign_vlo(theirs, "")  # not the demo VLO's
    vlo = backend_for(Role.VLO)
    vlo.engagement.record(mine, my_link, Milestone.ENGAGED_AT_CHARGE, D)
    with pytest.raises(NotFoundError):
        vlo.engagement.record(mine, their_link, Milestone.ENGAGED_AT_CHARGE, D)  # a link not of this person
    with pytest.raises(PermissionDeniedError):
        vlo.engagement.record(theirs, their_link, Milestone.ENGAGED_AT_CHARGE, D)
    with pytest.raises(PermissionDeniedError):
        vlo.engagement.links(theirs)
    with pytest.raises(PermissionDeniedError):  # a Navigator supports neither
        backend_for(Role.NAVIGATOR).engagement.record(mine, my_link, Milestone.ENGAGED_AT_CHARGE, D)
    for role in (Role.MANAGER, Role.HAVEN_HOUSE, Role.AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).engagement.record(mine, my_link, Milestone.ENGAGED_AT_CHARGE, D)
    officer.people.add_supporter(mine, "navigator")
    backend_for(Role.NAVIGATOR).engagement.record(mine, my_link, Milestone.ENGAGED_AT_COURT, D)


def test_withdraw_own_only_once_with_a_reason(backend_for: Backends, database: Database) -> None:
    person, link = victim(backend_for)
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    saved = officer.engagement.record(person, link, Milestone.ENGAGED_AT_CHARGE, D)
    with pytest.raises(PermissionDeniedError):  # another user's milestone, though the person is in scope
        vlo.engagement.withdraw(saved.id, "Not mine to withdraw")
    with pytest.raises(ValidationError):
        officer.engagement.withdraw(saved.id, "   ")
    with pytest.raises(NotFoundError):
        officer.engagement.withdraw(saved.id + 1000, "No such milestone")
    with collect_changes() as changes:
        officer.engagement.withdraw(saved.id, "Entered on the wrong victim")
    assert (Data.ENGAGEMENT, saved.id) in changes.changes.ids
    with pytest.raises(ValidationError):
        officer.engagement.withdraw(saved.id, "Again")
    with database.engine.connect() as conn:
        row = conn.execute(select(ENGAGEMENT).where(ENGAGEMENT.c.id == saved.id)).one()
    assert row.withdrawn_at is not None and row.withdraw_reason == "Entered on the wrong victim"
    assert row.milestone == "engaged_at_charge"  # kept as it was
    events = backend_for(Role.ADMINISTRATOR).audit.list(
        AuditQuery(entity="engagement", record_id=str(saved.id))
    )
    assert any("withdrawn" in e.fields for e in events)
    assert not any("wrong victim" in e.reason for e in events)  # kept on the row, which erasure blanks
    entry = next(e for e in officer.pathway.timeline(person).entries if e.kind is TimelineKind.ENGAGEMENT)
    assert entry.struck.startswith("Withdrawn by ") and entry.struck.endswith("wrong victim")


def test_by_references_for_the_command_line(backend_for: Backends) -> None:
    person, _link = victim(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    ref = officer.people.get(person).person_ref
    saved = officer.engagement.record_by_refs(ref, "engaged_first_account", D)
    assert saved.person_id == person
    second = officer.register.create_arrest(ArrestInput("LD/24/000009", D, "LD"), [("O1", "MSA s.2")])
    officer.people.link(person, LinkRole.POTENTIAL_VICTIM, second)
    with pytest.raises(ValidationError):  # two links now: the arrest must be named
        officer.engagement.record_by_refs(ref, "engaged_first_account", D)
    officer.engagement.record_by_refs(ref, "engaged_at_charge", D, custody_ref="LD/24/000009")
    with pytest.raises(NotFoundError):
        officer.engagement.record_by_refs(ref, "engaged_at_charge", D, custody_ref="LD/24/NOPE")
    with pytest.raises(NotFoundError):
        officer.engagement.record_by_refs("P-999999", "engaged_at_charge", D)
    # out of a VLO's scope: refused before anything of the person (their links) is looked at
    stranger = officer.people.create(PersonInput(surname="Stranger"))
    stranger_ref = officer.people.get(stranger).person_ref
    with pytest.raises(PermissionDeniedError):  # not "no link of ...": that would tell them something
        backend_for(Role.VLO).engagement.record_by_refs(stranger_ref, "engaged_at_charge", D)
