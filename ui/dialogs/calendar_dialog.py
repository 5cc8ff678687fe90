"""Administrators: the working calendar's changes. England & Wales bank holidays come with the app; an
administrator adds the force's extra non-working days (a one-off bank holiday announced late) or makes a
bank holiday a working day. Every working-day clock (RG expected, decision notifications) follows them,
so each change is recorded in the audit log."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from mshtdesk.domain.dates import uk
from mshtdesk.domain.working_days import bank_holidays
from mshtdesk.services.calendar import CalendarOverride
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel
from ui.widgets.dates import DateEdit
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order

NON_WORKING = "Extra non-working day"
WORKING = "Bank holiday worked as a normal day"

CALENDAR_COLUMNS: tuple[ColumnSpec[CalendarOverride], ...] = (
    ColumnSpec("Date", lambda o: uk(o.day)),
    ColumnSpec("Day", lambda o: f"{o.day:%A}"),
    ColumnSpec("Change", lambda o: WORKING if o.working else NON_WORKING),
    ColumnSpec("Note", lambda o: o.label),
)


def upcoming_bank_holidays(today: date, overrides: list[CalendarOverride], n: int = 6) -> str:
    worked = {o.day for o in overrides if o.working}
    days = [
        (d, name) for year in (today.year, today.year + 1) for d, name in bank_holidays(year) if d >= today
    ]
    parts = [f"{uk(d)} {name}" + (" (worked)" if d in worked else "") for d, name in days[:n]]
    return "Next England & Wales bank holidays: " + "; ".join(parts) + "."


class CalendarDialog(FormDialog):
    @classmethod
    def start(cls, ctx: AppContext, parent: QWidget | None) -> CalendarDialog:
        dialog = cls(ctx, parent)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(ctx, "Working calendar", parent, ok_text="Add")
        self.setObjectName("calendarDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.today = today or date.today()
        self.model = RowsModel(CALENDAR_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("calendarTable")
        self.table.setAccessibleName("Calendar changes")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        fm = self.fontMetrics()
        self.table.setColumnWidth(0, fm.horizontalAdvance("00/00/0000") + 24)
        self.table.setColumnWidth(1, fm.horizontalAdvance("Wednesday") + 24)
        self.table.setColumnWidth(2, fm.horizontalAdvance(WORKING) + 24)
        self.table.setMinimumHeight(200)
        self.empty_note = QLabel("No changes: the England & Wales bank holidays apply as published.")
        self.empty_note.setObjectName("footnote")
        self.holidays = hint_label("")
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Take the selected day off the list: it goes back to the default")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.empty_note)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        intro = hint_label(
            "Working days are Monday to Friday except England & Wales bank holidays. Changes here move "
            "every working-day deadline (Reasonable Grounds expected, decision notifications)."
        )
        self.body.insertWidget(0, intro)
        self.body.insertWidget(1, self.table, 1)
        self.body.insertLayout(2, row)
        self.body.insertWidget(3, self.holidays)
        self.body.insertWidget(4, hint_label("Add a change:"))
        self.day = DateEdit(self.today)
        self.kind = QComboBox()
        self.kind.addItem(NON_WORKING, False)
        self.kind.addItem(WORKING, True)
        self.label = QLineEdit()
        self.label.setPlaceholderText("e.g. State Funeral of Queen Elizabeth II")
        self.add_field("day", "&Date:", self.day)
        self.add_field("working", "&Change:", self.kind)
        self.add_field("label", "&Note:", self.label)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.remove_button.setEnabled(self.table.selectionModel().hasSelection())
        )
        set_tab_order([self.table, self.remove_button, self.day, self.kind, self.label])
        self.resize(720, 600)
        self.reload()
        self.day.setFocus()

    def reload(self, select: date | None = None) -> None:
        calendar = self.ctx.backend.calendar
        self.ctx.tasks.run(
            lambda _job: calendar.list(),
            done=lambda rows: self._show(rows, select),
            owner=self,
            context="reading the calendar",
        )

    def _show(self, rows: list[CalendarOverride], select: date | None) -> None:
        self.model.set_rows(rows)
        self.empty_note.setVisible(not rows)
        self.holidays.setText(upcoming_bank_holidays(self.today, rows))
        if select is not None:
            index = next((i for i, o in enumerate(rows) if o.day == select), -1)
            if index >= 0:
                self.table.selectRow(index)
        self.remove_button.setEnabled(self.table.selectionModel().hasSelection())

    def submit(self) -> None:
        day, working, label = self.day.value(), bool(self.kind.currentData()), self.label.text()
        calendar = self.ctx.backend.calendar
        self.save(
            lambda: calendar.add(day, working=working, label=label),
            lambda _r: self._added(day),
            context="changing the calendar",
        )

    def _added(self, day: date) -> None:
        self.label.clear()
        self.reload(select=day)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        day = self.model.row_at(rows[0].row()).day
        calendar = self.ctx.backend.calendar
        self.save(lambda: calendar.remove(day), lambda _r: self._removed(), context="changing the calendar")

    def _removed(self) -> None:
        self.reload()
