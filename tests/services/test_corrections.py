"""Arrest and offence corrections on a real SQLite file: appended, audited, and applied to every table
from the moment they are recorded (and not before)."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.backend import Backend
from mshtdesk.services.corrections import Kind
from mshtdesk.services.disposal_report import disposal_table
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.queries.com import arrests_by_day

LO, HI, AS_AT = date(2022, 1, 1), date(2022, 12, 31), date(2023, 1, 31)


def arrest(b: Backend, ref: str, on: date = date(2022, 3, 1), district: str = "BD", rui: bool = True) -> int:
    aid = b.register.create_arrest(ArrestInput(ref, on, district), [("O1", "MSA s.2"), ("O2", "MSA s.1")])
    offences = b.register.get(aid).offences
    b.register.append_event(offences[0].id, "CHARGE", on + timedelta(days=5))
    if rui:
        b.register.append_event(offences[1].id, "RUI", on + timedelta(days=1))
    return aid


def cell(b: Backend, label: str, district: str, recorded_at: datetime | None = None) -> int:
    table = disposal_table(b.db, LO, HI, AS_AT, recorded_at)
    row = next(r for r in table.rows if r.label == label)
    return row.by_district[table.districts.index(district)]


def test_a_withdrawn_arrest_leaves_the_table_from_the_moment_it_was_recorded(backend: Backend) -> None:
    arrest(backend, "A1")
    duplicate = arrest(backend, "A1-DUP")
    before = datetime.now(UTC)
    assert cell(backend, "Total arrests", "BD") == 2
    backend.corrections.withdraw_arrest(duplicate, "Duplicate of A1, keyed twice")
    after = datetime.now(UTC)
    assert cell(backend, "Total arrests", "BD", before) == 2  # as recorded before the withdrawal
    assert cell(backend, "Charge", "BD", before) == 2
    assert cell(backend, "Total arrests", "BD", after) == 1  # as recorded after it
    assert cell(backend, "Charge", "BD") == 1  # default: now
    with backend.db.engine.connect() as conn:
        assert sum(r.arrests for r in arrests_by_day(conn, LO, HI, before)) == 2
        assert sum(r.arrests for r in arrests_by_day(conn, LO, HI)) == 1


def test_a_corrected_district_or_date_moves_the_arrest(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    before = datetime.now(UTC)
    backend.corrections.correct_arrest(aid, district="LD", reason="Arrested in Leeds, not Bradford")
    assert cell(backend, "Charge", "BD") == 0 and cell(backend, "Charge", "LD") == 1
    assert cell(backend, "Charge", "BD", before) == 1
    backend.corrections.correct_arrest(aid, arrest_date=date(2021, 12, 30), reason="Custody clock misread")
    assert cell(backend, "Total arrests", "LD") == 0  # out of the period now
    with backend.db.engine.connect() as conn:
        days = arrests_by_day(conn, date(2021, 12, 1), HI)
    assert [(d.day, d.district, d.arrests) for d in days] == [(date(2021, 12, 30), "LD", 1)]
    # Both corrections are kept, with their reasons, after the original row.
    kinds = [(c.kind, c.district, c.arrest_date) for c in backend.corrections.history(aid)]
    assert kinds == [(Kind.DISTRICT, "LD", None), (Kind.DATE, None, date(2021, 12, 30))]
    assert backend.register.get(aid).district == "BD"  # the base row is never overwritten


def test_a_withdrawn_offence_no_longer_decides_the_disposal(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    charged = backend.register.get(aid).offences[0].id
    before = datetime.now(UTC)
    backend.corrections.withdraw_offence(charged, "Offence entered against the wrong arrest")
    assert cell(backend, "Charge", "BD") == 0
    assert cell(backend, "Released under investigation", "BD") == 1
    assert cell(backend, "Charge", "BD", before) == 1
    # The register's stored current disposal follows the withdrawal.
    with backend.db.engine.connect() as conn:
        rank = conn.execute(text("SELECT current_rank FROM arrest WHERE id = :i"), {"i": aid}).scalar()
    assert rank == 7
    with pytest.raises(ConflictError, match="already withdrawn"):
        backend.corrections.withdraw_offence(charged, "again")


def test_correct_offence_recognises_the_new_type(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    offence = backend.register.get(aid).offences[1].id
    backend.corrections.correct_offence(offence, "MSA s.4", "Preparatory offence, not trafficking")
    (c,) = backend.corrections.history(aid)
    assert c.kind is Kind.OFFENCE_CORRECT and c.offence_text == "MSA s.4" and c.offence_type_code
    assert "Offence corrected to MSA s.4" in c.summary and "Preparatory offence" in c.summary


def test_refusals_say_why_in_one_sentence(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    for bad in ("", "   ", "bell \x07", "x" * 2001, "\u202eevil"):
        with pytest.raises(ValidationError) as info:
            backend.corrections.withdraw_arrest(aid, bad)
        assert "reason" in info.value.fields
    with pytest.raises(ValidationError, match="no district XX"):
        backend.corrections.correct_arrest(aid, district="XX", reason="r")
    with pytest.raises(ValidationError, match="already recorded in BD"):
        backend.corrections.correct_arrest(aid, district="Bradford", reason="r")
    with pytest.raises(ValidationError, match="future"):
        backend.corrections.correct_arrest(aid, arrest_date=date.today() + timedelta(days=1), reason="r")
    with pytest.raises(ValidationError, match="correct that disposal first"):
        backend.corrections.correct_arrest(aid, arrest_date=date(2022, 3, 4), reason="r")
    with pytest.raises(ValidationError, match="district or arrest date"):
        backend.corrections.correct_arrest(aid, reason="r")
    with pytest.raises(NotFoundError):
        backend.corrections.withdraw_arrest(999_999, "gone")
    backend.corrections.withdraw_arrest(aid, "duplicate")
    with pytest.raises(ConflictError, match="already withdrawn"):
        backend.corrections.withdraw_arrest(aid, "duplicate")
    with pytest.raises(ConflictError, match="already withdrawn"):
        backend.corrections.correct_arrest(aid, district="LD", reason="r")
    with backend.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM arrest_correction")).scalar() == 1


def test_each_correction_is_audited_with_its_reason(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    backend.corrections.withdraw_arrest(aid, "Duplicate of A0")
    with backend.db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT action, entity, record_id, fields, reason FROM audit_event "
                "WHERE action = 'alter' ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert tuple(row) == ("alter", "arrest", str(aid), "withdrawn", "Duplicate of A0")


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.HTT_OFFICER])
def test_only_an_htt_officer_may_correct(
    role: Role, backend: Backend, backend_for: Callable[[Role], Backend]
) -> None:
    aid = arrest(backend, "A1")
    other = backend_for(role)
    with pytest.raises(PermissionDeniedError):
        other.corrections.withdraw_arrest(aid, "duplicate")
    with pytest.raises(PermissionDeniedError):
        other.corrections.correct_arrest(aid, district="LD", reason="r")


def test_the_register_shows_who_withdrew_an_arrest_when_and_why(backend: Backend) -> None:
    from mshtdesk.services.register import ArrestQuery

    kept, gone = arrest(backend, "A1"), arrest(backend, "A2")
    backend.corrections.withdraw_arrest(gone, "Duplicate of A1")
    rows = {r.id: r for r in backend.register.page(ArrestQuery())}
    assert rows[kept].withdrawn == ""
    assert rows[gone].withdrawn.startswith("Arrest withdrawn by ") and rows[gone].withdrawn.endswith(
        "UTC: Duplicate of A1"
    )
    detail = backend.register.get(gone)
    assert detail.withdrawn == rows[gone].withdrawn and len(detail.corrections) == 1


def test_the_arrest_detail_agrees_with_the_tables_after_an_offence_is_withdrawn(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    charged = backend.register.get(aid).offences[0].id
    assert backend.register.get(aid).disposal_code == "CHARGE"
    backend.corrections.withdraw_offence(charged, "Wrong arrest")
    detail = backend.register.get(aid)
    assert detail.disposal_code == "RUI"
    assert (
        detail.offences[0].withdrawn.startswith("Offence withdrawn by ") and not detail.offences[1].withdrawn
    )


def test_the_form_cannot_edit_a_withdrawn_arrest_or_undo_a_correction(backend: Backend) -> None:
    aid = arrest(backend, "A1")
    backend.corrections.correct_arrest(aid, district="LD", reason="Arrested in Leeds")
    version = backend.register.get(aid).version
    with pytest.raises(ValidationError) as info:
        backend.register.update_arrest(aid, version, ArrestInput("A1", date(2022, 3, 1), "WD"))
    assert set(info.value.fields) == {"district"}
    version = backend.register.update_arrest(aid, version, ArrestInput("A1", date(2022, 3, 1), "BD", "N9"))
    backend.corrections.withdraw_arrest(aid, "Duplicate")
    with pytest.raises(ConflictError, match="withdrawn"):
        backend.register.update_arrest(aid, version, ArrestInput("A1", date(2022, 3, 1), "BD", "N8"))


def test_the_forms_own_district_and_date_change_only_by_correction(backend: Backend) -> None:
    """Item 4: saving the arrest form never edits the district or date in place (a report as recorded
    before would change under it); the first values stay in the row, the correction carries the new."""
    aid = arrest(backend, "A1")
    before = cell(backend, "Total arrests", "BD")
    version = backend.register.get(aid).version
    for wrong in (ArrestInput("A1", date(2022, 3, 2), "BD"), ArrestInput("A1", date(2022, 3, 1), "LD")):
        with pytest.raises(ValidationError) as info:
            backend.register.update_arrest(aid, version, wrong)
        assert "Correct arrest" in " ".join(info.value.fields.values())
    assert backend.corrections.history(aid) == [] and cell(backend, "Total arrests", "BD") == before
    backend.corrections.correct_arrest(aid, district="LD", arrest_date=date(2022, 2, 28), reason="Leeds")
    version = backend.register.get(aid).version
    # the form shows the values in force and sends them back with an edit of another field: accepted,
    # and the row keeps the first values (the correction is what moves the arrest)
    version = backend.register.update_arrest(
        aid, version, ArrestInput("A1", date(2022, 2, 28), "LD", operation="Op Wren")
    )
    detail = backend.register.get(aid)
    assert (detail.district, detail.arrest_date, detail.operation) == ("BD", date(2022, 3, 1), "Op Wren")
    assert cell(backend, "Total arrests", "LD") == 1 and cell(backend, "Total arrests", "BD") == before - 1


def test_a_withdrawn_arrest_takes_no_new_offences_or_disposals(backend: Backend) -> None:
    aid = arrest(backend, "A1", rui=False)
    offence = backend.register.get(aid).offences[1].id
    backend.corrections.withdraw_arrest(aid, "Entered in error")
    with backend.db.engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM disposal_event")).scalar()
    with pytest.raises(ConflictError, match="withdrawn; it takes no new offences or disposals"):
        backend.register.append_event(offence, "NFA", date(2022, 4, 1))
    with pytest.raises(ConflictError, match="withdrawn"):
        backend.register.add_offence(aid, "O3", "MSA s.1")
    with backend.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM disposal_event")).scalar() == events
    assert len(backend.register.get(aid).offences) == 2


def test_disposal_events_count_from_the_moment_they_were_recorded(backend: Backend) -> None:
    aid = arrest(backend, "A1", rui=False)
    offences = backend.register.get(aid).offences
    charged = next(e.id for o in offences for e in o.events)
    before = datetime.now(UTC)
    # A back-dated disposal, recorded after ``before``, does not count as recorded then.
    backend.register.append_event(offences[1].id, "RUI", date(2022, 3, 2))
    assert cell(backend, "Released under investigation", "BD") == 0  # CHARGE ranks higher
    retracted_at = datetime.now(UTC)
    # A retraction recorded later does not supersede as recorded before it.
    backend.register.retract_event(charged, "Charge keyed against the wrong arrest")
    assert cell(backend, "Released under investigation", "BD") == 1
    assert cell(backend, "Charge", "BD", retracted_at) == 1
    assert cell(backend, "Released under investigation", "BD", retracted_at) == 0
    assert cell(backend, "Charge", "BD", before) == 1
    # The same moment written with another offset is the same moment.
    east = retracted_at.astimezone(timezone(timedelta(hours=5)))
    assert cell(backend, "Charge", "BD", east) == 1
    assert cell(backend, "Released under investigation", "BD", east) == 0
    # An arrest entered after a moment is not in the table as recorded at it.
    arrest(backend, "A2")
    assert cell(backend, "Total arrests", "BD", retracted_at) == 1
    assert cell(backend, "Total arrests", "BD") == 2
