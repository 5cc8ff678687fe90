"""Where bugs are written down: a log file in the per-user log folder, never personal data.

Messages logged here name what failed and where, never values from records; SQL parameters are hidden
by the engine (``hide_parameters``) so a database error cannot leak a row into the log.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

from mshtdesk import APP_NAME

LOG_DIR_ENV = "MSHTDESK_LOG_DIR"


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / "mshtdesk.log"


def log_bug(context: str, exc: BaseException) -> Path | None:
    """Record an unexpected failure: its type and where it happened, never its message (which can
    quote a value from a record, e.g. ``KeyError('WY/21/000123')``); return the log's path."""
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        logger = logging.getLogger("mshtdesk.bugs")
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        try:
            where = "".join(traceback.format_tb(exc.__traceback__))
            logger.error("bug in %s: %s\n%s", context, type(exc).__name__, where)
        finally:
            logger.removeHandler(handler)
            handler.close()
    except OSError:
        return None
    return path
