"""Record a decision on an NRM referral, or withdraw an entry made in error.

The sequence rules live in the core (``domain.nrm.check_decision``): a refusal comes back as a
ValidationError and is shown beside the field it concerns (the kind, the outcome or the date). A
warning (a Conclusive Grounds decision inside the recovery period, a late reconsideration request)
writes nothing until the user has read it and confirmed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPlainTextEdit, QWidget

from mshtdesk.domain.dates import uk
from mshtdesk.domain.nrm import OUTCOMES, DecisionKind, Outcome
from mshtdesk.services.nrm import DecisionNeedsConfirmationError, DecisionRow, ReferralDetail
from ui import palette
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.choices import enum_data
from ui.widgets.dates import DateEdit, to_qdate
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order


def kind_label(kind: DecisionKind) -> str:
    return kind.label[:1].upper() + kind.label[1:]


def suggested_kind(detail: ReferralDetail) -> DecisionKind:
    """What is most likely next: an RG, then a CG after a positive RG."""
    waiting = detail.clocks.waiting_for
    if waiting == "CG":
        return DecisionKind.CG
    return DecisionKind.RG


class DecisionDialog(FormDialog):
    recorded = Signal(int)  # the decision's id

    def __init__(self, ctx: AppContext, detail: ReferralDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"Record a decision \u2014 {detail.referral_ref}", parent, ok_text="Record")
        self.setObjectName("decisionDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.detail = detail
        self.kind = QComboBox()
        for kind in DecisionKind:
            self.kind.addItem(kind_label(kind), kind)
        self.outcome = QComboBox()
        self.outcome.setPlaceholderText("Choose the outcome")
        self.decided_on = DateEdit(ctx.backend.nrm.today)
        self.decided_on.setMinimumDate(to_qdate(detail.data.submitted_date or date(2009, 4, 1)))
        self.decided_on.setMaximumDate(to_qdate(ctx.backend.nrm.today))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.note.setPlaceholderText("Optional, e.g. the Single Competent Authority's reference")
        self.add_field("decision_kind", "&Decision:", self.kind)
        self.outcome_caption = self.add_field("outcome", "&Outcome:", self.outcome)
        self.add_field(
            "decision_date",
            "D&ated:",
            self.decided_on,
            hint=hint_label("The date on the decision letter, not the date you heard of it."),
        )
        self.add_field("note", "&Note:", self.note)
        self.clocks = QLabel(self._clock_text())
        self.clocks.setObjectName("footnote")
        self.clocks.setWordWrap(True)
        self.body.addWidget(self.clocks)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.kind.setCurrentIndex(self.kind.findData(suggested_kind(detail)))
        self._kind_changed()
        set_tab_order([self.kind, self.outcome, self.decided_on, self.note])
        self.setMinimumWidth(600)
        self.kind.setFocus()
        self.confirmation: QMessageBox | None = None

    def _clock_text(self) -> str:
        c = self.detail.clocks
        parts = [
            f"Submitted {uk(self.detail.data.submitted_date)}" if self.detail.data.submitted_date else ""
        ]
        if c.recovery_period_end:
            parts.append(f"recovery period ends {uk(c.recovery_period_end)} (no CG expected before)")
        if c.reconsideration_window_end:
            parts.append(f"reconsideration window closes {uk(c.reconsideration_window_end)}")
        return " \u00b7 ".join(p for p in parts if p)

    def _kind_changed(self) -> None:
        kind = enum_data(self.kind, DecisionKind) or DecisionKind.RG
        allowed = [o for o in Outcome if o in OUTCOMES[kind]]
        self.outcome.clear()
        for o in allowed:
            self.outcome.addItem(o.label, o)
        self.outcome.setCurrentIndex(-1)
        self.outcome.setVisible(bool(allowed))
        self.outcome_caption.setVisible(bool(allowed))
        self.clear_errors()

    def submit(self, *, confirm: bool = False) -> None:
        kind = enum_data(self.kind, DecisionKind) or DecisionKind.RG
        outcome = enum_data(self.outcome, Outcome) if OUTCOMES[kind] else None
        if OUTCOMES[kind] and outcome is None:
            self.show_errors({"outcome": "Choose the outcome of the decision."})
            return
        decided_on = self.decided_on.value()
        note = self.note.toPlainText()
        nrm, referral_id = self.ctx.backend.nrm, self.detail.id
        self.save(
            lambda: nrm.add_decision(referral_id, kind, outcome, decided_on, note, confirm_warnings=confirm),
            self._done,
            context="recording an NRM decision",
        )

    def handle_error(self, exc: BaseException) -> bool:
        if not isinstance(exc, DecisionNeedsConfirmationError):
            return False
        for name, message in exc.warnings.items():  # shown beside their fields as well
            self._show_warning(name, message)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Record this decision?",
            " ".join(exc.warnings.values()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("decisionWarning")
        box.setInformativeText("Nothing has been recorded yet. Record it anyway?")
        box.button(QMessageBox.StandardButton.Yes).setText("Record anyway")
        box.button(QMessageBox.StandardButton.No).setText("Go back")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: (
                self.submit(confirm=True)
                if box.standardButton(button) == QMessageBox.StandardButton.Yes
                else None
            )
        )
        self.confirmation = box
        box.open()
        return True

    def _show_warning(self, name: str, message: str) -> None:
        """A warning, not an error: amber, beside its field."""
        error = self._errors.get(name) or self.general_error
        error.show_error(message)
        error.setStyleSheet(f"color: {palette.WARNING_HEX};")

    def clear_errors(self) -> None:
        super().clear_errors()
        for error in {id(e): e for e in (*self._errors.values(), self.general_error)}.values():
            error.setStyleSheet(f"color: {palette.ALERT_HEX};")

    def _done(self, decision_id: int) -> None:
        self.recorded.emit(decision_id)
        self.accept()


class VoidDecisionDialog(FormDialog):
    """Withdraw the latest entry of a decision history, entered in error; it stays on record, struck
    through, with the reason."""

    voided = Signal()

    def __init__(self, ctx: AppContext, decision: DecisionRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Withdraw an entry made in error", parent, ok_text="Withdraw entry")
        self.setObjectName("voidDecisionDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.decision = decision
        what = QLabel(f"<b>{decision.label}</b>, dated {uk(decision.decided_on)}")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.reason.setPlaceholderText("e.g. Entered against the wrong referral")
        self.add_field("entry", "Entry:", what)
        self.add_field(
            "reason",
            "&Why:",
            self.reason,
            hint=hint_label("The entry stays on record, struck through, with this reason."),
        )
        self.setMinimumWidth(520)
        self.reason.setFocus()

    def submit(self) -> None:
        reason = self.reason.toPlainText()
        nrm, decision_id = self.ctx.backend.nrm, self.decision.id
        self.save(
            lambda: nrm.void_decision(decision_id, reason), self._done, context="withdrawing an NRM decision"
        )

    def _done(self, _id: int) -> None:
        self.voided.emit()
        self.accept()
