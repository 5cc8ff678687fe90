"""The application log: a small rotating file under the per-user log folder (``MSHTDESK_LOG_DIR``).

Only the app's composition root calls :func:`setup_logging`; tests and the CLI leave logging alone.
Nothing written here may contain personal data (see :mod:`ui.error_report`).
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from ui.paths import log_dir

LOG_FILE = "mshtdesk.log"


def setup_logging() -> Path | None:
    """Send warnings and errors (and start/stop notes) to the log file; None if it cannot be written."""
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None  # no log is better than no app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return folder / LOG_FILE
