"""The COM summary's heaviest statements keep the plans migration 0019 and ``decision_rows`` gave them
(measured at a million arrests): a plan check, since a timing in a test proves nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, literal, select

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from mshtdesk.store.queries.com import offences_by_legislation, victim_district
from mshtdesk.store.queries.engagement import decision_victims
from mshtdesk.store.queries.outcomes import people_charged
from tests.benchmarks.scale_data import generate
from tests.conftest import USERS
from tests.postgres import PgSnapshot

FROM, TO, AS_AT = date(2025, 4, 1), date(2026, 3, 31), date(2026, 11, 22)


@contextmanager
def _heard(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) executed on ``engine`` meanwhile."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _plan_of(database: Database, run: Callable[[Connection], Any]) -> list[str]:
    """SQLite's plan of the last statement ``run`` executes."""
    with _heard(database.engine) as seen, database.engine.connect() as conn:
        run(conn)
        statement, params = seen[-1]
        return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]


def test_each_victims_first_decision_is_probed_once_per_link(database: Database) -> None:
    plan = _plan_of(database, lambda c: decision_victims(c, FROM, TO, AS_AT))
    assert any(step.startswith("MATERIALIZE linked") for step in plan), plan
    probes = [step for step in plan if step.startswith("SEARCH disposal_event")]
    assert len(probes) == 1, plan  # inlined, the probe was copied into four places


def test_a_victims_district_is_read_from_the_covering_index_in_order(database: Database) -> None:
    plan = _plan_of(database, lambda c: c.execute(select(victim_district(literal(1), AS_AT))).all())
    assert any("COVERING INDEX ix_nrm_referral_person_district" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_the_first_charges_are_read_from_the_charges_alone(database: Database) -> None:
    plan = _plan_of(database, lambda c: people_charged(c, FROM, TO, AS_AT))
    assert any("ix_disposal_event_type (disposal_type_id=?)" in step for step in plan), plan
    assert not any(step.startswith("SCAN disposal_event") for step in plan), plan


# ----- PostgreSQL: correction probes run once per row of the period, not per row of the register -------


def _probe_loops(node: dict[str, Any], mentions: str, under_subplan: bool = False) -> list[int]:
    """The loops of each correction probe (a subplan reading ``arrest_correction`` whose condition
    mentions ``mentions``) in a PostgreSQL JSON plan."""
    found: list[int] = []
    subplan = node.get("Parent Relationship") == "SubPlan"
    text = " ".join(str(node.get(k, "")) for k in ("Filter", "Index Cond", "Recheck Cond"))
    if node.get("Relation Name") == "arrest_correction" and mentions in text and under_subplan:
        found.append(int(node["Actual Loops"]))
    for child in node.get("Plans", []):
        found += _probe_loops(child, mentions, under_subplan or subplan)
    return found


@pytest.fixture
def pg_register(pg_snapshot: PgSnapshot) -> Iterator[Database]:
    """The scratch server with a register of 4,000 arrests over eight years, analysed: PostgreSQL
    costs a probe of the nearly empty corrections table at nothing, and with the statistics of a
    register of some size (not of a hundred arrests) it chose to probe rows outside the period."""
    pg_snapshot.reset()
    db = Database(pg_snapshot.url)
    officer = Backend.as_user(db, USERS[Role.HTT_OFFICER].username)
    districts = [d.code for d in officer.reference.districts() if d.active]
    register = generate(3, 4000, AS_AT, districts, 8)
    officer.import_custody(register.cumulative(len(register.months) - 1), "register.csv")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    yield db
    db.close()


def _probes(db: Database, run: Callable[[Connection], Any], mentions: str) -> tuple[Any, list[int]]:
    """What ``run`` returned, and the loops of the correction probes mentioning ``mentions`` in the
    plans of every statement it executed."""
    with _heard(db.engine) as seen, db.engine.connect() as conn:
        result = run(conn)
        ran = list(seen)  # before the EXPLAINs below, which are heard too
        loops: list[int] = []
        for statement, params in ran:
            (plan,) = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params).one()
            loops += _probe_loops(plan[0]["Plan"], mentions)
    return result, loops


def _count(db: Database, sql: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql).scalar_one())


def test_only_the_periods_offences_are_probed_for_corrections_on_postgresql(pg_register: Database) -> None:
    """Each offence correction probe runs at most once per offence of the period (it ran for every
    offence of the register, twice: 0.6 s of the COM summary at 100,000 arrests)."""
    rows, loops = _probes(pg_register, lambda c: offences_by_legislation(c, FROM, TO), "offence_id")
    in_period = next(r.offences for r in rows if r.legislation == "")
    assert 0 < in_period < _count(pg_register, "SELECT count(*) FROM offence") / 4
    assert loops and max(loops) <= in_period, (loops, in_period)
