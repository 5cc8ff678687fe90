"""The global search on PostgreSQL (team mode): the tables read directly, folded by ``pg_fold``, with the
pg_trgm indexes of migration 0013 where the extension can be installed; scoped and ranked as on SQLite.

Runs when MSHTDESK_TEST_PG_URL names a scratch database; the schema ``public`` is dropped and recreated.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from mshtdesk.domain.roles import Role
from mshtdesk.domain.search import Kind, Rank
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.services.register import ArrestInput
from tests.conftest import USERS

PG_URL = os.environ.get("MSHTDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL database"
)


@pytest.fixture
def pg_admin() -> Iterator[Backend]:
    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    admin = USERS[Role.ADMINISTRATOR]
    created = Backend.create(PG_URL, admin.username, admin.password)
    for role in (Role.HTT_OFFICER, Role.VLO):
        user = USERS[role]
        created.users.add_user(user.username, role.label, role, user.password)
    yield created
    created.close()


def test_search_on_postgresql(pg_admin: Backend) -> None:
    officer = Backend.as_user(pg_admin.db, USERS[Role.HTT_OFFICER].username)
    stefan = officer.people.create(PersonInput(surname="Popescu", forenames="Ştefan"))
    other = officer.people.create(PersonInput(surname="Kastefanos", forenames="Maria"))
    officer.people.assign_vlo(stefan, USERS[Role.VLO].username)
    arrest = officer.register.create_arrest(
        ArrestInput("WY/24/000042", date(2024, 4, 2), "LD"), [("O1", "MSA s.2")]
    )
    found = officer.search.find("STEFAN")
    assert [(r.kind, r.record_id) for r in found] == [(Kind.PERSON, stefan), (Kind.PERSON, other)]
    assert found[0].rank is Rank.PREFIX and found[1].rank is Rank.PARTIAL
    [hit] = officer.search.find("wy/24/000042")
    assert (hit.kind, hit.record_id, hit.rank) == (Kind.ARREST, arrest, Rank.EXACT_REFERENCE)
    assert [r.record_id for r in officer.search.find("0042")] == [arrest]
    assert [r.record_id for r in officer.search.find("po")] == [stefan]  # two letters: the start only
    assert officer.search.find("an") == []
    vlo = Backend.as_user(pg_admin.db, USERS[Role.VLO].username)
    assert [(r.kind, r.record_id) for r in vlo.search.find("stefan")] == [(Kind.PERSON, stefan)]
    for hostile in ("%", "_", "\\", "'; DROP TABLE person; --"):
        officer.search.find(hostile)
    with pg_admin.db.engine.connect() as conn:
        indexes = {
            r[0]
            for r in conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_trgm_%'")
            )
        }
    assert indexes == {f"ix_search_trgm_{k.value}" for k in Kind}
