"""Help › Keyboard shortcuts (F1): every key of the window's commands, read from the action registry
(``ui/actions.py``) when the dialog opens, so it lists what works for this user now and never drifts.

Keys that belong to one place are said beside it instead (a button's underlined letter, Alt+letter), and
the few that hold everywhere are in :data:`EVERYWHERE`, which the keyboard tests exercise.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.actions import Shortcut
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel
from ui.widgets.record_table import record_table

EVERYWHERE = (
    Shortcut("In every window", "Move to the next or previous control", "Tab, Shift+Tab"),
    Shortcut("In every window", "Press the button or menu entry whose letter is underlined", "Alt+letter"),
    Shortcut("In a form", "Save", "Ctrl+S"),
    Shortcut("In a form", "Close without saving (asks first if something was typed)", "Esc"),
    Shortcut("In a list", "Open the selected record", "Enter"),
    Shortcut("In a list", "Open the selected person's pathway", "Alt+H"),
)

COLUMNS: tuple[ColumnSpec[Shortcut], ...] = (
    ColumnSpec("Where", lambda s: s.menu or "Window", "In every window"),
    ColumnSpec("Command", lambda s: s.command, "Press the button or menu entry whose letter is underlined"),
    ColumnSpec("Keys", lambda s: s.keys, "Ctrl+Shift+Tab"),
)


class ShortcutsDialog(QDialog):
    """One table: where, what, which keys. Read-only; Esc or Close closes it."""

    @classmethod
    def start(cls, shortcuts: Sequence[Shortcut], parent: QWidget) -> ShortcutsDialog:
        """Show the list (only one at a time: a second F1 brings the open one forward)."""
        existing = parent.findChild(ShortcutsDialog)
        if existing is not None and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = cls(shortcuts, parent)
        dialog.show()
        return dialog

    def __init__(self, shortcuts: Sequence[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(
            "Everything in MSHT Desk can be done from the keyboard. The menus' commands, for your role:"
        )
        intro.setWordWrap(True)
        self.model = RowsModel(COLUMNS, self)
        self.model.set_rows([*shortcuts, *EVERYWHERE])
        self.table = record_table(
            "shortcutsTable",
            "Keyboard shortcuts",
            self.model,
            {i: c.sample for i, c in enumerate(COLUMNS)},
            {i: c.header for i, c in enumerate(COLUMNS)},
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the Close button
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        width = sum(self.table.horizontalHeader().sectionSize(i) for i in range(len(COLUMNS)))
        rows = self.model.rowCount() + 2
        self.resize(width + 40, min(640, self.table.verticalHeader().defaultSectionSize() * rows + 120))
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
