"""The app-wide change signal: whoever mutates data announces it; each page refreshes what it shows."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class DataChanged:
    """What changed. ``arrest_ids`` empty means "possibly anything" (an import, say)."""

    what: str  # "arrest", "event", "import", ...
    arrest_ids: tuple[int, ...] = ()


class AppEvents(QObject):
    data_changed = Signal(object)  # DataChanged

    def announce(self, change: DataChanged) -> None:
        self.data_changed.emit(change)
