"""A dialog larger than the screen scrolls instead of running off it (WCAG 2.2, 1.4.10 Reflow).

At 200% text a long form (the NRM referral, a navigator case) needs more than a 1,280 × 800 screen. When
a dialog is about to be shown, :func:`fit_screen` checks it against the screen's free area:

- a minimum set in pixels for normal text (``setMinimumWidth(520)``) is raised to what the layout needs,
  and the dialog is made as tall as its wrapped text needs at its width (Qt does not do that for a
  window by itself; a wrapped label is also held to its lines when the dialog is resized);
- if it is still larger than the screen, long labels go above their fields (``WrapLongRows``), a combo
  box of long entries shows 24 characters, and the dialog's content moves into a scroll area with its
  row of buttons (the last ``QDialogButtonBox`` of its layout) left below it, always in view; the dialog
  is then no larger than the screen, and stays so when it later asks for more (rows loaded);
- a dialog that fitted when it opened but whose messages later need more than the screen is moved into
  the same scroll area then (:func:`scroll_later`, called by ``ui/widgets/field_error.py``).

Applied to every dialog by :class:`ui.theme.Theme`, so no dialog does it by hand.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

SCREEN_OVERRIDE: QSize | None = None  # tests: measure against a given screen rather than the real one
WINDOW_FRAME = QSize(16, 48)  # the title bar and borders the window manager adds around a dialog
COMBO_CHARACTERS = 24  # a long list's box, when it would be too wide, shows this many and drops down whole
REFLOWED = "reflowed"  # property set on a dialog whose content scrolls
HELD = "heldToItsLines"  # property of a label held to its lines (let go when its text changes)


def room_for(widget: QWidget) -> QSize:
    """The largest a window's contents can be on the screen it opens on (its frame left out)."""
    if SCREEN_OVERRIDE is not None:
        return SCREEN_OVERRIDE
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is None:
        return QSize(1280, 800)
    return screen.availableGeometry().size() - WINDOW_FRAME


def too_big(dialog: QWidget, room: QSize) -> bool:
    hint = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    return hint.width() > room.width() or hint.height() > room.height()


def ours(dialog: QWidget) -> bool:
    """Qt's own boxes lay themselves out for the screen; only our dialogs are reflowed."""
    return isinstance(dialog, QDialog) and not isinstance(dialog, QMessageBox | QFileDialog | QProgressDialog)


def fit_screen(dialog: QDialog) -> bool:
    """Make ``dialog`` fit the screen it opens on, tall enough for its wrapped text; True if its
    content had to be rearranged (labels above fields, or a scroll area)."""
    room = room_for(dialog)
    layout = dialog.layout()
    if layout is None:
        return False
    if dialog.findChild(_KeepInside, "keepInside") is None:
        dialog.installEventFilter(_KeepInside(dialog))
    QTimer.singleShot(0, dialog, lambda: _open_wrapped_labels(dialog))
    _not_below_layout(dialog, room)
    if not too_big(dialog, room) and _tall_enough(dialog, layout, room):
        _bound(dialog, room)
        return False
    for form in dialog.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    for combo in dialog.findChildren(QComboBox):  # a list of long offence names: as wide as the screen
        if combo.sizeHint().width() > room.width() // 2:
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(COMBO_CHARACTERS)
    layout.activate()
    if (too_big(dialog, room) or not _tall_enough(dialog, layout, room)) and not dialog.property(REFLOWED):
        _scroll(dialog, layout)
        dialog.resize(_wanted(dialog).boundedTo(room))
    _bound(dialog, room)
    if not dialog.property(REFLOWED):
        dialog.setProperty(REFLOWED, "wrapped")
    return True


def scroll_later(dialog: QDialog) -> bool:
    """Move ``dialog``'s content into the scroll area :func:`fit_screen` makes, its buttons left below,
    now that text which appeared after it opened (its messages) needs more than the screen: held to the
    screen it would otherwise cut that text or squeeze its rows. True if moved (False if it already
    scrolls, or is one of Qt's own boxes)."""
    layout = dialog.layout()
    if layout is None or not ours(dialog) or dialog.property(REFLOWED) == "scrolls":
        return False
    room = room_for(dialog)
    focus = dialog.focusWidget()  # moving the form takes focus from it: the first message's field keeps it
    _scroll(dialog, layout)
    if focus is not None:  # once the moved fields are shown again (Qt shows them on a queued call)
        QTimer.singleShot(0, dialog, lambda: _focus_again(dialog, focus))
    wanted = _wanted(dialog)  # wider by the scroll bar, and no taller than the screen: it was at its height
    dialog.resize(
        min(max(dialog.width(), wanted.width()), room.width()),
        min(max(dialog.height(), wanted.height()), room.height()),
    )
    _bound(dialog, room)
    return True


def _focus_again(dialog: QWidget, focus: QWidget) -> None:
    if shiboken6.isValid(focus) and dialog.isAncestorOf(focus) and focus.isVisible():
        focus.setFocus(Qt.FocusReason.OtherFocusReason)


def _tall_enough(dialog: QDialog, layout: QLayout, room: QSize) -> bool:
    """Grow ``dialog`` to the height its wrapped text needs at its width (a window is not told by
    itself); False if that is more than the screen has."""
    width = min(max(dialog.width(), dialog.minimumSizeHint().width()), room.width())
    taller = _height_for(layout, width)
    if taller > room.height():
        return False
    if taller > dialog.height():
        dialog.setMinimumHeight(max(dialog.minimumHeight(), taller))
        dialog.resize(width, taller)
    return True


def _scroll(dialog: QDialog, layout: QLayout) -> None:
    buttons = _last_button_box(layout)
    if buttons is not None:
        layout.removeWidget(buttons)
    content = QWidget()
    content.setObjectName("reflowContent")
    content.setLayout(layout)  # Qt takes the layout (and its widgets) from the dialog
    content.installEventFilter(dialog.findChild(_KeepInside, "keepInside") or _KeepInside(dialog))
    scroll = QScrollArea()
    scroll.setObjectName("reflowScroll")
    scroll.setAccessibleName(dialog.windowTitle() or "Form")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # no width change once laid out
    scroll.setWidget(content)
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll, 1)
    if buttons is not None:
        margins = layout.contentsMargins()
        row = QVBoxLayout()
        row.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
        row.addWidget(buttons)
        outer.addLayout(row)
    dialog.setProperty(REFLOWED, "scrolls")


def _height_for(layout: QLayout, width: int) -> int:
    """The height ``layout`` needs at ``width`` counting text that wraps, or 0 if none wraps."""
    return layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else 0


def _wanted(dialog: QDialog) -> QSize:
    """The size a scrolling dialog would like: its content whole, plus the buttons below."""
    scroll = dialog.findChild(QScrollArea, "reflowScroll")
    hint = dialog.sizeHint()
    inner = scroll.widget() if isinstance(scroll, QScrollArea) else None
    if not isinstance(scroll, QScrollArea) or inner is None:
        return hint
    content = inner.sizeHint()
    bar = scroll.verticalScrollBar().sizeHint().width()
    extra = hint.height() - scroll.sizeHint().height()  # the buttons and margins outside the scroll area
    return QSize(max(hint.width(), content.width() + bar), content.height() + max(extra, 0))


def _last_button_box(layout: QLayout) -> QDialogButtonBox | None:
    for i in range(layout.count() - 1, -1, -1):
        item = layout.itemAt(i)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QDialogButtonBox):
            return widget
        if widget is not None and not widget.isHidden():
            return None  # something else is last: the buttons are not a row of their own
    return None


def _not_below_layout(dialog: QWidget, room: QSize) -> None:
    """A minimum set in pixels for normal text (``setMinimumWidth(520)``) replaces the layout's own, so
    at larger text the dialog could open narrower than its labels: hold it to what the layout needs."""
    needed = dialog.minimumSizeHint().boundedTo(room)
    minimum = dialog.minimumSize()
    explicit = minimum.width() or minimum.height()  # none: the layout's own minimum applies anyway
    if explicit and (minimum.width() < needed.width() or minimum.height() < needed.height()):
        dialog.setMinimumSize(minimum.expandedTo(needed))
    if dialog.width() < needed.width() or dialog.height() < needed.height():
        dialog.resize(dialog.size().expandedTo(needed))


def _open_wrapped_labels(dialog: QWidget) -> None:
    """A scrolled form whose labels now sit above their fields does not always give a wrapped hint the
    lines it needs at its new width: hold each such label to its height for its width (the scrolled
    content grows with it; outside a scroll area a fixed panel would not, and lines would overlap)."""
    if not shiboken6.isValid(dialog):
        return
    scroll = dialog.findChild(QScrollArea, "reflowScroll")
    content = scroll.widget() if isinstance(scroll, QScrollArea) else None
    if content is None:
        return
    for label in content.findChildren(QLabel):
        if label.wordWrap() and label.isVisibleTo(dialog) and label.text():
            need = label.heightForWidth(label.width())
            if need > label.height() and need != label.minimumHeight():
                label.setMinimumHeight(need)
                label.setProperty(HELD, True)  # a shorter message later gives the room back (field_error)


def _bound(dialog: QWidget, room: QSize) -> None:
    """No explicit minimum beyond the screen, and no size beyond it."""
    minimum = dialog.minimumSize()
    if minimum.width() > room.width() or minimum.height() > room.height():
        dialog.setMinimumSize(minimum.boundedTo(room))
    if dialog.width() > room.width() or dialog.height() > room.height():
        dialog.resize(dialog.size().boundedTo(room))


class _KeepInside(QObject):
    """A dialog whose wrapped text grows after it opened (its rows loaded) grows with it, and one that
    later asks for more than the screen (its own minimum height raised) is held to the screen."""

    def __init__(self, dialog: QDialog) -> None:
        super().__init__(dialog)
        self.setObjectName("keepInside")
        self._busy = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched.objectName() == "reflowContent":  # the scrolled form took a new width
            if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
                window = watched.window()
                QTimer.singleShot(0, window, lambda: _open_wrapped_labels(window))
            return False
        if (
            not self._busy
            and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest)
            and isinstance(watched, QWidget)
            and shiboken6.isValid(watched)
        ):
            self._busy = True
            try:
                room = room_for(watched)
                layout = watched.layout()
                if event.type() == QEvent.Type.LayoutRequest and layout is not None:
                    grown = _height_for(layout, watched.width())  # text filled in after it opened
                    if watched.height() < grown <= room.height():
                        watched.resize(watched.width(), grown)
                _bound(watched, room)
                if event.type() == QEvent.Type.Resize:
                    QTimer.singleShot(0, watched, lambda: _open_wrapped_labels(watched))
            finally:
                self._busy = False
        return False
