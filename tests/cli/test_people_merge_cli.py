"""``mshtdesk people merge`` and ``people unmerge``, run as a user runs them: a separate process, exit
codes, one sentence per refusal, no name printed; hostile input changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import LinkRole, PersonInput
from tests.cli.test_cli import as_role, mshtdesk

Backends = Callable[[Role], Backend]
REASON = "Same person: passport seen"


def test_merge_and_unmerge_from_the_command_line(db_address: str, backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    keep = officer.people.create(PersonInput(surname="Nowak", forenames="Ewa"))
    other = officer.people.create(PersonInput(surname="NOWAK", forenames="Ewa"))
    officer.people.link(other, LinkRole.WITNESS, None, "Op Heron")
    officer.people.assign_vlo(other, "vlo")
    keep_ref, other_ref = (officer.people.get(p).person_ref for p in (keep, other))
    base = ("--db", db_address, "people")

    def refused(*args: str, code: int = 1, role: Role | None = None) -> str:
        r = mshtdesk(*base, *args, **({"env": as_role(role)} if role else {}))
        assert r.returncode == code, (args, r.stdout, r.stderr)
        assert r.stdout == "" and "Traceback" not in r.stderr
        return r.stderr

    assert "into itself" in refused("merge", keep_ref, keep_ref, "--reason", REASON)
    assert "No person P-999999 is in your scope" in refused("merge", keep_ref, "P-999999", "--reason", REASON)
    assert "\x1b" not in refused("merge", keep_ref, "P-\x1b[2J", "--reason", REASON)
    assert "reason" in refused("merge", keep_ref, other_ref, "--reason", "x" * 1001)
    assert "reason" in refused("merge", keep_ref, other_ref, "--reason", "   ")
    assert "control" in refused("merge", keep_ref, other_ref, "--reason", "bad\x07bell").lower()
    assert "merge two people's records" in refused(
        "merge", keep_ref, other_ref, "--reason", REASON, role=Role.VLO
    )
    refused("merge", keep_ref, other_ref, code=2)  # no reason
    refused("unmerge", "twelve", "--reason", REASON, code=2)
    refused("unmerge", "-3", "--reason", REASON, code=2)
    assert officer.people.find_id(other_ref) == other and officer.people.get(keep).vlo_user_id is None

    r = mshtdesk(*base, "merge", keep_ref.lower(), other_ref, "--reason", REASON)
    assert r.returncode == 0, r.stderr
    assert "Nowak" not in r.stdout + r.stderr and "NOWAK" not in r.stdout
    assert f"{other_ref} merged into {keep_ref}: 1 link to an arrest or operation" in r.stdout
    found = re.search(r"people unmerge (\d+) ", r.stdout)
    assert found, r.stdout
    event = found.group(1)
    assert "already merged" in refused("merge", keep_ref, other_ref, "--reason", REASON)
    assert other not in {p.id for p in officer.people.list()}
    assert officer.people.get(keep).vlo_user_id is not None

    assert "is not a merge" in refused("unmerge", "1", "--reason", REASON)
    assert "merge two people's records" in refused("unmerge", event, "--reason", REASON, role=Role.NAVIGATOR)
    r = mshtdesk(*base, "unmerge", event, "--reason", "Two people after all")
    assert r.returncode == 0, r.stderr
    assert f"{other_ref} is listed again" in r.stdout
    assert "already been undone" in refused("unmerge", event, "--reason", "again")
    assert other in {p.id for p in officer.people.list()}
    assert officer.people.get(keep).vlo_user_id is None
