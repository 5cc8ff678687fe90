"""Small form widgets for the victim-pathway forms: a yes / no / not-known choice, a grid of ticked
flags from a labelled vocabulary, a combo of a vocabulary's labels, and read-only switching."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

E = TypeVar("E", bound=StrEnum)


class YesNo(QComboBox):
    """A fact that may not be known yet: "Not known" (None), "Yes" (True) or "No" (False)."""

    def __init__(self, unknown: str = "Not known", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem(unknown, None)
        self.addItem("Yes", True)
        self.addItem("No", False)

    def value(self) -> bool | None:
        data = self.currentData()
        return None if data is None else bool(data)

    def set_value(self, value: bool | None) -> None:
        self.setCurrentIndex(0 if value is None else (1 if value else 2))


def enum_combo(members: Iterable[Any], *, placeholder: str = "") -> QComboBox:
    """A combo of labelled codes (``member.label``), its data the member; none chosen with a placeholder."""
    combo = QComboBox()
    for m in members:
        combo.addItem(m.label, m)
    if placeholder:
        combo.setPlaceholderText(placeholder)
        combo.setCurrentIndex(-1)
    return combo


def enum_data(combo: QComboBox, cls: type[E]) -> E | None:
    """The chosen member of ``cls`` (Qt hands a StrEnum back as a plain string), or None."""
    data = combo.currentData()
    return None if data is None or data == "" else cls(data)


def select_data(combo: QComboBox, value: Any) -> None:
    """Choose the item whose data is ``value`` (none chosen when absent)."""
    combo.setCurrentIndex(combo.findData(value) if value is not None else -1)


class FlagGrid(QWidget, Generic[E]):
    """Ticked flags of a vocabulary in ``columns`` columns; ``changed`` on every tick."""

    changed = Signal()

    def __init__(self, members: Sequence[E], *, columns: int = 3, labels: dict[E, str] | None = None) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        self.boxes: dict[E, QCheckBox] = {}
        for i, m in enumerate(members):
            box = QCheckBox(labels[m] if labels else m.label)  # type: ignore[attr-defined]
            box.toggled.connect(lambda _c: self.changed.emit())
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[m] = box

    def value(self) -> frozenset[E]:
        return frozenset(m for m, box in self.boxes.items() if box.isChecked())

    def set_value(self, values: Iterable[E]) -> None:
        chosen = set(values)
        for m, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(m in chosen)
            box.blockSignals(False)
        self.changed.emit()

    def first(self) -> QWidget:
        return next(iter(self.boxes.values()))


def set_read_only(widgets: Iterable[QWidget], read_only: bool = True) -> None:
    """Text stays selectable where Qt allows it; choices are disabled."""
    for w in widgets:
        if isinstance(w, QLineEdit | QPlainTextEdit | QAbstractSpinBox):
            w.setReadOnly(read_only)
        elif isinstance(w, FlagGrid):
            for box in w.boxes.values():
                box.setEnabled(not read_only)
        else:
            w.setEnabled(not read_only)
