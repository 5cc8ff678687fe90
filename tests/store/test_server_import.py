"""``mshtdesk server import-from``: a laptop's encrypted database moved onto an empty team server whole
(every table, users with their password hashes, an audit chain that still verifies), or not at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlmodel import SQLModel

from mshtdesk.domain.roles import Role
from mshtdesk.errors import PermissionDeniedError, StoreError
from mshtdesk.reports.tables import to_csv
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from mshtdesk.services.team import import_from
from mshtdesk.store.database import Database
from mshtdesk.store.server_copy import COPYING, DERIVING
from tests.conftest import SEED_EXPORT, USERS
from tests.postgres import fresh_server, needs_postgres, server_tables

pytestmark = needs_postgres

ADMIN, OFFICER = USERS[Role.ADMINISTRATOR], USERS[Role.HTT_OFFICER]
PERIOD = (date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in SQLModel.metadata.sorted_tables
        }


def test_a_laptop_moves_onto_the_server_whole(
    db_path: Path, database: Database, backend_for: Callable[[Role], Backend]
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    officer.import_file(str(SEED_EXPORT))
    aid = officer.register.find_id("WY/22/000001") or 1
    officer.corrections.withdraw_arrest(aid, "entered twice")
    table = to_csv(officer.disposal_table(*PERIOD))
    with database.engine.begin() as conn:  # the laptop's own folder: stays behind, and out of the count
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('backup_folder', '/media/usb')"))
    before = _counts(database.engine)

    url = fresh_server()
    heard: list[tuple[str, int, int]] = []
    moved = import_from(
        str(db_path),
        ADMIN.username,
        ADMIN.password,
        url,
        role_prefix="htt_m",
        progress=lambda *a: heard.append(a),
    )
    total = sum(moved.copied.values())  # what the progress says: rows so far out of all, each batch
    assert heard[-1] == (DERIVING, 0, 0)
    assert {(phase, of) for phase, _, of in heard[:-1]} == {(COPYING, total)}
    done = [d for _, d, _ in heard[:-1]]
    assert len(done) > 1 and done == sorted(done) and done[-1] == total
    after = _counts(database.engine)  # the laptop: its move and the log-out recorded, nothing else
    assert after["audit_event"] == before["audit_event"] + 3  # login, the move, logout
    assert {k: v for k, v in after.items() if k not in ("audit_event", "audit_head")} == {
        k: v for k, v in before.items() if k not in ("audit_event", "audit_head")
    }
    server = create_engine(url)
    on_server = _counts(server)
    with server.connect() as conn:  # analysed with the rows in, not left with the empty tables' figures
        known = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'arrest'")).scalar_one()
    server.dispose()
    assert known == before["arrest"]
    assert on_server["audit_event"] == after["audit_event"] - 1  # all but the laptop's log-out
    assert on_server["arrest"] == before["arrest"] > 100 and on_server["app_user"] == 7
    assert on_server["setting"] == before["setting"] - 1 + 3  # not the folder; the server's roles
    assert moved.copied["arrest_correction"] == 1 and moved.roles.app == "htt_m_app"

    there = Backend.login(url, OFFICER.username, OFFICER.password)  # the password hash came along
    try:
        assert to_csv(there.disposal_table(*PERIOD)) == table
        there.register.create_arrest(ArrestInput("TEAM-1", date(2022, 6, 1), "LD"), [("O1", "MSA s.2")])
    finally:
        there.close()
    admin = Backend.login(url, ADMIN.username, ADMIN.password)
    try:
        checked = admin.audit.verify()  # signed laptop events, the signed move, unsigned server events
        assert checked.ok, checked.describe()
        assert checked.signed > 0
    finally:
        admin.close()
    assert backend_for(Role.AUDITOR).audit.verify().ok  # the laptop's own chain is whole too


def test_a_failure_half_way_leaves_the_server_empty_and_the_laptop_unmoved(
    db_path: Path, database: Database, backend_for: Callable[[Role], Backend]
) -> None:
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    with database.engine.begin() as conn:  # SQLite keeps a value longer than the server's column
        conn.execute(text("UPDATE arrest SET operation = :long WHERE id = 7"), {"long": "Op " + "x" * 200})
    url = fresh_server()
    with pytest.raises(StoreError, match="arrest table do not fit the team database .*; nothing was copied"):
        import_from(str(db_path), ADMIN.username, ADMIN.password, url, role_prefix="htt_half")
    assert server_tables(url) == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'htt_half%'")).scalar() == 0
        )
    engine.dispose()
    with database.engine.connect() as conn:
        moves = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE record_id = 'team-server'")
        ).scalar()
    assert moves == 0


def test_only_an_administrator_moves_a_laptop_and_only_into_an_empty_database(db_path: Path) -> None:
    url = fresh_server()
    with pytest.raises(PermissionDeniedError):
        import_from(str(db_path), OFFICER.username, OFFICER.password, url, role_prefix="htt_m")
    assert server_tables(url) == 0
    Backend.create(url, "teamadmin", "a long team passphrase").close()
    with pytest.raises(StoreError, match="already set up and has users"):
        import_from(str(db_path), ADMIN.username, ADMIN.password, url, role_prefix="htt_m")
    with pytest.raises(StoreError, match="give its path first"):
        import_from(url, ADMIN.username, ADMIN.password, url)


def test_on_the_laptop_every_event_after_the_move_must_still_be_signed(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """The move lets a server's unsigned events follow the laptop's signed ones; it gives the laptop
    itself no such licence: an insider stripping a later signature there is still named."""
    from tests.reliability.test_hardening_audit import Insider, Rows

    url = fresh_server()
    import_from(str(db_path), ADMIN.username, ADMIN.password, url, role_prefix="htt_m")
    backend_for(Role.HTT_OFFICER).register.create_arrest(
        ArrestInput("AFTER-1", date(2022, 6, 1), "LD"), [("O1", "MSA s.2")]
    )
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    last = insider.rows()[-1]

    def strip(rows: Rows) -> Rows:
        rows[-1].update(signer_id=None, signature="")
        return rows

    insider.rewrite(strip)
    insider.close()
    result = backend_for(Role.AUDITOR).audit.verify()
    assert not result.ok and result.first_broken_id == last["id"]
    assert result.problem == "it is not signed, though signing had begun before it"


def test_the_derived_tables_are_derived_on_the_server_not_copied(
    db_path: Path, database: Database, backend_for: Callable[[Role], Backend]
) -> None:
    """``latest_contact`` and ``referral_awaiting`` are derived: not among the copied tables, made from
    the copied rows (with their triggers off during the copy), and kept in step on the server
    afterwards."""
    from datetime import UTC, datetime

    from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
    from mshtdesk.domain.support import ContactMethod, ContactPurpose
    from mshtdesk.services.contacts import ContactInput
    from mshtdesk.services.nrm import ReferralInput
    from mshtdesk.services.people import PersonInput
    from mshtdesk.store import derived
    from mshtdesk.store.tables import LATEST_CONTACT, REFERRAL_AWAITING

    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    people = [officer.people.create(PersonInput(surname=f"Moved{i}", forenames="Test")) for i in range(3)]
    for person in people:
        officer.people.assign_vlo(person, "vlo")

    def welfare(person: int, day: int) -> ContactInput:
        when = datetime(2026, 3, day, 10, tzinfo=UTC)
        return ContactInput(person, when, ContactMethod.PHONE, ContactPurpose.WELFARE)

    first = vlo.contacts.add(welfare(people[0], 2)).id
    latest = vlo.contacts.add(welfare(people[0], 9)).id
    vlo.contacts.withdraw(latest, "wrong victim")
    vlo.contacts.correct(vlo.contacts.add(welfare(people[1], 3)).id, welfare(people[1], 4), "wrong day")

    def referral(person: int) -> int:
        return officer.nrm.create(
            ReferralInput(
                Route.NRM,
                AgeAtReferral.ADULT,
                date(2026, 3, 2),
                person_id=person,
                consents=True,
                crime_ref="13/000002/26",
            )
        )

    waiting, decided = referral(people[0]), referral(people[1])
    officer.nrm.add_decision(decided, DecisionKind.RG, Outcome.POSITIVE, date(2026, 3, 6))

    def rows(engine: Engine) -> set[tuple[int, int]]:
        with engine.connect() as conn:
            return {(r.person_id, r.contact_id) for r in conn.execute(select(LATEST_CONTACT))}

    def awaiting(engine: Engine) -> list[int]:
        with engine.connect() as conn:
            return list(conn.execute(select(REFERRAL_AWAITING.c.referral_id)).scalars())

    on_laptop = rows(database.engine)
    assert len(on_laptop) == 2 and (people[0], first) in on_laptop
    url = fresh_server()
    moved = import_from(str(db_path), ADMIN.username, ADMIN.password, url, role_prefix="htt_lc")
    assert "latest_contact" not in moved.copied and "referral_awaiting" not in moved.copied
    server = create_engine(url)
    try:
        assert rows(server) == on_laptop
        assert awaiting(server) == awaiting(database.engine) == [waiting]
        with server.connect() as conn:
            assert all(table.disagreements(conn) == 0 for table in derived.every())
        there = Backend.login(url, "vlo", USERS[Role.VLO].password)
        try:
            added = there.contacts.add(welfare(people[2], 5)).id  # the triggers were put back on
        finally:
            there.close()
        assert rows(server) == on_laptop | {(people[2], added)}
        there = Backend.login(url, USERS[Role.HTT_OFFICER].username, USERS[Role.HTT_OFFICER].password)
        try:
            there.nrm.add_decision(waiting, DecisionKind.RG, Outcome.POSITIVE, date(2026, 3, 9))
        finally:
            there.close()
        assert awaiting(server) == []
    finally:
        server.dispose()
