"""A manager's decision on a record past review: keep it (a reason and the next review date) or erase it
(a reason, and a tick that says they know it cannot be undone). Both run on the worker through
``RetentionService``; a refusal is shown in the dialog, which stays open with what was typed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.dates import uk
from mshtdesk.domain.record_retention import add_years
from mshtdesk.errors import MshtError, ValidationError
from mshtdesk.services.retention import DueRecord
from ui import error_report
from ui.context import AppContext
from ui.widgets.dates import DateEdit, to_qdate
from ui.widgets.field_error import FieldError, hint_label

ERASE_WARNING = (
    "Erasing removes the person's names, dates of birth, contact details, notes and every free text on "
    "their referrals, decisions, Navigator cases, stays, contacts and links, for good. The records stay "
    "as counts, so every published table is unchanged; the person shows as \u201cErased record\u201d. "
    "Copies in backups leave when the backup rule prunes them."
)
NO_NAMES = "Leave the person's name out: the audit log keeps the reason for good."


def describe(row: DueRecord) -> str:
    last = f"last activity {uk(row.last_activity)} ({row.last_kind})" if row.last_activity else "no activity"
    return f"{row.person_ref}, {row.name}: {last}."


class ReviewDialog(QDialog):
    """``erase`` False: Keep; True: Erase. ``decided`` carries the person's id once the service agreed."""

    decided = Signal(int)

    def __init__(
        self, ctx: AppContext, row: DueRecord, *, erase: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.erase = erase
        self.running = False
        self.setObjectName("eraseDialog" if erase else "keepDialog")
        self.setWindowTitle(f"Erase {row.person_ref}" if erase else f"Keep {row.person_ref}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._build()
        self._connect()
        self._update()

    def _build(self) -> None:
        self.what = QLabel(describe(self.row))
        self.what.setObjectName("reviewWhat")
        self.what.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reviewReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            "e.g. Erasure request ERA/2031/4, checked by the data protection officer"
            if self.erase
            else "e.g. Witness in a trial listed for next year"
        )
        self.reason.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 14)
        self.reason_error = FieldError(self.reason)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        caption = QLabel("&Reason:")
        caption.setBuddy(self.reason)
        reason_box = QVBoxLayout()
        reason_box.setSpacing(2)
        reason_box.addWidget(self.reason)
        reason_box.addWidget(hint_label(NO_NAMES))
        reason_box.addWidget(self.reason_error)
        form.addRow(caption, reason_box)
        self.until = DateEdit(add_years(date.today(), 1))
        self.until.setObjectName("nextReview")
        self.until.setMinimumDate(to_qdate(date.fromordinal(date.today().toordinal() + 1)))
        self.until_error = FieldError(self.until)
        self.confirm = QCheckBox("I understand that erasure cannot be &undone")
        self.confirm.setObjectName("confirmErase")
        self.warning = QLabel(ERASE_WARNING)
        self.warning.setObjectName("warningBox")
        self.warning.setWordWrap(True)
        if self.erase:
            form.addRow("", self.confirm)
        else:
            until_caption = QLabel("&Next review:")
            until_caption.setBuddy(self.until)
            until_box = QVBoxLayout()
            until_box.setSpacing(2)
            until_box.addWidget(self.until, 0, Qt.AlignmentFlag.AlignLeft)
            until_box.addWidget(self.until_error)
            form.addRow(until_caption, until_box)
        self.error = FieldError()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Erase" if self.erase else "Keep")
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.what)
        if self.erase:
            layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.reason.setFocus()

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update)
        self.reason.textChanged.connect(self.reason_error.clear)  # the message was about the old text
        self.confirm.toggled.connect(lambda _c: self._update())

    def _update(self) -> None:
        ready = bool(self.reason.toPlainText().strip()) and (self.confirm.isChecked() or not self.erase)
        self.ok_button.setEnabled(ready and not self.running)

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.running = True
        self._update()
        for e in (self.reason_error, self.until_error, self.error):
            e.clear()
        service = self.ctx.backend.retention
        person, reason, until = self.row.id, self.reason.toPlainText(), self.until.value()

        def job(_job: object) -> object:
            return service.erase(person, reason) if self.erase else service.keep(person, reason, until)

        self.ctx.tasks.run(
            job,
            done=self._done,
            failed=self._failed,
            owner=self,
            context="erasing a record" if self.erase else "keeping a record",
            # erasing rebuilds the database file (seconds on a large one): say so, with no Cancel
            progress="Erasing, then rewriting the database file\u2026" if self.erase else None,
            parent=self,
            cancellable=False,
        )

    def _done(self, _result: object) -> None:
        self.running = False
        self.decided.emit(self.row.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self._update()
        if isinstance(exc, ValidationError):
            for name, text in exc.fields.items():
                target = {"reason": self.reason_error, "next_review": self.until_error}.get(name, self.error)
                target.show_error(text)
        elif isinstance(exc, MshtError):
            self.error.show_error(str(exc))
        else:
            error_report.report(self, exc, "erasing a record" if self.erase else "keeping a record")
