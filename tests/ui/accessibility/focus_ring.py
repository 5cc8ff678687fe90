"""The focus indicator, measured: grab a control without and with the keyboard focus, take the pixels
that change, and compute the contrast between their two states (WCAG 2.2, 2.4.11 and 1.4.11: at least
3:1). A control whose look does not change when focused has no visible focus at all (ratio 1)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from ui.palette import contrast


def _image(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def focus_contrast(widget: QWidget) -> tuple[float, int]:
    """(the contrast of the indicator, how many pixels changed), with ``widget`` focused last."""
    parking = widget.window()
    widget.clearFocus()
    parking.setFocus(Qt.FocusReason.OtherFocusReason)
    before = _image(widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    after = _image(widget)
    pairs: dict[tuple[int, int], int] = {}
    for y in range(min(before.height(), after.height())):
        for x in range(min(before.width(), after.width())):
            a, b = before.pixel(x, y), after.pixel(x, y)
            if a != b:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    if not pairs:
        return 1.0, 0
    changed = sum(pairs.values())
    # the indicator: the most common change (anti-aliasing and text cursors are a few stray pixels)
    (a, b), _n = max(pairs.items(), key=lambda kv: kv[1])
    return contrast(QColor(a).name(), QColor(b).name()), changed
