"""The import pipeline with a format that is neither custody nor NRM: a new format is one class that
declares its columns and row rules and writes through the store, and gets the header handling, row
errors by physical line and column, dry run, cancel and the one transaction from the pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Connection, func, select

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import CancelledError, ImportRejectedError
from mshtdesk.imports.pipeline import Batch, ImportFormat, SummaryText, run_import
from mshtdesk.store.database import Database
from mshtdesk.store.queries import imports as q
from mshtdesk.store.tables import IMPORT_BATCH, utcnow


@dataclass(frozen=True)
class OutcomeSummary(SummaryText):
    file_name: str
    rows_read: int
    outcomes_added: int
    batch_id: int | None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.outcomes_added)

    def counts(self) -> str:
        return f"{self.outcomes_added} new outcomes from {self.rows_read} rows"


class OutcomeImport(ImportFormat[OutcomeSummary]):
    """A toy court-outcome format: a case reference and a result; written as one import batch row."""

    columns = ("case_ref", "result", "comment")
    optional = frozenset({"comment"})
    aliases = {"case": "case_ref"}
    multiline = frozenset({"comment"})
    records = "outcomes"
    needs = ((Action.CREATE, Entity.ARREST),)
    audit_fields = ("outcomes",)
    audit_reason = "outcome import of {file_name}"

    def __init__(self, today: date) -> None:
        super().__init__(today)
        self.kept: list[tuple[str, str]] = []

    def check_rows(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        for line, (case_ref, result, _comment) in rows:
            if result not in ("guilty", "not guilty"):
                self.error(line, "result", f"'{result}' is not an outcome")
            else:
                self.kept.append((case_ref, result))

    def write(self, conn: Connection, batch: Batch) -> OutcomeSummary:
        batch_id = q.insert_batch(
            conn,
            {
                "file_name": batch.file_name,
                "sha256": batch.sha256,
                "imported_at": utcnow(),
                "row_count": self.rows,
                "arrests_added": 0,
                "offences_added": 0,
                "events_added": 0,
            },
        )
        return OutcomeSummary(batch.file_name, self.rows, len(self.kept), batch_id, batch.dry_run)


def batches(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(IMPORT_BATCH)).scalar_one())


def test_a_new_format_is_checked_and_written_by_the_pipeline(database: Database) -> None:
    data = b'Case;Result\nC1;guilty\n\n"C2";not guilty\n'  # semicolons, an alias, a blank row
    before = batches(database)
    seen: list[OutcomeSummary] = []
    summary = run_import(
        database, OutcomeImport(date.today()), data, "outcomes.csv", on_commit=lambda c, s: seen.append(s)
    )
    assert (summary.rows_read, summary.outcomes_added, seen) == (2, 2, [summary])
    assert summary.describe() == "Imported outcomes.csv: 2 new outcomes from 2 rows."
    assert batches(database) == before + 1


def test_a_new_format_gets_row_errors_by_line_and_column_and_writes_nothing(database: Database) -> None:
    before = batches(database)
    data = b'case_ref,result,comment\nC1,guilty,"two\nlines"\nC2,maybe,\nC3,guilty\nC4,guilty,\x07\n'
    with pytest.raises(ImportRejectedError) as caught:
        run_import(database, OutcomeImport(date.today()), data, "bad.csv")
    got = [(e.line, e.column) for e in caught.value.errors]
    assert got == [(4, "result"), (5, "row"), (6, "comment")]
    assert caught.value.rows_read == 4
    with pytest.raises(ImportRejectedError) as caught:
        run_import(database, OutcomeImport(date.today()), b"case_ref,case_ref\n", "dup.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [(1, "case_ref"), (1, "result")]
    assert batches(database) == before


def test_a_new_format_gets_dry_run_and_cancel(database: Database) -> None:
    before = batches(database)
    dry = run_import(
        database, OutcomeImport(date.today()), b"case_ref,result\nC1,guilty\n", "d.csv", dry_run=True
    )
    assert (
        dry.describe()
        == "d.csv has no problems. Importing it would add 1 new outcomes from 1 rows. Nothing was written."
    )
    with pytest.raises(CancelledError):
        run_import(
            database,
            OutcomeImport(date.today()),
            b"case_ref,result\nC1,guilty\n",
            "c.csv",
            cancel=lambda: True,
        )
    assert batches(database) == before
