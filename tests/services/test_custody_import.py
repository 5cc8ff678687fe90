"""Custody import: the seed table from data, idempotence, all-or-nothing, and every accepted format."""

from datetime import date

import pytest
from sqlalchemy import event, func, select

from mshtdesk.errors import ImportRejectedError
from mshtdesk.reports.tables import to_csv
from mshtdesk.services.backend import Backend
from mshtdesk.store.tables import ARREST, EVENT, IMPORT_BATCH, OFFENCE
from tests.conftest import SEED_EXPORT

HEADER = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
SEED_CSV = """Disposal Type,Disposals,BD,CD,KD,LD,WD
Charge,6,1,1,0,3,1
Other Warrant,1,1,0,0,0,0
Other Transfer,3,1,0,0,2,0
Other,0,0,0,0,0,0
No further action,67,12,15,13,19,8
Bail,11,2,1,1,3,4
Released under investigation,41,17,12,2,7,3
Total arrests,129,34,29,16,34,16
"""


def counts(b: Backend) -> tuple[int, int, int]:
    with b.db.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (ARREST, OFFENCE, EVENT)
        )


def run(b: Backend, text: str, name: str = "export.csv", **kw: object):
    return b.import_custody(text.encode("utf-8"), name, **kw)


def test_seed_table_is_reproduced_cell_for_cell(backend: Backend) -> None:
    summary = backend.import_file(str(SEED_EXPORT))
    assert summary.rows_read == 278 and summary.arrests_added == 141
    table = backend.disposal_table(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    assert to_csv(table) == SEED_CSV


def test_importing_the_same_file_twice_changes_nothing(backend: Backend) -> None:
    backend.import_file(str(SEED_EXPORT))
    before = counts(backend)
    writes: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            writes.append(statement)

    event.listen(backend.db.engine, "before_cursor_execute", seen)
    try:
        again = backend.import_file(str(SEED_EXPORT))
    finally:
        event.remove(backend.db.engine, "before_cursor_execute", seen)
    assert not again.changed and again.events_already_present == 274
    assert counts(backend) == before
    # no batch row written and deleted again (the delete scans every table pointing at batches)
    assert not [w for w in writes if "import_batch" in w and "INSERT INTO audit" not in w]
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(IMPORT_BATCH)).scalar_one() == 1


def test_rows_in_no_order_are_written_arrest_by_arrest(backend: Backend) -> None:
    """A register's rows come in no order; the import writes arrests by date, offences by arrest and
    events by offence and date, so that one arrest's rows sit together (the tables' reads rely on it)."""
    rows = [
        "A3,2022-03-01,BD,N3,O1,MSA s.2,Charge,2022-05-02",
        "A1,2022-01-10,BD,N1,O2,MSA s.1,RUI,2022-01-10",
        "A2,2022-02-01,KD,N2,O1,MSA s.2,Bail,2022-02-01",
        "A1,2022-01-10,BD,N1,O1,MSA s.2,Charge,2022-04-01",
        "A3,2022-03-01,BD,N3,O1,MSA s.2,RUI,2022-03-01",
        "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10",
        "A2,2022-02-01,KD,N2,O1,MSA s.2,NFA,2022-03-15",
    ]
    run(backend, HEADER + "\n".join(rows) + "\n")
    with backend.db.engine.connect() as conn:
        arrests = conn.execute(select(ARREST.c.custody_ref).order_by(ARREST.c.id)).scalars().all()
        offences = conn.execute(
            select(ARREST.c.custody_ref, OFFENCE.c.offence_ref)
            .join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id)
            .order_by(OFFENCE.c.id)
        ).all()
        events = conn.execute(
            select(OFFENCE.c.id, EVENT.c.event_date)
            .join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
            .order_by(EVENT.c.id)
        ).all()
    assert arrests == ["A1", "A2", "A3"]
    assert [tuple(o) for o in offences] == [("A1", "O2"), ("A1", "O1"), ("A2", "O1"), ("A3", "O1")]
    assert len(events) == 7 and [tuple(e) for e in events] == sorted(tuple(e) for e in events)


def test_a_later_cumulative_export_adds_only_new_events(backend: Backend) -> None:
    first = HEADER + "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n"
    later = first + "A1,2022-01-10,BD,N1,O1,MSA s.2,Charge,2022-03-01\nA1,2022-01-10,BD,N1,O2,MSA s.1,,\n"
    run(backend, first)
    s = run(backend, later)
    assert (s.arrests_added, s.offences_added, s.events_added, s.events_already_present) == (0, 1, 1, 1)
    assert counts(backend) == (1, 2, 2)
    assert backend.register.get(backend.register.find_id("A1")).disposal_code == "CHARGE"


def test_accepted_formats(backend: Backend) -> None:
    # Any column order, a BOM, UK dates, district names, abbreviations, spaces and case in the header.
    text = (
        "\ufeffDisposal Date,Disposal,Offence,Offence Ref,District,Arrest_Date,ARREST_REF,Detainee_Ref\n"
        "03/02/2022,NFA,Modern Slavery Act 2015 s.2,O1,leeds,01/02/2022,A1,N1\n"
        "2022-02-01,rui,MSA s.1,O2,Leeds,2022-02-01,A1,N1\n"
    )
    s = run(backend, text)
    assert (s.arrests_added, s.offences_added, s.events_added) == (1, 2, 2)
    detail = backend.register.get(backend.register.find_id("A1"))
    assert detail.district == "LD" and detail.arrest_date == date(2022, 2, 1)
    assert {o.offence_ref: o.disposal_code for o in detail.offences} == {"O1": "NFA", "O2": "RUI"}
    assert {o.offence_ref: o.type_code for o in detail.offences} == {"O1": "MSA-2", "O2": "MSA-1"}


def test_semicolon_or_tab_separated_files_are_read(backend: Backend) -> None:
    for n, sep in enumerate((";", "\t")):
        row = sep.join([f"A{n}", "2022-01-10", "BD", "", "O1", "MSA s.2", "", ""])
        assert run(backend, HEADER.replace(",", sep) + row + "\n").arrests_added == 1


def test_unfamiliar_offence_text_is_kept_not_refused(backend: Backend) -> None:
    run(backend, HEADER + "A1,2022-01-10,BD,,O1,Controlling prostitution for gain,,\n")
    (offence,) = backend.register.get(backend.register.find_id("A1")).offences
    assert offence.type_code == "OTHER_MS" and offence.offence_text == "Controlling prostitution for gain"


def test_a_bad_file_is_refused_whole_with_every_problem_by_line(backend: Backend) -> None:
    text = HEADER + (
        "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n"  # line 2: fine
        "A2,2022-02-30,BD,N2,O1,MSA s.2,RUI,2022-03-01\n"  # line 3: no 30 February
        'A3,2022-01-10,XX,N3,O1,"MSA s.2,\nsecond line",Caution,2022-01-11\n'  # lines 4-5: district, disposal
        "A4,2022-01-10,BD,N4,O1,MSA s.2,Charge,2022-01-09\n"  # line 6: disposal before arrest
        "A1,2022-01-11,BD,N1,O2,MSA s.2,,\n"  # line 7: contradicts line 2
    )
    with pytest.raises(ImportRejectedError) as info:
        run(backend, text)
    got = [(e.line, e.column) for e in info.value.errors]
    assert got == [
        (3, "arrest_date"),
        (4, "district"),
        (4, "disposal"),
        (6, "disposal_date"),
        (7, "arrest_date"),
    ]
    assert "contradicts 10/01/2022 on line 2" in info.value.errors[-1].reason
    assert "nothing was written" in str(info.value)
    assert counts(backend) == (0, 0, 0)


def test_a_row_contradicting_stored_data_is_an_error(backend: Backend) -> None:
    run(backend, HEADER + "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n")
    with pytest.raises(ImportRejectedError) as info:
        run(
            backend,
            HEADER
            + "A2,2022-01-12,CD,N2,O1,MSA s.2,RUI,2022-01-12\n"
            + "A1,2022-01-10,CD,N1,O1,MSA s.2,NFA,2022-02-10\n",
        )
    assert [(e.line, e.column) for e in info.value.errors] == [(3, "district")]
    assert "stored district BD" in info.value.errors[0].reason
    assert counts(backend) == (1, 1, 1)  # A2 was not written either


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", (1, "header")),
        ("arrest_ref,arrest_date,district,offence_ref,offence,disposal\n", (1, "disposal_date")),
        (HEADER, (2, "row")),
        (HEADER + "A1,2022-01-10,BD\n", (2, "row")),
        (HEADER + "A1,2035-01-10,BD,,O1,MSA s.2,,\n", (2, "arrest_date")),
        (HEADER + 'A1,2022-01-10,BD,,O1,"MSA s.2,,\n', (2, "row")),
        (HEADER + "A1,2022-01-10,BD,,O1,MSA s.2,,2022-01-10\n", (2, "disposal")),
        (HEADER + "A1,2022-01-10,BD,,O1,MSA s.2,NFA,\n", (2, "disposal_date")),
        (HEADER + "A1,2022-01-10,BD,," + "O" * 100 + ",MSA s.2,,\n", (2, "offence_ref")),
    ],
)
def test_malformed_files_name_the_line_and_column(
    backend: Backend, text: str, where: tuple[int, str]
) -> None:
    with pytest.raises(ImportRejectedError) as info:
        run(backend, text)
    assert (info.value.errors[0].line, info.value.errors[0].column) == where
    assert counts(backend) == (0, 0, 0)


def test_non_utf8_is_named_by_line(backend: Backend) -> None:
    data = (HEADER + "A1,2022-01-10,BD,,O1,MSA s.2,,\nA2,2022-01-10,BD,,O1,Caf\xe9,,\n").encode("latin-1")
    with pytest.raises(ImportRejectedError) as info:
        backend.import_custody(data, "x.csv")
    assert info.value.errors[0].line == 3 and "UTF-8" in info.value.errors[0].reason


def test_dry_run_writes_nothing(backend: Backend) -> None:
    s = backend.import_file(str(SEED_EXPORT), dry_run=True)
    assert s.arrests_added == 141 and s.batch_id is None
    assert counts(backend) == (0, 0, 0)


def test_progress_is_reported_and_cancel_writes_nothing(backend: Backend) -> None:
    from mshtdesk.errors import CancelledError

    seen: list[str] = []
    with pytest.raises(CancelledError):
        backend.import_file(
            str(SEED_EXPORT), progress=lambda p, d, t: seen.append(p), cancel=lambda: bool(seen)
        )
    assert seen and counts(backend) == (0, 0, 0)


def test_summaries_say_what_happened(backend: Backend) -> None:
    checked = backend.import_file(str(SEED_EXPORT), dry_run=True)
    assert checked.describe().startswith(
        "seed_000_custody_export.csv has no problems. Importing it would add 141"
    )
    assert checked.describe().endswith("Nothing was written.")
    done = backend.import_file(str(SEED_EXPORT))
    assert done.describe().startswith("Imported seed_000_custody_export.csv: 141 new arrests")
    assert backend.import_file(str(SEED_EXPORT)).describe().startswith("Nothing new in")


def test_problems_on_later_rows_of_a_known_arrest_are_caught(backend: Backend) -> None:
    # Rows after an arrest's first take a fast path; every problem must still be found there.
    text = HEADER + (
        "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n"  # line 2: fine
        "A1,2022-01-10,BD,N1,O1,MSA s.2,NFA,2022-01-12\n"  # line 3: fine, warms the caches
        "A1,2022-01-10,BD,N1,O2,MSA s.1,NFA,2022-01-09\n"  # line 4: before the arrest
        "A1,2022-01-10,BD,N1,O1,MSA s.1,NFA,2022-01-12\n"  # line 5: other text for O1
        "A1,2022-01-10,BD,N1,O3,MSA s.1,Caution,2022-01-12\n"  # line 6: not a disposal
        "A1,2022-01-10,BD,N1,O3,MSA s.1,NFA,2022-02-30\n"  # line 7: no such date
        "A1,2022-01-10,BD,N1,,MSA s.1,NFA,2022-01-12\n"  # line 8: no offence ref
    )
    with pytest.raises(ImportRejectedError) as info:
        run(backend, text)
    assert [(e.line, e.column) for e in info.value.errors] == [
        (4, "disposal_date"),
        (5, "offence"),
        (6, "disposal"),
        (7, "disposal_date"),
        (8, "offence_ref"),
    ]
