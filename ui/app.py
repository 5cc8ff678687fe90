"""Composition root: creates the application, the window, the worker, and the session of a logged-in user.

The window is shown before anything slow happens. Importing the data layer (SQLAlchemy, SQLModel) costs
about 0.6 s here, so it is imported on the worker while the window says "Getting ready…"; then the login
dialog opens over the window (or the first-administrator form, for a new or unencrypted database). The
password check and opening the encrypted database run on the worker too. After login, the window gets the
pages of the user's role; after N idle minutes it locks; Log out ends the session and logs in again.

``MSHTDESK_STARTUP_PROBE=1`` prints ``first-paint-ms N`` (milliseconds from ``ui.launcher.STARTED_AT``,
i.e. wall-clock time since the entry module began) after the first paint, then quits: a start-up
benchmark that needs no screen scraping and never waits for a login.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from mshtdesk.domain.changes import Changes
from mshtdesk.errors import (
    AccountLockedError,
    CancelledError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    MshtError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    environmental,
)
from ui import error_report, theme
from ui.context import AppContext, ReferenceData
from ui.dialogs.failure_dialogs import (
    Failure,
    FailureDialog,
    failure_for,
    network_share_failure,
    show_failure,
)
from ui.dialogs.login_dialog import LoginDialog, Mode
from ui.dialogs.server_dialog import ServerDialog
from ui.idle import IdleWatcher, idle_lock_minutes
from ui.main_window import MainWindow
from ui.pages import PAGES
from ui.paths import resource
from ui.settings import open_settings
from ui.tasks import Job, TaskRunner
from ui.widgets.focus_ring import install_focus_ring

if TYPE_CHECKING:
    from mshtdesk.demo.users import DemoUser
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.team import Watch

log = logging.getLogger("ui")
FILE_TROUBLE = (
    CorruptDatabaseError,
    NewerDatabaseError,
    DatabaseLockedError,
    ReadOnlyDatabaseError,
    DiskFullError,
)  # at login, these get a dialog saying what to do (others are said on the login form)
PROBE_ENV = "MSHTDESK_STARTUP_PROBE"


# ----- worker side: nothing here touches a widget ---------------------------------------------------
@dataclass(frozen=True)
class Session:
    """A logged-in user's backend and the reference lists read for them."""

    backend: Backend
    reference: ReferenceData

    def close(self) -> None:
        self.backend.close()


@dataclass(frozen=True)
class Probe:
    location: str  # for the login dialog: a file, or a server without its password
    mode: Mode


def probe_database(db: str | None) -> Probe:
    """Import the data layer (so the login that follows is quick) and choose the dialog's first form.

    Only a hint: a new file gets the first-administrator form, a plain SQLite file the conversion form,
    anything else the login; the services have the last word (``FirstAdministratorNeededError``).
    """
    from mshtdesk.services.users import database_state

    found = database_state(db)
    mode = {"missing": Mode.CREATE, "plain": Mode.CONVERT}.get(found.state, Mode.LOGIN)
    return Probe(found.location, mode)


def _session(backend: Backend, cancelled: Callable[[], bool]) -> Session:
    """Read the reference lists; if the app was closed meanwhile, log out again rather than leak."""
    try:
        if cancelled():
            raise CancelledError()
        return Session(backend, ReferenceData.load(backend))
    except CancelledError:
        backend.logout()
        raise
    except BaseException:
        backend.close()
        raise


def open_session(
    db: str | None,
    username: str,
    password: str,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Session:
    from mshtdesk.services.backend import Backend

    return _session(Backend.login(db, username, password, progress=progress), cancelled)


def create_session(
    db: str | None,
    username: str,
    display_name: str,
    password: str,
    cancelled: Callable[[], bool] = lambda: False,
) -> Session:
    from mshtdesk.services.backend import Backend

    return _session(Backend.create(db, username, password, display_name=display_name), cancelled)


def prepare_demo(folder: Path) -> tuple[str, tuple[DemoUser, ...]]:
    """A throwaway encrypted database with one account per role and made-up arrests (~5 s)."""
    from mshtdesk.demo.database import create_demo_database

    path = str(folder / "demo.db")
    database, users = create_demo_database(path)
    database.close()  # each demo user logs in for real, through the dialog
    return path, users


def unlock_is_final(exc: BaseException) -> bool:
    """After a failed unlock, whether typing again can help: not once the account is locked out."""
    return isinstance(exc, AccountLockedError)


SERVER_SETTING = "team/server"  # the address of the team server this user chose (no password in it)


def team_choice_allowed() -> bool:
    """Whether a user may choose a team server: not when ``MSHTDESK_DB`` or a locked machine preset
    (``mshtdesk.machine``) decides the database for them."""
    from mshtdesk.machine import machine_settings

    machine = machine_settings()
    return not os.environ.get("MSHTDESK_DB") and not (machine.locked and machine.database)


def remembered_server(settings: QSettings) -> str | None:
    value = settings.value(SERVER_SETTING)
    return value if isinstance(value, str) and value.strip() else None


# ----- GUI side --------------------------------------------------------------------------------------
class AppController(QObject):
    """Owns the long-lived objects, the session, and their order of creation and shut-down."""

    # From the worker, when logging in failed because of the file itself: the error and the
    # credentials typed (a damaged file's backup is unlocked with them). Delivered on the GUI thread.
    store_failed = Signal(object, object)
    # From the team server's watcher thread: what other users changed, and whether it is listening.
    others_changed = Signal(object)
    server_state = Signal(bool)

    def __init__(
        self, settings: QSettings, *, db: str | None, demo: bool, idle_minutes: float | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.db_given = db
        self.team = not demo and team_choice_allowed()
        self.db = db if db or not self.team else remembered_server(settings)
        self.demo = demo
        self.demo_dir: Path | None = None
        self.demo_users: tuple[DemoUser, ...] = ()
        self.location = ""
        self.session: Session | None = None
        self.login: LoginDialog | None = None
        self.server_dialog: ServerDialog | None = None  # the last one shown (tests, screenshots)
        self.tasks = TaskRunner()
        self.window = MainWindow(settings, PAGES)
        if demo:
            self.window.base_title = "MSHT Desk \u2014 demonstration data"
            self.window.setWindowTitle(self.window.base_title)
            self.window.title_note = " (demonstration data)"
        minutes = idle_minutes if idle_minutes is not None else idle_lock_minutes(settings)
        self.idle = IdleWatcher(minutes, self)
        self.idle.idle.connect(lambda: self.lock(idle=True))
        self.window.retry_requested.connect(self.open)
        self.window.lock_requested.connect(lambda: self.lock(idle=False))
        self.window.logout_requested.connect(self.log_out)
        self.window.unlock_requested.connect(self.unlock)
        self.failure_dialog: FailureDialog | None = None  # the last one shown (tests, screenshots)
        self.store_failed.connect(self._store_failed, Qt.ConnectionType.QueuedConnection)
        self.others_changed.connect(self._others_changed, Qt.ConnectionType.QueuedConnection)
        self.server_state.connect(self._server_state, Qt.ConnectionType.QueuedConnection)
        self.tasks.connection.connect(self._server_state)  # a job that met the lost connection first
        self.watch: Watch | None = None
        self.server_lost = False
        self.server_label: QLabel | None = None

    @property
    def backend(self) -> Backend | None:
        return self.session.backend if self.session is not None else None

    # ----- opening -----------------------------------------------------------------------------
    def open(self) -> None:
        """Get ready on the worker (a demo database, or a look at the file), then ask who is there."""
        if self.demo:
            self.window.show_opening(
                "Creating a throwaway database with one account per role and made-up arrests.",
                title="Preparing demo data\u2026",
            )
            self._remove_demo_dir()
            self.demo_dir = Path(tempfile.mkdtemp(prefix="mshtdesk-demo-"))
            folder = self.demo_dir
            self.tasks.run(
                lambda _job: prepare_demo(folder),
                done=self._demo_ready,
                failed=self._open_failed,
                owner=self.window,
                context="preparing the demo database",
            )
            return
        self.window.show_opening("MSHT Desk is getting ready.", title="Getting ready\u2026")
        db = self.db
        self.tasks.run(
            lambda _job: probe_database(db),
            done=self._probed,
            failed=self._open_failed,
            owner=self.window,
            context="looking for the database",
        )

    def _demo_ready(self, result: tuple[str, tuple[DemoUser, ...]]) -> None:
        self.db, self.demo_users = result
        self.location = result[0]
        self.show_login(Mode.LOGIN)

    def _probed(self, probe: Probe) -> None:
        self.location = probe.location
        self.show_login(probe.mode)

    def _open_failed(self, exc: BaseException) -> None:
        found = environmental(exc)
        if isinstance(found, FILE_TROUBLE):
            self.window.show_open_failed(str(found))
            self._store_failed(found)
            return
        if isinstance(exc, MshtError):
            message = str(exc)
        else:
            error_report.log_bug(exc, "opening the database")
            message = error_report.APOLOGY
        self.window.show_open_failed(message)
        error_report.show_message(self.window, "MSHT Desk", message, critical=True)

    # ----- logging in --------------------------------------------------------------------------
    def show_login(self, mode: Mode = Mode.LOGIN) -> LoginDialog:
        self.window.show_waiting(
            "Log in to continue" if mode is Mode.LOGIN else "Create the first administrator",
            "MSHT Desk shows the register once you have logged in.",
        )
        db = self.db
        dialog = LoginDialog(
            self.tasks,
            location=self.location,
            sign_in=lambda user, password, job: self._watched(
                lambda: open_session(db, user, password, job.cancelled, job.progress), user, password
            ),
            create=lambda user, name, password, job: create_session(db, user, name, password, job.cancelled),
            mode=mode,
            demo_users=self.demo_users,
            offer_server=self.team,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.signed_in.connect(self.start_session)
        dialog.quit_requested.connect(self.quit)
        dialog.server_requested.connect(self.ask_server)
        self.login = dialog
        dialog.open()
        return dialog

    # ----- team mode: which database ------------------------------------------------------------
    def ask_server(self) -> ServerDialog:
        """ "Connect to a team server…": the address is remembered for this user, never a password."""
        from mshtdesk.services.team import address_parts, is_team_address, team_address

        on_server = bool(self.db) and is_team_address(self.db)
        parent = self.login if self.login is not None and shiboken6.isValid(self.login) else self.window
        dialog = ServerDialog(
            lambda host, database, port, user: team_address(host, database, port=port, user=user),
            current=address_parts(self.db) if on_server else ("", "", "", ""),
            on_server=on_server,
            parent=parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self._server_chosen)
        dialog.use_file.connect(self._file_chosen)
        self.server_dialog = dialog
        dialog.open()
        if on_server and self.login is not None and self.login.server_password_needed:
            dialog.password.setFocus()  # the server asked for one: that is what is missing
        return dialog

    def _server_chosen(self, address: str, password: str) -> None:
        if password:
            from mshtdesk.services.team import use_password

            use_password(address, password)  # this process's memory only
        self.settings.setValue(SERVER_SETTING, address)
        self.settings.sync()
        self._reopen(address)

    def _file_chosen(self) -> None:
        self.settings.remove(SERVER_SETTING)
        self.settings.sync()
        self._reopen(self.db_given)

    def _reopen(self, db: str | None) -> None:
        if self.login is not None and shiboken6.isValid(self.login):
            self.login.done(0)
        self.login = None
        self.db = db
        self.open()

    def start_session(self, session: Session) -> None:
        """Attach the pages of this user's role, and start watching for idleness."""
        self.login = None
        self.session = session
        ctx = AppContext(session.backend, self.tasks, session.reference, self.settings)
        self.window.attach(ctx)
        self.window.activateWindow()  # the keyboard goes back to the window the login dialog covered
        self.tasks.publish(Changes.everything())  # another user sees other records: every open view re-reads
        self._watch(session.backend)
        self.idle.start()
        log.info("session started")  # no user name: the audit log records who
        self._after_login(session.backend)

    # ----- team server: other users' changes ----------------------------------------------------
    def _watch(self, backend: Backend) -> None:
        """On a team server, open views re-read when someone else saves, imports or corrects."""
        from mshtdesk.services.team import watch_changes

        self._unwatch()
        self.watch = watch_changes(backend.db, self.others_changed.emit, self.server_state.emit)

    def _unwatch(self) -> None:
        watch, self.watch = self.watch, None
        if watch is not None:
            watch.stop()

    def _others_changed(self, changes: Changes) -> None:
        if self.session is not None and self.watch is not None:
            self.tasks.publish(
                changes, elsewhere=True
            )  # each page re-reads what it shows, keeping its selection

    def _server_state(self, listening: bool) -> None:
        """A lost connection stays said beside the marking (not over it) until the app is back."""
        if self.session is None:
            return
        label = self._server_label()
        label.setVisible(not listening)
        if listening and self.server_lost:
            self.window.statusBar().showMessage(
                "Connected to the team server again; the views are up to date.", 15_000
            )
            self.tasks.publish(Changes.everything(), elsewhere=True)  # whatever happened meanwhile
        self.server_lost = not listening

    def _server_label(self) -> QLabel:
        if self.server_label is None:
            from ui import palette

            label = QLabel("Server connection lost: retrying\u2026")
            label.setToolTip(
                "The connection to the team server was lost. MSHT Desk tries again by itself and keeps "
                "what you have typed; the views re-read once it is back."
            )
            label.setObjectName("serverState")
            label.setStyleSheet(f"color: {palette.ALERT_HEX}; font-weight: bold;")
            label.setAccessibleName("Team server connection")
            self.window.statusBar().addPermanentWidget(label)
            self.server_label = label
        return self.server_label

    # ----- the database file's health ----------------------------------------------------------
    def _watched(self, work: Callable[[], Session], username: str, password: str) -> Session:
        """On the worker: log in; if the file itself is the trouble (damaged, newer, read-only, full,
        busy), tell the GUI, which explains it in a dialog and offers the way forward."""
        try:
            return work()
        except Exception as exc:
            found = environmental(exc)
            if isinstance(found, FILE_TROUBLE):
                self.store_failed.emit(found, (username, password))
            raise

    def _store_failed(
        self, exc: BaseException, credentials: tuple[str, str] | None = None
    ) -> FailureDialog | None:
        failure = failure_for(exc)
        if failure is None:
            return None
        parent = self.login if self.login is not None and shiboken6.isValid(self.login) else self.window
        dialog = show_failure(parent, failure)
        if failure.restore and credentials is not None:
            dialog.restore_requested.connect(lambda: self.restore_latest(credentials))
        self.failure_dialog = dialog
        return dialog

    def restore_latest(self, credentials: tuple[str, str]) -> None:
        """Put the newest good backup in place of a damaged file (the user's password unlocks the key)."""
        db = self.db
        username, password = credentials

        def work(_job: Job) -> object:
            from mshtdesk.services.backups import restore_latest_good

            return restore_latest_good(db, username, password)

        self.tasks.run(
            work,
            done=self._restored,
            failed=self._restore_failed,
            owner=self,
            progress="Restoring the latest good backup\u2026",
            context="restoring the latest good backup",
        )

    def _restored(self, result: object) -> None:
        source = Path(str(getattr(result, "restored_from", "")))
        parent = self.login if self.login is not None and shiboken6.isValid(self.login) else self.window
        error_report.show_message(
            parent,
            "Backup restored",
            f"The database was restored from the backup {source.name}. The damaged file was kept beside "
            "it. Log in again; anything entered after that backup will need entering again.",
        )

    def _restore_failed(self, exc: BaseException) -> None:
        parent = self.login if self.login is not None and shiboken6.isValid(self.login) else self.window
        error_report.report(parent, exc, "restoring the latest good backup")

    def _after_login(self, backend: Backend) -> None:
        """A warning for a file on a network drive; the automatic backup at the first start of the day."""
        backups = backend.backups
        self.tasks.run(
            lambda _job: backups.network_warning(),
            done=self._network_checked,
            failed=lambda _exc: None,  # only advice: never in the way of work
            owner=self.window,
            context="looking where the database is",
        )
        if self.demo:
            return  # a throwaway demo database is deleted on exit: nothing to keep
        self.tasks.run(
            lambda _job: backups.daily(),
            done=self._daily_done,
            failed=self._daily_failed,
            owner=self.window,
            context="the daily backup",
        )

    def _network_checked(self, warning: object) -> None:
        if isinstance(warning, str) and warning:
            self.failure_dialog = show_failure(self.window, network_share_failure(warning))

    def _daily_done(self, made: object) -> None:
        path = getattr(made, "path", None)
        if path:
            self.window.statusBar().showMessage(f"Today's automatic backup: {path}", 15_000)

    def _daily_failed(self, exc: BaseException) -> None:
        failure = failure_for(exc)
        if failure is None:
            error_report.report(self.window, exc, "the daily backup")
            return
        note = Failure(
            "Today's automatic backup could not be taken",
            failure.what,
            failure.todo + " Your work is saved as usual; only the backup is missing.",
        )
        self.failure_dialog = show_failure(self.window, note)

    def quit(self) -> None:
        if self.login is not None and shiboken6.isValid(self.login):
            self.login.done(0)
        self.login = None
        self.window.close()

    # ----- locking -----------------------------------------------------------------------------
    def lock(self, *, idle: bool) -> None:
        session = self.session
        if session is None or self.window.is_locked():
            return
        self.idle.stop()
        self.window.lock_screen(session.backend.actor.username, idle=idle)
        backend = session.backend
        self.tasks.run(lambda _job: backend.lock(), owner=self.window, context="recording a lock")

    def unlock(self, password: str) -> None:
        session = self.session
        if session is None:
            return
        backend = session.backend
        self.tasks.run(
            lambda _job: backend.unlock(password),
            done=self._unlocked,
            failed=self._unlock_failed,
            owner=self.window,
            context="unlocking",
        )

    def _unlocked(self, _result: object) -> None:
        if self.session is None:
            return
        self.window.unlock_screen()
        self.idle.start()

    def _unlock_failed(self, exc: BaseException) -> None:
        panel = self.window.lock_panel
        if isinstance(exc, MshtError):
            panel.show_error(str(exc), final=unlock_is_final(exc))
        else:
            error_report.log_bug(exc, "unlocking")
            panel.show_error(error_report.APOLOGY)

    # ----- logging out -------------------------------------------------------------------------
    def log_out(self) -> None:
        """Close the session's pages and dialogs first, then record the log-out and close the database."""
        session = self.session
        if session is None:
            return
        self.idle.stop()
        self._unwatch()
        self.session = None
        self.window.detach()
        self.window.show_opening("Closing the session\u2026", title="Logging out\u2026")
        backend = session.backend

        def log_out(_job: Job) -> None:
            try:
                backend.logout()
            except BaseException:
                backend.close()
                raise

        self.tasks.run(
            log_out, done=self._logged_out, failed=self._logout_failed, owner=self, context="logging out"
        )

    def _logged_out(self, _result: object) -> None:
        log.info("session ended")
        self.show_login(Mode.LOGIN)

    def _logout_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, MshtError):
            error_report.log_bug(exc, "logging out")
        self.show_login(Mode.LOGIN)

    # ----- shut-down ---------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the worker first (it may be using the database), then log out and close the database."""
        self.idle.stop()
        if self.login is not None and shiboken6.isValid(self.login):
            self.login.done(0)
        self.login = None
        self._unwatch()
        self.tasks.shutdown()
        session, self.session = self.session, None
        if session is not None:
            try:
                session.backend.logout()
            except Exception as exc:  # noqa: BLE001 - closing regardless is what matters now
                if not isinstance(exc, MshtError):
                    error_report.log_bug(exc, "logging out at shut-down")
                session.backend.close()
        self._remove_demo_dir()

    def _remove_demo_dir(self) -> None:
        if self.demo_dir is not None:
            shutil.rmtree(self.demo_dir, ignore_errors=True)
            self.demo_dir = None


class AfterFirstPaint(QObject):
    """Calls ``then`` once, just after the window's first paint (or after ``fallback_ms`` if it never
    paints). Work started earlier competes with the paint for the interpreter: importing the data layer on
    the worker while the window is first drawn delayed the window by about half."""

    def __init__(self, window: QWidget, then: Callable[[], None], *, fallback_ms: int = 1000) -> None:
        super().__init__(window)
        self._then = then
        self._fired = False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._fired:
            QTimer.singleShot(0, self, self._fire)  # after this paint has completed
        return False

    def _fire(self) -> None:
        if not self._fired:
            self._fired = True
            self._then()


def _report_first_paint(started: float) -> None:
    """The start-up probe: the time to the first paint, then quit."""
    ms = (time.time() - started) * 1000
    sys.stdout.write(f"first-paint-ms {ms:.0f}\n")
    sys.stdout.flush()
    QApplication.quit()


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("MSHT Desk")
    app.setOrganizationName("MSHT Desk")
    apply_style(app)
    theme.install(app, apply_style)  # follows the system's text size and colours from now on
    return app


def apply_style(app: QApplication) -> None:
    """The style sheet, its ``em`` font sizes made points of the system's text size (which Qt's style
    sheets cannot do themselves) and its ``@NAME`` colours from ``ui/palette.py`` in the variant that
    suits the system's palette (light, or dark and high-contrast, which also gets ``style_dark.qss``: edges
    for fields and tables), and the focus ring. ``ui/theme.py`` calls it again when the system changes."""
    from ui import palette

    dark = palette.follow(app.palette())
    try:
        text = resource("style.qss").read_text(encoding="utf-8")
        if dark:  # edges for fields and tables, which the platform style draws in the window's black
            text += resource("style_dark.qss").read_text(encoding="utf-8")
    except OSError:
        log.warning("style sheet not found; using the platform style")
    else:
        base = app.font().pointSizeF() if app.font().pointSizeF() > 0 else 9.0
        text = re.sub(r"(\d+(?:\.\d+)?)em\b", lambda m: f"{float(m[1]) * base:.1f}pt", text)
        app.setStyleSheet(re.sub(r"@([A-Z_]+_HEX)\b", lambda m: str(getattr(palette, m[1])), text))
    install_focus_ring(app)


def run_app(db: str | None = None, demo: bool = False, *, started_at: float | None = None) -> int:
    """Open the main window; returns the process exit code."""
    started = started_at if started_at is not None else time.time()
    from ui.logs import setup_logging

    setup_logging()
    app = create_application()
    controller = AppController(open_settings(), db=db, demo=demo)
    window = controller.window
    probe = os.environ.get(PROBE_ENV) == "1"

    def after_first_paint() -> None:
        controller.open()  # the data layer's import starts now, not during the first paint
        if probe:
            _report_first_paint(started)

    window.show()
    AfterFirstPaint(window, after_first_paint)
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
    window state is saved, the log-out recorded and a demo folder deleted. Python only sees signals
    while it runs bytecode, so a cheap timer wakes the interpreter a few times a second."""

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
