"""Password fields: masked, never autocompleted into a log or a tooltip, with the policy in words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

POLICY_HINT = (
    "At least 12 characters, not a common password and not containing the user name. "
    "Three or four unrelated words are long and easy to remember."
)
MISMATCH = "The two passwords are not the same."


def password_edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData)
    edit.setMinimumWidth(260)
    return edit
