"""The register: paging and filters in SQL, append-only disposal history, optimistic locking."""

from datetime import date

import pytest

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError, ValidationError
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import NO_DISPOSAL, ArrestInput, ArrestQuery

TODAY = date(2026, 11, 22)


def new_arrest(b: Backend, ref: str = "A1", on: date = date(2022, 1, 10), district: str = "BD") -> int:
    return b.register.create_arrest(
        ArrestInput(ref, on, district, "N1", "Op Heron"), [("O1", "MSA s.2"), ("O2", "MSA s.1")]
    )


def test_create_and_read_back(backend: Backend) -> None:
    aid = new_arrest(backend)
    d = backend.register.get(aid)
    assert (d.custody_ref, d.district, d.operation, d.version) == ("A1", "BD", "Op Heron", 1)
    assert [o.offence_ref for o in d.offences] == ["O1", "O2"]
    assert d.disposal_code is None and d.disposal_label == "No disposal recorded"


def test_validation_names_each_field(backend: Backend) -> None:
    new_arrest(backend)
    with pytest.raises(ValidationError) as info:
        backend.register.create_arrest(ArrestInput("A1", None, "Nowhere"), [("O1", "MSA s.2")])
    assert set(info.value.fields) == {"custody_ref", "arrest_date", "district"}
    with pytest.raises(ValidationError) as info:
        backend.register.create_arrest(ArrestInput("A2", date(2022, 1, 1), "BD"), [])
    assert "offences" in info.value.fields


def test_every_problem_is_reported_at_once_and_names_the_offence(backend: Backend) -> None:
    with pytest.raises(ValidationError) as info:
        backend.register.create_arrest(
            ArrestInput("", date(2022, 1, 1), "BD"), [("O1", "MSA s.2"), ("O1", "")]
        )
    assert set(info.value.fields) == {"custody_ref", "offence_ref", "offence"}
    assert info.value.fields["offence_ref"] == "Offence 2: This arrest already has an offence O1."
    assert info.value.fields["offence"].startswith("Offence 2:")


def test_events_are_appended_and_corrections_supersede(backend: Backend) -> None:
    aid = new_arrest(backend)
    o1, o2 = (o.id for o in backend.register.get(aid).offences)
    backend.register.append_event(o1, "RUI", date(2022, 1, 10))
    charge = backend.register.append_event(o1, "CHARGE", date(2022, 3, 1), "CPS advice")
    backend.register.append_event(o2, "NFA", date(2022, 3, 2))
    assert backend.register.get(aid).disposal_code == "CHARGE"
    # The charge was keyed against the wrong offence: correct it to NFA, with a reason.
    backend.register.correct_event(charge, "NFA", date(2022, 3, 1), "keyed in error")
    d = backend.register.get(aid)
    assert d.disposal_code == "NFA"
    history = d.offences[0].events
    assert [(e.disposal_code, e.superseded) for e in history] == [
        ("RUI", False),
        ("CHARGE", True),
        ("NFA", False),
    ]
    assert history[2].reason == "keyed in error" and history[2].supersedes_id == charge
    with pytest.raises(ConflictError):
        backend.register.correct_event(charge, "BAIL", date(2022, 3, 1), "again")


def test_retraction_removes_an_event_from_the_table_but_not_the_record(backend: Backend) -> None:
    aid = new_arrest(backend)
    o1 = backend.register.get(aid).offences[0].id
    backend.register.append_event(o1, "RUI", date(2022, 1, 10))
    wrong = backend.register.append_event(o1, "CHARGE", date(2022, 2, 1))
    with pytest.raises(ValidationError):
        backend.register.retract_event(wrong, "   ")
    backend.register.retract_event(wrong, "entered on the wrong arrest")
    assert backend.register.get(aid).disposal_code == "RUI"
    t = backend.disposal_table(date(2022, 1, 1), date(2022, 12, 31), date(2022, 12, 31))
    assert t.records()[0][1] == 0 and t.records()[6][1] == 1  # Charge 0, RUI 1
    assert len(backend.register.get(aid).offences[0].events) == 3


def test_event_dates_are_checked(backend: Backend) -> None:
    aid = new_arrest(backend)
    o1 = backend.register.get(aid).offences[0].id
    with pytest.raises(ValidationError, match="before the arrest"):
        backend.register.append_event(o1, "NFA", date(2022, 1, 9))
    with pytest.raises(ValidationError):
        backend.register.append_event(o1, "NOPE", date(2022, 1, 11))


def test_a_stale_save_is_refused(backend: Backend) -> None:
    aid = new_arrest(backend)
    v2 = backend.register.update_arrest(aid, 1, ArrestInput("A1", date(2022, 1, 10), "BD", "N1", "Op Rowan"))
    assert v2 == 2 and backend.register.get(aid).operation == "Op Rowan"
    with pytest.raises(ConflictError):
        backend.register.update_arrest(aid, 1, ArrestInput("A1", date(2022, 1, 10), "BD", "N1", ""))
    assert backend.register.get(aid).operation == "Op Rowan"


def test_page_filter_and_sort_in_sql(backend: Backend) -> None:
    fill_demo(backend.db, seed=3, arrests=200, today=TODAY)
    reg = backend.register
    everything = ArrestQuery(as_at=TODAY)
    assert reg.count(everything) == 200
    page = reg.page(everything, sort="arrest_date", descending=False, offset=0, limit=50)
    assert len(page) == 50 and [r.arrest_date for r in page] == sorted(r.arrest_date for r in page)
    second = reg.page(everything, sort="arrest_date", descending=False, offset=50, limit=50)
    assert not {r.id for r in page} & {r.id for r in second}
    leeds = ArrestQuery(district_code="LD", as_at=TODAY)
    assert all(r.district == "LD" for r in reg.page(leeds, limit=500)) and reg.count(leeds) < 200
    charged = ArrestQuery(disposal_code="CHARGE", as_at=TODAY)
    rows = reg.page(charged, limit=500)
    assert rows and all(r.disposal_code == "CHARGE" for r in rows) and len(rows) == reg.count(charged)
    for key in ("custody_ref", "arrest_date", "district", "offences"):  # each sort, ties broken by id
        up = reg.page(everything, sort=key, descending=False, limit=500)
        assert len(up) == 200, key
        assert [r.id for r in up] == [r.id for r in sorted(up, key=lambda r: (getattr(r, key), r.id))], key
        down = reg.page(everything, sort=key, descending=True, limit=500)
        assert [r.id for r in down] == [r.id for r in reversed(up)], key
    by_rank = [r.disposal_code for r in reg.page(everything, sort="disposal", descending=False, limit=500)]
    ranks = {t.code: t.rank for t in backend.reference.disposal_types()}
    assert [ranks[c] for c in by_rank if c] == sorted(ranks[c] for c in by_rank if c)
    some = rows[0].custody_ref[-4:]
    assert any(r.custody_ref.endswith(some) for r in reg.page(ArrestQuery(text=some.lower(), as_at=TODAY)))
    window = ArrestQuery(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31), as_at=TODAY)
    assert all(date(2026, 1, 1) <= r.arrest_date <= date(2026, 1, 31) for r in reg.page(window))
    none_yet = reg.count(ArrestQuery(disposal_code=NO_DISPOSAL, as_at=TODAY))
    assert none_yet == reg.count(ArrestQuery(disposal_code=NO_DISPOSAL, as_at=TODAY, text=""))


def test_filter_text_is_literal_not_a_pattern(backend: Backend) -> None:
    new_arrest(backend, "A_1")
    new_arrest(backend, "AB1")
    assert [r.custody_ref for r in backend.register.page(ArrestQuery(text="a_"))] == ["A_1"]
    assert backend.register.count(ArrestQuery(text="%")) == 0


def test_ranking_is_editable_and_changes_the_table(backend: Backend, backend_for) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    aid = new_arrest(backend)
    o1, o2 = (o.id for o in backend.register.get(aid).offences)
    backend.register.append_event(o1, "CHARGE", date(2022, 2, 1))
    backend.register.append_event(o2, "NFA", date(2022, 2, 1))
    codes = [t.code for t in backend.reference.disposal_types()]
    admin.reference.set_ranking(["NFA", *[c for c in codes if c != "NFA"]])
    t = backend.disposal_table(date(2022, 1, 1), date(2022, 1, 31), date(2022, 12, 31))
    assert t.records()[0] == ["No further action", 1, 1, 0, 0, 0, 0]
    assert t.footnotes[1].startswith("Ranking used, highest first: No further action, Charge")
    with pytest.raises(ValidationError):
        admin.reference.set_ranking(["NFA"])


def stored_matches_computed(b: Backend) -> bool:
    """The stored current rank equals the as-at rule over all events, for every arrest."""
    from sqlalchemy import select

    from mshtdesk.store.queries.disposals import arrest_rank_as_at
    from mshtdesk.store.tables import ARREST

    with b.db.engine.connect() as conn:
        rows = conn.execute(select(ARREST.c.current_rank, arrest_rank_as_at(ARREST.c.id, None))).all()
    return bool(rows) and all(stored == computed for stored, computed in rows)


def test_stored_current_disposal_follows_every_kind_of_write(backend: Backend, backend_for) -> None:
    fill_demo(backend.db, seed=5, arrests=60, today=TODAY)  # new arrests: ranks computed during import
    assert stored_matches_computed(backend)
    aid = new_arrest(backend)
    o1, o2 = (o.id for o in backend.register.get(aid).offences)
    first = backend.register.append_event(o1, "RUI", date(2022, 1, 10))
    assert stored_matches_computed(backend)
    charge = backend.register.append_event(o2, "CHARGE", date(2022, 2, 1))
    backend.register.correct_event(charge, "NFA", date(2022, 2, 1), "keyed in error")
    backend.register.retract_event(first, "wrong arrest")
    assert stored_matches_computed(backend)
    codes = [t.code for t in backend.reference.disposal_types()]
    backend_for(Role.ADMINISTRATOR).reference.set_ranking(list(reversed(codes)))
    assert stored_matches_computed(backend)
    # A later cumulative export touching a stored arrest.
    ref = backend.register.page(ArrestQuery(as_at=TODAY), limit=1)[0].custody_ref
    detail = backend.register.get(backend.register.find_id(ref))
    row = (
        f"{ref},{detail.arrest_date.isoformat()},{detail.district},{detail.detainee_ref},"
        f"{detail.offences[0].offence_ref},{detail.offences[0].offence_text},Other,{TODAY.isoformat()}\n"
    )
    header = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
    assert backend.import_custody((header + row).encode(), "later.csv").events_added == 1
    assert stored_matches_computed(backend)
    assert (
        backend.register.get(backend.register.find_id(ref)).disposal_code
        == backend.register.page(ArrestQuery(text=ref, as_at=TODAY))[0].disposal_code
    )
