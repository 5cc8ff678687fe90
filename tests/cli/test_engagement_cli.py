"""``mshtdesk people engagement``: a milestone recorded from the command line, by person and arrest
reference; bad codes, a missing reason, another role and hostile input are refused in one sentence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ENGAGEMENT
from tests.cli.test_cli import as_role, mshtdesk

Backends = Callable[[Role], Backend]


def test_engagement_from_the_command_line(db_address: str, backend_for: Backends, database: Database) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    arrests = [
        officer.register.create_arrest(ArrestInput(ref, date(2024, 5, 1), "LD"), [("O1", "MSA s.2")])
        for ref in ("LD/24/1", "LD/24/2")
    ]
    person = officer.people.create(PersonInput(surname="Nowak", forenames="Ewa"))
    officer.people.link(person, LinkRole.CONFIRMED_VICTIM, arrests[0])
    ref = officer.people.get(person).person_ref
    base = ("--db", db_address, "people", "engagement", ref.lower())
    r = mshtdesk(*base, "--milestone", "engaged-at-charge", "--date", "01/06/2024")
    assert r.returncode == 0, r.stderr
    assert "still engaged at the charge decision on 01/06/2024" in r.stderr and "Nowak" not in r.stderr
    officer.people.link(person, LinkRole.CONFIRMED_VICTIM, arrests[1])
    r = mshtdesk(*base, "--milestone", "engaged_first_account", "--date", "2024-05-02")
    assert r.returncode == 1 and "--arrest" in r.stderr and r.stderr.count("\n") == 1
    r = mshtdesk(*base, "--milestone", "disengaged", "--date", "2024-07-01", "--arrest", "LD/24/2")
    assert r.returncode == 1 and "reason" in r.stderr
    r = mshtdesk(*base, "--milestone", "bored", "--date", "2024-07-01", "--arrest", "LD/24/2")
    assert r.returncode == 1 and "Choose a milestone" in r.stderr
    r = mshtdesk(*base, "--milestone", "disengaged", "--date", "2024-07-01", "--arrest", "LD/24/2\x1b[2J")
    assert r.returncode == 1 and "\x1b" not in r.stderr
    r = mshtdesk(
        *base, "--milestone", "engaged_at_court", "--date", "2024-07-01", "--arrest", "LD/24/2",
        env=as_role(Role.MANAGER),
    )  # fmt: skip
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    r = mshtdesk(
        *base, "--milestone", "disengaged", "--date", "2024-07-01", "--arrest", "LD/24/2",
        "--reason", "Returned home",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    with database.engine.connect() as conn:
        rows = conn.execute(
            select(ENGAGEMENT.c.milestone, ENGAGEMENT.c.reason).order_by(ENGAGEMENT.c.id)
        ).all()
    assert [tuple(x) for x in rows] == [("engaged_at_charge", ""), ("disengaged", "Returned home")]
