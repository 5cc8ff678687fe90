"""``referral_awaiting`` (migration 0021) agrees with the referrals and decisions after every kind of
write, on both engines.

Three answers are compared after each step: the table; the query it replaced (a probe of every NRM
referral's decisions, inlined here as it was before 0021); and a computation in Python from every row.
A property test drives random referrals, decisions, withdrawals, route changes and raw moves and
deletions with a fixed seed. On PostgreSQL, two writers of one referral's decisions at once leave the
row right.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, delete, exists, false, insert, inspect, select, text, update

from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import NrmService, ReferralInput
from mshtdesk.services.people import PersonInput
from mshtdesk.services.today import TodayService
from mshtdesk.store import awaiting_decision
from mshtdesk.store.database import Database
from mshtdesk.store.migrate import alembic_config
from mshtdesk.store.tables import NRM_DECISION, NRM_REFERRAL, REFERRAL_AWAITING
from tests.postgres import second_writer_waits

Backends = Callable[[Role], Backend]
TODAY = date(2026, 3, 30)  # a Monday
TABLE = awaiting_decision.DERIVED


# ----- the three answers ---------------------------------------------------------------------------


def old_query(conn: Connection) -> set[int]:
    """The pre-0021 answer: NRM referrals none of whose decisions is in force."""
    r, d, later = NRM_REFERRAL, NRM_DECISION.alias("d"), NRM_DECISION.alias("later")
    q = select(r.c.id).where(
        r.c.route == Route.NRM.value,
        ~exists().where(
            d.c.referral_id == r.c.id,
            d.c.is_void == false(),
            ~exists().where(later.c.supersedes_id == d.c.id),
        ),
    )
    return set(conn.execute(q).scalars())


def stored(conn: Connection) -> set[int]:
    return set(conn.execute(select(REFERRAL_AWAITING.c.referral_id)).scalars())


def in_python(conn: Connection) -> set[int]:
    """From every row, without SQL's help: superseded ids out, void markers out."""
    decisions = conn.execute(
        select(
            NRM_DECISION.c.id,
            NRM_DECISION.c.referral_id,
            NRM_DECISION.c.is_void,
            NRM_DECISION.c.supersedes_id,
        )
    ).all()
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
    decided = {d.referral_id for d in decisions if not d.is_void and d.id not in superseded}
    nrm = conn.execute(select(NRM_REFERRAL.c.id).where(NRM_REFERRAL.c.route == Route.NRM.value)).scalars()
    return set(nrm) - decided


def agree(database: Database) -> set[int]:
    """Assert the three answers agree; the answer."""
    with database.engine.connect() as conn:
        table, old, computed = stored(conn), old_query(conn), in_python(conn)
        assert TABLE.disagreements(conn) == 0
    assert table == old
    assert table == computed
    return table


# ----- set-up --------------------------------------------------------------------------------------


def nrm(backend: Backend) -> NrmService:
    return NrmService(backend.db, backend.actor, today=TODAY)


def referral(backend: Backend, surname: str, route: Route = Route.NRM, days_ago: int = 40) -> int:
    return nrm(backend).create(
        ReferralInput(
            route=route,
            age_at_referral=AgeAtReferral.ADULT,
            submitted_date=TODAY - timedelta(days=days_ago),
            new_person=PersonInput(surname=surname, forenames="Test", nationality="Albanian"),
            consents=True if route is Route.NRM else None,
            cooperates=True if route is Route.DUTY_TO_NOTIFY else None,
            crime_ref="13/000001/26",
        )
    )


def rg(backend: Backend, referral_id: int, days_ago: int = 30) -> int:
    return nrm(backend).add_decision(
        referral_id,
        DecisionKind.RG,
        Outcome.POSITIVE,
        TODAY - timedelta(days=days_ago),
        confirm_warnings=True,
    )


def decision_row(referral_id: int, **kw: Any) -> dict[str, Any]:
    """A decision row as a hand-made repair or a second writer would insert it."""
    row = {
        "referral_id": referral_id,
        "kind": DecisionKind.RG.value,
        "outcome": Outcome.POSITIVE.value,
        "decided_on": TODAY - timedelta(days=20),
        "supersedes_id": None,
        "is_void": False,
        "recorded_at": datetime.now(UTC),
    }
    return row | kw


# ----- the cases -----------------------------------------------------------------------------------


def test_decisions_withdrawals_and_what_today_shows(backend_for: Backends, database: Database) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    assert agree(database) == set()
    waiting = referral(officer, "Hoxha")
    told = referral(officer, "Dervishi")
    dtn = referral(officer, "Leka", Route.DUTY_TO_NOTIFY)
    assert agree(database) == {waiting, told}  # a Duty to Notify report waits for no decision
    first = rg(officer, told)
    assert agree(database) == {waiting}
    nrm(officer).void_decision(first, "Typed on the wrong referral")  # the only decision withdrawn
    assert agree(database) == {waiting, told}
    again = rg(officer, told, days_ago=10)
    assert agree(database) == {waiting}
    manager = backend_for(Role.MANAGER)
    now = datetime(2026, 3, 30, 9, tzinfo=UTC)
    overdue = [i.record_id for i in TodayService(database, manager.actor, now=now).items() if i.due]
    assert waiting in overdue and told not in overdue and dtn not in overdue
    nrm(officer).void_decision(again, "Not this referral either")
    overdue = [i.record_id for i in TodayService(database, manager.actor, now=now).items() if i.due]
    assert told in overdue


def test_writes_outside_the_app_and_ensure(backend_for: Backends, database: Database) -> None:
    """Hand-made moves, route changes and deletions are followed too; ``ensure`` repairs a table someone
    changed, and triggers someone dropped."""
    officer = backend_for(Role.HTT_OFFICER)
    a, b = referral(officer, "Shehu"), referral(officer, "Mema")
    decided = rg(officer, a)
    assert agree(database) == {b}
    with database.engine.begin() as conn:
        conn.execute(update(NRM_DECISION).where(NRM_DECISION.c.id == decided).values(referral_id=b))
    assert agree(database) == {a}
    with database.engine.begin() as conn:
        conn.execute(
            update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == a).values(route=Route.DUTY_TO_NOTIFY.value)
        )
    assert agree(database) == set()
    with database.engine.begin() as conn:
        conn.execute(update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == a).values(route=Route.NRM.value))
        conn.execute(update(NRM_DECISION).where(NRM_DECISION.c.id == decided).values(is_void=True))
    assert agree(database) == {a, b}
    with database.engine.begin() as conn:
        conn.execute(update(NRM_DECISION).where(NRM_DECISION.c.id == decided).values(is_void=False))
        withdrawal = conn.execute(
            insert(NRM_DECISION).returning(NRM_DECISION.c.id),
            decision_row(a, supersedes_id=decided, is_void=True),  # crossing referrals: b's decision
        ).scalar_one()
    assert agree(database) == {a, b}
    with database.engine.begin() as conn:
        conn.execute(delete(NRM_DECISION).where(NRM_DECISION.c.id == withdrawal))  # the decision is back
    assert agree(database) == {a}
    with database.engine.begin() as conn:
        conn.execute(delete(NRM_DECISION).where(NRM_DECISION.c.referral_id == a))
        conn.execute(delete(NRM_REFERRAL).where(NRM_REFERRAL.c.id == a))
    assert agree(database) == set()
    with database.engine.begin() as conn:  # a waiting referral's date corrected: the row follows
        conn.execute(update(NRM_DECISION).where(NRM_DECISION.c.referral_id == b).values(is_void=True))
        conn.execute(update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == b).values(submitted_date=TODAY))
    assert agree(database) == {b}
    with database.engine.begin() as conn:
        assert TABLE.ensure(conn) is False  # in step: nothing to do
        conn.execute(insert(REFERRAL_AWAITING), [{"referral_id": a, "submitted_date": TODAY}])  # gone
        assert TABLE.disagreements(conn) == 1
        assert TABLE.ensure(conn) is True
    agree(database)
    with database.engine.begin() as conn:
        TABLE.uninstall_triggers(conn)
    c = referral(officer, "Gashi")  # unseen by the table: no trigger
    with database.engine.connect() as conn:
        assert TABLE.disagreements(conn) == 1
    with database.engine.begin() as conn:
        assert TABLE.ensure(conn) is True
    assert agree(database) == {b, c}
    rg(officer, c)  # the triggers are back
    assert agree(database) == {b}


def test_random_writes_keep_the_table_in_step(backend_for: Backends, database: Database) -> None:
    """100 random operations (fixed seed), the three answers compared after each."""
    rng = random.Random(23)
    officer = backend_for(Role.HTT_OFFICER)
    referrals = [
        referral(officer, f"Person{i}", rng.choice([Route.NRM, Route.NRM, Route.DUTY_TO_NOTIFY]))
        for i in range(6)
    ]

    def rows(conn: Connection) -> list[Any]:
        return list(
            conn.execute(select(NRM_DECISION.c.id, NRM_DECISION.c.referral_id, NRM_DECISION.c.is_void))
        )

    for step in range(100):
        op = rng.choice(["decide", "decide", "withdraw", "stray", "route", "move", "delete", "new"])
        with database.engine.begin() as conn:
            decisions = rows(conn)
            if op == "decide":
                conn.execute(insert(NRM_DECISION), [decision_row(rng.choice(referrals))])
            elif op == "stray":  # a void row that withdraws nothing: nothing changes
                conn.execute(insert(NRM_DECISION), [decision_row(rng.choice(referrals), is_void=True)])
            elif op == "withdraw" and decisions:
                target = rng.choice(decisions)
                conn.execute(
                    insert(NRM_DECISION),
                    [
                        decision_row(
                            rng.choice([target.referral_id, rng.choice(referrals)]),
                            supersedes_id=target.id,
                            is_void=True,
                        )
                    ],
                )
            elif op == "route":
                routes = [Route.NRM.value, Route.DUTY_TO_NOTIFY.value]
                conn.execute(
                    update(NRM_REFERRAL)
                    .where(NRM_REFERRAL.c.id == rng.choice(referrals))
                    .values(route=rng.choice(routes))
                )
            elif op == "move" and decisions:
                conn.execute(
                    update(NRM_DECISION)
                    .where(NRM_DECISION.c.id == rng.choice(decisions).id)
                    .values(referral_id=rng.choice(referrals))
                )
            elif op == "delete" and decisions:  # one nothing supersedes (the foreign key keeps the rest)
                free = {d.id for d in decisions} - set(
                    conn.execute(
                        select(NRM_DECISION.c.supersedes_id).where(NRM_DECISION.c.supersedes_id.is_not(None))
                    ).scalars()
                )
                if free:
                    conn.execute(delete(NRM_DECISION).where(NRM_DECISION.c.id == rng.choice(sorted(free))))
        if op == "new":
            referrals.append(referral(officer, f"Later{step}"))
        agree(database)
    assert 0 < len(agree(database)) < len(referrals)  # the run left both kinds to compare


def test_imports_derive_the_rows_of_what_they_add(backend_for: Backends, database: Database) -> None:
    """An NRM import holds the insert triggers back and derives its referrals' rows at the end: a
    register of new referrals, then the same register with a Reasonable Grounds decision for every
    referral that had none (decisions on stored referrals). The triggers are back after each."""
    from tests.benchmarks.import_speed import nrm_register

    officer = backend_for(Role.HTT_OFFICER)
    lines = nrm_register(11, 80, TODAY).decode("utf-8").splitlines()
    assert officer.import_nrm("\n".join(lines).encode("utf-8"), "register.csv").referrals_added == 80
    first = agree(database)
    assert 0 < len(first) < 80
    header, rows = lines[0].split(","), list(csv.reader(lines[1:]))
    submitted, outcome, on = (header.index(c) for c in ("submitted_date", "rg_outcome", "rg_date"))
    for row in rows:
        if not row[outcome]:
            row[outcome], row[on] = (
                "positive",
                (date.fromisoformat(row[submitted]) + timedelta(days=3)).isoformat(),
            )
    later = io.StringIO()
    csv.writer(later, lineterminator="\n").writerows([header, *rows])
    assert officer.import_nrm(later.getvalue().encode("utf-8"), "register-later.csv").decisions_added > 0
    assert agree(database) == set()
    with database.engine.connect() as conn:
        assert TABLE.triggers_present(conn)
    referral(officer, "After")  # a write after the import is followed by the triggers
    assert len(agree(database)) == 1


def test_the_migration_derives_the_table_from_the_rows_there(
    backend_for: Backends, database: Database
) -> None:
    """Migration 0021 on a register that already has referrals: down to 0020 (table and triggers gone)
    and up again, the table holds exactly the waiting ones, and the next decision is followed."""
    from alembic import command

    officer = backend_for(Role.HTT_OFFICER)
    waiting, decided = referral(officer, "Krasniqi"), referral(officer, "Berisha")
    rg(officer, decided)
    with database.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020")
        assert "referral_awaiting" not in inspect(conn).get_table_names()
        command.upgrade(cfg, "head")
    assert agree(database) == {waiting}
    rg(officer, waiting)
    assert agree(database) == set()


# ----- PostgreSQL: two writers at once ---------------------------------------------------------------


def test_two_writers_of_one_referral_at_once(backend_for: Backends, database: Database) -> None:
    """Writer 1 withdraws the referral's only decision and holds its transaction open; writer 2 adds a
    new decision and commits after. Without the lock, writer 2's trigger, not seeing the withdrawal,
    would find the old decision in force and leave writer 1's row saying the referral still waits."""
    if database.path is not None:
        pytest.skip("SQLite has one writer at a time: no two transactions can interleave")
    officer = backend_for(Role.HTT_OFFICER)
    ref = referral(officer, "Concurrent")
    first = rg(officer, ref)
    second_writer_waits(  # on the referral's lock that writer 1 holds
        database.engine,
        lambda conn: conn.execute(
            insert(NRM_DECISION), [decision_row(ref, supersedes_id=first, is_void=True)]
        ),
        lambda conn: conn.execute(insert(NRM_DECISION), [decision_row(ref)]),
    )
    assert agree(database) == set()  # writer 2's decision is in force


def test_app_role_reads_but_cannot_write_the_table(backend_for: Backends, database: Database) -> None:
    """The application role writes ``referral_awaiting`` only through the triggers (``SECURITY
    DEFINER``, the owner's): its decisions keep the table right, its own writes are refused. In one
    transaction rolled back at the end (roles, owners and grants are transactional on PostgreSQL)."""
    if database.path is not None:
        pytest.skip("SQLite has no roles: the file's key is the access control")
    from tests.postgres import act_as_app_role

    ref = referral(backend_for(Role.HTT_OFFICER), "Grants")
    with database.engine.connect() as conn:
        outer = conn.begin()
        act_as_app_role(conn, "ragrant")
        assert conn.execute(select(REFERRAL_AWAITING.c.referral_id)).scalars().all() == [ref]
        conn.execute(insert(NRM_DECISION), [decision_row(ref)])
        assert conn.execute(select(REFERRAL_AWAITING.c.referral_id)).scalars().all() == []
        for forbidden in (
            insert(REFERRAL_AWAITING).values(referral_id=ref),
            delete(REFERRAL_AWAITING),
            text("SELECT referral_awaiting_refresh(1)"),
        ):
            with pytest.raises(Exception, match="permission denied"), conn.begin_nested():
                conn.execute(forbidden)
        conn.execute(text("RESET ROLE"))
        outer.rollback()
