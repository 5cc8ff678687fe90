"""`mshtdesk people duplicates` run as a user runs it: a separate process, exit codes, and output that
names people by reference and name only (never a date of birth or a nationality)."""

from __future__ import annotations

from datetime import date

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.store.database import Database
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import USERS


def test_people_duplicates_lists_refs_and_names_only(db_address: str, database: Database) -> None:
    officer = Backend.as_user(database, USERS[Role.HTT_OFFICER].username)
    born = date(1994, 7, 12)
    officer.people.create(
        PersonInput(surname="Popescu", forenames="Ştefan", date_of_birth=born, nationality="Romanian")
    )
    officer.people.create(PersonInput(surname="POPESCU", forenames="Stefan", date_of_birth=born))
    officer.people.create(PersonInput(surname="Rusu", forenames="Ion", date_of_birth=born))
    refs = [p.person_ref for p in officer.people.list()]
    database.close()
    db = ["--db", db_address]
    r = mshtdesk(*db, "people", "duplicates")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1
    first, second = sorted(ref for ref in refs if ref in lines[0])
    assert lines[0].startswith(f"{first} Popescu, Ştefan  ~  {second} POPESCU, Stefan  (same date of birth;")
    assert "1994" not in r.stdout and "12/07" not in r.stdout and "Romanian" not in r.stdout
    assert "Rusu" not in r.stdout
    assert "1 likely duplicate pair" in r.stderr
    r = mshtdesk(*db, "people", "duplicates", env=as_role(Role.AUDITOR))
    assert r.returncode == 1 and "does not allow you to read person records" in r.stderr
    assert r.stdout == ""
    r = mshtdesk(*db, "people", "duplicates", env=as_role(Role.NAVIGATOR))
    assert r.returncode == 0 and r.stdout == "No likely duplicates among the people you may see.\n"
    r = mshtdesk(*db, "people", "duplicates", login=False)
    assert r.returncode == 3
    r = mshtdesk(*db, "people")
    assert r.returncode == 2
    r = mshtdesk(*db, "people", "duplicates", "--merge")
    assert r.returncode == 2
