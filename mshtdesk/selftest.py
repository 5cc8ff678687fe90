"""``mshtdesk --self-test``: prove that this installation works, from a source checkout or a frozen build.

A frozen build fails at run time, not at build time, when a data file (the migrations, the fonts) or a
hidden import is missing. So the self-test walks the paths a user's first day takes, in a throwaway
folder with made-up data: an encrypted database, its migrations, a custody import, the disposal table,
a COM PDF, the main window (a step the UI adds: this module never imports Qt) and the audit chain. It
prints one line per step and exits 0, or names the step that failed and exits 1. Nothing is written
outside the temporary folder: the config and log folders point into it while the steps run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mshtdesk import __version__

if TYPE_CHECKING:
    from mshtdesk.services.backend import Backend

EXIT_OK, EXIT_FAILED = 0, 1
ADMIN, OFFICER, MANAGER = "selftest-admin", "selftest-officer", "selftest-manager"
PERIOD = (date(2024, 4, 1), date(2025, 3, 31))  # a financial year that holds every made-up arrest
AS_AT = date(2025, 6, 30)
REASON = "installation self-test (made-up data)"
# Made-up custody rows: reference, arrest date, district, offence, disposals (label, date) in order.
ARRESTS: tuple[tuple[str, str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("ST/24/000001", "2024-04-15", "LD", "Modern Slavery Act 2015 s.1", (("Bail", "2024-04-15"),)),
    ("ST/24/000002", "2024-05-02", "BD", "Modern Slavery Act 2015 s.2", (("Charge", "2024-05-03"),)),
    (
        "ST/24/000003",
        "2024-06-20",
        "KD",
        "Modern Slavery Act 2015 s.2",
        (("Released under investigation", "2024-06-20"), ("NFA", "2024-09-01")),
    ),
    ("ST/24/000004", "2024-08-08", "WD", "Modern Slavery Act 2015 s.1", (("NFA", "2024-08-08"),)),
    ("ST/24/000005", "2024-11-30", "CD", "Modern Slavery Act 2015 s.4", (("Charge", "2024-12-01"),)),
    ("ST/25/000006", "2025-02-14", "LD", "Modern Slavery Act 2015 s.1", (("Bail", "2025-02-14"),)),
)
CUSTODY_HEADER = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date"


class SelfTestError(Exception):
    """A step ran but found something wrong (as opposed to crashing)."""


@dataclass
class SelfTest:
    """What the steps share: the throwaway folder, the made-up accounts and their open sessions."""

    folder: Path
    password: str = field(default_factory=lambda: "St-" + secrets.token_urlsafe(18))
    backends: dict[str, Backend] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.folder / "selftest.db"

    def backend(self, username: str) -> Backend:
        return self.backends[username]

    def close(self) -> None:
        for backend in self.backends.values():
            backend.close()
        self.backends.clear()


Step = tuple[str, Callable[[SelfTest], None]]


def custody_csv() -> str:
    """A small custody export with made-up references: one row per disposal event."""
    lines = [CUSTODY_HEADER]
    for n, (ref, day, district, offence, disposals) in enumerate(ARRESTS, start=1):
        for label, when in disposals:
            lines.append(f"{ref},{day},{district},ST{n:07d},O1,{offence},{label},{when}")
    return "\r\n".join(lines) + "\r\n"


# ----- the steps ----------------------------------------------------------------------------------------
def create_database(run: SelfTest) -> None:
    from mshtdesk.domain.roles import Role
    from mshtdesk.services.backend import Backend
    from mshtdesk.store.engine import is_plain_sqlite

    admin = Backend.create(str(run.db_path), ADMIN, run.password, display_name="Self-test administrator")
    run.backends[ADMIN] = admin
    admin.users.add_user(OFFICER, "Self-test officer", Role.HTT_OFFICER, run.password)
    admin.users.add_user(MANAGER, "Self-test manager", Role.MANAGER, run.password)
    if is_plain_sqlite(run.db_path):
        raise SelfTestError(f"{run.db_path.name} was written unencrypted")


def migrate(run: SelfTest) -> None:
    """Logging in runs the migrations (a no-op by now); the schema must be at the newest one shipped."""
    from mshtdesk.services.backend import Backend
    from mshtdesk.store.migrate import current_revision, head_revision

    for username in (OFFICER, MANAGER):
        run.backends[username] = Backend.login(str(run.db_path), username, run.password)
    engine = run.backend(OFFICER).db.engine
    with engine.connect() as conn:
        current = current_revision(conn)
    if current != head_revision():
        raise SelfTestError(f"the database is at revision {current}, not {head_revision()}")


def import_custody(run: SelfTest) -> None:
    source = run.folder / "custody-export.csv"
    source.write_text(custody_csv(), encoding="utf-8", newline="")
    summary = run.backend(OFFICER).import_file(str(source))
    if summary.arrests_added != len(ARRESTS):
        raise SelfTestError(f"{summary.arrests_added} arrests imported, {len(ARRESTS)} expected")


def disposal_table(run: SelfTest) -> None:
    table = run.backend(OFFICER).disposal_table(*PERIOD, AS_AT)
    if table.total_arrests != len(ARRESTS):
        raise SelfTestError(f"the table counts {table.total_arrests} arrests, {len(ARRESTS)} expected")


def com_pdf(run: SelfTest) -> None:
    from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest

    request = ReportRequest(ReportKind.COM, *PERIOD, AS_AT)
    name = request.file_stem() + ".pdf"
    _run, data = run.backend(MANAGER).reports.produce(request, OutputFormat.PDF, name, REASON)
    if not data.startswith(b"%PDF-") or len(data) < 1000:
        raise SelfTestError(f"the COM PDF is not a PDF ({len(data)} bytes)")
    (run.folder / name).write_bytes(data)


def verify_audit(run: SelfTest) -> None:
    for username in (OFFICER, MANAGER):  # logging out is audited too: close the sessions first
        run.backends.pop(username).logout()
    result = run.backend(ADMIN).audit.verify()
    if not result.ok:
        raise SelfTestError(result.describe())


BEFORE_WINDOW: tuple[Step, ...] = (
    ("create an encrypted database", create_database),
    ("migrate it", migrate),
    ("import a custody file", import_custody),
    ("build the disposal table", disposal_table),
    ("build a COM PDF", com_pdf),
)
AFTER_WINDOW: tuple[Step, ...] = (("verify the audit chain", verify_audit),)
WINDOW_STEP = "open and close the main window"


# ----- running them -------------------------------------------------------------------------------------
@contextmanager
def _isolated(folder: Path) -> Iterator[None]:
    """Point the config and log folders (and the machine settings file) into ``folder`` while the steps
    run, and back afterwards."""
    from mshtdesk.logs import LOG_DIR_ENV
    from mshtdesk.machine import MACHINE_SETTINGS_ENV

    names = {
        LOG_DIR_ENV: folder / "logs",
        "MSHTDESK_CONFIG_DIR": folder / "config",
        MACHINE_SETTINGS_ENV: folder / "no-machine-settings.ini",  # a preset points at real data: never here
    }
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(path) for name, path in names.items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_self_test(
    out: TextIO | None = None,
    *,
    window: Callable[[SelfTest], None] | None = None,
    steps: Sequence[Step] | None = None,
) -> int:
    """Run the steps in a temporary folder; ``window`` is the UI's main-window step (None: skipped)."""
    out = out or sys.stdout
    skipped = steps is None and window is None
    if steps is None:
        middle: tuple[Step, ...] = ((WINDOW_STEP, window),) if window is not None else ()
        steps = (*BEFORE_WINDOW, *middle, *AFTER_WINDOW)
    how = "frozen" if getattr(sys, "frozen", False) else "from source"
    print(f"MSHT Desk {__version__} self-test ({how}, Python {sys.version.split()[0]})", file=out)
    folder = Path(tempfile.mkdtemp(prefix="mshtdesk-selftest-"))
    run = SelfTest(folder)
    try:
        with _isolated(folder):
            for name, step in steps:
                started = time.perf_counter()
                try:
                    step(run)
                except Exception as exc:  # noqa: BLE001 - every failure is reported against its step
                    detail = str(exc) if isinstance(exc, SelfTestError) else f"{type(exc).__name__}: {exc}"
                    print(f"  FAILED  {name}: {detail}", file=out)
                    if not isinstance(exc, SelfTestError):
                        traceback.print_exc(file=sys.stderr)  # made-up data only: safe to show
                    print(f'Self-test failed at step "{name}".', file=out)
                    return EXIT_FAILED
                print(f"  ok      {name} ({time.perf_counter() - started:.1f} s)", file=out)
            if skipped:
                print(f"  skipped {WINDOW_STEP} (run 'mshtdesk --self-test' for the app's own)", file=out)
    finally:
        run.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("Self-test passed.", file=out)
    return EXIT_OK
