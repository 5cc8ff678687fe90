"""One registry of the window's actions: text with mnemonics, standard shortcuts, status tips.

Actions that open a dialog end in "…". Handlers are connected by the main window; this module only
describes the actions, so menus, toolbars and tests all share the same objects. "Needs database" means
needs a logged-in session: before login and after logout those actions are disabled.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Key = QKeySequence.StandardKey


class Actions:
    """The main window's QActions, owned by (parented to) that window."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self.import_custody = self._make(
            "&Import custody export\u2026",
            "Ctrl+I",
            "Add arrests and disposals from a custody system CSV export",
        )
        self.export_csv = self._make(
            "&Export CSV\u2026", "Ctrl+E", "Save the table on this page as a CSV file for a spreadsheet"
        )
        self.lock_now = self._make("&Lock now", "Ctrl+L", "Hide everything until your password is entered")
        self.log_out = self._make("Log &out", None, "End your session and return to the login window")
        self.change_password = self._make("Change &password\u2026", None, "Choose a new password")
        self.back_up_now = self._make(
            "&Back up now\u2026",
            None,
            "Take an encrypted backup of the database now; see and check the backups",
        )
        self.quit = self._make("&Quit", Key.Quit, "Close MSHT Desk")
        if self.quit.shortcut().isEmpty():  # Windows has no standard Quit key; Ctrl+Q is what people try
            self.quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.copy = self._make(
            "&Copy", Key.Copy, "Copy the selected rows, or the whole table, as tab-separated text"
        )
        self.find = self._make(
            "&Find", Key.Find, "Go to the search box of this page (or of the first page that has one)"
        )
        self.search_everything = self._make(
            "&Search everything\u2026",
            "Ctrl+K",
            "Find a person, arrest, NRM referral or contact note by name, reference or words, and open it",
        )
        self.new_arrest = self._make("&New arrest\u2026", Key.New, "Add an arrest with its offences")
        self.open_arrest = self._make(
            "&Open", Key.Open, "Open the selected record: an arrest, a person's pathway, a referral, a case"
        )
        self.refresh = self._make("&Refresh", Key.Refresh, "Read the database again")
        if self.refresh.shortcut().isEmpty():
            self.refresh.setShortcut(QKeySequence("F5"))
        self.about = self._make("&About MSHT Desk", None, "Version and marking")
        self.haven_beds = self._make(
            "Haven House &beds\u2026", None, "Add, retire and restore the beds of Haven House"
        )
        self.working_calendar = self._make(
            "Working &calendar\u2026", None, "Extra non-working days and worked bank holidays"
        )
        self.retention_rules = self._make(
            "&Retention rules\u2026", None, "How long personal records are kept before a manager reviews them"
        )
        self.needs_database = (
            self.import_custody,
            self.export_csv,
            self.copy,
            self.find,
            self.search_everything,
            self.new_arrest,
            self.open_arrest,
            self.refresh,
            self.lock_now,
            self.log_out,
            self.change_password,
            self.back_up_now,
            self.haven_beds,
            self.working_calendar,
            self.retention_rules,
        )
        self.all = (*self.needs_database, self.quit, self.about)

    def _make(self, text: str, key: Key | str | None, tip: str) -> QAction:
        action = QAction(text, self._parent)
        if isinstance(key, Key):
            action.setShortcuts(QKeySequence.keyBindings(key))
        elif key:
            action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        return action

    def set_database_ready(self, ready: bool) -> None:
        for action in self.needs_database:
            action.setEnabled(ready)
