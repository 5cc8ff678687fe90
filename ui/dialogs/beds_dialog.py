"""Administrators: the Haven House beds. Add a bed; retire a free one (its past stays keep it) or put a
retired bed back. The number of beds in use is what occupancy is measured against."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from mshtdesk.services.haven import BedRow
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural

BED_COLUMNS: tuple[ColumnSpec[BedRow], ...] = (
    ColumnSpec("Bed", lambda b: b.label),
    ColumnSpec("Room", lambda b: b.room),
    ColumnSpec(
        "Status",
        lambda b: "retired" if not b.active else ("occupied" if b.stay_id is not None else "free"),
        muted=lambda b: not b.active,
        muted_italic=False,
    ),
)


class BedsDialog(FormDialog):
    @classmethod
    def start(cls, ctx: AppContext, parent: QWidget | None) -> BedsDialog:
        dialog = cls(ctx, parent)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Haven House beds", parent, ok_text="Add bed")
        self.setObjectName("bedsDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.model = RowsModel(BED_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("bedsTable")
        self.table.setAccessibleName("Beds")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 160)
        self.table.setMinimumHeight(220)
        self.summary = QLabel("")
        self.retire_button = QPushButton("&Retire")
        self.retire_button.setToolTip("Take a free bed out of use; its past stays keep it")
        self.restore_button = QPushButton("Put &back in use")
        for b in (self.retire_button, self.restore_button):
            b.setAutoDefault(False)
            b.setEnabled(False)
        self.retire_button.clicked.connect(lambda: self._set_active(False))
        self.restore_button.clicked.connect(lambda: self._set_active(True))
        row = QHBoxLayout()
        row.addWidget(self.summary)
        row.addStretch(1)
        row.addWidget(self.retire_button)
        row.addWidget(self.restore_button)
        self.body.insertWidget(0, self.table, 1)
        self.body.insertLayout(1, row)
        self.body.insertWidget(2, hint_label("Add a bed:"))
        self.label = QLineEdit()
        self.label.setPlaceholderText("e.g. Bed 7")
        self.room = QLineEdit()
        self.room.setPlaceholderText("Optional, e.g. Room 3")
        self.add_field("label", "&Label:", self.label)
        self.add_field("room", "R&oom:", self.room)
        self.add_error_target(("bed",), self.general_error, self.table)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        set_tab_order([self.table, self.retire_button, self.restore_button, self.label, self.room])
        self.resize(560, 520)
        self.reload()
        self.label.setFocus()

    def reload(self, select: int | None = None) -> None:
        haven = self.ctx.backend.haven
        self.ctx.tasks.run(
            lambda _job: haven.beds(include_retired=True),
            done=lambda beds: self._show(beds, select),
            owner=self,
            context="reading the beds",
        )

    def _show(self, beds: list[BedRow], select: int | None) -> None:
        self.model.set_rows(beds)
        in_use = [b for b in beds if b.active]
        taken = sum(1 for b in in_use if b.stay_id is not None)
        self.summary.setText(f"{plural(len(in_use), 'bed')} in use, {taken} occupied")
        if select is not None:
            row = next((i for i, b in enumerate(beds) if b.id == select), -1)
            if row >= 0:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> BedRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        bed = self.selected()
        self.retire_button.setEnabled(bed is not None and bed.active)
        self.restore_button.setEnabled(bed is not None and not bed.active)

    def submit(self) -> None:
        label, room = self.label.text(), self.room.text()
        haven = self.ctx.backend.haven
        self.save(lambda: haven.add_bed(label, room), self._added, context="adding a bed")

    def _added(self, bed_id: int) -> None:
        self.label.clear()
        self.room.clear()
        self.reload(select=bed_id)

    def _set_active(self, active: bool) -> None:
        bed = self.selected()
        if bed is None:
            return
        haven, bed_id = self.ctx.backend.haven, bed.id
        work = (lambda: haven.restore_bed(bed_id)) if active else (lambda: haven.retire_bed(bed_id))
        self.save(work, lambda _r: self._changed(bed_id), context="changing a bed")

    def _changed(self, bed_id: int) -> None:
        self.reload(select=bed_id)
