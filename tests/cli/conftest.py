"""Every test here runs on both engines (tests/both_engines.py): ``--db`` is given ``db_address``, the
encrypted file's path or the team server's address. A test about the file itself is ``@sqlite_only``."""

from __future__ import annotations

from pathlib import Path

import pytest

from mshtdesk.store.database import Database
from tests.both_engines import database, db_address
from tests.postgres import fresh_server

__all__ = ["database", "db_address", "empty_address"]


@pytest.fixture
def empty_address(database: Database, tmp_path: Path) -> str:
    """An address with no database there yet, on the test's engine (``database`` picks it): a new
    file's path, or the scratch server's own database emptied (``fresh_server``), for ``init``."""
    if database.path is not None:
        return str(tmp_path / "new.db")
    return fresh_server()
