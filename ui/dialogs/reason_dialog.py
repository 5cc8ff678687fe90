"""Ask why data is being disclosed (copied, exported, printed) before it leaves MSHT Desk.

The reason is recorded with the disclosure in the audit log (DPA 2018 s.62: disclosures are logged with
their justification), so OK stays disabled until something other than spaces has been typed. An export
to a plain file can add a ``warning`` (the file is not encrypted), shown before the user commits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.text import text_problem
from ui.widgets.field_error import FieldError

PROMPT = "Why are you disclosing this? It is kept in the audit log."


class ReasonDialog(QDialog):
    reason_given = Signal(str)  # emitted on OK with the stripped reason

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        what: str,
        ok_text: str = "OK",
        warning: str = "",
        prompt: str = PROMPT,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.what = QLabel(what)
        self.what.setObjectName("reasonWhat")
        self.what.setWordWrap(True)
        self.prompt = QLabel(prompt.replace("Why", "&Why", 1))
        self.prompt.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reasonText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(
            "e.g. Quarterly figures for the MSHT strategic board, requested by DI Shaw"
        )
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.prompt.setBuddy(self.text)
        self.error = FieldError(self.text)
        self.warning = QLabel(warning)
        self.warning.setObjectName("warningBox")
        self.warning.setWordWrap(True)
        self.warning.setVisible(bool(warning))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.reason())))

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.what)
        layout.addSpacing(4)
        layout.addWidget(self.prompt)
        layout.addWidget(self.text, 1)  # the box takes any spare height, not the gaps between labels
        layout.addWidget(self.error)
        layout.addWidget(self.warning)
        layout.addSpacing(4)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(500)
        self.resize(520, self.minimumSizeHint().height() + 24)  # the box's default hint is very tall
        self.text.setFocus()

    def reason(self) -> str:
        return self.text.toPlainText().strip()

    def _accept(self) -> None:
        reason = self.reason()
        if not reason:
            return
        problem = text_problem(reason, multiline=True)  # the audit log refuses it too
        if problem is not None:
            self.error.show_error(problem)
            self.text.setFocus()
            return
        self.accept()
        self.reason_given.emit(reason)
