"""The revisions note of a published run: every figure that differs when its tables are recomputed with
today's records (like a statistics office's revisions note). Aggregate figures only; read-only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.services.com_report import Revisions

COLUMNS = ("Table", "Row", "Column", "Published", "Now")
NONE_CHANGED = "No figures have changed since publication."


def _shown(value: object) -> str:
    return "\u2014" if value is None else str(value)


class RevisionsDialog(QDialog):
    def __init__(self, parent: QWidget | None, revisions: Revisions) -> None:
        super().__init__(parent)
        self.setObjectName("revisionsDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        run = revisions.run
        self.setWindowTitle(f"What changed since publication: run {run.id}")
        cells = revisions.cells
        self.summary = QLabel(
            f"{run.request.describe()}, published {run.created_at.astimezone():%d/%m/%Y %H:%M} by "
            f"{run.username}. "
            + (
                NONE_CHANGED
                if not cells
                else f"{len(cells)} figure{'s have' if len(cells) != 1 else ' has'} changed since, "
                "recomputed with today's records:"
            )
        )
        self.summary.setObjectName("revisionsSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(cells), len(COLUMNS))
        self.table.setObjectName("revisionsTable")
        self.table.setAccessibleName("Changed figures")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for i, c in enumerate(cells):
            for j, text in enumerate((c.table, c.row, c.column, _shown(c.published), _shown(c.current))):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(cells))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, 420 if cells else 140)
