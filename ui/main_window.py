"""The main window: navigation, menus, status bar. It holds no data; pages do.

The window is shown before the database is open (the composition root opens it on the worker), so it
starts in an "Opening database…" state and gets its pages from :meth:`attach` once the services exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from ui.actions import Actions
from ui.context import AppContext
from ui.events import DataChanged
from ui.pages import PageSpec
from ui.pages.base import Page
from ui.widgets.state_panel import StatePanel
from ui.wording import plural

MARKING = "OFFICIAL-SENSITIVE"


class MainWindow(QMainWindow):
    retry_requested = Signal()  # the user asked to try opening the database again

    def __init__(self, settings: QSettings, pages: Sequence[PageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("MSHT Desk")
        self._settings = settings
        self._specs = tuple(pages)
        self.ctx: AppContext | None = None
        self.pages: list[Page] = []
        self.commands = Actions(self)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Pages")
        self.nav.setFixedWidth(190)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        for spec in self._specs:
            item = QListWidgetItem(spec.title)
            item.setFlags(Qt.ItemFlag.NoItemFlags)  # enabled once the page exists
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.opening = StatePanel(
            "Opening database\u2026", "MSHT Desk is getting the register ready.", busy=True
        )
        self.opening.setObjectName("openingPanel")
        self.failure = StatePanel()
        self.failure.setObjectName("openFailedPanel")
        self.failure.add_button("Try again", self.retry_requested.emit, default=True)
        self.failure.add_button("Quit", self.close)
        self.stack.addWidget(self.opening)
        self.stack.addWidget(self.failure)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()
        self.commands.set_database_ready(False)
        self.nav.currentRowChanged.connect(self._show_page)
        self._restore_window()

    # ----- layout ------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        a = self.commands
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a.import_custody)
        file_menu.addAction(a.export_csv)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit = bar.addMenu("&Edit")
        edit.addAction(a.copy)
        edit.addAction(a.find)
        arrests = bar.addMenu("&Arrests")
        arrests.addAction(a.new_arrest)
        arrests.addAction(a.open_arrest)
        view = bar.addMenu("&View")
        for i, spec in enumerate(self._specs, start=1):
            go = view.addAction(spec.title)
            if i <= 9:
                go.setShortcut(f"Ctrl+{i}")
            go.triggered.connect(lambda _c=False, row=i - 1: self.go_to(row))
        view.addSeparator()
        view.addAction(a.refresh)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.about)

        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self._about)
        a.import_custody.triggered.connect(self.import_custody)
        a.export_csv.triggered.connect(lambda: self._current_page_call("export_csv"))
        a.copy.triggered.connect(lambda: self._current_page_call("copy"))
        a.find.triggered.connect(self._find)
        a.new_arrest.triggered.connect(self.new_arrest)
        a.open_arrest.triggered.connect(lambda: self._current_page_call("open_current"))
        a.refresh.triggered.connect(self.refresh)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.marking = QLabel(MARKING)
        self.marking.setObjectName("marking")
        self.marking.setToolTip("Protective marking of the data held in MSHT Desk")
        self.location = QLabel("")
        self.location.setObjectName("dbLocation")
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QLabel("")
        self.counts.setObjectName("counts")
        bar.addWidget(self.marking)
        bar.addWidget(self.location, 1)
        bar.addPermanentWidget(self.counts)

    # ----- database state ----------------------------------------------------------------------
    def show_opening(self, text: str = "MSHT Desk is getting the register ready.") -> None:
        self.opening.set_message("Opening database\u2026", text)
        self.stack.setCurrentWidget(self.opening)

    def show_open_failed(self, message: str) -> None:
        self.failure.set_message("The database could not be opened", message)
        self.stack.setCurrentWidget(self.failure)

    def attach(self, ctx: AppContext) -> None:
        """Build the pages now that the services exist (their modules are imported only now)."""
        self.ctx = ctx
        for row, spec in enumerate(self._specs):
            cls = getattr(importlib.import_module(spec.module), spec.cls)
            page: Page = cls(ctx)
            page.title = spec.title
            page.state_changed.connect(self._update_actions)
            self.pages.append(page)
            self.stack.addWidget(page)
            self.nav.item(row).setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.location.setText(f"Database: {ctx.backend.describe()}")
        self.location.setToolTip(ctx.backend.describe())
        ctx.events.data_changed.connect(self._on_data_changed)
        self.commands.set_database_ready(True)
        try:
            row = int(str(self._settings.value("main_window/page", 0)))
        except ValueError:
            row = 0
        self.go_to(row if 0 <= row < len(self.pages) else 0)
        self.refresh_counts()

    def go_to(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            if self.nav.currentRow() == row:
                self._show_page(row)
            else:
                self.nav.setCurrentRow(row)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            page = self.pages[row]
            self.stack.setCurrentWidget(page)
            page.activate()
        self._update_actions()

    def _update_actions(self) -> None:
        page = self.current_page()
        ready = self.ctx is not None
        self.commands.export_csv.setEnabled(ready and page is not None and page.can_export)
        self.commands.copy.setEnabled(ready and page is not None and page.can_copy)
        self.commands.open_arrest.setEnabled(
            ready and page is not None and page.can_open and page.has_selection()
        )
        self.commands.find.setEnabled(ready and any(p.can_find for p in self.pages))

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
    def import_custody(self) -> None:
        if self.ctx is None:
            return
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.start(self.ctx, self)

    def new_arrest(self) -> None:
        if self.ctx is None:
            return
        from ui.dialogs.arrest_dialog import ArrestDialog

        ArrestDialog.start(self.ctx, None, self)

    def refresh(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        ctx.tasks.run(
            lambda _job: ctx.backend.register.counts(),
            done=self._show_counts,
            owner=self,
            context="counting the register",
        )

    def _show_counts(self, counts: object) -> None:
        arrests, offences, events = (getattr(counts, k) for k in ("arrests", "offences", "events"))
        self.counts.setText(
            f"{plural(arrests, 'arrest')} \u00b7 {plural(offences, 'offence')} \u00b7 "
            f"{plural(events, 'disposal event')}"
        )

    def _on_data_changed(self, _change: DataChanged) -> None:
        self.refresh_counts()

    def _about(self) -> None:
        from mshtdesk import __version__

        QMessageBox.about(
            self,
            "About MSHT Desk",
            f"<h3>MSHT Desk {__version__}</h3>"
            "<p>The arrests register and published tables of the Modern Slavery and Human Trafficking "
            "Team. Works offline; data stays on this computer or the team's server.</p>"
            f"<p><b>{MARKING}</b>: handle and share under the Government Security Classifications.</p>",
        )

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
        if self.pages:
            self._settings.setValue("main_window/page", max(0, self.nav.currentRow()))
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window()
        super().closeEvent(event)
