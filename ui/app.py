"""Composition root: creates the application, the window, the worker and, on the worker, the backend.

The window is shown before anything slow happens. Importing the data layer (SQLAlchemy, SQLModel) costs
about 0.6 s here, so it is imported and the database opened on the worker while the window says
"Opening database…". ``MSHTDESK_STARTUP_PROBE=1`` prints ``first-paint-ms N`` (milliseconds from
``ui.launcher.STARTED_AT``, i.e. wall-clock time since the entry module began) after the first paint,
then quits: a start-up benchmark that needs no screen scraping.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mshtdesk.errors import CancelledError, MshtError
from ui import error_report
from ui.context import AppContext, ReferenceData
from ui.events import AppEvents
from ui.main_window import MainWindow
from ui.pages import PAGES
from ui.paths import resource
from ui.settings import open_settings
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from mshtdesk.services.backend import Backend

log = logging.getLogger("ui")
PROBE_ENV = "MSHTDESK_STARTUP_PROBE"


def open_backend(
    db: str | None, demo_dir: Path | None, cancelled: Callable[[], bool] = lambda: False
) -> tuple[Backend, ReferenceData]:
    """Worker-side: import the data layer, open (and migrate) the database; fill a demo one.

    If the app is closed meanwhile (``cancelled``), the database is closed again rather than leaked.
    """
    from mshtdesk.services.backend import Backend

    if demo_dir is not None:
        backend = Backend.open(str(demo_dir / "demo.db"))
        try:
            from mshtdesk.services.demo import fill_demo

            fill_demo(backend.db)
        except BaseException:
            backend.close()
            raise
    else:
        backend = Backend.open(db)
    try:
        if cancelled():
            raise CancelledError()
        return backend, ReferenceData.load(backend)
    except BaseException:
        backend.close()
        raise


class AppController(QObject):
    """Owns the long-lived objects and their order of creation and shut-down."""

    def __init__(self, settings: QSettings, *, db: str | None, demo: bool) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.demo = demo
        self.demo_dir: Path | None = None
        self.backend: Backend | None = None
        self.tasks = TaskRunner()
        self.events = AppEvents()
        self.window = MainWindow(settings, PAGES)
        if demo:
            self.window.setWindowTitle("MSHT Desk \u2014 demonstration data")
        self.window.retry_requested.connect(self.open)

    def open(self) -> None:
        self.window.show_opening(
            "Creating a demonstration register with made-up arrests\u2026"
            if self.demo
            else "MSHT Desk is getting the register ready."
        )
        if self.demo:
            self._remove_demo_dir()
            self.demo_dir = Path(tempfile.mkdtemp(prefix="mshtdesk-demo-"))
        demo_dir, db = self.demo_dir, self.db
        self.tasks.run(
            lambda job: open_backend(db, demo_dir, job.cancelled),
            done=self._opened,
            failed=self._open_failed,
            owner=self.window,
            context="opening the database",
        )

    def _opened(self, result: tuple[Backend, ReferenceData]) -> None:
        backend, reference = result
        self.backend = backend
        ctx = AppContext(backend, self.tasks, self.events, reference, self.settings)
        self.window.attach(ctx)
        log.info("database opened")

    def _open_failed(self, exc: BaseException) -> None:
        if isinstance(exc, MshtError):
            message = str(exc)
            self.window.show_open_failed(message)
            error_report.show_message(self.window, "MSHT Desk", message, critical=True)
        else:
            error_report.log_bug(exc, "opening the database")
            self.window.show_open_failed(error_report.APOLOGY)
            error_report.show_message(self.window, "MSHT Desk", error_report.APOLOGY, critical=True)

    def shutdown(self) -> None:
        """Stop the worker first (it may be using the database), then close the database."""
        self.tasks.shutdown()
        if self.backend is not None:
            self.backend.close()
            self.backend = None
        self._remove_demo_dir()

    def _remove_demo_dir(self) -> None:
        if self.demo_dir is not None:
            shutil.rmtree(self.demo_dir, ignore_errors=True)
            self.demo_dir = None


class FirstPaintProbe(QObject):
    """Prints the time to the window's first paint, then quits the application."""

    def __init__(self, window: QWidget, started_at: float) -> None:
        super().__init__(window)
        self._started = started_at
        self._fired = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._fired:
            self._fired = True
            QTimer.singleShot(0, self._report)  # after this paint has completed
        return False

    def _report(self) -> None:
        ms = (time.time() - self._started) * 1000
        sys.stdout.write(f"first-paint-ms {ms:.0f}\n")
        sys.stdout.flush()
        QApplication.quit()


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("MSHT Desk")
    app.setOrganizationName("MSHT Desk")
    try:
        app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
    except OSError:
        log.warning("style sheet not found; using the platform style")
    return app


def run_app(db: str | None = None, demo: bool = False, *, started_at: float | None = None) -> int:
    """Open the main window; returns the process exit code."""
    started = started_at if started_at is not None else time.time()
    from ui.logs import setup_logging

    setup_logging()
    app = create_application()
    controller = AppController(open_settings(), db=db, demo=demo)
    window = controller.window
    if os.environ.get(PROBE_ENV) == "1":
        FirstPaintProbe(window, started)
    window.show()
    controller.open()
    previous_hook = sys.excepthook
    sys.excepthook = _bug_hook(window)
    app.aboutToQuit.connect(window.save_window)
    _quit_on_signals(app)
    try:
        return app.exec()
    finally:
        sys.excepthook = previous_hook
        controller.shutdown()
        log.info("closed")


def _quit_on_signals(app: QApplication) -> QTimer:
    """Ctrl+C in a terminal, or a session log-off's SIGTERM, closes the app the normal way, so the
    window state is saved and a demo folder deleted. Python only sees signals while it runs bytecode,
    so a cheap timer wakes the interpreter a few times a second."""

    def close(_signum: int, _frame: object) -> None:
        app.quit()

    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return timer


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def _bug_hook(window: QWidget) -> ExceptHook:
    """An exception escaping a slot is a bug: log it (without its message) and apologise once."""
    shown: list[QMessageBox] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        exc.__traceback__ = tb
        error_report.log_bug(exc, "handling a user action")
        if not any(shiboken6.isValid(box) and box.isVisible() for box in shown):
            shown[:] = [error_report.show_message(window, "MSHT Desk", error_report.APOLOGY, critical=True)]

    return hook
