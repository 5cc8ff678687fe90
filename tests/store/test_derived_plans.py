"""``referral_awaiting`` is cheap to keep and cheap to read, whatever the planner's statistics say: a plan
check (a timing in a test proves nothing). Its triggers once let SQLite's planner take the route index,
and each decision written scanned every NRM referral (a 100,000-row NRM import ran for minutes); Today
must read the few waiting referrals, not probe every referral."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection, event

from mshtdesk.domain.roles import Entity
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.services.support_scope import person_scope
from mshtdesk.store.awaiting_decision import sqlite_refresh
from mshtdesk.store.database import Database
from mshtdesk.store.queries.due import referrals_awaiting_rg

REFERRALS = 3_000


def _register(conn: Connection, person: int) -> None:
    """REFERRALS NRM referrals of one person, all but one in ten decided: the shape of a real register."""
    conn.exec_driver_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO nrm_referral (referral_ref, person_id, route, submitted_date, age_at_referral, "
        "age_at_exploitation, first_responder, first_responder_org, exploitation, exploitation_label, "
        "sub_types, exploitation_location, crime_ref, no_crime_reason, operation, notes, version, "
        "created_at, updated_at) "
        "SELECT 'PLAN-' || i, ?, CASE WHEN i % 7 = 0 THEN 'dtn' ELSE 'nrm' END, "
        "date('2020-01-01', '+' || (i % 2000) || ' days'), 'adult', 'adult', '', '', '', '', '', "
        "'unknown', '', '', '', '', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n",
        (REFERRALS, person),
    )
    conn.exec_driver_sql(
        "INSERT INTO nrm_decision (referral_id, kind, outcome, decided_on, note, is_void, reason, source, "
        "recorded_at) SELECT id, 'rg', 'positive', submitted_date, '', 0, '', 'demo', '2026-01-01 00:00:00' "
        "FROM nrm_referral WHERE route = 'nrm' AND id % 10 <> 0"
    )


@pytest.fixture(params=["no statistics", "analysed"])
def register(request: pytest.FixtureRequest, database: Database, backend: Backend) -> Database:
    person = backend.people.create(PersonInput(surname="Plan", forenames="Test"))
    with database.engine.begin() as conn:
        _register(conn, person)
        if request.param == "analysed":
            conn.exec_driver_sql("ANALYZE")
    return database


def _plan(conn: Connection, statement: str, params: tuple[object, ...] = ()) -> list[str]:
    return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]


@pytest.mark.parametrize(
    "referrals",
    ["SELECT 5 AS rid", "SELECT 5 AS rid UNION SELECT referral_id AS rid FROM nrm_decision WHERE id = 7"],
    ids=["a referral", "a decision and the one it supersedes"],
)
def test_a_trigger_rederives_its_referrals_by_their_ids(register: Database, referrals: str) -> None:
    with register.engine.connect() as conn:
        for statement in sqlite_refresh(referrals):
            plan = _plan(conn, statement)
            assert not any("ix_nrm_referral" in step or step.startswith("SCAN r") for step in plan), plan
            if statement.lstrip().startswith("INSERT"):
                assert "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan


def test_today_reads_the_waiting_referrals_then_each_by_its_id(register: Database, backend: Backend) -> None:
    seen: list[tuple[str, object]] = []

    def keep(_conn: object, _cur: object, statement: str, params: object, _ctx: object, _many: bool) -> None:
        seen.append((statement, params))

    scope = person_scope(backend.actor, Entity.NRM_REFERRAL)
    event.listen(register.engine, "before_cursor_execute", keep)
    try:
        with register.engine.connect() as conn:
            assert len(referrals_awaiting_rg(conn, submitted_by=date(2026, 1, 1), scope=scope)) > 200
            statement, params = seen[-1]
            plan = _plan(conn, statement, params)  # type: ignore[arg-type]
    finally:
        event.remove(register.engine, "before_cursor_execute", keep)
    assert plan[0].startswith("SCAN referral_awaiting"), plan
    assert any("SEARCH nrm_referral USING INTEGER PRIMARY KEY" in step for step in plan), plan
