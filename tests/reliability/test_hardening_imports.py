"""Issue 10, items 4 and 11: an import reads its file in bounded pieces, refuses what is not a regular file
or is over a stated size or row length (nothing written, the limit named), keeps decoding as it was, and
says how many problems there were when it lists only the first 1,000.

``import arrests /dev/zero`` once grew to 24 GB before the system killed it: every test here that feeds
the importer something endless or huge also checks that it ends quickly and that memory stays small.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mshtdesk.domain.roles import Role
from mshtdesk.errors import ImportRejectedError, StoreError
from mshtdesk.imports.source import MAX_BYTES_ENV, MAX_ROW_ENV, Limits, open_source, parse_size
from mshtdesk.services.backend import Backend
from mshtdesk.store.tables import ARREST, EVENT, IMPORT_BATCH, NRM_REFERRAL, OFFENCE, PERSON
from tests import both_engines
from tests.cli.test_cli import mshtdesk
from tests.conftest import DATA, SEED_EXPORT

HEADER = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
ROW = "A{n},2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n"
NRM_HEADER = (DATA / "nrm_register.csv").read_text(encoding="utf-8").splitlines()[0] + "\n"
TABLES = (ARREST, OFFENCE, EVENT, IMPORT_BATCH, PERSON, NRM_REFERRAL)

database, db_address = both_engines.database, both_engines.db_address  # every test on both engines


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES)


def importers(b: Backend) -> list[Callable[[str], object]]:
    return [b.import_file, b.import_nrm_file]


@pytest.fixture
def measured() -> Iterator[Callable[[], tuple[float, int]]]:
    """``elapsed()`` -> (seconds since the test started it, peak bytes allocated by Python meanwhile)."""
    tracemalloc.start()
    start = time.monotonic()
    yield lambda: (time.monotonic() - start, tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()


# ----- what may be read at all ------------------------------------------------------------------------
def test_a_3gb_sparse_file_is_refused_before_a_byte_is_read(
    backend: Backend, tmp_path: Path, measured: Callable[[], tuple[float, int]]
) -> None:
    big = tmp_path / "huge.csv"
    with open(big, "wb") as fh:
        fh.write(HEADER.encode())
    os.truncate(big, 3 * 1024**3)  # sparse: takes no disk space, reads as NUL bytes
    before = counts(backend)
    for importer in importers(backend):
        with pytest.raises(StoreError) as info:
            importer(str(big))
        message = str(info.value)
        assert "3.0 GB, larger than 2.0 GB, the largest import file allowed" in message
        assert "nothing was written" in message and MAX_BYTES_ENV in message
    seconds, peak = measured()
    assert seconds < 5 and peak < 5 * 1024**2
    assert counts(backend) == before


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_as_a_device(backend: Backend, measured: Callable[[], tuple[float, int]]) -> None:
    for importer in importers(backend):
        with pytest.raises(StoreError, match=r"^/dev/zero is a device, not a file; nothing was read\."):
            importer("/dev/zero")
    seconds, peak = measured()
    assert seconds < 5 and peak < 5 * 1024**2


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_the_cli_refuses_dev_zero_at_once(db_address: str) -> None:
    start = time.monotonic()
    r = mshtdesk("--db", db_address, "import", "arrests", "/dev/zero")
    assert r.returncode == 1 and time.monotonic() - start < 60
    assert r.stderr.strip() == (
        "/dev/zero is a device, not a file; nothing was read. Save the export as a .csv file and import that."
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(backend: Backend, tmp_path: Path) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(backend.import_file(str(fifo)))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # blocked opening the pipe: let it go before failing
        with open(fifo, "wb"):
            pass
        worker.join(10)
        pytest.fail("the import waited for a writer on a named pipe")
    (result,) = outcome
    assert isinstance(result, StoreError) and "is a pipe, not a file" in str(result)


def test_a_folder_and_a_missing_file_are_refused(backend: Backend, tmp_path: Path) -> None:
    for importer in importers(backend):
        with pytest.raises(StoreError, match="is a folder, not a file"):
            importer(str(tmp_path))
        with pytest.raises(StoreError, match="There is no file at"):
            importer(str(tmp_path / "missing.csv"))


def test_the_size_limit_is_set_by_an_environment_variable(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MAX_BYTES_ENV, "4K")
    assert SEED_EXPORT.stat().st_size > 4096
    with pytest.raises(StoreError, match=r"larger than 4\.0 KB, the largest import file allowed"):
        backend.import_file(str(SEED_EXPORT))
    with pytest.raises(StoreError, match=r"larger than 4\.0 KB"):  # bytes handed over: the same limit
        backend.import_custody(SEED_EXPORT.read_bytes(), "seed.csv")
    assert counts(backend) == (0,) * len(TABLES)
    monkeypatch.setenv(MAX_BYTES_ENV, "lots")
    with pytest.raises(StoreError, match=f"{MAX_BYTES_ENV} is not valid: 'lots' is not a size"):
        backend.import_file(str(SEED_EXPORT))
    monkeypatch.setenv(MAX_BYTES_ENV, "1M")
    assert backend.import_file(str(SEED_EXPORT)).arrests_added == 141
    assert (
        parse_size("2G") == 2 * 1024**3 and parse_size("1500") == 1500 and parse_size("10mb") == 10 * 1024**2
    )
    assert Limits.from_env({}) == Limits()


# ----- lines and rows ---------------------------------------------------------------------------------
def test_a_line_over_the_limit_is_refused_with_its_line_number(
    backend: Backend, tmp_path: Path, measured: Callable[[], tuple[float, int]]
) -> None:
    path = tmp_path / "long.csv"
    long_ref = "R" * 1_100_000  # one unquoted cell: the csv module alone would hold it whole
    path.write_text(HEADER + ROW.format(n=1) + f"{long_ref},2022-01-10,BD,,O1,x,,\n" + ROW.format(n=2))
    before = counts(backend)
    with pytest.raises(ImportRejectedError) as info:
        backend.import_file(str(path))
    (error,) = info.value.errors
    assert (error.line, error.column) == (3, "row")
    assert "longer than 1,000,000 characters, the most one row may hold" in error.reason
    assert MAX_ROW_ENV in error.reason and len(str(error)) < 400
    assert counts(backend) == before
    seconds, peak = measured()
    assert peak < 30 * 1024**2, f"peak {peak:,} bytes"


def test_a_file_with_no_line_ends_is_refused_in_bounded_memory(
    backend: Backend, tmp_path: Path, measured: Callable[[], tuple[float, int]]
) -> None:
    path = tmp_path / "one_line.csv"
    with open(path, "wb") as fh:
        for _ in range(40):
            fh.write(b"x," * (1024**2 // 2))  # 40 MB with no line end: the whole file is "line 1"
    for importer in importers(backend):
        with pytest.raises(ImportRejectedError) as info:
            importer(str(path))
        assert [(e.line, e.column) for e in info.value.errors] == [(1, "row")]
    seconds, peak = measured()
    assert peak < 30 * 1024**2, f"peak {peak:,} bytes: the file was read whole"
    assert seconds < 30


def test_a_quoted_cell_over_many_lines_counts_as_one_row(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MAX_ROW_ENV, "10K")
    path = tmp_path / "open_quote.csv"
    body = "".join(f"line {i} of an unclosed quote\n" for i in range(2000))
    path.write_text(HEADER + ROW.format(n=1) + 'A2,2022-01-10,BD,,O1,"' + body, encoding="utf-8")
    with pytest.raises(ImportRejectedError) as info:
        backend.import_file(str(path))
    (error,) = info.value.errors
    assert error.column == "row" and "longer than 10,240 characters" in error.reason
    assert 300 < error.line < 400  # where the row passed the limit, counted in physical lines


# ----- decoding as before ------------------------------------------------------------------------------
def test_a_streamed_file_decodes_as_before(backend: Backend, tmp_path: Path) -> None:
    """BOM, CRLF line ends, semicolons, a quoted cell over two lines, a file bigger than one read."""
    rows = [f"A{n};2022-01-10;BD;N{n};O1;MSA s.2;RUI;2022-01-10" for n in range(4000)]
    rows.append('B1;2022-01-10;BD;;O1;"Modern Slavery Act 2015 s.2,\r\nwith a wrapped line";NFA;2022-01-11')
    data = "\ufeff" + HEADER.replace(",", ";").replace("\n", "\r\n") + "\r\n".join(rows) + "\r\n"
    path = tmp_path / "semi.csv"
    path.write_bytes(data.encode("utf-8"))
    summary = backend.import_file(str(path))
    assert (summary.rows_read, summary.arrests_added, summary.events_added) == (4001, 4001, 4001)
    detail = backend.register.get(backend.register.find_id("B1"), consult=False)
    assert detail.offences[0].offence_text == "Modern Slavery Act 2015 s.2,\r\nwith a wrapped line"
    with backend.db.engine.connect() as conn:
        stored = conn.execute(select(IMPORT_BATCH.c.sha256)).scalar_one()
    assert stored == hashlib.sha256(path.read_bytes()).hexdigest()  # hashed as read, every byte


def test_a_bad_byte_deep_in_the_file_is_named_by_its_line(backend: Backend, tmp_path: Path) -> None:
    text = HEADER + "".join(ROW.format(n=n) for n in range(5000))
    data = text.encode() + "C1,2022-01-10,BD,,O1,Caf\xe9,,\n".encode("latin-1")
    path = tmp_path / "latin.csv"
    path.write_bytes(data)
    with pytest.raises(ImportRejectedError) as info:
        backend.import_file(str(path))
    assert [(e.line, e.column) for e in info.value.errors] == [(5002, "file")]
    assert "not UTF-8" in info.value.errors[0].reason
    assert counts(backend) == (0,) * len(TABLES)


def test_an_open_file_is_closed_after_the_import(backend: Backend) -> None:
    with open_source(str(SEED_EXPORT)) as source:
        backend.import_custody(source, "seed.csv", dry_run=True)
    assert source._fh.closed


# ----- item 11: the problem list is cut, and says so ----------------------------------------------------
def _six_thousand_bad_rows(tmp_path: Path) -> tuple[Path, Path]:
    custody = tmp_path / "bad_custody.csv"
    custody.write_text(HEADER + "".join(f"A{n},2022-02-30,BD,,O1,x,,\n" for n in range(6000)))
    nrm = tmp_path / "bad_nrm.csv"
    nrm.write_text(
        NRM_HEADER
        + "".join(f"R{n},P{n},,,,,,Taxi,2023-03-01,adult,adult,,,13/1/23,,,,,\n" for n in range(6000))
    )
    return custody, nrm


def test_six_thousand_problems_are_counted_and_the_first_thousand_listed(
    backend_for: Callable[[Role], Backend], tmp_path: Path
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    for path, importer in zip(_six_thousand_bad_rows(tmp_path), importers(officer), strict=True):
        with pytest.raises(ImportRejectedError) as info:
            importer(str(path))
        exc = info.value
        assert (len(exc.errors), exc.found, exc.rows_read) == (1000, 6000, 6000)
        assert str(exc) == (
            "The file was not imported: 6,000 problems found in 6,000 rows, and nothing was written. "
            "Showing the first 1,000 of 6,000 problems. Correct the rows listed and import the file again."
        )
        assert exc.errors[0].line == 2 and exc.errors[-1].line == 1001


def test_the_cli_says_the_list_is_cut_and_gives_the_total(db_address: str, tmp_path: Path) -> None:
    custody, nrm = _six_thousand_bad_rows(tmp_path)
    for what, path in (("arrests", custody), ("nrm", nrm)):
        r = mshtdesk("--db", db_address, "import", what, str(path))
        assert r.returncode == 1
        lines = r.stderr.splitlines()
        assert "6,000 problems found in 6,000 rows" in lines[0]
        assert "Showing the first 1,000 of 6,000 problems." in lines[0]
        assert len([x for x in lines if x.startswith("  line ")]) == 1000
        assert lines[-1] == "  ... and 5,000 more problems not listed."


# ----- what the bulk write must not reinterpret ---------------------------------------------------------
#: Text that means something to PostgreSQL's COPY (its NULL mark, end-of-data mark and escapes) or to SQL.
AWKWARD = ("\\N", "\\.", "a\\b", "back\\\\slash", "line\\nbreak", "O'Neill; DROP TABLE arrest", 'say "hi"')


def test_text_that_means_something_to_copy_or_sql_is_stored_as_written(backend: Backend) -> None:
    """Imports write by one COPY a table on a team server: every awkward cell comes back as it was
    written, and an empty cell is still NULL where the column allows none (a person's missing date of
    birth), never the text ``\\N``."""

    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    custody = "".join(
        f"AWK/{n},2022-01-10,BD,{cell(t)},O1,{cell(t)},RUI,2022-01-10\n" for n, t in enumerate(AWKWARD)
    )
    backend.import_custody((HEADER + custody).encode(), "awkward.csv")
    nrm = "".join(
        f"NRM-AWK-{n},V-AWK-{n},{cell(t)},Anna,,female,Polish,NRM,2023-02-06,adult,adult,Labour,UK,"
        f"13/{n}/23,,positive,2023-02-13,,\n"
        for n, t in enumerate(AWKWARD)
    )
    backend.import_nrm((NRM_HEADER + nrm).encode(), "awkward-nrm.csv")
    with backend.db.engine.connect() as conn:
        arrests = conn.execute(
            select(ARREST.c.detainee_ref, OFFENCE.c.offence_text)
            .join(OFFENCE, OFFENCE.c.arrest_id == ARREST.c.id)
            .where(ARREST.c.custody_ref.like("AWK/%"))
            .order_by(ARREST.c.id)
        ).all()
        people = conn.execute(
            select(PERSON.c.surname, PERSON.c.date_of_birth)
            .where(PERSON.c.person_ref.like("V-AWK-%"))
            .order_by(PERSON.c.id)
        ).all()
    assert [tuple(r) for r in arrests] == [(t, t) for t in AWKWARD]
    assert [tuple(r) for r in people] == [(t, None) for t in AWKWARD]


def test_a_dry_run_writes_nothing_though_its_rows_went_in(backend: Backend) -> None:
    """A dry run writes its rows (by COPY on a team server) and rolls them back: it says what would be
    added, and afterwards nothing is stored and the same file still adds everything."""
    tried = backend.import_file(str(SEED_EXPORT), dry_run=True)
    assert tried.arrests_added > 100 and tried.batch_id is None
    assert counts(backend) == (0,) * len(TABLES)
    done = backend.import_file(str(SEED_EXPORT))
    assert (done.arrests_added, done.events_added) == (tried.arrests_added, tried.events_added)
