"""Issue 12 item 5 (finding): ``PeopleService.duplicates`` lists likely duplicate people within the
user's scope, on purpose-built people: the same date of birth (or none and the same estimated age), names
alike across spellings, no nationality or gender that differs. It is a consultation, changes nothing, and
shows references and names only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.errors import PermissionDeniedError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput

Backends = Callable[[Role], Backend]
BORN = date(1994, 7, 12)


def add(b: Backend, surname: str, forenames: str, **kw: object) -> int:
    return b.people.create(PersonInput(surname=surname, forenames=forenames, **kw))  # type: ignore[arg-type]


def test_pairs_are_found_across_spellings_and_false_friends_are_not(backend: Backend) -> None:
    add(backend, "Popescu", "Ştefan", date_of_birth=BORN, nationality="Romanian")
    add(backend, "POPESCU", "Stefan", date_of_birth=BORN, nationality="")
    add(backend, "Попеску", "Стефан", date_of_birth=date(1994, 7, 13))  # another birthday: not compared
    add(backend, "Popescu", "Stefania", date_of_birth=BORN, gender="female")  # a sister, same birthday
    add(backend, "Kowalski", "Jan", date_of_birth=BORN)
    add(backend, "Kowalska", "Jana", date_of_birth=BORN)  # twins
    add(backend, "Hoxha", "Arben", estimated_age=25)
    add(backend, "Hoxha", "Arbën", estimated_age=25)  # no date of birth, same estimate
    add(backend, "Hoxha", "Arben", estimated_age=26)
    add(backend, "Hoxha", "Arben", date_of_birth=BORN, nationality="Albanian")
    add(backend, "Hoxha", "Arben", date_of_birth=BORN, nationality="Kosovan")  # another nationality
    add(backend, "", "", date_of_birth=BORN)  # anonymous (a Duty to Notify): never paired
    add(backend, "", "", date_of_birth=BORN)
    pairs = backend.people.duplicates()
    assert {(p.first.surname, p.first.forenames, p.second.surname, p.second.forenames) for p in pairs} == {
        ("Popescu", "Ştefan", "POPESCU", "Stefan"),
        ("Hoxha", "Arben", "Hoxha", "Arbën"),
    }
    by_name = {p.first.surname: p for p in pairs}
    assert by_name["Popescu"].basis == "same date of birth"
    assert by_name["Hoxha"].basis == "same estimated age, no date of birth"
    assert all(p.first.person_ref < p.second.person_ref and p.similarity >= 0.85 for p in pairs)
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)


def test_only_people_in_the_users_scope_are_paired(backend_for: Backends) -> None:
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    mine = add(officer, "Nowak", "Adam", date_of_birth=BORN)
    twin = add(officer, "Novak", "Adam", date_of_birth=BORN)
    other = add(officer, "Nowak", "Adam", date_of_birth=BORN, nationality="Polish")
    officer.people.assign_vlo(mine, "vlo")
    assert len(officer.people.duplicates()) == 3
    assert vlo.people.duplicates() == []  # one of three is theirs: no pair within their scope
    officer.people.assign_vlo(twin, "vlo")
    found = vlo.people.duplicates()
    assert [(p.first.id, p.second.id) for p in found] == [(mine, twin)]
    assert other not in {p.second.id for p in found}
    assert backend_for(Role.NAVIGATOR).people.duplicates() == []  # supports none of them
    assert len(backend_for(Role.MANAGER).people.duplicates()) == 3


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR])
def test_roles_without_sight_of_people_are_refused(backend_for: Backends, role: Role) -> None:
    with pytest.raises(PermissionDeniedError):
        backend_for(role).people.duplicates()


def test_a_search_is_a_consultation_of_each_person_listed(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    a = add(officer, "Lungu", "Ana", date_of_birth=BORN)
    b = add(officer, "Lungu", "Anna", date_of_birth=BORN)
    c = add(officer, "Rusu", "Ion", date_of_birth=BORN)
    assert len(officer.people.duplicates()) == 1
    auditor = backend_for(Role.AUDITOR).audit
    search = auditor.list(AuditQuery(entity="person", record_id="duplicates"))
    assert [(r.action, r.fields, r.username) for r in search] == [("consult", "duplicates", "officer")]
    for pid, listed in ((a, True), (b, True), (c, False)):
        rows = auditor.list(AuditQuery(entity="person", record_id=str(pid), action="consult"))
        assert [r.fields for r in rows] == (["duplicates"] if listed else [])
    everything = auditor.list(AuditQuery(entity="person"))
    assert not any("Lungu" in r.fields + r.reason + r.record_id for r in everything)
