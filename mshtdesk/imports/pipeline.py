"""The one import pipeline: read the file, check every row, then write it whole in one transaction.

Every format goes through the same steps (see the package docstring for what a format declares):
  1. ``prepare``: the format loads what its row rules need (a district list, say).
  2. The header: names matched case-insensitively (spaces and hyphens read as ``_``, the format's
     aliases applied); a repeated or missing column is an error on line 1.
  3. The rows: blank rows skipped; a row of the wrong width, or a cell holding a character no field may
     store, is an error on its physical line; every other row reaches the format's ``check_rows`` as its
     stripped cells in the format's column order. Cancel and progress are checked as rows go by.
  4. Any problem so far rejects the file (``ImportRejectedError``: line, column, reason) unwritten.
  5. One transaction: ``write`` compares the rows with what is stored (more row errors reject the file),
     then writes what is new; a dry run rolls back; ``on_commit`` (the audit record) runs just before the
     commit. A write another user raced, or a busy database, becomes a ``StoreError`` saying what to do.
"""

from __future__ import annotations

import gc
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import might_be_refused, printable
from mshtdesk.errors import CancelledError, ImportRejectedError, RowError, StoreError
from mshtdesk.imports.source import CsvSource, UnreadableRowError, cell_problem
from mshtdesk.store.database import Database
from mshtdesk.store.queries.imports import import_cache, refresh_statistics

__all__ = [
    "MAX_ERRORS",
    "Batch",
    "S",
    "Cancel",
    "ImportFormat",
    "Progress",
    "Summary",
    "SummaryText",
    "Ticker",
    "clip",
    "run_import",
]

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: called often; cheap to ignore."""
Cancel = Callable[[], bool]
MAX_ERRORS = 1000  # stop listing after this many (all are counted); the file is rejected either way


class Summary(Protocol):
    """What every import returns: the format's counts, worded by ``describe``."""

    @property
    def batch_id(self) -> int | None: ...

    @property
    def changed(self) -> bool: ...

    def describe(self) -> str: ...


S = TypeVar("S", bound=Summary)


class SummaryText:
    """The wording every import summary shares; a format's summary (a frozen dataclass with these fields)
    gives its own ``counts`` and, if it has one, a ``note``."""

    file_name: str
    rows_read: int
    dry_run: bool

    @property
    def changed(self) -> bool:
        raise NotImplementedError

    def counts(self) -> str:
        """What the file adds, e.g. "3 new arrests, ... from 9 rows (...)"."""
        raise NotImplementedError

    def note(self) -> str:
        """Said after the counts (warnings), with its own leading space; none by default."""
        return ""

    def describe(self) -> str:
        """One paragraph for the user; a dry run is worded as what an import would do."""
        if not self.changed:
            nothing = " Nothing was written." if self.dry_run else ""
            return (
                f"Nothing new in {self.file_name}: all {self.rows_read} rows are already recorded.{nothing}"
            )
        if self.dry_run:
            return (
                f"{self.file_name} has no problems. Importing it would add {self.counts()}. "
                f"Nothing was written.{self.note()}"
            )
        return f"Imported {self.file_name}: {self.counts()}.{self.note()}"


def clip(s: str, n: int = 40) -> str:
    """A piece of a cell for a message: short, and with any control shown as an escape."""
    return printable(s if len(s) <= n else s[: n - 1] + "\u2026")


@dataclass(frozen=True)
class Batch:
    """The file being written, as ``ImportFormat.write`` gets it."""

    file_name: str
    sha256: str
    dry_run: bool
    progress: Progress | None
    cancel: Cancel | None


class Ticker:
    """Progress through a write of ``total`` records: each call checks cancel and reports every
    ``every`` records (and at the end)."""

    def __init__(self, total: int, progress: Progress | None, cancel: Cancel | None, every: int = 1) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancel = cancel
        self._every = every

    def __call__(self, n: int = 1, phase: str = "Writing") -> None:
        self.done += n
        if self._cancel is not None and self._cancel():
            raise CancelledError()
        if self._progress is not None and (self.done % self._every == 0 or self.done == self.total):
            self._progress(phase, self.done, self.total)


class ImportFormat(ABC, Generic[S]):
    """One import format: its columns and row rules, and how a checked file is written. One instance
    per import; it keeps what the rows hold between ``check_rows`` and ``write``."""

    #: Column names as the header gives them (after normalising), in the order ``check_rows`` gets cells.
    columns: ClassVar[tuple[str, ...]]
    #: Columns the header may leave out (their cells read as empty).
    optional: ClassVar[frozenset[str]] = frozenset()
    #: Other header names accepted for a column (normalised name -> column).
    aliases: ClassVar[Mapping[str, str]] = {}
    #: Columns whose cells may hold line breaks and tabs.
    multiline: ClassVar[frozenset[str]] = frozenset()
    #: What another user's racing write changed, for the message: "the same arrests".
    records: ClassVar[str]
    #: Check cancel every this many rows read, and report progress every this many.
    cancel_every: ClassVar[int] = 1
    progress_every: ClassVar[int] = 200
    #: List the problems by line (rather than in the order they were found).
    errors_by_line: ClassVar[bool] = False
    #: The rights an import of this format needs (Backend checks them), and how the audit log names a
    #: written file: the tables it combines with, and the reason (``{file_name}`` is filled in).
    needs: ClassVar[tuple[tuple[Action, Entity], ...]]
    audit_fields: ClassVar[tuple[str, ...]]
    audit_reason: ClassVar[str]

    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[RowError] = []
        self.found = 0  # problems found, including any beyond MAX_ERRORS
        self.rows = 0  # non-blank rows read

    def error(self, line: int, column: str, reason: str) -> None:
        self.found += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, reason))

    def rejected(self) -> ImportRejectedError:
        errors = sorted(self.errors, key=lambda e: e.line) if self.errors_by_line else self.errors
        return ImportRejectedError(errors, self.rows, self.found)

    def prepare(self, db: Database) -> None:  # noqa: B027 - a hook: most formats need nothing
        """Before the file is read: load what the row rules need."""

    @abstractmethod
    def check_rows(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        """Check each ``(physical line, cells in column order)`` against the rows before it and keep it;
        report problems with ``error``."""

    def finish(self) -> None:  # noqa: B027 - a hook: most formats check nothing across all rows
        """After the last row (only if the whole file was read): checks across all rows."""

    @abstractmethod
    def write(self, conn: Connection, batch: Batch) -> S:
        """Inside the transaction: compare with what is stored (problems go to ``error``, and then the
        summary is discarded), write what is new, and say what was added."""


def run_import(
    db: Database,
    fmt: ImportFormat[S],
    data: bytes | CsvSource,
    file_name: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    on_commit: Callable[[Connection, S], None] | None = None,
) -> S:
    """Check ``data`` completely, then write what is new in one transaction, or raise ImportRejectedError.

    ``data``: the file's bytes, or an open file (``source.open_source``), which is streamed.
    ``on_commit`` runs inside that transaction just before it commits (the audit record goes there).
    """
    if not isinstance(data, CsvSource):
        data = CsvSource.from_bytes(data, file_name)
    with _gc_paused():
        fmt.prepare(db)
        _read(fmt, data, progress, cancel)
        if fmt.errors:
            raise fmt.rejected()
        try:
            with db.engine.begin() as conn, import_cache(conn):
                summary = fmt.write(conn, Batch(file_name, data.sha256(), dry_run, progress, cancel))
                if fmt.errors:
                    raise fmt.rejected()
                if dry_run:
                    conn.rollback()
                elif summary.changed:
                    if on_commit is not None:
                        on_commit(conn, summary)
                    refresh_statistics(conn)
                return summary
        except IntegrityError as exc:
            raise StoreError(
                f"Another user changed the same {fmt.records} while this file was being imported; nothing "
                "was written. Import the file again."
            ) from exc
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StoreError(
                    "The database is busy with another user's change; nothing was written. Try again in a "
                    "moment."
                ) from exc
            raise


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


def _read(fmt: ImportFormat[S], source: CsvSource, progress: Progress | None, cancel: Cancel | None) -> None:
    """Steps 2 and 3: the header, then every row into ``fmt.check_rows``."""
    try:
        records = source.records()
        header = _header(fmt, records)
        if header is None:
            return
        fmt.check_rows(_rows(fmt, records, *header, source, progress, cancel))
    except UnreadableRowError as exc:  # reading stops there: the file is refused
        fmt.error(exc.line, exc.column, exc.reason)
        return
    if not fmt.errors and fmt.rows == 0:
        fmt.error(2, "row", "the file has a header but no rows")
    fmt.finish()


def _header(
    fmt: ImportFormat[S], records: Iterator[tuple[int, list[str]]]
) -> tuple[dict[str, int], int] | None:
    """Where each column is, and how many cells a row must have; None (with errors) if unusable."""
    _, header = next(records, (1, []))
    if not any(h.strip() for h in header):
        fmt.error(1, "header", "the file is empty; expected a header row naming " + ", ".join(fmt.columns))
        return None
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        key = "_".join(name.strip().casefold().replace("-", " ").split())
        key = fmt.aliases.get(key, key)
        if key in fmt.columns:
            if key in index:
                fmt.error(1, key, "this column appears twice in the header")
            index[key] = i
    for c in fmt.columns:
        if c not in index and c not in fmt.optional:
            fmt.error(1, c, "this column is missing from the header")
    return None if fmt.errors else (index, len(header))


def _rows(
    fmt: ImportFormat[S],
    records: Iterator[tuple[int, list[str]]],
    index: dict[str, int],
    width: int,
    source: CsvSource,
    progress: Progress | None,
    cancel: Cancel | None,
) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of the header's width and with no refused character, as stripped cells in
    ``fmt.columns`` order; counted in ``fmt.rows``. The hot path of an import: it runs once per row of a
    file of 100,000s, so it keeps to local names."""
    columns = fmt.columns
    positions = [index.get(c, -1) for c in columns]  # -1: an absent optional column reads the pad below
    pick: Callable[[list[str]], tuple[str, ...]] = (
        itemgetter(*positions) if len(positions) > 1 else lambda row: (row[positions[0]],)
    )
    pad = any(c not in index for c in columns)
    cancel_every, progress_every = fmt.cancel_every, fmt.progress_every
    strip = str.strip
    suspect = might_be_refused
    rows = 0
    for line, row in records:
        joined = "".join(row)
        if not joined or joined.isspace():
            continue
        rows += 1
        fmt.rows = rows
        if rows % cancel_every == 0 and cancel is not None and cancel():
            raise CancelledError()
        if rows % progress_every == 0 and progress is not None:
            progress("Reading", source.bytes_read, source.size)
        if len(row) != width:
            fmt.error(line, "row", f"has {len(row)} fields but the header has {width}")
            continue
        if pad:
            row.append("")
        values = list(map(strip, pick(row)))
        # the whole row's text at once (what ``fmt.columns`` leaves out too): only a suspect row has its
        # cells checked one by one
        if suspect(joined) and _refused_characters(fmt, line, values):
            continue
        yield line, values


def _refused_characters(fmt: ImportFormat[S], line: int, values: list[str]) -> bool:
    """Name each cell holding a control or bidi character (values in column order); True if any."""
    n_before = fmt.found
    for column, value in zip(fmt.columns, values, strict=True):
        problem = cell_problem(value, multiline=column in fmt.multiline)
        if problem is not None:
            fmt.error(line, column, problem)
    return fmt.found > n_before
