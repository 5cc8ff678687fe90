"""Import of the custody system's export: one CSV row per disposal event.

Columns (any order, header names case-insensitive): arrest_ref, arrest_date, district, detainee_ref
(optional), offence_ref, offence, disposal, disposal_date. The import is all-or-nothing: every row is
checked against the file and the database before anything is written, and every problem is reported
by line, column and reason. It is idempotent: an event is identified by (arrest ref, offence ref,
disposal, date), so a file imported twice, or a later cumulative export, adds only what is new.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from mshtdesk.domain.dates import parse_date, uk
from mshtdesk.domain.disposals import accepted_disposal_words, parse_disposal
from mshtdesk.domain.offences import OTHER_MS, recognise_offence
from mshtdesk.domain.text import might_be_refused, printable
from mshtdesk.errors import CancelledError, ImportRejectedError, RowError, StoreError
from mshtdesk.services.csv_source import CsvSource, UnreadableRowError, cell_problem
from mshtdesk.store.bulk import bulk_insert
from mshtdesk.store.database import Database
from mshtdesk.store.queries.disposals import refresh_current_rank
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    DISTRICT,
    EVENT,
    IMPORT_BATCH,
    OFFENCE,
    OFFENCE_TYPE,
    utcnow,
)

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: called often; cheap to ignore."""

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
CHUNK = 500  # bound parameters per IN (...) lookup: well under SQLite's and PostgreSQL's limits
ARREST_COLUMNS = (
    "custody_ref",
    "arrest_date",
    "district_id",
    "detainee_ref",
    "operation",
    "notes",
    "current_rank",
    "version",
    "created_at",
    "updated_at",
)
OFFENCE_COLUMNS = ("arrest_id", "offence_ref", "offence_type_id", "offence_text", "created_at")
EVENT_COLUMNS = (
    "offence_id",
    "disposal_type_id",
    "event_date",
    "note",
    "supersedes_id",
    "is_void",
    "reason",
    "source",
    "import_batch_id",
    "recorded_at",
)
WRITE_BATCH = 5000  # rows per executemany: progress and cancel are checked between batches
MAX_ERRORS = 1000  # stop listing after this many (all are counted); the file is rejected either way


@dataclass(frozen=True)
class ImportSummary:
    file_name: str
    rows_read: int
    arrests_added: int
    offences_added: int
    events_added: int
    events_already_present: int
    arrests_in_file: int
    batch_id: int | None  # None for a dry run or a file that added nothing
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.arrests_added or self.offences_added or self.events_added)

    def describe(self) -> str:
        """One paragraph for the user; a dry run is worded as what an import would do."""
        if not self.changed:
            nothing = " Nothing was written." if self.dry_run else ""
            return (
                f"Nothing new in {self.file_name}: all {self.rows_read} rows are already recorded.{nothing}"
            )
        counts = (
            f"{self.arrests_added} new arrests, {self.offences_added} new offences and {self.events_added} "
            f"new disposal events from {self.rows_read} rows ({self.events_already_present} events are "
            "already recorded)"
        )
        if self.dry_run:
            return f"{self.file_name} has no problems. Importing it would add {counts}. Nothing was written."
        return f"Imported {self.file_name}: {counts}."


@dataclass
class _Arrest:
    line: int
    arrest_date: date
    district_id: int
    detainee_ref: str


@dataclass
class _Offence:
    line: int
    text: str
    type_code: str


@dataclass
class _Parsed:
    rows: int
    arrests: dict[str, _Arrest]
    offences: dict[tuple[str, str], _Offence]
    events: dict[tuple[str, str, str, date], int]  # -> first line


def _norm_header(name: str) -> str:
    key = "_".join(name.strip().casefold().replace("-", " ").split())
    return ALIASES.get(key, key)


def _clip(s: str, n: int = 40) -> str:
    """A piece of a cell for a message: short, and with any control shown as an escape."""
    return printable(s if len(s) <= n else s[: n - 1] + "\u2026")


class _Reader:
    """Parses and checks the rows of one file against each other (the database comes later)."""

    def __init__(self, districts: dict[str, int], district_codes: dict[int, str], today: date) -> None:
        self.districts = districts
        self.district_codes = district_codes
        self.today = today
        self.errors: list[RowError] = []
        self.found = 0  # problems found, including any beyond MAX_ERRORS
        self._dates: dict[str, date | str] = {}
        self._disposals: dict[str, str | None] = {}
        self._arrest_rows: dict[tuple[str, str, str, str], _Arrest] = {}

    def error(self, line: int, column: str, reason: str) -> None:
        self.found += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, reason))

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

    def read(
        self, source: CsvSource, progress: Progress | None, cancel: Callable[[], bool] | None
    ) -> _Parsed:
        parsed = _Parsed(0, {}, {}, {})
        try:
            self._read(source, parsed, progress, cancel)
        except UnreadableRowError as exc:  # reading stops there: the file is refused
            self.error(exc.line, exc.column, exc.reason)
        return parsed

    def _read(
        self,
        source: CsvSource,
        parsed: _Parsed,
        progress: Progress | None,
        cancel: Callable[[], bool] | None,
    ) -> None:
        records = source.records()
        _, header = next(records, (1, []))
        if not any(h.strip() for h in header):
            self.error(1, "header", "the file is empty; expected a header row naming " + ", ".join(COLUMNS))
            return
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            key = _norm_header(name)
            if key in COLUMNS:
                if key in index:
                    self.error(1, key, "this column appears twice in the header")
                index[key] = i
        missing = [c for c in COLUMNS if c not in index and c not in OPTIONAL]
        for c in missing:
            self.error(1, c, "this column is missing from the header")
        if self.errors:
            return
        width = len(header)
        pick = operator.itemgetter(*(index.get(c, -1) for c in COLUMNS))
        pad = any(c not in index for c in COLUMNS)
        step = 0
        # Local names for the fast path below: the loop runs once per row of a file of 100,000s.
        strip = str.strip
        seen_arrest = self._arrest_rows.get
        offences = parsed.offences
        add_event = parsed.events.setdefault
        disposals = self._disposals.get
        dates = self._dates.get
        suspect = might_be_refused
        for line, row in records:
            if not "".join(row).strip():
                continue
            parsed.rows += 1
            step += 1
            if step == 2000:
                step = 0
                if cancel is not None and cancel():
                    raise CancelledError()
                if progress is not None:
                    progress("Reading", source.bytes_read, source.size)
            if len(row) != width:
                self.error(line, "row", f"has {len(row)} fields but the header has {width}")
                continue
            if pad:
                row.append("")  # the optional column is absent: position -1 reads this empty value
            values = list(map(strip, pick(row)))
            if suspect("".join(values)) and self._refused_characters(line, values):
                continue
            # Fast path: an arrest already checked in this exact form, a plain offence and a disposal
            # already seen valid. Anything else (first sight, errors, no disposal) takes the full check.
            ref, date_text, district_text, detainee, off_ref, off_text, disposal_text, day_text = values
            arrest = seen_arrest((ref, date_text, district_text, detainee))
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

    def _refused_characters(self, line: int, values: list[str]) -> bool:
        """Name each cell holding a control or bidi character (values in COLUMNS order); True if any."""
        n_before = self.found
        for column, value in zip(COLUMNS, values, strict=True):
            problem = cell_problem(value, multiline=column in MULTILINE)
            if problem is not None:
                self.error(line, column, problem)
        return self.found > n_before

    def _row(self, parsed: _Parsed, line: int, values: list[str]) -> None:
        """Check one row (values in COLUMNS order) and fold it into ``parsed``: the hot path of an import.

        Rows of one arrest repeat its reference, date, district and detainee verbatim; once that
        combination has been checked, the repeats skip straight to the offence and the event.
        """
        ref, date_text, district_text, detainee, off_ref, off_text = values[:6]
        n_before = self.found
        seen = self._arrest_rows.get((ref, date_text, district_text, detainee))
        if seen is None:
            seen = self._check_arrest(parsed, line, values)
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


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def import_custody(
    db: Database,
    data: bytes | CsvSource,
    file_name: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    today: date | None = None,
    source: str = "import",
    on_commit: Callable[[Connection, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Check ``data`` completely, then write what is new in one transaction, or raise ImportRejectedError.

    ``data``: the file's bytes, or an open file (``csv_source.open_source``), which is streamed.
    ``on_commit`` runs inside that transaction just before it commits (the audit record goes there).
    """
    if not isinstance(data, CsvSource):
        data = CsvSource.from_bytes(data, file_name)
    with _gc_paused():
        return _import(db, data, file_name, dry_run, progress, cancel, today, source, on_commit)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """An import allocates millions of small objects that all stay alive until it ends, so Python's
    cycle collector would rescan a growing heap again and again for nothing; pause it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(
    db: Database,
    data: CsvSource,
    file_name: str,
    dry_run: bool,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    today: date | None,
    source: str,
    on_commit: Callable[[Connection, ImportSummary], None] | None = None,
) -> ImportSummary:
    with db.engine.connect() as conn:
        district_rows = conn.execute(select(DISTRICT.c.id, DISTRICT.c.code, DISTRICT.c.name)).all()
    lookup = {c.casefold(): i for i, c, _ in district_rows} | {n.casefold(): i for i, _, n in district_rows}
    reader = _Reader(lookup, {i: c for i, c, _ in district_rows}, today or date.today())
    parsed = reader.read(data, progress, cancel)
    if not reader.errors and parsed.rows == 0:
        reader.error(2, "row", "the file has a header but no rows")
    if reader.errors:
        raise ImportRejectedError(reader.errors, parsed.rows, reader.found)
    try:
        with db.engine.begin() as conn:
            summary = _write(
                conn,
                parsed,
                reader,
                file_name,
                data.sha256(),
                dry_run,
                progress,
                cancel,
                source,
            )
            if reader.errors:
                raise ImportRejectedError(reader.errors, parsed.rows, reader.found)
            if dry_run:
                conn.rollback()
            elif on_commit is not None and summary.changed:
                on_commit(conn, summary)
            return summary
    except IntegrityError as exc:
        raise StoreError(
            "Another user changed the same arrests while this file was being imported; nothing was written. "
            "Import the file again."
        ) from exc
    except OperationalError as exc:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            raise StoreError(
                "The database is busy with another user's change; nothing was written. Try again in a moment."
            ) from exc
        raise


def _write(
    conn: Connection,
    parsed: _Parsed,
    reader: _Reader,
    file_name: str,
    sha256: str,
    dry_run: bool,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    source: str,
) -> ImportSummary:
    refs = list(parsed.arrests)
    total = len(refs) + len(parsed.offences) + len(parsed.events)
    done = 0

    def tick(n: int, phase: str) -> None:
        nonlocal done
        done += n
        if cancel is not None and cancel():
            raise CancelledError()
        if progress is not None:
            progress(phase, done, total)

    # What is stored already, for the arrests this file names.
    stored_arrest: dict[str, tuple[int, date, int, str]] = {}
    for chunk in _chunks(refs):
        q = select(
            ARREST.c.custody_ref,
            ARREST.c.id,
            ARREST.c.arrest_date,
            ARREST.c.district_id,
            ARREST.c.detainee_ref,
        )
        for ref, *rest in conn.execute(q.where(ARREST.c.custody_ref.in_(chunk))):
            stored_arrest[ref] = (rest[0], rest[1], rest[2], rest[3])
    codes = reader.district_codes
    for ref, (_, stored_date, stored_district, stored_detainee) in stored_arrest.items():
        a = parsed.arrests[ref]
        if a.arrest_date != stored_date:
            reader.error(
                a.line,
                "arrest_date",
                f"{uk(a.arrest_date)} contradicts the stored arrest date {uk(stored_date)}",
            )
        if a.district_id != stored_district:
            reader.error(
                a.line,
                "district",
                f"{codes[a.district_id]} contradicts the stored district {codes[stored_district]}",
            )
        if a.detainee_ref and stored_detainee and a.detainee_ref != stored_detainee:
            reader.error(a.line, "detainee_ref", "contradicts the stored detainee reference for this arrest")
    type_ids = dict(conn.execute(select(OFFENCE_TYPE.c.code, OFFENCE_TYPE.c.id)).all())
    disposal_ids = dict(conn.execute(select(DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.id)).all())
    stored_offence: dict[tuple[str, str], int] = {}
    ref_of_id = {v[0]: k for k, v in stored_arrest.items()}
    type_code_of = {v: k for k, v in type_ids.items()}
    for chunk in _chunks(list(ref_of_id)):
        q = select(
            OFFENCE.c.arrest_id,
            OFFENCE.c.offence_ref,
            OFFENCE.c.id,
            OFFENCE.c.offence_type_id,
            OFFENCE.c.offence_text,
        )
        for arrest_id, off_ref, off_id, type_id, off_text in conn.execute(
            q.where(OFFENCE.c.arrest_id.in_(chunk))
        ):
            key = (ref_of_id[arrest_id], off_ref)
            stored_offence[key] = off_id
            mine = parsed.offences.get(key)
            if mine is None:
                continue
            stored_type = type_code_of[type_id]
            if mine.type_code != stored_type or (
                stored_type == OTHER_MS and mine.text.casefold() != str(off_text).casefold()
            ):
                reader.error(
                    mine.line,
                    "offence",
                    f"'{_clip(mine.text)}' contradicts the offence stored for this arrest",
                )
    stored_events: set[tuple[int, int, date]] = set()
    for chunk in _chunks(list(stored_offence.values())):
        q = select(EVENT.c.offence_id, EVENT.c.disposal_type_id, EVENT.c.event_date)
        stored_events.update((r[0], r[1], r[2]) for r in conn.execute(q.where(EVENT.c.offence_id.in_(chunk))))
    if reader.errors:
        return ImportSummary(file_name, parsed.rows, 0, 0, 0, 0, len(refs), None, dry_run)

    # Write what is new.
    new_refs = [r for r in refs if r not in stored_arrest]
    new_offences = [k for k in parsed.offences if k not in stored_offence]
    now = utcnow()
    batch_id: int | None = None
    if new_refs or new_offences or parsed.events:
        batch_id = conn.execute(
            insert(IMPORT_BATCH).returning(IMPORT_BATCH.c.id),
            {
                "file_name": file_name[-260:],
                "sha256": sha256,
                "imported_at": now,
                "row_count": parsed.rows,
                "arrests_added": 0,
                "offences_added": 0,
                "events_added": 0,
            },
        ).scalar_one()
    arrest_id_of = {ref: v[0] for ref, v in stored_arrest.items()}
    max_arrest_id = conn.execute(select(func.coalesce(func.max(ARREST.c.id), 0))).scalar_one()
    max_offence_id = conn.execute(select(func.coalesce(func.max(OFFENCE.c.id), 0))).scalar_one()
    rank_of = dict(conn.execute(select(DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.rank)).all())
    current = _current_ranks(parsed, set(new_refs), rank_of)
    for chunk in _chunks(new_refs, WRITE_BATCH):
        arrests = [parsed.arrests[r] for r in chunk]
        rows: list[tuple[Any, ...]] = [
            (r, a.arrest_date, a.district_id, a.detainee_ref, "", "", current.get(r), 1, now, now)
            for r, a in zip(chunk, arrests, strict=True)
        ]
        bulk_insert(conn, ARREST, ARREST_COLUMNS, rows)  # no RETURNING: on SQLite it goes row by row
        tick(len(chunk), "Writing arrests")
    # Read the new ids back in one pass over what is above the old maximum (no RETURNING, no IN lists);
    # rows another writer added meanwhile are skipped by the membership test.
    wanted = set(new_refs)
    q = select(ARREST.c.custody_ref, ARREST.c.id).where(ARREST.c.id > max_arrest_id)
    arrest_id_of.update((r[0], r[1]) for r in conn.execute(q) if r[0] in wanted)
    offence_id_of = dict(stored_offence)
    for chunk in _chunks(new_offences, WRITE_BATCH):
        offences = [parsed.offences[k] for k in chunk]
        rows = [
            (arrest_id_of[ref], off_ref, type_ids[o.type_code], o.text, now)
            for (ref, off_ref), o in zip(chunk, offences, strict=True)
        ]
        bulk_insert(conn, OFFENCE, OFFENCE_COLUMNS, rows)
        tick(len(chunk), "Writing offences")
    ref_of_arrest = {arrest_id_of[ref]: ref for ref in {ref for ref, _ in new_offences}}
    q = select(OFFENCE.c.arrest_id, OFFENCE.c.offence_ref, OFFENCE.c.id).where(OFFENCE.c.id > max_offence_id)
    for arrest_id, off_ref, off_id in conn.execute(q):
        ref = ref_of_arrest.get(arrest_id)
        if ref is not None:
            offence_id_of[(ref, off_ref)] = off_id
    new_events: list[tuple[Any, ...]] = []
    present = 0
    touched: set[int] = set()  # stored arrests given new events: their current rank is recomputed
    for ref, off_ref, code, on in parsed.events:
        offence_id = offence_id_of[(ref, off_ref)]
        type_id = disposal_ids[code]
        if (offence_id, type_id, on) in stored_events:
            present += 1
            continue
        new_events.append((offence_id, type_id, on, "", None, False, "", source, batch_id, now))
        if ref in stored_arrest:
            touched.add(arrest_id_of[ref])
    tick(present, "Writing events")
    for part in _chunks(new_events, WRITE_BATCH):
        bulk_insert(conn, EVENT, EVENT_COLUMNS, part)
        tick(len(part), "Writing events")
    refresh_current_rank(conn, touched)
    if batch_id is not None:
        if not (new_refs or new_offences or new_events):
            conn.execute(IMPORT_BATCH.delete().where(IMPORT_BATCH.c.id == batch_id))
            batch_id = None
        else:
            conn.execute(
                update(IMPORT_BATCH)
                .where(IMPORT_BATCH.c.id == batch_id)
                .values(
                    arrests_added=len(new_refs),
                    offences_added=len(new_offences),
                    events_added=len(new_events),
                )
            )
    return ImportSummary(
        file_name,
        parsed.rows,
        len(new_refs),
        len(new_offences),
        len(new_events),
        present,
        len(refs),
        None if dry_run else batch_id,
        dry_run,
    )


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
