"""Hostile custody files: whatever arrives, the import either writes it whole or writes nothing and
names each problem by line and column; it never crashes and never half-writes."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mshtdesk.errors import ImportRejectedError, MshtError
from mshtdesk.imports.custody import COLUMNS
from mshtdesk.services.backend import Backend
from mshtdesk.store.tables import ARREST, EVENT, IMPORT_BATCH, OFFENCE

GOOD = ["A1", "2022-01-10", "BD", "N1", "O1", "MSA s.2", "RUI", "2022-01-10"]
NASTY = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            '=HYPERLINK("http://x","y")',
            "+1",
            "-2",
            "@SUM(A1)",
            "31/02/2022",
            "2022-13-40",
            "0000-00-00",
            "9999-12-31",
            "1900-01-01",
            "NFA",
            "rui",
            "Leeds",
            "XX",
            "\x00",
            "\ufeff",
            '"',
            "a,b",
            "x" * 100_000,
            "2022-01-10T25:61",
            "10/01/2022 12:00",
            "\r",
            "\n",
        ]
    ),
)


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (ARREST, OFFENCE, EVENT, IMPORT_BATCH)
        )


def build(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def check(b: Backend, data: bytes) -> None:
    before = counts(b)
    try:
        summary = b.import_custody(data, "hostile.csv")
    except ImportRejectedError as exc:
        assert exc.errors, "a rejection names at least one problem"
        for e in exc.errors:
            assert e.line >= 1 and e.column and e.reason
            assert len(str(e)) < 400, "a message quotes at most a clipped piece of the cell"
        assert counts(b) == before, "a rejected file writes nothing"
        return
    except MshtError:
        assert counts(b) == before
        return
    after = counts(b)
    assert after[0] - before[0] == summary.arrests_added and after[2] - before[2] == summary.events_added


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(NASTY, min_size=0, max_size=10), max_size=6), order=st.permutations(COLUMNS))
def test_random_cells_never_crash_or_half_write(
    backend: Backend, rows: list[list[str]], order: list[str]
) -> None:
    check(backend, build(list(order), [GOOD, *rows]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(backend: Backend, data: bytes) -> None:
    check(backend, build(list(COLUMNS), [GOOD]) + data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "extra", "Arrest Ref", "", "district"]), max_size=10),
    rows=st.lists(st.lists(st.sampled_from(GOOD + ["", "x"]), max_size=10), max_size=4),
)
def test_missing_extra_or_duplicate_columns(
    backend: Backend, header: list[str], rows: list[list[str]]
) -> None:
    check(backend, build(header, rows))


def test_conflicting_duplicates_are_refused_whole(backend: Backend) -> None:
    rows = [
        GOOD,
        ["A1", "2022-01-11", "BD", "N1", "O2", "MSA s.2", "", ""],
        ["A2", "2022-01-10", "CD", "N2", "O1", "x", "", ""],
    ]
    before = counts(backend)
    try:
        backend.import_custody(build(list(COLUMNS), rows), "dup.csv")
    except ImportRejectedError as exc:
        assert [(e.line, e.column) for e in exc.errors] == [(3, "arrest_date")]
    else:
        raise AssertionError("a contradiction must be refused")
    assert counts(backend) == before


def test_formula_text_is_kept_as_text_not_refused(backend: Backend) -> None:
    row = ["A1", "2022-01-10", "BD", "=CMD()", "O1", '=HYPERLINK("http://x")', "", ""]
    backend.import_custody(build(list(COLUMNS), [row]), "f.csv")
    detail = backend.register.get(backend.register.find_id("A1"))
    assert detail.detainee_ref == "=CMD()" and detail.offences[0].offence_text.startswith("=HYPERLINK")
