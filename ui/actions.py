"""One registry of the window's actions: text with mnemonics, standard shortcuts, status tips.

Actions that open a dialog end in "…". Handlers are connected by the main window; this module only
describes the actions, so menus, toolbars and tests all share the same objects. "Needs database" means
needs a logged-in session: before login and after logout those actions are disabled. Each tooltip ends
with the action's shortcut, and Help › Keyboard shortcuts (F1) lists :meth:`Actions.shortcuts`, read from
these same objects, so the list cannot drift from the keys that work.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

Key = QKeySequence.StandardKey


class Shortcut(NamedTuple):
    menu: str  # "File", as in the menu bar; "" for an action on no menu
    command: str  # "Import custody export"
    keys: str  # "Ctrl+I", as the platform writes it; several separated by ", "


def typed(action: QAction) -> list[str]:
    """The action's keys that a laptop keyboard has (Ctrl+F, F5), not dedicated keys named Find or Help."""
    names = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
    return [n for n in names if "+" in n or (n[:1] == "F" and n[1:].isdigit())]


def with_keys(tip: str, action: QAction) -> str:
    """``tip`` with the action's first shortcut in brackets, as the platform writes it."""
    key = action.shortcut()
    return f"{tip} ({key.toString(QKeySequence.SequenceFormat.NativeText)})" if not key.isEmpty() else tip


class Actions:
    """The main window's QActions, owned by (parented to) that window."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self.import_custody = self._make(
            "&Import a file\u2026",
            "Ctrl+I",
            "Add arrests and disposals, NRM referrals or court outcomes from a CSV file",
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
            self._set_keys(self.quit, "Ctrl+Q")
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
            self._set_keys(self.refresh, "F5")
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
        self.keyboard_shortcuts = self._make(
            "&Keyboard shortcuts\u2026", Key.HelpContents, "List every keyboard shortcut of MSHT Desk"
        )
        if self.keyboard_shortcuts.shortcut().isEmpty():
            self._set_keys(self.keyboard_shortcuts, "F1")
        self.pages: tuple[QAction, ...] = ()  # View › one per page of the user's role: set_pages
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
        self.all = (*self.needs_database, self.quit, self.about, self.keyboard_shortcuts)

    def _make(self, text: str, key: Key | str | None, tip: str) -> QAction:
        action = QAction(text, self._parent)
        action.setStatusTip(tip)
        if isinstance(key, Key):
            action.setShortcuts(QKeySequence.keyBindings(key))
            action.setToolTip(with_keys(tip, action))
        else:
            self._set_keys(action, key)
        return action

    def _set_keys(self, action: QAction, key: str | None) -> None:
        """The action's shortcut, and its tooltip saying it: "Read the database again (F5)"."""
        if key:
            action.setShortcut(QKeySequence(key))
        action.setToolTip(with_keys(action.statusTip(), action))

    def set_pages(self, titles: list[str]) -> tuple[QAction, ...]:
        """View › one action per page, Ctrl+1 to Ctrl+9 for the first nine, in the side bar's order; the
        previous session's are deleted. The window connects and places them."""
        for action in self.pages:
            action.deleteLater()
        made = []
        for i, title in enumerate(titles):
            action = QAction(title, self._parent)
            action.setStatusTip(f"Go to the {title} page")
            self._set_keys(action, f"Ctrl+{i + 1}" if i < 9 else None)
            made.append(action)
        self.pages = tuple(made)
        return self.pages

    def shortcuts(self) -> list[Shortcut]:
        """Every visible action that has a key, by menu in the menu bar's order, for Help › Keyboard
        shortcuts."""
        found: list[Shortcut] = []
        for action in (*self.all, *self.pages):
            if action.shortcut().isEmpty() or not action.isVisible():
                continue
            menus = [m for m in action.associatedObjects() if isinstance(m, QMenu)]
            menu = menus[0].title().replace("&", "") if menus else ""
            keys = ", ".join(typed(action)[:2])
            found.append(Shortcut(menu, action.text().replace("&", "").rstrip("\u2026"), keys))
        order = {title: i for i, title in enumerate(self._menu_order())}
        return sorted(found, key=lambda s: order.get(s.menu, len(order)))

    def _menu_order(self) -> list[str]:
        bar = self._parent.findChild(QMenuBar)
        if bar is None:
            return []
        return [a.text().replace("&", "") for a in bar.actions()]

    def set_database_ready(self, ready: bool) -> None:
        for action in self.needs_database:
            action.setEnabled(ready)
