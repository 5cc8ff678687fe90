"""Window state in an INI file (QSettings). Settings that reports depend on live in the database instead."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ui.paths import settings_file


def open_settings() -> QSettings:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)
