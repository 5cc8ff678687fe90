"""The same store on PostgreSQL: migrations, import, the disposal table and the register's list.

Runs when MSHTDESK_TEST_PG_URL names a scratch database (team mode's CI will start one); the schema
``public`` is dropped and recreated, so never point it at real data.
"""

import os
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from mshtdesk.domain.roles import Role
from mshtdesk.reports.tables import to_csv
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput, ArrestQuery
from tests.conftest import SEED_EXPORT, USERS
from tests.services.test_custody_import import SEED_CSV

PG_URL = os.environ.get("MSHTDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL database"
)


@pytest.fixture
def pg_backend() -> Iterator[Backend]:
    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    admin = USERS[Role.ADMINISTRATOR]
    created = Backend.create(PG_URL, admin.username, admin.password)
    officer = USERS[Role.HTT_OFFICER]
    created.users.add_user(officer.username, "Officer", Role.HTT_OFFICER, officer.password)
    b = Backend.as_user(created.db, officer.username)
    yield b
    b.close()


def test_seed_table_on_postgresql(pg_backend: Backend) -> None:
    pg_backend.import_file(str(SEED_EXPORT))
    again = pg_backend.import_file(str(SEED_EXPORT))
    assert not again.changed
    table = pg_backend.disposal_table(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    assert to_csv(table) == SEED_CSV


def test_register_on_postgresql(pg_backend: Backend) -> None:
    pg_backend.import_file(str(SEED_EXPORT))
    reg = pg_backend.register
    q = ArrestQuery(text="wy/", as_at=date(2022, 5, 24))
    assert reg.count(q) == len(reg.page(q, limit=1000)) > 0
    for key in ("custody_ref", "arrest_date", "district", "offences", "disposal"):
        assert reg.page(q, sort=key, limit=5)
    charged = ArrestQuery(
        disposal_code="CHARGE", date_from=date(2021, 4, 1), date_to=date(2022, 4, 30), as_at=date(2022, 5, 24)
    )
    assert reg.count(charged) == 6
    aid = reg.create_arrest(ArrestInput("PG1", date(2022, 1, 1), "LD"), [("O1", "MSA s.2")])
    event = reg.append_event(reg.get(aid).offences[0].id, "CHARGE", date(2022, 2, 1))
    reg.correct_event(event, "NFA", date(2022, 2, 1), "keyed in error")
    assert reg.get(aid).disposal_code == "NFA"
    admin = Backend.as_user(pg_backend.db, USERS[Role.ADMINISTRATOR].username)
    admin.reference.set_ranking(["RUI", "BAIL", "NFA", "OTHER", "OTHER_TRANSFER", "OTHER_WARRANT", "CHARGE"])
    assert pg_backend.reference.disposal_types()[0].code == "RUI"
    assert admin.audit.verify().ok


def test_models_and_migrations_agree_on_postgresql(pg_backend: Backend) -> None:
    from mshtdesk.store.migrate import check_models_match

    check_models_match(pg_backend.db.engine)


def test_merge_and_unmerge_on_postgresql(pg_backend: Backend) -> None:
    """The merge's moves, its audit events (continued past 1,000 characters: the column's limit is
    enforced here) and their undoing, on a server."""
    from mshtdesk.services.people import LinkRole, PersonInput

    people = pg_backend.people
    keep = people.create(PersonInput(surname="Hoxha", forenames="Arben"))
    other = people.create(PersonInput(surname="Hoxha", forenames="Arbën"))
    for n in range(120):
        people.link(other, LinkRole.WITNESS, None, f"Op Heron {n}")
        people.link(keep, LinkRole.WITNESS, None, f"Op Kestrel {n}")
    done = people.merge(keep, other, "Same man")
    assert done.moved == {"person_link": 120}
    assert other not in {p.id for p in people.list()}
    undone = people.unmerge(done.event_id, "Two brothers")
    assert undone.moved == {"person_link": 120}
    assert other in {p.id for p in people.list()}
    admin = Backend.as_user(pg_backend.db, USERS[Role.ADMINISTRATOR].username)
    assert admin.audit.verify().ok


def test_the_apps_sessions_run_without_jit() -> None:
    """JIT compiling cost ~580 ms a disposal table at 100,000 arrests (estimates count subplans that
    never run): the app's connections turn it off, after any options the address gives."""
    from mshtdesk.store.engine import make_engine

    assert PG_URL
    for url in (PG_URL, f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-c%20work_mem%3D8MB"):
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"
                if "work_mem" in url:
                    assert conn.exec_driver_sql("SHOW work_mem").scalar_one() == "8MB"
        finally:
            engine.dispose()
