"""Where the app keeps its own files (window state, logs), each overridable so tests never touch a profile."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "MSHTDesk"  # folder name; the same as mshtdesk.APP_NAME, repeated to keep this module import-free
CONFIG_DIR_ENV = "MSHTDESK_CONFIG_DIR"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False, roaming=False))


def log_dir() -> Path:
    """The same folder the core and the CLI log to (``MSHTDESK_LOG_DIR`` overrides it)."""
    from mshtdesk.logs import log_dir as core_log_dir

    return core_log_dir()


def settings_file() -> Path:
    return config_dir() / "MSHTDesk.ini"


def resource(name: str) -> Path:
    """A file under resources/, found the same way from a checkout, a wheel or a frozen build."""
    import sys

    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parent.parent
    return base / "resources" / name
