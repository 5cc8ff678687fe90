"""``latest_contact`` (migration 0017) agrees with the contacts after every kind of write, on both engines.

Three answers are compared after each step: the table; the query it replaced (each person's latest
contact in force by a probe per person, inlined here as it was before 0017); and a computation in
Python from every contact row. A property test drives random adds, corrections, withdrawals, merges,
undone merges, erasures and raw moves and deletions with a fixed seed. On PostgreSQL, two writers of
one person's contacts at once leave the row right.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, delete, exists, false, insert, select, text, update

from mshtdesk.domain.due import FIRST_CONTACT_TEXT
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactFilter, ContactInput
from mshtdesk.services.people import PersonInput
from mshtdesk.services.today import TodayService
from mshtdesk.store import latest_contact
from mshtdesk.store.database import Database
from mshtdesk.store.tables import LATEST_CONTACT, PERSON, VLO_CONTACT
from tests.postgres import second_writer_waits

Backends = Callable[[Role], Backend]
LONDON = ZoneInfo("Europe/London")
Answer = dict[int, tuple[int, datetime, date | None]]  # person: (contact id, contact_at, next due)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, 1, hour, tzinfo=LONDON) + timedelta(days=day)


# ----- the three answers ---------------------------------------------------------------------------


def old_query(conn: Connection) -> Answer:
    """The pre-0017 answer: per person, the newest contact in force by ``(contact_at, id)``."""
    mine, later = VLO_CONTACT.alias("mine"), VLO_CONTACT.alias("later")
    latest = (
        select(mine.c.id)
        .where(
            mine.c.person_id == PERSON.c.id,
            mine.c.is_void == false(),
            ~exists().where(later.c.supersedes_id == mine.c.id),
        )
        .order_by(mine.c.contact_at.desc(), mine.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    c = VLO_CONTACT.c
    ids = select(latest).select_from(PERSON)
    rows = conn.execute(select(c.person_id, c.id, c.contact_at, c.next_contact_due).where(c.id.in_(ids)))
    return {r.person_id: (r.id, r.contact_at, r.next_contact_due) for r in rows}


def stored(conn: Connection) -> Answer:
    lc = LATEST_CONTACT.c
    rows = conn.execute(select(lc.person_id, lc.contact_id, lc.contact_at, lc.next_contact_due))
    return {r.person_id: (r.contact_id, r.contact_at, r.next_contact_due) for r in rows}


def in_python(conn: Connection) -> Answer:
    """From every contact row, without SQL's help: superseded ids out, void markers out, max per person."""
    rows = conn.execute(
        select(VLO_CONTACT.c.id, VLO_CONTACT.c.person_id, VLO_CONTACT.c.contact_at,
               VLO_CONTACT.c.next_contact_due, VLO_CONTACT.c.is_void, VLO_CONTACT.c.supersedes_id)
    ).all()  # fmt: skip
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    best: dict[int, Any] = {}
    for r in rows:
        if r.is_void or r.id in superseded:
            continue
        held = best.get(r.person_id)
        if held is None or (r.contact_at, r.id) > (held.contact_at, held.id):
            best[r.person_id] = r
    return {p: (r.id, r.contact_at, r.next_contact_due) for p, r in best.items()}


def agree(database: Database) -> Answer:
    """Assert the three answers agree; the answer."""
    with database.engine.connect() as conn:
        table, old, computed = stored(conn), old_query(conn), in_python(conn)
        assert latest_contact.DERIVED.disagreements(conn) == 0
    assert table == old
    assert table == computed
    return table


# ----- set-up --------------------------------------------------------------------------------------


def victim(backend_for: Backends, surname: str) -> int:
    officer = backend_for(Role.HTT_OFFICER)
    person = officer.people.create(PersonInput(surname=surname, forenames="Test"))
    officer.people.assign_vlo(person, "vlo")
    return person


def welfare(person: int, when: datetime, due: date | None = None) -> ContactInput:
    return ContactInput(person, when, ContactMethod.PHONE, ContactPurpose.WELFARE, next_contact_due=due)


# ----- the cases -----------------------------------------------------------------------------------


def test_inserts_out_of_order_corrections_and_withdrawals(backend_for: Backends, database: Database) -> None:
    person = victim(backend_for, "Dragan")
    vlo = backend_for(Role.VLO)
    assert agree(database) == {}
    late = vlo.contacts.add(welfare(person, at(10), date(2026, 3, 20))).id
    assert agree(database)[person][0] == late
    early = vlo.contacts.add(welfare(person, at(2), date(2026, 3, 5))).id  # logged after, dated before
    assert agree(database)[person][0] == late
    tie = vlo.contacts.add(welfare(person, at(10), date(2026, 3, 25))).id  # same moment: the higher id
    assert agree(database)[person] == (tie, at(10), date(2026, 3, 25))
    # correcting the latest to an earlier day: the other contact dated 10th is latest again
    moved = vlo.contacts.correct(tie, welfare(person, at(1), date(2026, 3, 4)), "Wrong day").id
    assert agree(database)[person][0] == late
    vlo.contacts.withdraw(late, "Logged against the wrong victim")
    assert agree(database)[person][0] == early
    vlo.contacts.withdraw(early, "Never happened")
    assert agree(database)[person][0] == moved
    vlo.contacts.withdraw(moved, "Never happened either")
    assert person not in agree(database)  # no contact in force: no row, and Today owes a first contact
    items = TodayService(database, vlo.actor, now=datetime(2026, 3, 30, 9, tzinfo=UTC)).items()
    assert [(i.person_id, i.text) for i in items] == [(person, FIRST_CONTACT_TEXT)]


def test_merge_unmerge_and_erasure(backend_for: Backends, database: Database) -> None:
    keep, other = victim(backend_for, "Nowak"), victim(backend_for, "Nowakowa")
    vlo = backend_for(Role.VLO)
    vlo.contacts.add(welfare(keep, at(3)))
    newer = vlo.contacts.add(welfare(other, at(8), date(2026, 3, 12))).id
    older = vlo.contacts.add(welfare(other, at(1))).id
    vlo.contacts.correct(older, welfare(other, at(2)), "Time typed wrong")
    before = agree(database)
    officer = backend_for(Role.HTT_OFFICER)
    done = officer.people.merge(keep, other, "The same woman, recorded twice")
    after = agree(database)
    assert other not in after and after[keep][0] == newer  # her latest moved with her contacts
    officer.people.unmerge(done.event_id, "Not the same woman after all")
    assert agree(database) == before
    backend_for(Role.MANAGER).retention.erase(other, "Past the review date, nothing to keep")
    assert agree(database) == before  # erasure blanks text, not dates: the rows stand


def test_writes_outside_the_app_and_ensure(database: Database, backend_for: Backends) -> None:
    """A hand-made UPDATE or DELETE of contacts is followed too; ``ensure`` finds and repairs a table
    someone changed, and triggers someone dropped."""
    a, b = victim(backend_for, "Ionescu"), victim(backend_for, "Popescu")
    vlo = backend_for(Role.VLO)
    first = vlo.contacts.add(welfare(a, at(1))).id
    second = vlo.contacts.add(welfare(a, at(5))).id
    with database.engine.begin() as conn:
        conn.execute(update(VLO_CONTACT).where(VLO_CONTACT.c.id == second).values(person_id=b))
    assert agree(database) == {a: (first, at(1), agree(database)[a][2]), b: agree(database)[b]}
    assert agree(database)[b][0] == second
    with database.engine.begin() as conn:
        conn.execute(delete(VLO_CONTACT).where(VLO_CONTACT.c.id == second))
    assert set(agree(database)) == {a}
    with database.engine.begin() as conn:
        assert latest_contact.DERIVED.ensure(conn) is False  # in step: nothing to do
        conn.execute(text("DELETE FROM latest_contact"))
        assert latest_contact.DERIVED.disagreements(conn) == 1
        assert latest_contact.DERIVED.ensure(conn) is True
    agree(database)
    with database.engine.begin() as conn:
        latest_contact.DERIVED.uninstall_triggers(conn)
    vlo.contacts.add(welfare(a, at(9)))  # unseen by the table: no trigger
    with database.engine.connect() as conn:
        assert latest_contact.DERIVED.disagreements(conn) == 2  # a's stored row, and the row derived now
    with database.engine.begin() as conn:
        assert latest_contact.DERIVED.ensure(conn) is True
    agree(database)
    vlo.contacts.add(welfare(b, at(11)))  # the triggers are back
    assert set(agree(database)) == {a, b}


def test_random_writes_keep_the_table_in_step(backend_for: Backends, database: Database) -> None:
    """120 random operations (fixed seed), the three answers compared after each, then an erasure."""
    rng = random.Random(17)
    people = [victim(backend_for, f"Person{i}") for i in range(5)]
    vlo, officer = backend_for(Role.VLO), backend_for(Role.HTT_OFFICER)
    merges: list[int] = []
    merged: set[int] = set()

    def live_ids(person: int | None = None) -> list[int]:
        f = ContactFilter(person_id=person) if person is not None else ContactFilter()
        return [r.id for r in vlo.contacts.list(f)]

    for _ in range(120):
        op = rng.choice(["add", "add", "add", "correct", "withdraw", "merge", "unmerge", "move"])
        open_people = [p for p in people if p not in merged]
        if op == "add":
            when = at(rng.randrange(20), rng.choice([9, 10]))  # few distinct moments: ties by id
            due = rng.choice([None, when.date() + timedelta(days=rng.randrange(1, 30))])
            vlo.contacts.add(welfare(rng.choice(open_people), when, due))
        elif op in ("correct", "withdraw") and (ids := live_ids()):
            target = rng.choice(ids)
            person = next(r.person_id for r in vlo.contacts.list(ContactFilter()) if r.id == target)
            if op == "correct":
                when = at(rng.randrange(20), rng.choice([9, 10]))
                vlo.contacts.correct(target, welfare(person, when, date(2026, 4, 1)), "Random correction")
            else:
                vlo.contacts.withdraw(target, "Random withdrawal")
        elif op == "merge" and len(open_people) > 2:
            keep, other = rng.sample(open_people, 2)
            merges.append(officer.people.merge(keep, other, "Random merge").event_id)
            merged.add(other)
        elif op == "unmerge" and merges:
            event = merges.pop()
            officer.people.unmerge(event, "Random undo")
            merged = set()  # re-read below
            with database.engine.connect() as conn:
                merged = {
                    int(p)
                    for p in conn.execute(
                        select(PERSON.c.id).where(PERSON.c.merged_into_id.is_not(None))
                    ).scalars()
                }
        elif op == "move" and (ids := live_ids()):  # a hand-made repair: one contact to another person
            with database.engine.begin() as conn:
                conn.execute(
                    update(VLO_CONTACT)
                    .where(VLO_CONTACT.c.id == rng.choice(ids))
                    .values(person_id=rng.choice(open_people))
                )
        agree(database)
    backend_for(Role.MANAGER).retention.erase(rng.choice(people), "Random erasure")  # the last write
    agree(database)
    assert len(agree(database)) >= 2  # the run did leave people with contacts to compare


# ----- PostgreSQL: two writers at once ---------------------------------------------------------------


def _contact(person: int, when: datetime, due: date) -> dict[str, Any]:
    return {
        "person_id": person,
        "contact_at": when,
        "method": "phone",
        "purpose": "welfare",
        "next_contact_due": due,
        "version": 1,
        "created_at": datetime.now(UTC),
    }


@pytest.mark.parametrize("first_contact", [True, False], ids=["no-row-yet", "row-already"])
def test_two_writers_of_one_person_at_once(
    backend_for: Backends, database: Database, first_contact: bool
) -> None:
    """Writer 1 adds the later contact and holds its transaction open; writer 2 adds an earlier one and
    commits after. Without the lock, writer 2's trigger, not seeing writer 1's row, would store its own
    earlier contact as the latest."""
    if database.url.startswith("sqlite") or database.path is not None:
        pytest.skip("SQLite has one writer at a time: no two transactions can interleave")
    person = victim(backend_for, "Concurrent")
    if not first_contact:
        backend_for(Role.VLO).contacts.add(welfare(person, at(0)))
    later = second_writer_waits(  # on the person's lock that writer 1 holds
        database.engine,
        lambda conn: conn.execute(
            insert(VLO_CONTACT).returning(VLO_CONTACT.c.id), _contact(person, at(7), date(2026, 3, 9))
        ).scalar_one(),
        lambda conn: conn.execute(insert(VLO_CONTACT), _contact(person, at(3), date(2026, 3, 6))),
    )
    table = agree(database)
    assert table[person][0] == later


def test_app_role_reads_but_cannot_write_the_table(backend_for: Backends, database: Database) -> None:
    """The application role writes ``latest_contact`` only through the triggers (``SECURITY DEFINER``,
    the owner's): its contacts keep the table right, its own writes to the table are refused. All in one
    transaction rolled back at the end (roles, owners and grants are transactional on PostgreSQL)."""
    if database.path is not None:
        pytest.skip("SQLite has no roles: the file's key is the access control")
    from tests.postgres import act_as_app_role

    person = victim(backend_for, "Grants")
    with database.engine.connect() as conn:
        outer = conn.begin()
        act_as_app_role(conn, "lcgrant")
        added = conn.execute(
            insert(VLO_CONTACT).returning(VLO_CONTACT.c.id), _contact(person, at(4), date(2026, 3, 8))
        ).scalar_one()
        row = conn.execute(select(LATEST_CONTACT.c.contact_id).where(LATEST_CONTACT.c.person_id == person))
        assert row.scalar_one() == added
        for forbidden in (
            delete(LATEST_CONTACT),
            update(LATEST_CONTACT).values(next_contact_due=None),
            text("SELECT latest_contact_refresh(1)"),
        ):
            with pytest.raises(Exception, match="permission denied"), conn.begin_nested():
                conn.execute(forbidden)
        conn.execute(text("RESET ROLE"))
        outer.rollback()
