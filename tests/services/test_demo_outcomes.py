"""The demo's court outcomes: a plausible share of the charged offences, through the outcomes import."""

from datetime import date

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.outcomes import fill_outcomes
from mshtdesk.domain.outcomes import Outcome
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from mshtdesk.store.queries.outcomes import charged_offences


def test_some_charged_offences_have_an_outcome(database: Database, backend: Backend) -> None:
    today = date(2026, 11, 30)
    fill_demo(database, arrests=400, today=today)
    with database.engine.connect() as conn:
        charged = charged_offences(conn)
    summary = fill_outcomes(database, today=today)
    assert summary is not None and 0.3 * len(charged) < summary.outcomes_added < 0.7 * len(charged)
    assert fill_outcomes(database, today=today) is None or not fill_outcomes(database, today=today).changed
    rows = [r for aid in range(1, 401) for r in backend.outcomes.history(aid)]
    assert len(rows) == summary.outcomes_added and {r.source for r in rows} == {"demo"}
    assert {r.outcome for r in rows} >= {Outcome.CONVICTED, Outcome.ACQUITTED}
    for r in rows:
        assert r.outcome_date <= today
        if not r.outcome.is_conviction:
            assert r.sentence_months is None and r.custodial is None
