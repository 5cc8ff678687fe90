"""A dialog with a form whose save runs on the worker and whose errors appear beside their fields.

Subclasses add fields with :meth:`FormDialog.add_field` (the label becomes the field's buddy and a red
message sits under the field), implement :meth:`submit`, and call :meth:`save` with the service call.
A ``ValidationError`` is shown field by field; a ``ConflictError`` or ``NotFoundError`` calls
:meth:`on_conflict`; any other expected error is shown above the buttons; a bug is logged and apologised for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.errors import ConflictError, MshtError, NotFoundError, ValidationError
from ui import error_report
from ui.context import AppContext
from ui.widgets.field_error import FieldError, with_error


class FormDialog(QDialog):
    def __init__(
        self, ctx: AppContext, title: str, parent: QWidget | None = None, *, ok_text: str = "Save"
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(8)
        self._errors: dict[str, FieldError] = {}
        self._fields: dict[str, QWidget] = {}
        self.general_error = FieldError()
        self.general_error.setObjectName("generalError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        save = QAction(self)
        save.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Save))
        save.triggered.connect(self._save_shortcut)
        self.addAction(save)
        self.body = QVBoxLayout()
        self.body.addLayout(self.form)
        outer = QVBoxLayout(self)
        outer.addLayout(self.body, 1)
        outer.addWidget(self.general_error)
        outer.addSpacing(6)
        outer.addWidget(self.buttons)
        self.busy = False
        self._discard_confirmed = False

    # ----- building ----------------------------------------------------------------------------
    def add_field(
        self, names: str | Iterable[str], label: str, field: QWidget, *, hint: QLabel | None = None
    ) -> QLabel:
        """Add ``field`` with a buddy ``label``; errors for service fields ``names`` appear under it, and
        ``hint`` (a note in small print) under that, as wide as the field."""
        box, error = with_error(field, hint)
        caption = QLabel(label)
        caption.setBuddy(field)
        if isinstance(field, QPlainTextEdit):  # several lines: the label sits by the first
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            caption.setContentsMargins(0, 4, 0, 0)
        else:  # level with the field, not with the field and its error message together
            caption.setFixedHeight(field.sizeHint().height())
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow(caption, box)
        for name in [names] if isinstance(names, str) else names:
            self._errors[name] = error
            self._fields[name] = field
        return caption

    def add_error_target(self, names: Iterable[str], error: FieldError, field: QWidget) -> None:
        """Send errors for ``names`` to an error label placed by the subclass."""
        for name in names:
            self._errors[name] = error
            self._fields[name] = field

    # ----- errors ------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for error in {id(e): e for e in self._errors.values()}.values():
            error.clear()
        self.general_error.clear()

    def show_errors(self, fields: dict[str, str]) -> None:
        self.clear_errors()
        texts: dict[int, list[str]] = {}
        labels: dict[int, FieldError] = {}
        general: list[str] = []
        for name, message in fields.items():
            error = self._errors.get(name)
            if error is None:
                general.append(message)
            else:
                texts.setdefault(id(error), []).append(message)
                labels[id(error)] = error
        for key, error in labels.items():
            error.show_error(" ".join(texts[key]))
        if general:
            self.general_error.show_error(" ".join(general))
        first = next((self._fields[n] for n in fields if n in self._fields), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_error(self, name: str) -> None:
        """Take down the message under service field ``name`` (the user has since answered it)."""
        error = self._errors.get(name)
        if error is not None:
            error.clear()

    def error_text(self, name: str) -> str:
        """The message shown for service field ``name`` (tests and accessibility)."""
        error = self._errors.get(name)
        return error.text() if error is not None else ""

    # ----- closing -----------------------------------------------------------------------------
    def confirm_discard(self, message: str) -> None:
        """Ask before throwing away what was typed (``message`` says what); Discard closes through
        :meth:`reject` again, which then lets the dialog go."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard changes?",
            message,
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("discardQuestion")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Discard:
                self._discard_confirmed = True
                self.reject()

        box.buttonClicked.connect(answered)
        box.open()

    # ----- saving ------------------------------------------------------------------------------
    def submit(self) -> None:
        """Read the form and call :meth:`save`; the default just closes."""
        self.accept()

    def _save_shortcut(self) -> None:
        if self.ok_button.isEnabled():
            self.submit()

    def save(self, work: Callable[[], Any], done: Callable[[Any], None], *, context: str) -> None:
        """Run ``work`` on the worker; ``done(result)`` back here, or the errors shown in the form."""
        if self.busy:
            return
        self.set_busy(True)
        self.clear_errors()

        def finished(result: Any) -> None:
            self.set_busy(False)
            done(result)

        self.ctx.tasks.run(
            lambda _job: work(), done=finished, failed=self._failed, owner=self, context=context
        )

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        if self.handle_error(exc):
            return
        if isinstance(exc, ValidationError):
            self.show_errors(exc.fields)
        elif isinstance(exc, ConflictError | NotFoundError):
            self.on_conflict(exc)
        elif isinstance(exc, MshtError):
            self.general_error.show_error(str(exc))
        else:
            error_report.log_bug(exc, f"saving in {type(self).__name__}")
            self.general_error.show_error(error_report.APOLOGY)

    def handle_error(self, exc: BaseException) -> bool:
        """A subclass may place an expected error itself (beside the field it concerns): True if so."""
        return False

    def on_conflict(self, exc: MshtError) -> None:
        self.general_error.show_error(str(exc))

    def reject(self) -> None:
        if not self.busy:  # never drop a save in flight: its change must still be announced
            super().reject()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)
