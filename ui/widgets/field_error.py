"""A red message under a form field, which also becomes the field's accessible description; its dialog
makes room for it to show whole."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import palette
from ui.widgets.reflow import HELD, room_for, scroll_later

_HELD = HELD  # property of a label held to its lines, here or by reflow: refitted when shown again


class FieldError(QLabel):
    """Its dialog makes room for it whenever it shows (:func:`show_wrapped_text`), so no dialog needs
    size code of its own for its messages."""

    def __init__(self, field: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {palette.ALERT_HEX};")
        self._field = field
        self.hide()

    def show_error(self, text: str) -> None:
        shown = self.isVisible()
        self.setText(text)
        self.setVisible(bool(text))
        if self._field is not None:
            self._field.setAccessibleDescription(text)
        if text and shown:  # a new message in its place; one newly shown is fitted by showEvent
            self._fit_window()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown, or shown with its dialog (a message set before the dialog opened, or on a page not in
        view): only now is it laid out at its width."""
        super().showEvent(event)
        self._fit_window()

    def clear(self) -> None:
        self.show_error("")

    def _fit_window(self) -> None:
        """Once the layout has taken the text in; a page of the main window has room to spare."""
        if isinstance(self.window(), QDialog):
            QTimer.singleShot(0, self, lambda: show_wrapped_text(self.window()))


def show_wrapped_text(window: QWidget) -> None:
    """Make every wrapped label in ``window`` outside a scroll area (whose page grows by itself; the form's
    own, made by ``ui/widgets/reflow.py``, is helped below) show all its lines, with nothing squeezed
    under them, never growing the window past its screen. Qt does neither when a message appears: a
    window does not grow for text that wraps, so it is grown, by the lines its labels lack and to its
    layout's height at its width (the login window's lockout was cut through; a referral's messages
    squeezed its tick boxes together); and a stacked page, or a form row held to its preferred height
    (measured at the label's preferred width, so a narrow column or a very long message wraps to more
    lines than that), does not pass a label's height on, so a label the growing did not reach is held to
    its lines (the person form's age rule, beside the date of birth). If holding them needs more than the
    screen (a form at the screen's height with several long messages), the form moves into a scroll area,
    its buttons below it (``reflow.scroll_later``): cutting the messages or squeezing the rows under them
    would hide what the user must correct."""
    layout = window.layout()
    if layout is None or not window.isVisible():  # not yet shown: its messages ask again when it is
        return
    _refit_held(window)
    scroll = window.findChild(QScrollArea, "reflowScroll")
    content = scroll.widget() if isinstance(scroll, QScrollArea) else None
    if isinstance(scroll, QScrollArea) and content is not None:
        _show_scrolled(window, scroll, content)
        return
    room = room_for(window).height()
    last = -1
    for _ in range(6):
        layout.activate()
        short = [(label, need) for label, need in _wrapped_labels(window) if need > label.height()]
        missing = sum(need - label.height() for label, need in short)
        if layout.hasHeightForWidth():  # the rest of the form, squeezed under the new lines
            missing = max(missing, layout.totalHeightForWidth(window.width()) - window.height())
        if missing <= 0:
            return
        if missing == last or window.height() >= room:  # growing did not reach them, or cannot
            if not short:
                return
            if not _hold(window, short, room):  # more than the screen: the form scrolls instead
                if isinstance(window, QDialog) and scroll_later(window):
                    QTimer.singleShot(0, window, lambda: show_wrapped_text(window))
                return
            last = -1
            continue
        last = missing
        window.resize(window.width(), min(room, window.height() + missing))


def _show_scrolled(window: QWidget, scroll: QScrollArea, content: QWidget) -> None:
    """In a dialog whose form scrolls (``ui/widgets/reflow.py``), its page grows by itself for a label
    held to its lines (a form row does not pass a label's height on), and the first message is scrolled
    into view with its field: focus set by code does not scroll a scroll area."""
    content_layout = content.layout()
    if content_layout is not None:
        content_layout.activate()
    for label, need in _wrapped_labels(content, scroll):
        if need > label.height():
            label.setMinimumHeight(need)
            label.setProperty(_HELD, True)
    if content_layout is not None:
        content_layout.activate()
    error = _first_error(window, content)
    if error is not None:
        scroll.ensureWidgetVisible(error)
        field = error._field
        if field is not None and content.isAncestorOf(field):  # last: the field wins if both do not fit
            scroll.ensureWidgetVisible(field)


def _first_error(window: QWidget, content: QWidget) -> FieldError | None:
    """The message under the field with focus (the first of a save's errors); with focus outside the form,
    the topmost message; none while the user is in a field without one (the view stays where they are)."""
    errors = [e for e in content.findChildren(FieldError) if e.isVisibleTo(content) and e.text()]
    focus = window.focusWidget()
    if focus is not None and content.isAncestorOf(focus):
        return next((e for e in errors if e._field is focus), None)
    return min(errors, key=lambda e: e.mapTo(content, QPoint(0, 0)).y(), default=None)


def _hold(window: QWidget, short: list[tuple[QLabel, int]], room: int) -> bool:
    """Hold each label to its lines; the window grows to its new minimum (unless its own minimum was
    set: then here). False, and let go, if the window would then need more than the screen: its rows
    would be squeezed under the labels (the caller makes the form scroll instead)."""
    layout = window.layout()
    assert layout is not None
    height = window.height()
    for label, need in short:
        label.setMinimumHeight(need)
        label.setProperty(_HELD, True)
    layout.activate()
    wanted = layout.totalMinimumSize().height()
    if layout.hasHeightForWidth():
        wanted = max(wanted, layout.totalHeightForWidth(window.width()))
    if wanted > room:
        for label, _need in short:
            _let_go(label)
        layout.activate()
        window.resize(window.width(), height)
        return False
    if wanted > window.height():
        window.resize(window.width(), wanted)
    return True


def _let_go(label: QLabel) -> None:
    label.setMinimumHeight(0)
    label.setProperty(_HELD, False)


def _wrapped_labels(window: QWidget, inside: QAbstractScrollArea | None = None) -> list[tuple[QLabel, int]]:
    """Each wrapped label in view outside a scroll area (or in the page of ``inside``, not in one nested
    in it), with the height its lines need at its width."""
    return [
        (label, label.heightForWidth(label.width()))
        for label in window.findChildren(QLabel)
        if label.wordWrap()
        and label.width() > 0
        and label.isVisibleTo(window)
        and _scroll_area_of(label) is inside
    ]


def _refit_held(window: QWidget) -> None:
    """A label held to its lines before may since have other text, or none: held to its lines now, or
    let go (a shorter message would otherwise keep the longer one's room). Let go first: a label's
    height for its width is never less than its minimum height."""
    for label in window.findChildren(QLabel):
        if not label.property(_HELD):
            continue
        _let_go(label)
        if label.isVisibleTo(window) and label.width() > 0 and label.text():
            label.setMinimumHeight(label.heightForWidth(label.width()))
            label.setProperty(_HELD, True)


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The scroll area ``widget`` is in, whose page grows on its own: growing the window would not help."""
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


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
