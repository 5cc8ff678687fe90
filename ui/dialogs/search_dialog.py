"""Search everything (Ctrl+K): a quick-open dialog over people, arrests, NRM referrals and contact notes.

Typing searches on the worker after a short pause (the newest search wins; an older answer arriving late
is dropped); Up and Down move through the results from the search box; Enter opens the selected one (the
first when none is) where the app opens it elsewhere: a person's or a contact's pathway, the arrest
dialog, the referral dialog. What a user may find is the services' business (``services/search.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.search import Kind
from ui.context import AppContext
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel
from ui.widgets.field_error import hint_label

if TYPE_CHECKING:
    from mshtdesk.services.search import SearchResult

PAUSE_MS = 150  # typing pauses this long before a search runs
HINT = "Type a name (any spelling), a reference or part of one, or words from a contact note."

SEARCH_COLUMNS: tuple[ColumnSpec[SearchResult], ...] = (
    ColumnSpec("What", lambda r: r.kind.label, sample="NRM referral"),
    ColumnSpec("Record", lambda r: r.title, sample="Popescu-Dumitrescu, Alexandru-Ştefan (P-000123)"),
    ColumnSpec("Details", lambda r: r.detail),
)


class SearchDialog(QDialog):
    """While open, Ctrl+K brings it forward with its search selected for retyping. Closed (and deleted)
    once a record opens or on Esc: no results outlive the search, nor a logout."""

    @classmethod
    def start(cls, ctx: AppContext, parent: QWidget) -> SearchDialog:
        found = parent.findChild(SearchDialog, "searchDialog")
        reuse = isinstance(found, SearchDialog) and found.isVisible() and found.ctx is ctx
        if reuse and isinstance(found, SearchDialog):
            dialog = found
            dialog.raise_()
            dialog.activateWindow()
        else:
            dialog = cls(ctx, parent)
            dialog.show()
        dialog.search.setFocus()
        dialog.search.selectAll()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("searchDialog")
        self.setWindowTitle("Search everything")
        self.setAccessibleName("Search everything")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._asked = 0  # the newest search sent to the worker; older answers are dropped
        self._open_when_found = False  # Enter pressed before the newest answer came
        self.search = QLineEdit()
        self.search.setObjectName("searchText")
        self.search.setAccessibleName("Search for")
        self.search.setAccessibleDescription(HINT)
        self.search.setPlaceholderText("Name, reference or words of a note")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        label = QLabel("&Search for:")
        label.setBuddy(self.search)
        self.model = RowsModel(SEARCH_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("searchResults")
        self.table.setAccessibleName("Results")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        fm = self.fontMetrics()
        for i, spec in enumerate(SEARCH_COLUMNS[:-1]):
            self.table.setColumnWidth(i, fm.horizontalAdvance(spec.sample) + 24)
        self.status = hint_label(HINT)
        self.status.setObjectName("searchStatus")
        self.status.setAccessibleName("Search status")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.search.returnPressed.connect(self.open_selected)
        self.search.installEventFilter(self)
        self.table.activated.connect(self._open_index)
        self.resize(fm.horizontalAdvance("x") * 120, fm.height() * 24)

    # ----- searching -----------------------------------------------------------------------------
    def run_search(self) -> None:
        self.timer.stop()
        text = self.search.text()
        self._asked += 1
        asked = self._asked
        if not text.strip():
            self._show(asked, [])
            return
        self.status.setText("Searching\u2026")
        search = self.ctx.backend.search
        self.ctx.tasks.run(
            lambda _job: search.find(text),
            done=lambda results: self._show(asked, results),
            failed=lambda exc: self._failed(asked, exc),
            owner=self,
            context="searching",
        )

    def _show(self, asked: int, results: list[SearchResult]) -> None:
        if asked != self._asked:
            return
        self.model.set_rows(results)
        if self._open_when_found:
            self._open_when_found = False
            if results:
                self.open_result(results[0])
                return
        if results:
            self.table.selectRow(0)
            more = " (the best 50; type more to narrow)" if len(results) >= 50 else ""
            self.status.setText(
                f"{len(results)} found{more}. Up and Down choose; Enter opens; Esc closes."
                if len(results) > 1
                else "1 found. Enter opens it; Esc closes."
            )
        else:
            self.status.setText(
                HINT if not self.search.text().strip() else "Nothing you may see matches. Try fewer letters."
            )

    def _failed(self, asked: int, exc: BaseException) -> None:
        if asked != self._asked:
            return
        self._open_when_found = False
        self.model.set_rows([])
        self.status.setText(str(exc))

    # ----- keys ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up, Down, Page Up and Page Down in the search box move through the results."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            moves = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 10,
                Qt.Key.Key_PageUp: -10,
            }
            step = moves.get(Qt.Key(event.key()))
            if step is not None and self.model.rowCount():
                current = self.table.currentIndex().row()
                row = min(max(current + step, 0), self.model.rowCount() - 1)
                self.table.selectRow(row)
                return True
        return super().eventFilter(watched, event)

    # ----- opening -------------------------------------------------------------------------------
    def open_selected(self) -> None:
        if self.timer.isActive():  # Enter straight after typing: search first, open the best hit then
            self._open_when_found = True
            self.run_search()
            return
        if not self.model.rowCount():
            return
        row = self.table.currentIndex().row()
        self.open_result(self.model.row_at(max(row, 0)))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_result(self.model.row_at(index.row()))

    def open_result(self, result: SearchResult) -> QWidget:
        """Open the hit where the app opens such records, and get out of the way."""
        owner = self.parentWidget()
        opened: QWidget
        if result.kind is Kind.ARREST:
            from ui.dialogs.arrest_dialog import ArrestDialog

            opened = ArrestDialog.start(self.ctx, result.record_id, owner)
        elif result.kind is Kind.REFERRAL:
            from ui.dialogs.referral_dialog import ReferralDialog

            opened = ReferralDialog.start(self.ctx, result.record_id, owner)
        else:
            from ui.dialogs.pathway_view import PathwayView

            assert result.person_id is not None
            opened = PathwayView.start(self.ctx, result.person_id, owner)
        self.close()
        return opened
