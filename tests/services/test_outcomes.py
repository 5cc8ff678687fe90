"""Court outcomes on a real SQLite file: recorded, corrected and withdrawn like disposals (appended,
audited, bitemporal), and the COM tables ``outcomes`` and ``people_charged`` on a small crafted dataset
whose every figure is counted by hand below."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from mshtdesk.domain.outcomes import Outcome
from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.tables import AUDIT, COURT_OUTCOME, OFFENCE
from tests.conftest import Site

LO, HI, AS_AT = date(2022, 1, 1), date(2022, 6, 30), date(2022, 7, 31)


def arrest(
    b: Backend, ref: str, on: date, district: str, detainee: str, offences: list[tuple[str, str, date | None]]
) -> list[int]:
    """An arrest with offences ``(ref, disposal code, date)``; the offence ids, in that order."""
    aid = b.register.create_arrest(
        ArrestInput(ref, on, district, detainee_ref=detainee), [(o, "MSA s.2") for o, _, _ in offences]
    )
    ids = {o.offence_ref: o.id for o in b.register.get(aid).offences}
    for off_ref, code, day in offences:
        if day is not None:
            b.register.append_event(ids[off_ref], code, day)
    return [ids[o] for o, _, _ in offences]


# ----- the service ---------------------------------------------------------------------------------


def test_record_correct_withdraw_are_appended_and_audited(backend: Backend) -> None:
    [o1] = arrest(backend, "A1", date(2022, 2, 1), "BD", "P1", [("O1", "CHARGE", date(2022, 2, 3))])
    first = backend.outcomes.record_outcome(
        o1, "CONVICTED", date(2022, 5, 1), sentence_months=24, custodial=True
    )
    with pytest.raises(ConflictError, match="already has an outcome"):
        backend.outcomes.record_outcome(o1, Outcome.ACQUITTED, date(2022, 5, 2))
    with pytest.raises(ValidationError, match="reason"):
        backend.outcomes.correct_outcome(first, Outcome.CONVICTED, date(2022, 5, 1), reason="  ")
    with pytest.raises(ValidationError, match="Nothing differs"):
        backend.outcomes.correct_outcome(
            first, Outcome.CONVICTED, date(2022, 5, 1), sentence_months=24, custodial=True, reason="typo"
        )
    second = backend.outcomes.correct_outcome(
        first, Outcome.CONVICTED, date(2022, 5, 1), sentence_months=30, custodial=True, reason="30 not 24"
    )
    with pytest.raises(ConflictError, match="latest version"):
        backend.outcomes.withdraw_outcome(first, "too late")
    void = backend.outcomes.withdraw_outcome(second, "Keyed on the wrong offence")
    with pytest.raises(ValidationError, match="withdrawal"):
        backend.outcomes.correct_outcome(void, Outcome.OTHER, date(2022, 5, 1), reason="x")
    # Withdrawn, the offence may take a new outcome.
    third = backend.outcomes.record_outcome(o1, "other", date(2022, 5, 3), note="Retrial ordered")
    history = backend.outcomes.history(_arrest_of(backend, o1))
    assert [h.id for h in history] == [first, second, void, third]
    assert [h.in_force for h in history] == [False, False, False, True]
    assert history[0].summary == "Convicted, 24 months, custodial on 01/05/2022"
    assert history[1].summary == "Convicted, 30 months, custodial on 01/05/2022 (correction: 30 not 24)"
    assert history[2].summary == "Outcome withdrawn: Keyed on the wrong offence"
    assert history[3].note == "Retrial ordered" and history[3].recorded_by
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(COURT_OUTCOME)).scalar_one() == 4
        audited = conn.execute(
            select(AUDIT.c.action, AUDIT.c.record_id)
            .where(AUDIT.c.entity == "court_outcome")
            .order_by(AUDIT.c.id)
        ).all()
    assert [(a, int(r)) for a, r in audited] == [
        ("collect", first),
        ("alter", first),
        ("alter", second),
        ("collect", third),
    ]


def _arrest_of(b: Backend, offence_id: int) -> int:
    with b.db.engine.connect() as conn:
        return int(conn.execute(select(OFFENCE.c.arrest_id).where(OFFENCE.c.id == offence_id)).scalar_one())


def test_the_values_are_checked(backend: Backend) -> None:
    [o1] = arrest(backend, "A1", date(2022, 2, 1), "BD", "P1", [("O1", "CHARGE", date(2022, 2, 3))])
    with pytest.raises(ValidationError) as exc:
        backend.outcomes.record_outcome(o1, "guilty", None)
    assert set(exc.value.fields) == {"outcome", "outcome_date"}
    with pytest.raises(ValidationError, match="future"):
        backend.outcomes.record_outcome(o1, "convicted", date(2999, 1, 1))
    with pytest.raises(ValidationError, match="before the arrest"):
        backend.outcomes.record_outcome(o1, "convicted", date(2022, 1, 31))
    with pytest.raises(ValidationError, match="no sentence"):
        backend.outcomes.record_outcome(o1, "acquitted", date(2022, 3, 1), sentence_months=6)
    with pytest.raises(ValidationError):
        backend.outcomes.record_outcome(o1, "convicted", date(2022, 3, 1), sentence_months=-1)
    with pytest.raises(ValidationError, match="note"):
        backend.outcomes.record_outcome(o1, "convicted", date(2022, 3, 1), note="a\u202eb")
    with pytest.raises(NotFoundError):
        backend.outcomes.record_outcome(999_999, "convicted", date(2022, 3, 1))
    with pytest.raises(NotFoundError):
        backend.outcomes.withdraw_outcome(999_999, "no such outcome")
    backend.corrections.withdraw_offence(o1, "Entered in error")
    with pytest.raises(ConflictError, match="withdrawn"):
        backend.outcomes.record_outcome(o1, "convicted", date(2022, 3, 1))


def test_rights_are_the_disposals(backend_for: Callable[[Role], Backend]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    [o1] = arrest(officer, "A1", date(2022, 2, 1), "BD", "P1", [("O1", "CHARGE", date(2022, 2, 3))])
    oid = officer.outcomes.record_outcome(o1, "convicted", date(2022, 3, 1))
    for role in (Role.VLO, Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.MANAGER):
        other = backend_for(role)
        with pytest.raises(PermissionDeniedError):
            other.outcomes.record_outcome(o1, "acquitted", date(2022, 3, 1))
        with pytest.raises(PermissionDeniedError):
            other.outcomes.withdraw_outcome(oid, "not mine to withdraw")
    assert len(backend_for(Role.MANAGER).outcomes.history(_arrest_of(officer, o1))) == 1


# ----- the COM tables, counted by hand -------------------------------------------------------------


def _tables(
    b: Backend, recorded_at: datetime | None = None, public: bool = False
) -> dict[str, dict[str, object]]:
    report = b.reports.build(ReportRequest(ReportKind.COM, LO, HI, AS_AT, public), recorded_at)
    tables: dict[str, dict[str, object]] = report.as_json()["tables"]
    return tables


def test_outcomes_and_people_charged_by_hand(backend_for: Callable[[Role], Backend]) -> None:
    _by_hand(backend_for)


def test_the_same_on_both_engines(site: Site) -> None:
    """The one statement per table, on the team server too (its MAX, CASE and window functions)."""
    _by_hand(site.backend_for)


def _by_hand(backend_for: Callable[[Role], Backend]) -> None:
    b = backend_for(Role.HTT_OFFICER)
    # A1 BD P1: O1 charged 03/02 and convicted 01/05, 24 months custodial; O2 RUI (never charged).
    a1, _ = arrest(
        b,
        "A1",
        date(2022, 2, 1),
        "BD",
        "P1",
        [("O1", "CHARGE", date(2022, 2, 3)), ("O2", "RUI", date(2022, 2, 2))],
    )
    b.outcomes.record_outcome(a1, "convicted", date(2022, 5, 1), sentence_months=24, custodial=True)
    # A2 LD P2: both charged 02/03; O1 acquitted 01/06, O2 awaiting.
    a2o1, _ = arrest(
        b,
        "A2",
        date(2022, 3, 1),
        "LD",
        "P2",
        [("O1", "CHARGE", date(2022, 3, 2)), ("O2", "CHARGE", date(2022, 3, 2))],
    )
    b.outcomes.record_outcome(a2o1, "Acquitted", date(2022, 6, 1))
    # A3 LD P1, before the period: charged 05/11/2021, convicted of a lesser offence in the period.
    [a3] = arrest(b, "A3", date(2021, 11, 1), "LD", "P1", [("O1", "CHARGE", date(2021, 11, 5))])
    b.outcomes.record_outcome(a3, "convicted-lesser", date(2022, 4, 1), sentence_months=18, custodial=True)
    # A4 KD P3: charged 05/07 (after the period, before the as-at date); discontinued after the as-at date.
    [a4] = arrest(b, "A4", date(2022, 4, 1), "KD", "P3", [("O1", "CHARGE", date(2022, 7, 5))])
    b.outcomes.record_outcome(a4, "discontinued", date(2022, 8, 15))
    # A5 BD P3: NFA, never charged (P3 arrested twice in the period: a repeat arrestee).
    arrest(b, "A5", date(2022, 5, 1), "BD", "P3", [("O1", "NFA", date(2022, 5, 2))])
    # A6 WD, no detainee reference: charged 05/06, recorded convicted and then corrected to "other".
    [a6] = arrest(b, "A6", date(2022, 6, 1), "WD", "", [("O1", "CHARGE", date(2022, 6, 5))])
    six = b.outcomes.record_outcome(a6, "convicted", date(2022, 6, 25), sentence_months=12, custodial=True)
    # A7 CD P4: charged 11/02, convicted 01/03 recorded then withdrawn (keyed in error): awaiting.
    [a7] = arrest(b, "A7", date(2022, 2, 10), "CD", "P4", [("O1", "CHARGE", date(2022, 2, 11))])
    seven = b.outcomes.record_outcome(a7, "convicted", date(2022, 3, 1))
    # A8 BD P9: charged and convicted, but the arrest was a duplicate: withdrawn, counted nowhere.
    [a8] = arrest(b, "A8", date(2022, 3, 1), "BD", "P9", [("O1", "CHARGE", date(2022, 3, 1))])
    b.outcomes.record_outcome(a8, "convicted", date(2022, 3, 9), sentence_months=60, custodial=True)
    b.corrections.withdraw_arrest(_arrest_of(b, a8), "Duplicate of A1")
    before = datetime.now(UTC)
    b.outcomes.correct_outcome(
        six, "other", date(2022, 6, 25), sentence_months=6, custodial=False, reason="Misread"
    )
    b.outcomes.withdraw_outcome(seven, "Keyed in error: no hearing yet")

    manager = backend_for(Role.MANAGER)
    tables = _tables(manager)
    outcomes = tables["outcomes"]
    assert outcomes["title"] == "Court outcomes of offences charged"
    assert outcomes["columns"] == ["Measure", "Total", "BD", "CD", "KD", "LD", "WD"]
    assert outcomes["rows"] == [
        ["Offences charged in the period", 5, 1, 1, 0, 2, 1],  # A1, A7, A2 x2, A6 (A3 and A4 outside)
        ["Outcomes in the period", 4, 1, 0, 0, 2, 1],  # A1, A2.O1, A3, A6 (A4 after the as-at date)
        ["Convicted", 1, 1, 0, 0, 0, 0],
        ["Convicted of a lesser offence", 1, 0, 0, 0, 1, 0],
        ["Acquitted", 1, 0, 0, 0, 1, 0],
        ["Discontinued", 0, 0, 0, 0, 0, 0],
        ["Other outcome", 1, 0, 0, 0, 0, 1],
        ["Awaiting outcome on the as-at date", 3, 0, 1, 1, 1, 0],  # A7 (withdrawn outcome), A4, A2.O2
        ["Custodial sentences", 2, 1, 0, 0, 1, 0],
        ["Custodial years", 3.5, 2.0, 0.0, 0.0, 1.5, 0.0],  # (24 + 18) / 12
    ]
    assert tables["people_charged"]["columns"] == ["Measure", "Value"]
    assert tables["people_charged"]["rows"] == [
        ["Persons arrested in the period", 4],  # P1, P2, P3, P4 (A6 names nobody; A8 withdrawn)
        ["Persons charged in the period", 3],  # P1, P2, P4 (P3's charge is after the period)
        ["Repeat arrestees", 2],  # P1 (A3 before the period), P3 (A4 and A5 within it)
    ]
    # As recorded before the correction and the withdrawal: A6 convicted, custodial; A7 convicted.
    then = _tables(manager, before)["outcomes"]["rows"]
    assert then[1] == ["Outcomes in the period", 5, 1, 1, 0, 2, 1]
    assert then[2] == ["Convicted", 3, 1, 1, 0, 0, 1]
    assert then[6] == ["Other outcome", 0, 0, 0, 0, 0, 0]
    assert then[7] == ["Awaiting outcome on the as-at date", 2, 0, 0, 1, 1, 0]
    assert then[8] == ["Custodial sentences", 3, 1, 0, 0, 1, 1]
    assert then[9] == ["Custodial years", 4.5, 2.0, 0.0, 0.0, 1.5, 1.0]
    # Offences, outcomes and detainees are published as they are, like arrests and disposals.
    public = _tables(manager, public=True)
    assert public["outcomes"]["rows"] == outcomes["rows"]
    assert public["people_charged"]["rows"] == tables["people_charged"]["rows"]


def test_an_outcome_dated_after_the_as_at_date_is_not_counted(backend: Backend) -> None:
    [o1] = arrest(backend, "A1", date(2022, 2, 1), "BD", "P1", [("O1", "CHARGE", date(2022, 2, 3))])
    backend.outcomes.record_outcome(o1, "convicted", date(2022, 8, 1), sentence_months=12, custodial=True)
    rows = {r[0]: r[1] for r in _tables(backend_for_manager(backend))["outcomes"]["rows"]}
    assert rows["Outcomes in the period"] == 0 and rows["Custodial sentences"] == 0
    assert rows["Awaiting outcome on the as-at date"] == 1


def backend_for_manager(b: Backend) -> Backend:
    from tests.conftest import USERS

    return Backend.as_user(b.db, USERS[Role.MANAGER].username)


def test_an_empty_register_gives_zeros(backend_for: Callable[[Role], Backend]) -> None:
    tables = _tables(backend_for(Role.MANAGER))
    assert [r[1] for r in tables["outcomes"]["rows"]] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0]
    assert [r[1] for r in tables["people_charged"]["rows"]] == [0, 0, 0]


def test_an_outcome_recorded_after_the_reports_moment_is_not_counted(backend: Backend) -> None:
    """Bitemporal: a report as recorded at T (a published run, regenerated) leaves out outcomes recorded
    after T, even when they are dated in the period."""
    [o1] = arrest(backend, "A1", date(2022, 2, 1), "BD", "P1", [("O1", "CHARGE", date(2022, 2, 3))])
    published = datetime.now(UTC)
    backend.outcomes.record_outcome(o1, "convicted", date(2022, 5, 1), sentence_months=12, custodial=True)
    manager = backend_for_manager(backend)
    then = {r[0]: r[1] for r in _tables(manager, published)["outcomes"]["rows"]}
    now = {r[0]: r[1] for r in _tables(manager)["outcomes"]["rows"]}
    assert (then["Convicted"], then["Awaiting outcome on the as-at date"]) == (0, 1)
    assert (now["Convicted"], now["Awaiting outcome on the as-at date"], now["Custodial years"]) == (
        1,
        0,
        1.0,
    )
