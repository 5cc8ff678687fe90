"""Retention on PostgreSQL (team mode): the queue's SQL (dates against date-times by kind), keep and
erase run there as on SQLite; the file scrubbing is SQLite's alone and is skipped without failing."""

from __future__ import annotations

from datetime import timedelta

from mshtdesk.domain.record_retention import ERASED_NAME
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.services.retention import RetentionService
from tests.conftest import USERS
from tests.services.test_retention import DUE, NOT_YET, TODAY
from tests.store.test_postgres import pg_backend, pytestmark  # noqa: F401 - the fixture and the skip


def test_queue_keep_and_erase_on_postgresql(pg_backend: Backend) -> None:  # noqa: F811
    officer = pg_backend
    admin = Backend.as_user(officer.db, USERS[Role.ADMINISTRATOR].username)
    manager_user = USERS[Role.MANAGER]
    admin.users.add_user(manager_user.username, "Manager", Role.MANAGER, manager_user.password)
    arrest = officer.register.create_arrest(ArrestInput("PG-R1", TODAY, "LD"), [("O1", "MSA s.2")])
    ewa = officer.people.create(
        PersonInput(surname="Nowak", forenames="Ewa", facts="Met at the station"),
        link=(LinkRole.POTENTIAL_VICTIM, arrest, "Op Birch"),
    )
    marta = officer.people.create(PersonInput(surname="Zielinska", forenames="Marta"))
    manager = Backend.as_user(officer.db, manager_user.username)
    later = RetentionService(manager.db, manager.actor, today=DUE)
    assert RetentionService(manager.db, manager.actor, today=NOT_YET).count_due() == 0
    assert [d.id for d in later.due()] == [ewa, marta] and later.count_due() == 2
    assert later.due()[0].last_activity == TODAY
    later.keep(marta, "Witness in a trial", DUE + timedelta(days=30))
    assert [d.id for d in later.due()] == [ewa]
    done = later.erase(ewa, "Erasure request ERA/1")
    assert done.scrubbed and done.blanked["links"] == 1
    assert officer.people.get(ewa).data.surname == ERASED_NAME
    assert later.due() == []
