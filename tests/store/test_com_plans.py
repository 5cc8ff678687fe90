"""The COM summary's heaviest statements keep the plans migration 0019 and ``decision_rows`` gave them
(measured at a million arrests): a plan check, since a timing in a test proves nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection, event, literal, select

from mshtdesk.store.database import Database
from mshtdesk.store.queries.com import victim_district
from mshtdesk.store.queries.engagement import decision_victims
from mshtdesk.store.queries.outcomes import people_charged

FROM, TO, AS_AT = date(2025, 4, 1), date(2026, 3, 31), date(2026, 11, 22)


def _plan_of(database: Database, run: Callable[[Connection], Any]) -> list[str]:
    """SQLite's plan of the last statement ``run`` executes."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(database.engine, "before_cursor_execute", keep)
    try:
        with database.engine.connect() as conn:
            run(conn)
            statement, params = seen[-1]
            return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    finally:
        event.remove(database.engine, "before_cursor_execute", keep)


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
