"""The court outcomes import on a real SQLite file: through the one pipeline, all-or-nothing, idempotent,
every problem named by line and column; hostile files (formulae, huge, binary, control characters, a
BOM, a wrong header) write nothing and never crash."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mshtdesk.errors import ImportRejectedError, MshtError
from mshtdesk.imports.outcomes import COLUMNS
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.tables import AUDIT, COURT_OUTCOME, IMPORT_BATCH

HEADER = ",".join(COLUMNS)


@pytest.fixture
def register(backend: Backend) -> Backend:
    """A1 (two offences, both charged) and A2 (one), arrested in 2022."""
    for ref, offences in (("A1", ["O1", "O2"]), ("A2", ["O1"])):
        aid = backend.register.create_arrest(
            ArrestInput(ref, date(2022, 3, 1), "BD"), [(o, "MSA s.2") for o in offences]
        )
        for off in backend.register.get(aid).offences:
            backend.register.append_event(off.id, "CHARGE", date(2022, 3, 2))
    return backend


def counts(b: Backend) -> tuple[int, int]:
    with b.db.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (COURT_OUTCOME, IMPORT_BATCH)
        )


def rejected(b: Backend, data: bytes | str) -> list[tuple[int, str, str]]:
    before = counts(b)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(ImportRejectedError) as exc:
        b.import_outcomes(raw, "outcomes.csv")
    assert counts(b) == before  # nothing written
    return [(e.line, e.column, e.reason) for e in exc.value.errors]


GOOD = (
    f"{HEADER}\n"
    "A1,O1,CONVICTED,2022-09-01,24,yes\n"
    "A1,O2,Convicted-Lesser,01/10/2022,6,No\n"
    "A2,O1,acquitted,2022-09-15,,\n"
)


def test_a_file_imports_whole_and_again_changes_nothing(register: Backend) -> None:
    dry = register.import_outcomes(GOOD.encode(), "outcomes.csv", dry_run=True)
    assert dry.outcomes_added == 3 and counts(register) == (0, 0)
    assert "Nothing was written" in dry.describe()
    summary = register.import_outcomes(GOOD.encode(), "outcomes.csv")
    assert summary.outcomes_added == 3 and summary.batch_id is not None
    assert summary.describe() == (
        "Imported outcomes.csv: 3 new court outcomes from 3 rows (0 are already recorded)."
    )
    with register.db.engine.connect() as conn:
        rows = conn.execute(
            select(
                COURT_OUTCOME.c.outcome,
                COURT_OUTCOME.c.outcome_date,
                COURT_OUTCOME.c.sentence_months,
                COURT_OUTCOME.c.custodial,
                COURT_OUTCOME.c.source,
            ).order_by(COURT_OUTCOME.c.id)
        ).all()
        audited = conn.execute(select(AUDIT.c.reason).where(AUDIT.c.entity == "import_batch")).scalars().all()
    assert [tuple(r) for r in rows] == [
        ("convicted", date(2022, 9, 1), 24, True, "import"),
        ("convicted-lesser", date(2022, 10, 1), 6, False, "import"),
        ("acquitted", date(2022, 9, 15), None, None, "import"),
    ]
    assert audited == ["court outcomes import of outcomes.csv"]
    again = register.import_outcomes(GOOD.encode(), "outcomes.csv")
    assert not again.changed and again.outcomes_already_present == 3 and counts(register) == (3, 1)
    # A cumulative file: the three again plus one new row adds only the new one... after a correction
    # in the app, the file's old value is refused rather than silently put back.
    history = register.outcomes.history(1)
    a1o1 = next(h for h in history if h.outcome.value == "convicted")
    register.outcomes.correct_outcome(a1o1.id, "convicted", date(2022, 9, 1), sentence_months=30,
                                      custodial=True, reason="30 months")  # fmt: skip
    errors = rejected(register, GOOD)
    assert errors == [
        (2, "outcome", "the register already holds convicted on 01/09/2022 for this offence; correct it in "
         "the arrest's window"),
    ]  # fmt: skip


def test_every_problem_is_named_by_line_and_column(register: Backend) -> None:
    data = (
        f"{HEADER}\n"
        "A2,O1,guilty,2022-09-01,,\n"  # 2 not an outcome
        "A2,O1,convicted,31/02/2022,,\n"  # 3 not a date
        "A2,O1,convicted,2999-01-01,,\n"  # 4 future
        "A2,O1,convicted,2022-09-01,1.5,\n"  # 5 not whole
        "A2,O1,convicted,2022-09-01,12,maybe\n"  # 6 custodial
        "A2,O1,acquitted,2022-09-01,12,\n"  # 7 sentence on acquittal
        ",O1,convicted,2022-09-01,,\n"  # 8 empty reference
        "A1,O2,convicted,2022-09-01,,\n"
        "A1,O2,acquitted,2022-09-01,,\n"  # 10 contradicts line 9
    )
    errors = rejected(register, data)
    assert [(line, col) for line, col, _ in errors] == [
        (2, "outcome"),
        (3, "outcome_date"),
        (4, "outcome_date"),
        (5, "sentence_months"),
        (6, "custodial"),
        (7, "sentence_months"),
        (8, "custody_ref"),
        (10, "outcome"),
    ]
    reasons = {(line, col): why for line, col, why in errors}
    assert "convicted, convicted-lesser, acquitted, discontinued, other" in reasons[(2, "outcome")]
    assert reasons[(10, "outcome")] == "contradicts the outcome for this offence on line 9"
    # Clean rows are then checked against the register: each reference must name an offence in it.
    errors = rejected(
        register,
        f"{HEADER}\nNOPE,O1,convicted,2022-09-01,,\nA1,O9,convicted,2022-09-01,,\n"
        "A1,O1,convicted,2022-02-01,,\nA2,O1,convicted,2022-09-01,,\n",
    )
    assert errors == [
        (2, "custody_ref", "'NOPE' is not an arrest in the register"),
        (3, "offence_ref", "arrest A1 has no offence 'O9'"),
        (4, "outcome_date", "01/02/2022 is before the arrest date 01/03/2022"),
    ]


def test_withdrawn_arrests_and_offences_take_no_outcome(register: Backend) -> None:
    register.corrections.withdraw_arrest(2, "duplicate")
    assert rejected(register, f"{HEADER}\nA2,O1,convicted,2022-09-01,,\n") == [
        (2, "custody_ref", "arrest A2 is withdrawn in the register")
    ]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"", (1, "header")),
        (HEADER.encode() + b"\n", (2, "row")),
        (b"custody,offence,result\nA1,O1,convicted\n", (1, "custody_ref")),  # wrong header
        (f"{HEADER},{COLUMNS[0]}\nA1,O1,convicted,2022-09-01,,,A1\n".encode(), (1, "custody_ref")),
        (f"{HEADER}\nA1,O1,convicted,2022-09-01\n".encode(), (2, "row")),  # too few fields
        (f'{HEADER}\n=HYPERLINK("http://x"),O1,convicted,2022-09-01,,\n'.encode(), (2, "custody_ref")),
        (f"{HEADER}\nA1,O1,@SUM(1+1),2022-09-01,,\n".encode(), (2, "outcome")),
        (f"{HEADER}\nA1,O1,convicted,2022-09-01,+12,\n".encode(), (2, "sentence_months")),
        (f"{HEADER}\nA1,{'x' * 5000},convicted,2022-09-01,,\n".encode(), (2, "offence_ref")),
        (f"{HEADER}\nA1,O1\x07,convicted,2022-09-01,,\n".encode(), (2, "offence_ref")),
        (f"{HEADER}\nA1,O1,convicted\u202e,2022-09-01,,\n".encode(), (2, "outcome")),
        (f"{HEADER}\nA1,O1,convicted,2022-09-01,,\n".encode() + b"\xff\xfe\x00\x01garbage\n", (3, "file")),
    ],
    ids=[
        "empty",
        "header-only",
        "wrong-header",
        "repeated-column",
        "short-row",
        "formula-ref",
        "formula-outcome",
        "signed-number",
        "huge-cell",
        "control-char",
        "bidi-char",
        "binary",
    ],
)
def test_hostile_files_write_nothing(register: Backend, data: bytes, where: tuple[int, str]) -> None:
    errors = rejected(register, data)
    assert where in [(line, col) for line, col, _ in errors], errors
    for _, _, why in errors:
        assert len(why) < 300 and "\x07" not in why and "\u202e" not in why


def test_a_bom_semicolons_and_a_header_in_another_order(register: Backend) -> None:
    data = (
        "\ufeffCustodial;Outcome Date;OUTCOME;Offence-Ref;custody_ref;Sentence_Months\n"
        "YES;01/09/2022;convicted;O1;A1;12\n"
    )
    summary = register.import_outcomes(data.encode("utf-8"), "bom.csv")
    assert summary.outcomes_added == 1
    [row] = register.outcomes.history(1)
    assert (row.outcome.value, row.sentence_months, row.custodial) == ("convicted", 12, True)


NASTY = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "=1+1", "31/02/2022", "9999-12-31", "\x00", '"', "-1", "x" * 300, "YES"]),
)
GOOD_CELLS = {
    "custody_ref": ["A1", "A2", "a1"],
    "offence_ref": ["O1", "O2"],
    "outcome": ["convicted", "ACQUITTED", "other", "discontinued"],
    "outcome_date": ["2022-09-01", "01/09/2022", "2022-03-02"],
    "sentence_months": ["", "12", "0"],
    "custodial": ["", "yes", "no"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.fixed_dictionaries({c: st.one_of(st.sampled_from(v), NASTY) for c, v in GOOD_CELLS.items()}),
        min_size=1,
        max_size=4,
    )
)
def test_any_file_is_whole_or_nothing(register: Backend, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([list(COLUMNS), *([r[c] for c in COLUMNS] for r in rows)])
    data = out.getvalue().encode("utf-8")
    before = counts(register)
    try:
        summary = register.import_outcomes(data, "fuzz.csv")
    except ImportRejectedError as exc:
        assert exc.errors and counts(register) == before
        return
    except MshtError:
        assert counts(register) == before
        return
    assert counts(register)[0] - before[0] == summary.outcomes_added
    again = register.import_outcomes(data, "fuzz.csv")
    assert not again.changed and counts(register)[0] == before[0] + summary.outcomes_added
