"""A cumulative custody export meets a withdrawn or corrected arrest again: the withdrawn one stays
withdrawn and its rows are counted, not imported; a corrected one is no contradiction."""

from datetime import date

from sqlalchemy import func, select

from mshtdesk.services.backend import Backend
from mshtdesk.services.disposal_report import disposal_table
from mshtdesk.store.tables import ARREST, CORRECTION, EVENT
from tests.services.test_custody_import import HEADER, run

FIRST = HEADER + (
    "C1,01/03/2022,BD,N1,O1,MSA s.2,RUI,02/03/2022\n"
    "C1,01/03/2022,BD,N1,O2,MSA s.1,RUI,02/03/2022\n"
    "C2,05/03/2022,LD,N2,O1,MSA s.2,Bail,06/03/2022\n"
)
# The next month's export: everything again, with new events and a new arrest.
SECOND = FIRST + (
    "C1,01/03/2022,BD,N1,O1,MSA s.2,Charge,01/04/2022\n"
    "C1,01/03/2022,BD,N1,O3,MSA s.4,NFA,01/04/2022\n"
    "C2,05/03/2022,LD,N2,O1,MSA s.2,Charge,02/04/2022\n"
    "C3,07/03/2022,WD,N3,O1,MSA s.2,NFA,03/04/2022\n"
)


def total(b: Backend) -> int:
    return disposal_table(b.db, date(2022, 1, 1), date(2022, 12, 31), date(2022, 12, 31)).total_arrests


def test_a_withdrawn_arrest_stays_withdrawn_and_its_rows_are_counted(backend: Backend) -> None:
    run(backend, FIRST)
    c1 = backend.register.find_id("C1")
    assert c1 is not None
    backend.corrections.withdraw_arrest(c1, "Duplicate of C2")
    with backend.db.engine.connect() as conn:
        events_before = conn.execute(select(func.count()).select_from(EVENT)).scalar_one()

    again = run(backend, FIRST)
    assert not again.changed and (again.withdrawn_rows, again.withdrawn_arrests) == (2, 1)
    assert "2 rows belong to 1 arrest withdrawn in the register" in again.describe()

    summary = run(backend, SECOND)
    assert (summary.arrests_added, summary.events_added) == (1, 2)  # C3, and C2's and C3's new events
    assert summary.withdrawn_rows == 4 and summary.arrests_in_file == 3
    assert "4 rows belong to 1 arrest withdrawn" in summary.describe()
    with backend.db.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(EVENT)).scalar_one()
        assert events == events_before + 2  # C1's Charge and NFA were not imported
        corrections = conn.execute(select(func.count()).select_from(CORRECTION)).scalar_one()
        assert corrections == 1
        arrests = conn.execute(select(func.count()).select_from(ARREST)).scalar_one()
        assert arrests == 3
    assert total(backend) == 2  # C2 and C3; C1 never comes back


def test_a_dry_run_says_the_same_and_a_clean_file_says_nothing(backend: Backend) -> None:
    run(backend, FIRST)
    c1 = backend.register.find_id("C1")
    assert c1 is not None
    assert run(backend, FIRST).withdrawn_rows == 0
    assert "withdrawn" not in run(backend, FIRST).describe()
    backend.corrections.withdraw_arrest(c1, "Duplicate of C2")
    dry = run(backend, SECOND, dry_run=True)
    assert dry.withdrawn_rows == 4 and "withdrawn in the register" in dry.describe()


def test_a_corrected_arrest_matches_either_its_first_or_its_corrected_details(backend: Backend) -> None:
    run(backend, FIRST)
    c2 = backend.register.find_id("C2")
    assert c2 is not None
    backend.corrections.correct_arrest(c2, district="WD", arrest_date=date(2022, 3, 4), reason="Misread")
    assert run(backend, SECOND).arrests_added == 1  # as first exported: no contradiction
    fixed = HEADER + "C2,04/03/2022,WD,N2,O1,MSA s.2,NFA,05/04/2022\n"
    summary = run(backend, fixed)  # as the custody system corrected it too
    assert summary.events_added == 1 and summary.withdrawn_rows == 0
    table = disposal_table(backend.db, date(2022, 1, 1), date(2022, 12, 31), date(2022, 12, 31))
    assert table.rows[-1].by_district[table.districts.index("WD")] == 2  # C2 (corrected) and C3


def test_every_row_of_a_withdrawn_arrest_is_counted_whatever_its_form(backend: Backend) -> None:
    """The rows of one arrest come in several forms (the detainee left out, the district in lower case,
    an offence with no disposal yet, the same row twice): each is one row of that arrest."""
    run(backend, FIRST)
    c1 = backend.register.find_id("C1")
    assert c1 is not None
    backend.corrections.withdraw_arrest(c1, "Duplicate of C2")
    later = FIRST + (
        "C1,01/03/2022,BD,,O1,MSA s.2,Charge,01/04/2022\n"
        "C1,01/03/2022,bd,N1,O4,MSA s.2,,\n"
        "C1,01/03/2022,BD,N1,O1,MSA s.2,RUI,02/03/2022\n"
        "C2,05/03/2022,LD,,O1,MSA s.2,Bail,06/03/2022\n"
    )
    summary = run(backend, later)
    assert (summary.withdrawn_rows, summary.withdrawn_arrests) == (5, 1)
    assert not summary.changed
