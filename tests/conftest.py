"""Shared fixtures: one fresh SQLite file per test, and the seed's custody export."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mshtdesk.services.backend import Backend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
SEED_EXPORT = DATA / "seed_000_custody_export.csv"


@pytest.fixture(autouse=True)
def _isolated_profile(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data, config or logs, whatever a test forgets to pass."""
    home = tmp_path_factory.mktemp("profile")
    monkeypatch.setenv("MSHTDESK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("MSHTDESK_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MSHTDESK_LOG_DIR", str(home / "logs"))
    monkeypatch.delenv("MSHTDESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register.db"


@pytest.fixture
def backend(db_path: Path) -> Iterator[Backend]:
    b = Backend.open(str(db_path))
    yield b
    b.close()
