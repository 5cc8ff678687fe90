"""Administrators: the retention rules. Each kind of personal record is reviewed a number of years after
its last activity; a person comes up in the managers' Review queue once every kind about them is past
its rule. Six years is the default (common police practice, not law); each change is audited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QSpinBox, QWidget

from mshtdesk.domain.dates import uk
from mshtdesk.domain.record_retention import DEFAULT_WORDING, MAX_YEARS, MIN_YEARS, RecordKind
from mshtdesk.services.retention import RetentionRuleView
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel
from ui.widgets.field_error import hint_label
from ui.widgets.record_table import record_table
from ui.widgets.tab_order import set_tab_order

RULE_COLUMNS: tuple[ColumnSpec[RetentionRuleView], ...] = (
    ColumnSpec("Kind of record", lambda r: r.label),
    ColumnSpec("Review after", lambda r: f"{r.years} years", right=True),
    ColumnSpec(
        "Changed",
        lambda r: (
            f"{uk(r.updated_at.date())} by {r.updated_by}" if r.updated_by and r.updated_at else "default"
        ),
        muted=lambda r: not r.updated_by,
    ),
)


class RetentionDialog(FormDialog):
    @classmethod
    def start(cls, ctx: AppContext, parent: QWidget | None) -> RetentionDialog:
        dialog = cls(ctx, parent)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Retention rules", parent, ok_text="Set")
        self.setObjectName("retentionDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.model = RowsModel(RULE_COLUMNS, self)
        self.table = record_table(
            "retentionTable",
            "Retention rules",
            self.model,
            {0: "Linked arrests and disposals", 1: "Review after"},
            {i: c.header for i, c in enumerate(RULE_COLUMNS)},
            padding=24,
        )
        fm = self.fontMetrics()
        self.table.setMinimumHeight(fm.lineSpacing() * 9)
        intro = hint_label(
            "A person's record comes up in the managers' Review queue once every kind of record about them "
            "is past its rule: the years after that kind's last activity. " + DEFAULT_WORDING
        )
        self.body.insertWidget(0, intro)
        self.body.insertWidget(1, self.table, 1)
        self.body.insertWidget(2, hint_label("Change a rule:"))
        self.kind = QComboBox()
        for kind in RecordKind:
            self.kind.addItem(kind.label, kind.value)
        self.years = QSpinBox()
        self.years.setRange(MIN_YEARS, MAX_YEARS)
        self.years.setSuffix(" years")
        self.add_field("kind", "&Kind of record:", self.kind)
        self.add_field("years", "&Review after:", self.years)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.kind.currentIndexChanged.connect(lambda _i: self._show_years())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._pick_selected())
        set_tab_order([self.table, self.kind, self.years])
        self.resize(640, 480)
        self.rules: list[RetentionRuleView] = []
        self.reload()
        self.kind.setFocus()

    def reload(self, select: RecordKind | None = None) -> None:
        service = self.ctx.backend.retention
        self.ctx.tasks.run(
            lambda _job: service.rules(),
            done=lambda rows: self._show(rows, select),
            owner=self,
            context="reading the retention rules",
        )

    def _show(self, rows: list[RetentionRuleView], select: RecordKind | None) -> None:
        self.rules = rows
        self.model.set_rows(rows)
        if select is not None:
            self.table.selectRow(next(i for i, r in enumerate(rows) if r.kind is select))
        self._show_years()

    def _pick_selected(self) -> None:
        chosen = self.table.selectionModel().selectedRows()
        if chosen:
            self.kind.setCurrentIndex(self.kind.findData(self.model.row_at(chosen[0].row()).kind.value))

    def _show_years(self) -> None:
        kind = self.kind.currentData()
        found = next((r for r in self.rules if r.kind.value == kind), None)
        if found is not None:
            self.years.setValue(found.years)

    def submit(self) -> None:
        kind, years = RecordKind(self.kind.currentData()), self.years.value()
        service = self.ctx.backend.retention
        self.save(
            lambda: service.set_rule(kind, years),
            lambda _r: self.reload(select=kind),
            context="changing a retention rule",
        )
