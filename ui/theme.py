"""The app follows the system's text size and colours while it runs, not only at start-up.

When the system's font or palette changes (Windows' "Make text bigger", a switch to dark or to high
contrast: Qt sends ``ApplicationFontChange`` / ``ApplicationPaletteChange``, or its colour scheme
changes), :class:`Theme` applies the style sheet again (its ``em`` sizes and ``@NAME`` colours recomputed,
``ui/app.py`` :func:`~ui.app.apply_style`), takes the meaning colours' variant for the new palette
(``ui/palette.py``), and rewrites the colours that dialogs and labels had already spelt into their own
style sheets and rich text, so an overdue red drawn for a white window becomes the one drawn for a black
one. It also shows every dialog within the screen (``ui/widgets/reflow.py``).

Installed once per application by :func:`install`; it watches application events only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ui import palette
from ui.widgets import reflow

WATCHED = (QEvent.Type.ApplicationFontChange, QEvent.Type.ApplicationPaletteChange)


def _signature(app: QApplication) -> tuple[str, ...]:
    colours = app.palette()
    roles = ("Window", "WindowText", "Base", "Text", "Button", "Highlight")
    return (
        app.font().toString(),
        *(colours.color(getattr(colours.ColorRole, r)).name() for r in roles),
    )


def recolour(text: str, before: dict[str, str], after: dict[str, str]) -> str:
    """``text`` with each colour of the ``before`` variant replaced by the same meaning in ``after``."""
    swap: dict[str, str] = {}
    for name, old in before.items():
        swap.setdefault(old.lower(), after[name])
    if not swap:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in swap), re.IGNORECASE)
    return pattern.sub(lambda m: swap[m[0].lower()], text)


def recolour_widgets(before: dict[str, str], after: dict[str, str]) -> int:
    """Every widget's own style sheet and every rich-text label, in the new variant; how many changed."""
    changed = 0
    for widget in QApplication.allWidgets():
        if not shiboken6.isValid(widget):
            continue
        sheet = widget.styleSheet()
        if sheet and "#" in sheet:
            new = recolour(sheet, before, after)
            if new != sheet:
                widget.setStyleSheet(new)
                changed += 1
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
            text = widget.text()
            if "#" in text:
                new = recolour(text, before, after)
                if new != text:
                    widget.setText(new)
                    changed += 1
    return changed


class Theme(QObject):
    """Re-applies the style when the system's font or palette changes; fits dialogs to the screen."""

    def __init__(self, app: QApplication, apply: Callable[[QApplication], None]) -> None:
        super().__init__(app)
        self.setObjectName("theme")
        self._app = app
        self._apply = apply
        self._applied = _signature(app)
        self._pending = False
        self.reapplied = 0  # how many times the style followed a change (tests, logs)
        app.installEventFilter(self)
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda _scheme: self.schedule())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show:
            if isinstance(watched, QWidget) and watched.isWindow() and reflow.ours(watched):
                reflow.fit_screen(watched)  # type: ignore[arg-type]
        elif kind in WATCHED and watched is self._app:
            self.schedule()
        return False

    def schedule(self) -> None:
        """Follow the change once the event that announced it is over (setting a style sheet sends
        more of them)."""
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.follow)

    def follow(self) -> bool:
        """Apply the style again if the font or palette differs from the last applied; True if so."""
        self._pending = False
        if not shiboken6.isValid(self._app) or _signature(self._app) == self._applied:
            return False
        before = dict(palette.current())
        self._apply(self._app)
        self._applied = _signature(self._app)
        after = palette.current()
        if before != after:
            recolour_widgets(before, after)
        self.reapplied += 1
        return True

    def applied(self) -> None:
        """The style was just applied from outside (start-up, a test): remember what it was made for."""
        self._applied = _signature(self._app)


def install(app: QApplication, apply: Callable[[QApplication], None]) -> Theme:
    """The application's theme follower (made on first call), for a style already applied."""
    found = app.findChild(Theme, "theme")
    theme = found if isinstance(found, Theme) else Theme(app, apply)
    theme.applied()
    return theme


def uninstall(app: QApplication) -> None:
    """Stop following (tests, which share one application, put the platform's look back after)."""
    found = app.findChild(Theme, "theme")
    if isinstance(found, Theme):
        app.removeEventFilter(found)
        found.setParent(None)
        found.deleteLater()
