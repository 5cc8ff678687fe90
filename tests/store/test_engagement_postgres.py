"""Engagement milestones on a team server: the app's role records and withdraws them (INSERT, UPDATE)
but cannot delete one; the COM table reads the same as on the encrypted file."""

from __future__ import annotations

from datetime import date

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.services.team import setup_server
from tests.conftest import USERS
from tests.postgres import as_login, fresh_server, needs_postgres
from tests.store.test_server_setup import _refused, _scalar

pytestmark = needs_postgres
ADMIN, OFFICER = USERS[Role.ADMINISTRATOR], USERS[Role.HTT_OFFICER]


def test_the_app_records_and_withdraws_but_never_deletes_a_milestone() -> None:
    url = fresh_server()
    roles = setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_e").roles
    clerk = as_login(url, "htt_e_clerk", roles.app)
    admin = Backend.login(clerk, ADMIN.username, ADMIN.password)
    admin.users.add_user(OFFICER.username, "Officer", Role.HTT_OFFICER, OFFICER.password)
    admin.close()
    officer = Backend.login(clerk, OFFICER.username, OFFICER.password)
    try:
        arrest = officer.register.create_arrest(
            ArrestInput("PG/1", date(2024, 5, 1), "LD"), [("O1", "MSA s.2")]
        )
        person = officer.people.create(PersonInput(surname="Nowak", forenames="Ewa"))
        link = officer.people.link(person, LinkRole.CONFIRMED_VICTIM, arrest)
        saved = officer.engagement.record(person, link, "engaged_at_charge", date(2024, 6, 1))
        officer.engagement.withdraw(saved.id, "Entered on the wrong victim")
    finally:
        officer.close()
    assert _scalar(url, "SELECT withdraw_reason FROM engagement_milestone") == "Entered on the wrong victim"
    assert "permission denied" in _refused(clerk, "DELETE FROM engagement_milestone")
    assert "permission denied" in _refused(clerk, "TRUNCATE engagement_milestone")
