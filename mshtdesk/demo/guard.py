"""Which database the demo may write to.

Synthetic people, cases and stays must never reach a real register: the demo writes only into a database
it creates itself, at a path that held nothing, and marks it so (a row in ``setting``).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import insert, select

from mshtdesk.errors import MshtError
from mshtdesk.store.database import Database
from mshtdesk.store.engine import resolve_url, sqlite_path
from mshtdesk.store.tables import SETTING

DEMO_SETTING = "demo_database"
DEMO_MARK = "synthetic demonstration data only"


class NotADemoDatabaseError(MshtError):
    """The demo was pointed at a database it did not create; nothing was written."""


def check_demo_location(db: str | None) -> Path:
    """The file a new demo database may be created at: nothing there yet (or an empty file)."""
    path = sqlite_path(resolve_url(db))
    if path is None:
        raise NotADemoDatabaseError(
            "The demo creates a database file of its own and never writes to a server; "
            "give --db a file name that does not exist yet."
        )
    if path.is_dir():
        raise NotADemoDatabaseError(f"{path} is a folder; name a new file inside it for the demo database.")
    if os.path.lexists(path) and not (path.is_file() and path.stat().st_size == 0):
        raise NotADemoDatabaseError(
            f"{path} already exists, and the demo never writes into a database it did not create; "
            "nothing was changed. Give --db a file name that does not exist yet."
        )
    return path


def mark_demo(db: Database) -> None:
    """Record that ``db`` holds demonstration data only (done when the demo creates it)."""
    with db.engine.begin() as conn:
        conn.execute(insert(SETTING).values(key=DEMO_SETTING, value=DEMO_MARK))


def is_demo(db: Database) -> bool:
    with db.engine.connect() as conn:
        return conn.execute(select(SETTING.c.value).where(SETTING.c.key == DEMO_SETTING)).scalar() is not None


def require_demo(db: Database) -> None:
    """Refuse to add synthetic data to a database the demo did not create."""
    if not is_demo(db):
        raise NotADemoDatabaseError(
            "This is not a demo database, so no demonstration data was added to it. "
            "Create one with: mshtdesk --db NEW_FILE demo"
        )
