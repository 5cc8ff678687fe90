"""Idle detection for the automatic lock: no keyboard or mouse input for N minutes.

An application-wide event filter notes the time of each input event (cheap: one clock read), and one
single-shot timer wakes up when the limit could have been reached, checks, and re-arms for the rest. So
the timer is not restarted on every mouse move. The limit comes from ``MSHTDESK_IDLE_LOCK_MINUTES``,
else the ``security/idle_lock_minutes`` setting, else the machine's preset, else 10 minutes (a locked preset
comes first); fractions are allowed (tests use them).
"""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication

log = logging.getLogger("ui")

IDLE_ENV = "MSHTDESK_IDLE_LOCK_MINUTES"
IDLE_KEY = "security/idle_lock_minutes"
DEFAULT_MINUTES = 10.0

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
    }
)


def idle_lock_minutes(settings: QSettings) -> float:
    """The configured limit; a value that is not a positive number is ignored (with a log note). The
    machine's preset (``mshtdesk.machine``) comes first when locked, after the user's own otherwise."""
    from mshtdesk.machine import machine_settings

    machine = machine_settings()
    if machine.locked and machine.idle_lock_minutes is not None:
        return machine.idle_lock_minutes
    for source, raw in (
        (IDLE_ENV, os.environ.get(IDLE_ENV)),
        (IDLE_KEY, settings.value(IDLE_KEY)),
        ("machine settings", machine.idle_lock_minutes),
    ):
        if raw is None or str(raw).strip() == "":
            continue
        try:
            minutes = float(str(raw))
        except ValueError:
            minutes = 0.0
        if minutes > 0:
            return minutes
        log.warning("ignoring %s: not a positive number of minutes", source)
    return DEFAULT_MINUTES


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``minutes`` without input; :meth:`start` again after unlocking."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._limit = minutes * 60.0
        self._last = time.monotonic()
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        app = QApplication.instance()
        if app is None or self._running:
            return
        self._running = True
        self._last = time.monotonic()
        app.installEventFilter(self)
        self._arm(self._limit)

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self._last = time.monotonic()
        return False

    def _arm(self, seconds: float) -> None:
        self._timer.start(max(10, int(seconds * 1000)))

    def _check(self) -> None:
        if not self._running:
            return
        remaining = self._limit - (time.monotonic() - self._last)
        if remaining > 0.005:
            self._arm(remaining)
            return
        self.stop()
        self.idle.emit()
