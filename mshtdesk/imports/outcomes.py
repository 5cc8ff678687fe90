"""Court outcomes format: one CSV row per offence, its outcome at court and the sentence.

Columns (any order, header names case-insensitive): custody_ref, offence_ref, outcome, outcome_date,
sentence_months, custodial. ``outcome`` is one of convicted, convicted-lesser, acquitted, discontinued,
other (any case); dates ISO or UK; ``sentence_months`` empty or a whole number; ``custodial`` yes, no or
empty. Every row names an offence already in the register (an unknown custody or offence reference is
an error). All-or-nothing and idempotent: an offence whose outcome in force already says the same is
left alone; one whose outcome differs is an error (corrected in the arrest's window, with a reason,
so that the history says why).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.dates import parse_date, uk
from mshtdesk.domain.outcomes import (
    Outcome,
    accepted_outcome_words,
    parse_custodial,
    parse_outcome,
    parse_sentence_months,
    sentence_problems,
)
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.imports.pipeline import Batch, ImportFormat, SummaryText, Ticker
from mshtdesk.imports.pipeline import clip as _clip
from mshtdesk.store.queries import imports as qi
from mshtdesk.store.queries import outcomes as q
from mshtdesk.store.tables import utcnow

__all__ = ["COLUMNS", "OutcomeImport", "OutcomeImportSummary"]

COLUMNS = ("custody_ref", "offence_ref", "outcome", "outcome_date", "sentence_months", "custodial")
ALIASES = {
    "arrest_ref": "custody_ref",
    "custody_reference": "custody_ref",
    "offence_reference": "offence_ref",
    "court_outcome": "outcome",
    "result": "outcome",
    "date": "outcome_date",
    "sentence": "sentence_months",
    "months": "sentence_months",
}
MAX_REF = 64
EARLIEST = date(1990, 1, 1)
WRITE_BATCH = 5000


@dataclass(frozen=True)
class OutcomeImportSummary(SummaryText):
    file_name: str
    rows_read: int
    outcomes_added: int
    outcomes_already_present: int
    batch_id: int | None  # None for a dry run or a file that added nothing
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.outcomes_added)

    def counts(self) -> str:
        return (
            f"{self.outcomes_added} new court outcomes from {self.rows_read} rows "
            f"({self.outcomes_already_present} are already recorded)"
        )


@dataclass(frozen=True)
class _Row:
    line: int
    outcome: Outcome
    outcome_date: date
    sentence_months: int | None
    custodial: bool | None


class OutcomeImport(ImportFormat[OutcomeImportSummary]):
    """Checks each row, then the file against the register, and appends the new outcomes."""

    columns = COLUMNS
    optional = frozenset({"sentence_months", "custodial"})
    aliases = ALIASES
    records = "offences"
    cancel_every = 1000
    progress_every = 1000
    errors_by_line = True
    needs = ((Action.APPEND, Entity.ARREST),)
    audit_fields = ("court_outcomes",)
    audit_reason = "court outcomes import of {file_name}"

    def __init__(self, today: date, *, recorded_by: int | None = None, source: str = "import") -> None:
        super().__init__(today)
        self.recorded_by = recorded_by
        self.source = source
        self.parsed: dict[tuple[str, str], _Row] = {}

    def _day(self, line: int, text: str) -> date | None:
        if not text:
            self.error(line, "outcome_date", "is empty")
            return None
        try:
            day = parse_date(text)
        except ValueError as exc:
            self.error(line, "outcome_date", str(exc))
            return None
        if day > self.today:
            self.error(line, "outcome_date", f"outcome date {uk(day)} is in the future")
            return None
        if day < EARLIEST:
            self.error(
                line, "outcome_date", f"outcome date {uk(day)} is before {EARLIEST.year}; check the year"
            )
            return None
        return day

    def check_rows(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        for line, values in rows:
            ref, off_ref, outcome_text, day_text, months_text, custodial_text = values
            n_before = self.found
            for col, val in (("custody_ref", ref), ("offence_ref", off_ref)):
                if not val:
                    self.error(line, col, "is empty")
                elif len(val) > MAX_REF:
                    self.error(line, col, f"is {len(val)} characters long; at most {MAX_REF} are allowed")
            outcome = parse_outcome(outcome_text)
            if outcome is None:
                what = f"'{_clip(outcome_text)}' is not an outcome" if outcome_text else "is empty"
                self.error(line, "outcome", f"{what} (use {accepted_outcome_words()})")
            day = self._day(line, day_text)
            months: int | None = None
            custodial: bool | None = None
            try:
                months = parse_sentence_months(months_text)
            except ValueError as exc:
                self.error(line, "sentence_months", str(exc))
            try:
                custodial = parse_custodial(custodial_text)
            except ValueError as exc:
                self.error(line, "custodial", str(exc))
            if outcome is not None and self.found == n_before:
                for col, problem in sentence_problems(outcome, months, custodial).items():
                    self.error(line, col, problem)
            if self.found > n_before or outcome is None or day is None:
                continue
            row = _Row(line, outcome, day, months, custodial)
            seen = self.parsed.get((ref, off_ref))
            if seen is None:
                self.parsed[(ref, off_ref)] = row
            elif (seen.outcome, seen.outcome_date, seen.sentence_months, seen.custodial) != (
                outcome,
                day,
                months,
                custodial,
            ):
                self.error(line, "outcome", f"contradicts the outcome for this offence on line {seen.line}")

    def write(self, conn: Connection, batch: Batch) -> OutcomeImportSummary:
        parsed = self.parsed
        refs = sorted({ref for ref, _ in parsed})
        stored = q.stored_offences(conn, refs)
        known_refs = {ref for ref, _ in stored} | q.known_arrest_refs(conn, [r for r in refs if r])
        existing = q.outcomes_in_force(conn, [s.id for s in stored.values()])
        new: list[tuple[int, int, _Row]] = []  # (offence id, line, row)
        present = 0
        for (ref, off_ref), row in parsed.items():
            off = stored.get((ref, off_ref))
            if off is None:
                if ref not in known_refs:
                    self.error(row.line, "custody_ref", f"'{_clip(ref)}' is not an arrest in the register")
                else:
                    self.error(
                        row.line, "offence_ref", f"arrest {_clip(ref)} has no offence '{_clip(off_ref)}'"
                    )
                continue
            if off.arrest_withdrawn:
                self.error(row.line, "custody_ref", f"arrest {_clip(ref)} is withdrawn in the register")
                continue
            if off.withdrawn:
                self.error(row.line, "offence_ref", f"offence {_clip(off_ref)} is withdrawn in the register")
                continue
            if row.outcome_date < off.arrest_date:
                self.error(
                    row.line,
                    "outcome_date",
                    f"{uk(row.outcome_date)} is before the arrest date {uk(off.arrest_date)}",
                )
                continue
            have = existing.get(off.id)
            if have is None:
                new.append((off.id, row.line, row))
            elif (have.outcome, have.outcome_date, have.sentence_months, have.custodial) == (
                row.outcome.value,
                row.outcome_date,
                row.sentence_months,
                row.custodial,
            ):
                present += 1
            else:
                self.error(
                    row.line,
                    "outcome",
                    f"the register already holds {Outcome(have.outcome).label.lower()} on "
                    f"{uk(have.outcome_date)} for this offence; correct it in the arrest's window",
                )
        if self.errors or not new:
            return OutcomeImportSummary(batch.file_name, self.rows, 0, present, None, batch.dry_run)
        now = utcnow()
        batch_id = qi.insert_batch(
            conn,
            {
                "file_name": batch.file_name[-260:],
                "sha256": batch.sha256,
                "imported_at": now,
                "row_count": self.rows,
                "arrests_added": 0,
                "offences_added": 0,
                "events_added": len(new),
                "kind": "outcomes",
            },
        )
        new.sort(key=lambda n: (n[0], n[1]))
        tick = Ticker(len(new), batch.progress, batch.cancel)
        for part in qi.chunks(new, WRITE_BATCH):
            rows: list[dict[str, Any]] = [
                {
                    "offence_id": off_id,
                    "outcome": r.outcome.value,
                    "outcome_date": r.outcome_date,
                    "sentence_months": r.sentence_months,
                    "custodial": r.custodial,
                    "note": "",
                    "supersedes_id": None,
                    "is_void": False,
                    "reason": "",
                    "source": self.source,
                    "import_batch_id": batch_id,
                    "recorded_at": now,
                    "recorded_by": self.recorded_by,
                }
                for off_id, _, r in part
            ]
            q.insert_outcomes(conn, rows)
            tick(len(part), "Writing outcomes")
        return OutcomeImportSummary(
            batch.file_name, self.rows, len(new), present, None if batch.dry_run else batch_id, batch.dry_run
        )
