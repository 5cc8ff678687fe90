"""Ending a Navigator referral: an HTT officer ends it with a reason (audited); the person leaves that
Navigator's scope (the record, their case and the case list), while the case stays for the figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import NavigatorNeed
from mshtdesk.errors import PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.navigator import NavigatorCaseInput
from mshtdesk.services.people import PersonInput

Backends = Callable[[Role], Backend]
CASE = NavigatorCaseInput(
    referral_date=date(2024, 3, 4),
    referral_source="HTT",
    consent=True,
    needs=frozenset({NavigatorNeed.HEALTH}),
)


def test_ending_a_referral_takes_the_person_out_of_the_navigators_scope(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person = officer.people.create(PersonInput(surname="Kowalczyk", forenames="Marta"))
    officer.people.add_supporter(person, "navigator")
    nav = backend_for(Role.NAVIGATOR)
    case_id = nav.navigator.create(person, CASE)
    assert nav.people.get(person).data.surname == "Kowalczyk" and nav.navigator.count() == 1
    assert [s[1] for s in officer.people.supporters(person)] == ["navigator"]

    officer.people.end_support(person, "navigator", "  Moved out of the force area  ")

    assert officer.people.supporters(person) == []
    with pytest.raises(PermissionDeniedError, match="not one you have been assigned or support"):
        nav.people.get(person)
    with pytest.raises(PermissionDeniedError):
        nav.navigator.get(case_id)
    assert nav.navigator.list() == [] and nav.navigator.count() == 0
    # the case itself stays (the COM Navigator figures count it); the managers still read it
    assert backend_for(Role.MANAGER).navigator.count() == 1
    events = backend_for(Role.ADMINISTRATOR).audit.list(AuditQuery(entity="person"))
    assert any(
        e.action == "alter"
        and e.record_id == str(person)
        and e.reason == "Navigator referral to navigator ended: Moved out of the force area"
        for e in events
    )
    # a second ending, or a Navigator who never supported the person, is refused in words
    with pytest.raises(ValidationError, match="not a Victim Navigator supporting this person"):
        officer.people.end_support(person, "navigator", "Again")


def test_only_a_role_that_refers_may_end_a_referral_and_a_reason_is_required(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person = officer.people.create(PersonInput(surname="Berisha", forenames="Ilir"))
    officer.people.add_supporter(person, "navigator")
    for bad in ("", "   ", "bad\u202ereason", "x" * 801):
        with pytest.raises(ValidationError) as caught:
            officer.people.end_support(person, "navigator", bad)
        assert "reason" in caught.value.fields
    for role in (Role.MANAGER, Role.NAVIGATOR, Role.VLO, Role.HAVEN_HOUSE, Role.AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).people.end_support(person, "navigator", "Not theirs to end")
    assert [s[1] for s in officer.people.supporters(person)] == ["navigator"]
