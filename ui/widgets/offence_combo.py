"""An offence chooser that also takes free text: custody systems word offences in their own ways."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

if TYPE_CHECKING:
    from mshtdesk.services.reference import OffenceTypeInfo


class OffenceCombo(QComboBox):
    def __init__(self, types: Sequence[OffenceTypeInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for t in types:
            self.addItem(t.title, t.code)
        self.setCurrentIndex(-1)
        self.lineEdit().setPlaceholderText(  # type: ignore[union-attr]  # editable: it has one
            "Choose, or type the offence as the custody record words it"
        )
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(40)

    def text(self) -> str:
        return self.currentText().strip()
