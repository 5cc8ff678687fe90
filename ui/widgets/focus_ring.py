"""One visible focus indicator for every control, whatever the platform style draws (or does not).

Fusion and the Windows styles show the keyboard focus faintly or not at all on buttons, check boxes and
lists (a dotted rectangle, a slightly bluer border: under 3:1). The ring is a small transparent child of
the focused control, laid over its edge and raised above its other children, that paints a 2-pixel
outline in :func:`ui.palette.focus_hex` for the application's palette (dark ink on a light window,
light ink on a dark or high-contrast one): at least 3:1 against what it covers (WCAG 2.2, 2.4.11 and
1.4.11; ``tests/ui/accessibility`` measures it on real controls). It follows the focus from control to
control and ignores the mouse.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QWidget

from ui import palette

WIDTH = 2  # pixels


class _Ring(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        pen = QPen(QColor(palette.focus_hex(QApplication.palette())))
        pen.setWidth(WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half, -half))
        painter.end()


class FocusRing(QObject):
    """Moves the ring to each control that takes the keyboard focus (installed once per application)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focusRingFollower")
        self._ring: _Ring | None = None
        self._target: QWidget | None = None
        app.focusChanged.connect(self._follow)

    def _ring_widget(self) -> _Ring:
        if self._ring is None or not shiboken6.isValid(self._ring):
            self._ring = _Ring()
        return self._ring

    def _follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._target is not None and shiboken6.isValid(self._target):
            self._target.removeEventFilter(self)
        self._target = None
        ring = self._ring_widget()
        if new is None or new.isWindow() or isinstance(new, _Ring):
            ring.hide()
            return
        self._target = new
        new.installEventFilter(self)
        ring.setParent(new)
        self._place()

    def _place(self) -> None:
        ring, target = self._ring_widget(), self._target
        if target is None or not shiboken6.isValid(target):
            ring.hide()
            return
        ring.setGeometry(target.rect())
        ring.raise_()
        ring.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._target and event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded):
            self._place()
        return False


def install_focus_ring(app: QApplication) -> FocusRing:
    """The application's focus ring (made on first call)."""
    found = app.findChild(FocusRing, "focusRingFollower")
    return found if isinstance(found, FocusRing) else FocusRing(app)
