"""``mshtdesk people end-referral``: an HTT officer ends a Navigator referral with a reason; hostile
input and other roles are refused in one sentence, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.cli.test_cli import as_role, mshtdesk

Backends = Callable[[Role], Backend]


def test_end_referral_from_the_command_line(db_address: str, backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person = officer.people.create(PersonInput(surname="Nowak", forenames="Ewa"))
    officer.people.add_supporter(person, "navigator")
    ref = f"P-{person:06d}"
    base = ("--db", db_address, "people", "end-referral")
    r = mshtdesk(*base, ref, "--navigator", "navigator", "--reason", "x" * 801)
    assert r.returncode == 1 and "reason" in r.stderr
    r = mshtdesk(*base, ref, "--navigator", "navigator", "--reason", "Moved", env=as_role(Role.MANAGER))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    r = mshtdesk(*base, "P-999999", "--navigator", "navigator", "--reason", "Moved")
    assert r.returncode == 1 and "No person P-999999" in r.stderr
    r = mshtdesk(*base, ref, "--navigator", "nobody\x1b[2J", "--reason", "Moved")
    assert r.returncode == 1 and "\x1b" not in r.stderr
    assert [s[1] for s in officer.people.supporters(person)] == ["navigator"]
    r = mshtdesk(*base, ref.lower(), "--navigator", "navigator", "--reason", "Moved out of the area")
    assert r.returncode == 0, r.stderr
    assert "has ended" in r.stderr and "Nowak" not in r.stderr + r.stdout
    assert officer.people.supporters(person) == []
