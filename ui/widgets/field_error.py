"""A red message under a form field, which also becomes the field's accessible description."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QDialog, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import palette


class FieldError(QLabel):
    def __init__(self, field: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {palette.ALERT_HEX};")
        self._field = field
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
        if self._field is not None:
            self._field.setAccessibleDescription(text)
        if text and isinstance(self.window(), QDialog):  # a page of the main window has room to spare
            QTimer.singleShot(0, self, lambda: show_wrapped_text(self.window()))

    def clear(self) -> None:
        self.show_error("")


def show_wrapped_text(window: QWidget) -> None:
    """Grow ``window`` (never past its screen) until every wrapped label in it shows all its lines: a
    window does not grow by itself when a message appears and wraps, and a stacked page does not pass
    the label's height on, so the message would be cut through (the login window's, at two lines).
    Stops when growing no longer helps (a label inside a scroll area)."""
    layout = window.layout()
    if layout is None or not window.isVisible():  # a window not yet shown lays itself out when it is
        return
    screen = window.screen()
    room = screen.availableGeometry().height() if screen is not None else window.height() * 2
    last = -1
    for _ in range(6):
        layout.activate()
        short = sum(
            max(0, label.heightForWidth(label.width()) - label.height())
            for label in window.findChildren(QLabel)
            if label.wordWrap() and label.width() > 0 and label.isVisibleTo(window) and not _scrolled(label)
        )
        if short == 0 or short == last or window.height() >= room:
            return
        last = short
        window.resize(window.width(), min(room, window.height() + short))


def _scrolled(widget: QWidget) -> bool:
    """Inside a scroll area, whose page grows on its own: growing the window would not help it."""
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def hint_label(text: str) -> QLabel:
    """Small print under a field: a rule or what a choice means. Wraps at the width of the form."""
    label = QLabel(text)
    label.setObjectName("footnote")
    label.setWordWrap(True)
    return label


def with_error(field: QWidget, hint: QLabel | None = None) -> tuple[QWidget, FieldError]:
    """``field`` stacked over its (hidden until needed) error message, ready for a form row.

    The row is as wide as the form, so a message never wraps to the width of a narrow field (a date or a
    combo box keeps its natural width, left-aligned), and no taller than its contents. A ``hint`` goes
    last, in the same column (a wrapped label in a form row of its own is laid out too narrow).
    """
    box = QWidget()
    # With a hint, as tall as the hint's lines at the field's width (at large text they are more than
    # its preferred height counts); without one, no taller than its contents.
    tall = QSizePolicy.Policy.Preferred if hint is not None else QSizePolicy.Policy.Maximum
    box.setSizePolicy(QSizePolicy.Policy.Expanding, tall)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    wide = (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Ignored)
    if field.sizePolicy().horizontalPolicy() in wide:
        layout.addWidget(field)
    else:
        layout.addWidget(field, 0, Qt.AlignmentFlag.AlignLeft)
    error = FieldError(field)
    layout.addWidget(error)
    if hint is not None:
        layout.addWidget(hint)
    return box, error
