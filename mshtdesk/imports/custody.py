"""Custody format: the custody system's export, one CSV row per disposal event.

Columns (any order, header names case-insensitive): arrest_ref, arrest_date, district, detainee_ref
(optional), offence_ref, offence, disposal, disposal_date. The import is all-or-nothing: every row is
checked against the file and the database before anything is written, and every problem is reported
by line, column and reason. It is idempotent: an event is identified by (arrest ref, offence ref,
disposal, date), so a file imported twice, or a later cumulative export, adds only what is new.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.dates import parse_date, uk
from mshtdesk.domain.disposals import accepted_disposal_words, parse_disposal
from mshtdesk.domain.offences import OTHER_MS, recognise_offence
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.imports.pipeline import Batch, ImportFormat, SummaryText, Ticker
from mshtdesk.imports.pipeline import clip as _clip
from mshtdesk.store.database import Database
from mshtdesk.store.queries import imports as q
from mshtdesk.store.queries.disposals import refresh_current_rank
from mshtdesk.store.tables import ARREST, OFFENCE, utcnow

__all__ = ["COLUMNS", "CustodyImport", "ImportSummary"]

COLUMNS = (
    "arrest_ref",
    "arrest_date",
    "district",
    "detainee_ref",
    "offence_ref",
    "offence",
    "disposal",
    "disposal_date",
)
OPTIONAL = frozenset({"detainee_ref"})
ALIASES = {
    "custody_ref": "arrest_ref",
    "custody_reference": "arrest_ref",
    "custody_record": "arrest_ref",
    "arrest_reference": "arrest_ref",
    "detainee": "detainee_ref",
    "detainee_reference": "detainee_ref",
    "offence_reference": "offence_ref",
    "offence_text": "offence",
    "disposal_type": "disposal",
}
MAX_LEN = {"arrest_ref": 64, "detainee_ref": 64, "offence_ref": 64, "offence": 400, "district": 80}
#: Columns whose cells may hold line breaks and tabs (custody systems wrap long offence wording).
MULTILINE = frozenset({"offence"})
EARLIEST = date(1990, 1, 1)
WRITE_BATCH = 5000  # rows per executemany: progress and cancel are checked between batches


@dataclass(frozen=True)
class ImportSummary(SummaryText):
    file_name: str
    rows_read: int
    arrests_added: int
    offences_added: int
    events_added: int
    events_already_present: int
    arrests_in_file: int
    batch_id: int | None  # None for a dry run or a file that added nothing
    dry_run: bool = False
    withdrawn_rows: int = 0  # rows of arrests withdrawn in the register: not imported
    withdrawn_arrests: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.arrests_added or self.offences_added or self.events_added)

    def counts(self) -> str:
        return (
            f"{self.arrests_added} new arrests, {self.offences_added} new offences and {self.events_added} "
            f"new disposal events from {self.rows_read} rows ({self.events_already_present} events are "
            "already recorded)"
        )

    def note(self) -> str:
        if not self.withdrawn_rows:
            return ""
        rows = "row belongs" if self.withdrawn_rows == 1 else "rows belong"
        arrests = "arrest" if self.withdrawn_arrests == 1 else "arrests"
        return (
            f" {self.withdrawn_rows} {rows} to {self.withdrawn_arrests} {arrests} withdrawn in the register: "
            "not imported, and they stay withdrawn."
        )

    def describe(self) -> str:
        text = super().describe()
        return text + self.note() if not self.changed else text


@dataclass
class _Arrest:
    line: int
    arrest_date: date
    district_id: int
    detainee_ref: str
    rows: int = 0  # rows of this arrest in the file (counted for an arrest found withdrawn)


@dataclass
class _Offence:
    line: int
    text: str
    type_code: str


@dataclass
class _Parsed:
    arrests: dict[str, _Arrest]
    offences: dict[tuple[str, str], _Offence]
    events: dict[tuple[str, str, str, date], int]  # -> first line


class CustodyImport(ImportFormat[ImportSummary]):
    """Checks the rows of one file against each other, then against the database, and writes them."""

    columns = COLUMNS
    optional = OPTIONAL
    aliases = ALIASES
    multiline = MULTILINE
    records = "arrests"
    cancel_every = 2000
    progress_every = 2000
    needs = ((Action.CREATE, Entity.ARREST),)
    audit_fields = ("arrests", "offences", "disposal_events")
    audit_reason = "custody import of {file_name}"

    def __init__(self, today: date, *, source: str = "import") -> None:
        super().__init__(today)
        self.source = source  # what the events record as their source ("import", or "demo")
        self.districts: dict[str, int] = {}
        self.district_codes: dict[int, str] = {}
        self.parsed = _Parsed({}, {}, {})
        self._dates: dict[str, date | str] = {}
        self._disposals: dict[str, str | None] = {}
        self._arrest_rows: dict[tuple[str, str, str, str], _Arrest] = {}

    def prepare(self, db: Database) -> None:
        """A district is named by its code or its name, in any case."""
        with db.engine.connect() as conn:
            rows = q.districts(conn)
        self.districts = {d.code.casefold(): d.id for d in rows} | {d.name.casefold(): d.id for d in rows}
        self.district_codes = {d.id: d.code for d in rows}

    def check_rows(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        parsed = self.parsed
        # Local names for the fast path below: the loop runs once per row of a file of 100,000s.
        seen_arrest = self._arrest_rows.get
        offences = parsed.offences
        add_event = parsed.events.setdefault
        disposals = self._disposals.get
        dates = self._dates.get
        for line, values in rows:
            # Fast path: an arrest already checked in this exact form, a plain offence and a disposal
            # already seen valid. Anything else (first sight, errors, no disposal) takes the full check.
            ref, date_text, district_text, detainee, off_ref, off_text, disposal_text, day_text = values
            arrest = seen_arrest((ref, date_text, district_text, detainee))
            if arrest is not None:
                arrest.rows += 1
            if arrest is not None and off_ref and off_text and len(off_ref) <= 64 and len(off_text) <= 400:
                code = disposals(disposal_text)
                day = dates(day_text)
                if code is not None and isinstance(day, date) and arrest.arrest_date <= day:
                    off_key = (ref, off_ref)
                    off = offences.get(off_key)
                    if off is None:
                        offences[off_key] = _Offence(line, off_text, recognise_offence(off_text))
                        add_event((ref, off_ref, code, day), line)
                        continue
                    if off.text == off_text:
                        add_event((ref, off_ref, code, day), line)
                        continue
            self._row(parsed, line, values)

    def _disposal(self, text: str) -> str | None:
        try:
            return self._disposals[text]
        except KeyError:
            self._disposals[text] = code = parse_disposal(text)
            return code

    def parse_day(self, line: int, column: str, text: str, label: str) -> date | None:
        got = self._dates.get(text)
        if got.__class__ is date:  # the common case: a date seen before and found valid
            return got
        if got is None:
            try:
                got = parse_date(text)
                if got > self.today:
                    got = f"{label} {uk(got)} is in the future"
                elif got < EARLIEST:
                    got = f"{label} {uk(got)} is before {EARLIEST.year}; check the year"
            except ValueError as exc:
                got = str(exc)
            self._dates[text] = got
        if isinstance(got, str):
            self.error(line, column, got)
            return None
        return got

    def _row(self, parsed: _Parsed, line: int, values: list[str]) -> None:
        """Check one row (values in COLUMNS order) and fold it into ``parsed``: the hot path of an import.

        Rows of one arrest repeat its reference, date, district and detainee verbatim; once that
        combination has been checked, the repeats skip straight to the offence and the event.
        """
        ref, date_text, district_text, detainee, off_ref, off_text = values[:6]
        n_before = self.found
        seen = self._arrest_rows.get((ref, date_text, district_text, detainee))
        if seen is None:  # (a row whose arrest was seen was counted by check_rows)
            seen = self._check_arrest(parsed, line, values)
            if seen is not None:
                seen.rows += 1
        if not off_ref or not off_text or len(off_ref) > 64 or len(off_text) > 400:
            for col, val, limit in (("offence_ref", off_ref, 64), ("offence", off_text, 400)):
                if not val:
                    self.error(line, col, "is empty")
                elif len(val) > limit:
                    self.error(line, col, f"is {len(val)} characters long; at most {limit} are allowed")
        code, disposal_date = self._check_rest(line, values, None if seen is None else seen.arrest_date)
        if self.found > n_before or seen is None:
            return
        key = (ref, off_ref)
        off = parsed.offences.get(key)
        if off is None:
            parsed.offences[key] = _Offence(line, off_text, recognise_offence(off_text))
        elif off.text != off_text and off.text.casefold() != off_text.casefold():
            self.error(
                line, "offence", f"'{_clip(off_text)}' contradicts the offence text on line {off.line}"
            )
        if code is not None and disposal_date is not None:
            parsed.events.setdefault((ref, off_ref, code, disposal_date), line)

    def _check_rest(
        self, line: int, values: list[str], arrest_date: date | None
    ) -> tuple[str | None, date | None]:
        """The disposal and its date: both given (and valid, not before the arrest) or both empty."""
        disposal_text, disposal_date_text = values[6], values[7]
        if not disposal_text:
            if disposal_date_text:
                self.error(line, "disposal", "is empty but a disposal date is given")
            return None, None
        code = self._disposal(disposal_text)
        if code is None:
            self.error(
                line,
                "disposal",
                f"'{_clip(disposal_text)}' is not a disposal type ({accepted_disposal_words()})",
            )
        if not disposal_date_text:
            self.error(line, "disposal_date", "is empty but a disposal is given")
            return code, None
        on = self.parse_day(line, "disposal_date", disposal_date_text, "disposal date")
        if on is not None and arrest_date is not None and on < arrest_date:
            self.error(line, "disposal_date", f"{uk(on)} is before the arrest date {uk(arrest_date)}")
        return code, on

    def _check_arrest(self, parsed: _Parsed, line: int, values: list[str]) -> _Arrest | None:
        """First sight of this arrest's details in this form: validate, and compare with earlier rows."""
        ref, date_text, district_text, detainee = values[:4]
        n_before = self.found
        for col, val in zip(
            ("arrest_ref", "arrest_date", "district", "detainee_ref"), values[:4], strict=True
        ):
            limit = MAX_LEN.get(col)
            if limit is not None and len(val) > limit:
                self.error(line, col, f"is {len(val)} characters long; at most {limit} are allowed")
        if self.found > n_before:
            return None
        if not ref:
            self.error(line, "arrest_ref", "is empty")
        arrest_date = None
        if date_text:
            arrest_date = self.parse_day(line, "arrest_date", date_text, "arrest date")
        else:
            self.error(line, "arrest_date", "is empty")
        district_id = self.districts.get(district_text.casefold())
        if district_id is None:
            codes = ", ".join(sorted(set(self.district_codes.values())))
            what = (
                f"'{_clip(district_text)}' is not a district of this force" if district_text else "is empty"
            )
            self.error(line, "district", f"{what} (use a code or name: {codes})")
        if self.found > n_before or arrest_date is None or district_id is None:
            return None
        known = parsed.arrests.get(ref)
        if known is None:
            known = parsed.arrests[ref] = _Arrest(line, arrest_date, district_id, detainee)
        else:
            if known.arrest_date != arrest_date:
                self.error(
                    line,
                    "arrest_date",
                    f"{uk(arrest_date)} contradicts {uk(known.arrest_date)} on line {known.line}",
                )
            if known.district_id != district_id:
                self.error(
                    line,
                    "district",
                    f"{self.district_codes[district_id]} contradicts "
                    f"{self.district_codes[known.district_id]} on line {known.line}",
                )
            if detainee and known.detainee_ref and detainee != known.detainee_ref:
                self.error(line, "detainee_ref", f"contradicts the detainee reference on line {known.line}")
            elif detainee and not known.detainee_ref:
                known.detainee_ref = detainee
            if self.found > n_before:
                return None
        self._arrest_rows[(ref, date_text, district_text, detainee)] = known
        return known

    def write(self, conn: Connection, batch: Batch) -> ImportSummary:
        parsed = self.parsed
        refs = list(parsed.arrests)
        tick = Ticker(len(refs) + len(parsed.offences) + len(parsed.events), batch.progress, batch.cancel)

        # What is stored already, for the arrests this file names. A withdrawn arrest stays withdrawn:
        # its rows are counted and left out (custody exports are cumulative, so it comes back each time).
        # (a first import into an empty register has nothing to look up: no queries for 100,000 refs)
        max_arrest_id = q.max_id(conn, ARREST)
        stored_arrest = q.stored_arrests(conn, refs) if max_arrest_id else {}
        gone = {ref for ref, stored in stored_arrest.items() if stored.withdrawn}
        withdrawn_rows = sum(parsed.arrests[ref].rows for ref in gone)
        if gone:
            refs = [r for r in refs if r not in gone]
            stored_arrest = {r: v for r, v in stored_arrest.items() if r not in gone}
            parsed.offences = {k: v for k, v in parsed.offences.items() if k[0] not in gone}
            parsed.events = {k: v for k, v in parsed.events.items() if k[0] not in gone}
        codes = self.district_codes
        for ref, stored in stored_arrest.items():
            a = parsed.arrests[ref]
            # A corrected arrest matches the export either as first recorded or as corrected.
            if a.arrest_date not in (stored.arrest_date, stored.corrected_date):
                self.error(
                    a.line,
                    "arrest_date",
                    f"{uk(a.arrest_date)} contradicts the stored arrest date {uk(stored.arrest_date)}",
                )
            if a.district_id not in (stored.district_id, stored.corrected_district_id):
                self.error(
                    a.line,
                    "district",
                    f"{codes[a.district_id]} contradicts the stored district {codes[stored.district_id]}",
                )
            if a.detainee_ref and stored.detainee_ref and a.detainee_ref != stored.detainee_ref:
                self.error(
                    a.line, "detainee_ref", "contradicts the stored detainee reference for this arrest"
                )
        type_ids = q.offence_type_ids(conn)
        disposal_ids = q.disposal_type_ids(conn)
        stored_offence: dict[tuple[str, str], int] = {}
        ref_of_id = {v.id: k for k, v in stored_arrest.items()}
        type_code_of = {v: k for k, v in type_ids.items()}
        for arrest_id, off_ref, off_id, type_id, off_text in q.stored_offences(conn, list(ref_of_id)):
            key = (ref_of_id[arrest_id], off_ref)
            stored_offence[key] = off_id
            mine = parsed.offences.get(key)
            if mine is None:
                continue
            stored_type = type_code_of[type_id]
            if mine.type_code != stored_type or (
                stored_type == OTHER_MS and mine.text.casefold() != str(off_text).casefold()
            ):
                self.error(
                    mine.line,
                    "offence",
                    f"'{_clip(mine.text)}' contradicts the offence stored for this arrest",
                )
        stored_events = q.stored_events(conn, list(stored_offence.values()))
        if self.errors:
            return ImportSummary(
                batch.file_name, self.rows, 0, 0, 0, 0, len(refs) + len(gone), None, batch.dry_run
            )

        # Write what is new, in an order that keeps an arrest's rows together (a file's rows come in no
        # order): arrests by date, then offences by arrest, then events by offence and date, so that a
        # period's arrests, their offences and their events each sit in neighbouring pages, and each
        # index is appended to rather than written all over.
        first_seen = parsed.arrests
        new_refs = sorted(
            (r for r in refs if r not in stored_arrest),
            key=lambda r: (first_seen[r].arrest_date, first_seen[r].line),
        )
        new_offences = [k for k in parsed.offences if k not in stored_offence]
        now = utcnow()
        batch_id: int | None = None
        # A batch row only for a file that adds something: a file imported again adds nothing, and
        # deleting a batch row afterwards would scan every table that points at batches.
        if new_refs or new_offences or _adds_events(parsed, stored_offence, disposal_ids, stored_events):
            batch_id = q.insert_batch(
                conn,
                {
                    "file_name": batch.file_name[-260:],
                    "sha256": batch.sha256,
                    "imported_at": now,
                    "row_count": self.rows,
                    "arrests_added": 0,
                    "offences_added": 0,
                    "events_added": 0,
                },
            )
        arrest_id_of = {ref: v.id for ref, v in stored_arrest.items()}
        max_offence_id = q.max_id(conn, OFFENCE)
        rank_of = q.disposal_ranks(conn)
        current = _current_ranks(parsed, set(new_refs), rank_of)
        for chunk in q.chunks(new_refs, WRITE_BATCH):
            arrests = [parsed.arrests[r] for r in chunk]
            rows: list[tuple[Any, ...]] = [
                (r, a.arrest_date, a.district_id, a.detainee_ref, "", "", current.get(r), 1, now, now)
                for r, a in zip(chunk, arrests, strict=True)
            ]
            q.insert_arrests(conn, rows)
            tick(len(chunk), "Writing arrests")
        # Read the new ids back in one pass over what is above the old maximum (no RETURNING, no IN lists);
        # rows another writer added meanwhile are skipped by the membership test.
        wanted = set(new_refs)
        arrest_id_of.update((ref, id_) for ref, id_ in q.arrests_above(conn, max_arrest_id) if ref in wanted)
        offence_id_of = dict(stored_offence)
        new_offences.sort(key=lambda k: (arrest_id_of[k[0]], parsed.offences[k].line))
        for chunk in q.chunks(new_offences, WRITE_BATCH):
            offences = [parsed.offences[k] for k in chunk]
            rows = [
                (arrest_id_of[ref], off_ref, type_ids[o.type_code], o.text, now)
                for (ref, off_ref), o in zip(chunk, offences, strict=True)
            ]
            q.insert_offences(conn, rows)
            tick(len(chunk), "Writing offences")
        ref_of_arrest = {id_: ref for ref, id_ in arrest_id_of.items()}
        for arrest_id, off_ref, off_id in q.offences_above(conn, max_offence_id):
            found = ref_of_arrest.get(arrest_id)
            if found is not None:
                offence_id_of[(found, off_ref)] = off_id
        # (offence, date, line, disposal type): sorted, the order written (a line is one event's, so no
        # two are equal); each batch's rows are made as it is written, not all at once
        new_events: list[tuple[int, date, int, int]] = []
        present = 0
        touched: set[int] = set()  # stored arrests given new events: their current rank is recomputed
        source = self.source
        for (ref, off_ref, code, on), line in parsed.events.items():
            offence_id = offence_id_of[(ref, off_ref)]
            type_id = disposal_ids[code]
            if (offence_id, type_id, on) in stored_events:
                present += 1
                continue
            new_events.append((offence_id, on, line, type_id))
            if ref in stored_arrest:
                touched.add(arrest_id_of[ref])
        tick(present, "Writing events")
        new_events.sort()
        for part in q.chunks(new_events, WRITE_BATCH):
            q.insert_events(
                conn,
                [(o, t, on, "", None, False, "", source, batch_id, now) for o, on, _, t in part],
            )
            tick(len(part), "Writing events")
        refresh_current_rank(conn, touched)
        if batch_id is not None:
            q.set_batch_counts(
                conn,
                batch_id,
                arrests_added=len(new_refs),
                offences_added=len(new_offences),
                events_added=len(new_events),
            )
        return ImportSummary(
            batch.file_name,
            self.rows,
            len(new_refs),
            len(new_offences),
            len(new_events),
            present,
            len(refs) + len(gone),
            None if batch.dry_run else batch_id,
            batch.dry_run,
            withdrawn_rows,
            len(gone),
        )


def _adds_events(
    parsed: _Parsed,
    stored_offence: dict[tuple[str, str], int],
    disposal_ids: dict[str, int],
    stored_events: set[tuple[int, int, date]],
) -> bool:
    """Whether any event of the file is not stored yet (asked when every offence it names is stored)."""
    for ref, off_ref, code, on in parsed.events:
        offence_id = stored_offence.get((ref, off_ref))
        if offence_id is None or (offence_id, disposal_ids[code], on) not in stored_events:
            return True
    return False


def _current_ranks(parsed: _Parsed, refs: set[str], rank_of: dict[str, int]) -> dict[str, int]:
    """Current disposal rank of new arrests, whose whole history is in the file: the as-at rule over
    all events (the same rule as ``domain.disposals``, inlined for a few hundred thousand events)."""
    latest: dict[tuple[str, str], tuple[date, int]] = {}
    for ref, off_ref, code, on in parsed.events:
        if ref not in refs:
            continue
        key = (ref, off_ref)
        mine = (on, -rank_of[code])
        best = latest.get(key)
        if best is None or mine > best:
            latest[key] = mine
    current: dict[str, int] = {}
    for (ref, _), (_, neg_rank) in latest.items():
        rank = -neg_rank
        if rank < current.get(ref, rank + 1):
            current[ref] = rank
    return current
