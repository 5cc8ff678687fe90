"""The main window: navigation, menus, status bar, and the lock screen. It holds no data; pages do.

The window is shown before anyone has logged in (the composition root opens the database on the worker
once the password is known), so it starts in a waiting state and gets its pages from :meth:`attach`:
only the pages the user's role may read. :meth:`detach` removes them again at log-out. While locked,
the content is hidden (not covered), menus and commands are disabled and the window's dialogs are hidden
until the same user's password is entered.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Action, Entity
from ui.actions import Actions
from ui.context import AppContext
from ui.pages import PageSpec
from ui.pages.base import Page
from ui.widgets.lock_panel import LockPanel
from ui.widgets.state_panel import StatePanel
from ui.wording import plural

MARKING = "OFFICIAL-SENSITIVE"
PAGE_KEY = "main_window/page"
NAV_WIDTH = 190  # the page list at an ordinary text size; wider when the titles need it
COUNTED = frozenset({Data.ARREST, Data.DISPOSAL})  # the register counts in the status bar
LANDING_PAGE = "TodayPage"  # where a session starts for the roles that have it


def owned_by(widget: QWidget, window: QWidget) -> bool:
    """Whether ``widget`` (a dialog, say) has ``window`` among its parents, across window boundaries."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


class _LockGuard(QObject):
    """While locked, a dialog of the window that appears (a late progress dialog, a message) is hidden
    at once and shown again on unlock, so nothing from the session is on screen."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and owned_by(watched, self._window)
        ):
            self._window.hide_while_locked(watched)
        return False


class MainWindow(QMainWindow):
    retry_requested = Signal()  # the user asked to try opening the database again
    lock_requested = Signal()  # File > Lock now
    logout_requested = Signal()  # File > Log out, or Log out on the lock screen
    unlock_requested = Signal(str)  # the password typed on the lock screen

    def __init__(self, settings: QSettings, pages: Sequence[PageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("MSHT Desk")
        self.base_title = "MSHT Desk"  # while nobody is logged in
        self.title_note = ""  # e.g. " (demonstration data)", after the user name in the title
        self._settings = settings
        self._specs = tuple(pages)
        self.ctx: AppContext | None = None
        self.pages: list[Page] = []
        self.specs: list[PageSpec] = []  # the specs of ``pages``, in the same order
        self.commands = Actions(self)
        self._locked = False
        self._hidden_windows: list[QWidget] = []
        self._action_states: dict[QAction, bool] = {}
        self._focus_before_lock: QWidget | None = None
        self._guard = _LockGuard(self)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Pages")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.stack = QStackedWidget()
        self.opening = StatePanel(
            "Opening database\u2026", "MSHT Desk is getting the register ready.", busy=True
        )
        self.opening.setObjectName("openingPanel")
        self.failure = StatePanel()
        self.failure.setObjectName("openFailedPanel")
        self.failure.add_button("Try again", self.retry_requested.emit, default=True)
        self.failure.add_button("Quit", self.close)
        self.landing = StatePanel()
        self.landing.setObjectName("landingPanel")
        for panel in (self.opening, self.failure, self.landing):
            self.stack.addWidget(panel)
        self.content = QWidget()
        self.content.setObjectName("content")
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.lock_panel = LockPanel()
        self.lock_panel.unlock_requested.connect(self.unlock_requested.emit)
        self.lock_panel.logout_requested.connect(self.logout_requested.emit)
        self.root = QStackedWidget()
        self.root.addWidget(self.content)
        self.root.addWidget(self.lock_panel)
        self.setCentralWidget(self.root)

        self._page_actions: list[QAction] = []
        self._build_menus()
        self._build_status_bar()
        self.commands.set_database_ready(False)
        self._hide_session_chrome()
        self.nav.currentRowChanged.connect(self._show_page)
        self._restore_window()

    # ----- layout ------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        a = self.commands
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a.import_custody)
        file_menu.addAction(a.export_csv)
        file_menu.addAction(a.back_up_now)
        file_menu.addSeparator()
        file_menu.addAction(a.change_password)
        file_menu.addAction(a.lock_now)
        file_menu.addAction(a.log_out)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        self.edit_menu = bar.addMenu("&Edit")
        self.edit_menu.addAction(a.copy)
        self.edit_menu.addAction(a.find)
        self.edit_menu.addAction(a.search_everything)
        self.arrests_menu = bar.addMenu("&Arrests")
        self.arrests_menu.addAction(a.new_arrest)
        self.arrests_menu.addAction(a.open_arrest)
        self.view_menu = bar.addMenu("&View")
        self._view_separator = self.view_menu.addSeparator()
        self.view_menu.addAction(a.refresh)
        self.admin_menu = bar.addMenu("Ad&ministration")
        self.admin_menu.addAction(a.haven_beds)
        self.admin_menu.addAction(a.working_calendar)
        self.admin_menu.addAction(a.retention_rules)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.keyboard_shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(a.about)

        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self._about)
        a.keyboard_shortcuts.triggered.connect(self.keyboard_shortcuts)
        a.import_custody.triggered.connect(self.import_custody)
        a.export_csv.triggered.connect(lambda: self._current_page_call("export_csv"))
        a.copy.triggered.connect(lambda: self._current_page_call("copy"))
        a.find.triggered.connect(self._find)
        a.search_everything.triggered.connect(self.search_everything)
        a.new_arrest.triggered.connect(self.new_arrest)
        a.open_arrest.triggered.connect(lambda: self._current_page_call("open_current"))
        a.refresh.triggered.connect(self.refresh)
        a.lock_now.triggered.connect(self.lock_requested.emit)
        a.log_out.triggered.connect(self.logout_requested.emit)
        a.change_password.triggered.connect(self.change_password)
        a.back_up_now.triggered.connect(self.back_up_now)
        a.haven_beds.triggered.connect(self.haven_beds)
        a.working_calendar.triggered.connect(self.working_calendar)
        a.retention_rules.triggered.connect(self.retention_rules)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.marking = QLabel(MARKING)
        self.marking.setObjectName("marking")
        self.marking.setToolTip("Protective marking of the data held in MSHT Desk")
        self.user_label = QLabel("")
        self.user_label.setObjectName("userLabel")
        self.user_label.setToolTip("Who is logged in, and their role")
        self.location = QLabel("")
        self.location.setObjectName("dbLocation")
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long path gives way (it is whole in the tooltip) rather than widen the window past the screen.
        self.location.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.counts = QLabel("")
        self.counts.setObjectName("counts")
        bar.addWidget(self.marking)
        bar.addWidget(self.user_label)
        bar.addWidget(self.location, 1)
        bar.addPermanentWidget(self.counts)

    # ----- before and between sessions ---------------------------------------------------------
    def show_opening(
        self, text: str = "MSHT Desk is getting the register ready.", title: str = "Opening database\u2026"
    ) -> None:
        self.opening.set_message(title, text)
        self.opening.bar.show()
        self.stack.setCurrentWidget(self.opening)

    def show_waiting(self, title: str, text: str) -> None:
        """A calm state behind the login dialog: nothing is happening until the user acts."""
        self.opening.set_message(title, text)
        self.opening.bar.hide()
        self.stack.setCurrentWidget(self.opening)

    def show_open_failed(self, message: str) -> None:
        self.failure.set_message("The database could not be opened", message)
        self.stack.setCurrentWidget(self.failure)

    def attach(self, ctx: AppContext) -> None:
        """Build the pages this user's role may see (their modules are imported only now)."""
        self.ctx = ctx
        for spec in self._specs:
            if not ctx.may(*spec.needs):
                continue
            cls = getattr(importlib.import_module(spec.module), spec.cls)
            page: Page = cls(ctx)
            page.title = spec.title
            page.state_changed.connect(self._update_actions)
            self.pages.append(page)
            self.specs.append(spec)
            self.stack.addWidget(page)
            self.nav.addItem(spec.title)
        self._fit_nav()
        self._build_page_actions()
        actor = ctx.backend.actor
        self.user_label.setText(f"{actor.username} ({actor.role.label})")
        self.setWindowTitle(f"MSHT Desk \u2014 {actor.username}{self.title_note}")
        self.location.setText(f"Database: {ctx.backend.describe()}")
        self.location.setToolTip(ctx.backend.describe())
        ctx.tasks.changed.connect(self._on_changes)
        self.commands.set_database_ready(True)
        self._apply_role()
        if not self.pages:
            self.landing.set_message(
                "No pages for your role",
                f"You are logged in as {actor.display_name} ({actor.username}, {actor.role.label}). "
                "Nothing in this build of MSHT Desk is open to your role: ask an administrator to check "
                "it, and use File \u203a Log out (or Lock now) when you leave the computer.",
            )
            self.stack.setCurrentWidget(self.landing)
            self._update_actions()
        else:
            saved = str(self._settings.value(PAGE_KEY, "") or "")
            names = [s.cls for s in self.specs]
            if LANDING_PAGE in names:  # what is due comes first, whichever page was open last time
                saved = LANDING_PAGE
            self.go_to(names.index(saved) if saved in names else 0, focus=True)
        self.refresh_counts()
        if actor.must_change_password:  # after an administrator's reset: the user's own, before work
            QTimer.singleShot(0, self, self._require_password_change)

    def _require_password_change(self) -> None:
        if self.ctx is None:
            return
        from ui.dialogs.password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog.start(self.ctx, self, required=True)
        dialog.logout_requested.connect(self.logout_requested.emit)

    def _fit_nav(self) -> None:
        """The page list as wide as its longest title at the text size in use (190 pixels at least), so
        a large system text size does not cut titles off."""
        self.nav.ensurePolished()
        metrics = self.nav.fontMetrics()
        titles = [self.nav.item(i).text() for i in range(self.nav.count())]
        widest = max((metrics.horizontalAdvance(t) for t in titles), default=0)
        self.nav.setFixedWidth(max(NAV_WIDTH, widest + 2 * (14 + 6) + metrics.averageCharWidth() * 2))

    def detach(self) -> None:
        """Log-out: close the session's dialogs and pages; nothing of the session stays in memory."""
        if self.pages:
            self.save_window()
        self._close_owned_windows()
        if self._locked:
            self._leave_lock(restore=False)
        if self.ctx is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # never connected: nothing to undo
                self.ctx.tasks.changed.disconnect(self._on_changes)
        self.nav.blockSignals(True)
        self.nav.clear()
        self.nav.blockSignals(False)
        for page in self.pages:
            page.stop_listening()
            for timer in page.findChildren(QTimer):
                timer.stop()  # no late query through a backend that is about to log out
            self.stack.removeWidget(page)
            page.hide()
            page.deleteLater()
        self.pages.clear()
        self.specs.clear()
        self._build_page_actions()
        self.ctx = None
        self.user_label.setText("")
        self.location.setText("")
        self.location.setToolTip("")
        self.counts.setText("")
        self.setWindowTitle(self.base_title)
        self.commands.set_database_ready(False)
        for action in self.commands.all:
            action.setVisible(True)
        self._hide_session_chrome()

    def _hide_session_chrome(self) -> None:
        """Nobody logged in: no page list, and no menus whose commands depend on a role."""
        for menu in (self.edit_menu, self.arrests_menu, self.view_menu, self.admin_menu):
            menu.menuAction().setVisible(False)
        self.nav.setVisible(False)

    def _close_owned_windows(self) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if w is not self and owned_by(w, self)]
        for w in windows:
            if not shiboken6.isValid(w) or not (w.isVisible() or w in self._hidden_windows):
                continue
            if isinstance(w, QDialog):
                w.done(QDialog.DialogCode.Rejected.value)  # no "discard changes?" question
            else:
                w.close()
        self._hidden_windows.clear()

    def _build_page_actions(self) -> None:
        """View > one entry per page this user has, Ctrl+1 to Ctrl+9 (made by the action registry)."""
        for action in self._page_actions:
            self.view_menu.removeAction(action)
        self._page_actions = list(self.commands.set_pages([spec.title for spec in self.specs]))
        for row, go in enumerate(self._page_actions):
            go.triggered.connect(lambda _c=False, row=row: self.go_to(row, focus=True))
            self.view_menu.insertAction(self._view_separator, go)

    def _apply_role(self) -> None:
        """Show only the commands this role may use; the pages hide their own buttons the same way."""
        assert self.ctx is not None
        may = self.ctx.may
        a = self.commands
        a.new_arrest.setVisible(may(Action.CREATE, Entity.ARREST))
        a.import_custody.setVisible(may(Action.CREATE, Entity.ARREST))
        reads_arrests = may(Action.READ, Entity.ARREST)
        self.arrests_menu.menuAction().setVisible(reads_arrests)
        a.open_arrest.setVisible(reads_arrests)
        a.find.setVisible(any(p.can_find for p in self.pages))
        a.search_everything.setVisible(bool(self.ctx.backend.search.kinds()))
        a.copy.setVisible(any(p.can_copy for p in self.pages))
        a.export_csv.setVisible(any(p.can_export for p in self.pages))
        a.refresh.setVisible(bool(self.pages))
        self.edit_menu.menuAction().setVisible(  # no empty menus
            a.find.isVisible() or a.copy.isVisible() or a.search_everything.isVisible()
        )
        self.view_menu.menuAction().setVisible(bool(self.pages))
        self.admin_menu.menuAction().setVisible(may(Action.ADMINISTER, Entity.REFERENCE))
        self.nav.setVisible(bool(self.pages))  # the landing panel alone, for a role with no pages yet

    # ----- pages -------------------------------------------------------------------------------
    def go_to(self, row: int, *, focus: bool = False) -> None:
        """Show page ``row``; with ``focus`` (chosen from View or with Ctrl+digit) the keyboard moves to
        its first control, as a person who chose a page with the keyboard means to use it."""
        if 0 <= row < len(self.pages):
            if self.nav.currentRow() == row:
                self._show_page(row)
            else:
                self.nav.setCurrentRow(row)
            first = self.pages[row].first_control() if focus else None
            if first is not None:
                first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def page_of(self, cls: type[Page]) -> Page | None:
        return next((p for p in self.pages if isinstance(p, cls)), None)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            page = self.pages[row]
            self.stack.setCurrentWidget(page)
            page.activate()
        self._update_actions()

    def _update_actions(self) -> None:
        if self._locked:
            return
        page = self.current_page()
        ctx = self.ctx
        ready = ctx is not None
        self.commands.export_csv.setEnabled(ready and page is not None and page.can_export)
        self.commands.copy.setEnabled(ready and page is not None and page.can_copy)
        self.commands.open_arrest.setEnabled(
            ready and page is not None and page.can_open and page.has_selection()
        )
        self.commands.find.setEnabled(ready and any(p.can_find for p in self.pages))
        may_create = ctx is not None and ctx.may(Action.CREATE, Entity.ARREST)
        self.commands.new_arrest.setEnabled(may_create)
        self.commands.import_custody.setEnabled(may_create)
        self.commands.refresh.setEnabled(ready and bool(self.pages))

    def _current_page_call(self, name: str) -> None:
        page = self.current_page()
        if page is not None:
            getattr(page, name)()

    def _find(self) -> None:
        page = self.current_page()
        if page is None or not page.can_find:
            target = next((i for i, p in enumerate(self.pages) if p.can_find), None)
            if target is None:
                return
            self.go_to(target)
            page = self.pages[target]
        page.focus_filter()

    # ----- commands ----------------------------------------------------------------------------
    def search_everything(self) -> None:
        """Ctrl+K: the quick-open search over every kind of record this user may see."""
        if self.ctx is None or not self.commands.search_everything.isVisible():
            return
        from ui.dialogs.search_dialog import SearchDialog

        SearchDialog.start(self.ctx, self)

    def import_custody(self) -> None:
        if self.ctx is None or not self.ctx.may(Action.CREATE, Entity.ARREST):
            return
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.start(self.ctx, self)

    def new_arrest(self) -> None:
        if self.ctx is None or not self.ctx.may(Action.CREATE, Entity.ARREST):
            return
        from ui.dialogs.arrest_dialog import ArrestDialog

        ArrestDialog.start(self.ctx, None, self)

    def change_password(self) -> None:
        if self.ctx is None:
            return
        from ui.dialogs.password_dialog import ChangePasswordDialog

        ChangePasswordDialog.start(self.ctx, self)

    def back_up_now(self) -> None:
        """Every user may take a backup (it is as encrypted as the file); the dialog also lists them."""
        if self.ctx is None:
            return
        from ui.dialogs.backup_dialog import BackupDialog

        dialog = BackupDialog(self.ctx, self)
        dialog.open()

    def haven_beds(self) -> None:
        if self.ctx is None or not self.ctx.may(Action.ADMINISTER, Entity.REFERENCE):
            return
        from ui.dialogs.beds_dialog import BedsDialog

        BedsDialog.start(self.ctx, self)

    def working_calendar(self) -> None:
        if self.ctx is None or not self.ctx.may(Action.ADMINISTER, Entity.REFERENCE):
            return
        from ui.dialogs.calendar_dialog import CalendarDialog

        CalendarDialog.start(self.ctx, self)

    def retention_rules(self) -> None:
        if self.ctx is None or not self.ctx.may(Action.UPDATE, Entity.RETENTION_RULE):
            return
        from ui.dialogs.retention_dialog import RetentionDialog

        RetentionDialog.start(self.ctx, self)

    def keyboard_shortcuts(self) -> None:
        from ui.dialogs.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog.start(self.commands.shortcuts(), self)

    def refresh(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """The register's size in the status bar, for roles that may read arrests (others see none)."""
        ctx = self.ctx
        if ctx is None or not ctx.may(Action.READ, Entity.ARREST):
            self.counts.setText("")
            return
        register = ctx.backend.register
        ctx.tasks.run(
            lambda _job: register.counts(),
            done=self._show_counts,
            owner=self,
            context="counting the register",
        )

    def _show_counts(self, counts: object) -> None:
        if self.ctx is None:
            return  # logged out meanwhile
        arrests, offences, events = (getattr(counts, k) for k in ("arrests", "offences", "events"))
        self.counts.setText(
            f"{plural(arrests, 'arrest')} \u00b7 {plural(offences, 'offence')} \u00b7 "
            f"{plural(events, 'disposal event')}"
        )

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(COUNTED):
            self.refresh_counts()

    def _about(self) -> None:
        from mshtdesk import __version__

        QMessageBox.about(
            self,
            "About MSHT Desk",
            f"<h3>MSHT Desk {__version__}</h3>"
            "<p>The arrests register and published tables of the Modern Slavery and Human Trafficking "
            "Team. Works offline; data stays on this computer or the team's server, encrypted.</p>"
            f"<p><b>{MARKING}</b>: handle and share under the Government Security Classifications.</p>",
        )

    # ----- locking -----------------------------------------------------------------------------
    def is_locked(self) -> bool:
        return self._locked

    def lock_screen(self, username: str, *, idle: bool) -> None:
        """Hide the content and the window's dialogs, disable every command but Quit."""
        if self._locked:
            return
        self._locked = True
        focus = QApplication.focusWidget()
        self._focus_before_lock = focus if focus is not None and self.isAncestorOf(focus) else None
        self._hidden_windows = []
        for w in QApplication.topLevelWidgets():
            if w is not self and w.isVisible() and owned_by(w, self):
                self.hide_while_locked(w)
        self._action_states = {
            a: a.isEnabled() for a in (*self.commands.all, *self._page_actions) if a is not self.commands.quit
        }
        for action in self._action_states:
            action.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.counts.hide()
        self.location.hide()
        self.lock_panel.show_locked(username, idle=idle)
        self.root.setCurrentWidget(self.lock_panel)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._guard)
        self.lock_panel.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def hide_while_locked(self, widget: QWidget) -> None:
        if widget not in self._hidden_windows:
            self._hidden_windows.append(widget)
        QTimer.singleShot(0, widget, widget.hide)  # after its own show has finished
        widget.hide()

    def unlock_screen(self) -> None:
        """The same user proved it is them: everything comes back exactly as it was."""
        if self._locked:
            self._leave_lock(restore=True)

    def _leave_lock(self, *, restore: bool) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._guard)
        self._locked = False
        self.root.setCurrentWidget(self.content)
        self.menuBar().setEnabled(True)
        for action, enabled in self._action_states.items():
            if shiboken6.isValid(action):
                action.setEnabled(enabled)
        self._action_states = {}
        self.counts.show()
        self.location.show()
        hidden, self._hidden_windows = self._hidden_windows, []
        if restore:
            for w in hidden:
                if shiboken6.isValid(w):
                    w.show()
            self._update_actions()
            focus = self._focus_before_lock
            if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
                focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_before_lock = None

    # ----- window state ------------------------------------------------------------------------
    def _restore_window(self) -> None:
        geometry = self._settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self._settings.value("main_window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def save_window(self) -> None:
        self._settings.setValue("main_window/geometry", self.saveGeometry())
        self._settings.setValue("main_window/state", self.saveState())
        row = self.nav.currentRow()
        if 0 <= row < len(self.specs):
            self._settings.setValue(PAGE_KEY, self.specs[row].cls)
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window()
        super().closeEvent(event)
