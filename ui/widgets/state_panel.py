"""A centred message that says what is going on and what to do next (empty lists, opening, errors)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class StatePanel(QWidget):
    def __init__(
        self, title: str = "", text: str = "", parent: QWidget | None = None, *, busy: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statePanel")
        self.title = QLabel(title)
        self.title.setObjectName("stateTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.text = QLabel(text)
        self.text.setObjectName("stateText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(260)
        self.bar.setVisible(busy)
        self.bar.setAccessibleName("Working")
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        inner = QVBoxLayout()
        inner.setSpacing(12)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        bar_row = QHBoxLayout()
        bar_row.addStretch(1)
        bar_row.addWidget(self.bar)
        bar_row.addStretch(1)
        inner.addLayout(bar_row)
        inner.addSpacing(4)
        inner.addLayout(self._buttons)
        box = QWidget()
        box.setLayout(inner)
        box.setMaximumWidth(560)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)
        self._finished_buttons = False

    def set_message(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)

    def add_button(self, text: str, slot: Callable[[], object], *, default: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setDefault(default)
        button.clicked.connect(lambda _checked=False: slot())
        self._buttons.addWidget(button)
        return button

    def showEvent(self, event: QShowEvent) -> None:
        if not self._finished_buttons:  # centre the button row once every button is in
            self._buttons.addStretch(1)
            self._finished_buttons = True
        super().showEvent(event)
