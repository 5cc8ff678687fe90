"""People: record scope (a VLO sees the victims assigned to them, a Navigator those they support),
audit of every opening, and no plaintext on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from tests.both_engines import sqlite_only

Backends = Callable[[Role], Backend]


def two_people(officer: Backend) -> tuple[int, int]:
    a = officer.people.create(PersonInput(surname="Nowakowska", forenames="Zofia", nationality="Polish"))
    b = officer.people.create(PersonInput(surname="Hoxha", forenames="Arben", nationality="Albanian"))
    officer.people.assign_vlo(a, "vlo")
    officer.people.add_supporter(b, "navigator")
    return a, b


def test_each_role_sees_only_its_scope(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    a, b = two_people(officer)
    assert {p.id for p in officer.people.list()} == {a, b}
    assert {p.id for p in backend_for(Role.MANAGER).people.list()} == {a, b}
    vlo = backend_for(Role.VLO)
    assert [p.id for p in vlo.people.list()] == [a]
    assert vlo.people.get(a).data.surname == "Nowakowska"
    with pytest.raises(PermissionDeniedError, match="not one you have been assigned"):
        vlo.people.get(b)
    navigator = backend_for(Role.NAVIGATOR)
    assert [p.id for p in navigator.people.list()] == [b]
    with pytest.raises(PermissionDeniedError):
        navigator.people.get(a)
    for role in (Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).people.list()


def test_a_vlo_may_update_an_assigned_victim_only(backend_for: Backends) -> None:
    a, b = two_people(backend_for(Role.HTT_OFFICER))
    vlo = backend_for(Role.VLO)
    detail = vlo.people.get(a)
    vlo.people.update(
        a, detail.version, PersonInput(**{**detail.data.__dict__, "interpreter_language": "Polish"})
    )
    with pytest.raises(ConflictError):
        vlo.people.update(a, detail.version, detail.data)
    with pytest.raises(PermissionDeniedError):
        vlo.people.update(b, 1, PersonInput(surname="x"))


def test_openings_and_changes_are_audited_by_field_name(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    aid = officer.register.create_arrest(ArrestInput("A1", date(2022, 1, 10), "LD"), [("O1", "MSA s.2")])
    pid = officer.people.create(
        PersonInput(surname="Nguyen", forenames="Van An"), link=(LinkRole.POTENTIAL_VICTIM, aid, "")
    )
    officer.people.get(pid)
    rows = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id=str(pid)))
    got = [(r.action, r.fields) for r in reversed(rows)]
    assert got == [("collect", "surname,forenames"), ("combine", "link,role"), ("consult", "")]
    assert not any("Nguyen" in r.fields + r.reason for r in rows)


def test_validation(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    with pytest.raises(ValidationError) as info:
        officer.people.create(PersonInput(gender="x", date_of_birth=date(2999, 1, 1), estimated_age=400))
    assert set(info.value.fields) == {"gender", "date_of_birth", "estimated_age"}
    pid = officer.people.create(PersonInput(surname="Popescu"))
    with pytest.raises(ValidationError):
        officer.people.assign_vlo(pid, "officer")  # not a VLO
    with pytest.raises(ValidationError):
        officer.people.link(pid, LinkRole.WITNESS)


@sqlite_only("reads the file raw: names must be encrypted at rest")
def test_names_never_reach_the_disk_in_clear(db_path: Path, backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    officer.people.create(
        PersonInput(surname="Wiśniewska-Qzx", forenames="Đặng Thị", contact_details="07700 900999")
    )
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    for s in ("Wiśniewska-Qzx", "Đặng Thị", "07700 900999"):
        assert s.encode() not in raw
