"""Every storage, service, import, report and security test on both engines, as a parameter.

``database`` (and so ``backend`` and ``backend_for``) is parametrised over ``sqlite`` (a copy of the
encrypted template file) and ``postgresql`` (the session's migrated server database, put back to its
snapshot before each test: tests/postgres.py). A directory opts in by importing ``database`` into its
conftest. Without ``MSHTDESK_TEST_PG_URL`` the PostgreSQL half skips with the reason and the SQLite half
still runs.

A test that is about the laptop's file itself (its SQLCipher key, a file backup, a crash of the file)
says so with ``@sqlite_only("why")``; its PostgreSQL half skips with that reason. A test that asks for
``db_path`` without the mark fails on PostgreSQL, so nothing quietly runs on the wrong engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from mshtdesk.store.database import Database
from tests.conftest import Template
from tests.postgres import PgSnapshot

ENGINES = ["sqlite", "postgresql"]
F = TypeVar("F", bound=Callable[..., object])


def sqlite_only(reason: str) -> Callable[[F], F]:
    """Mark a test as being about the encrypted file itself; ``reason`` is shown when its PostgreSQL half
    is skipped."""
    if not reason.strip():
        raise ValueError("sqlite_only needs a reason")
    mark: Callable[[F], F] = pytest.mark.sqlite_only(reason)
    return mark


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, template: Template) -> Iterator[Database]:
    """The test's database on each engine in turn (see the module's docstring)."""
    if request.param == "sqlite":
        db_path: Path = request.getfixturevalue("db_path")
        db = template.open(db_path)
    else:
        mark = request.node.get_closest_marker("sqlite_only")
        if mark is not None:
            pytest.skip(f"SQLite only: {mark.args[0]}")
        if "db_path" in request.fixturenames:
            pytest.fail("this test uses db_path (the SQLite file): mark it @sqlite_only(reason)")
        snapshot: PgSnapshot = request.getfixturevalue("pg_snapshot")
        snapshot.reset()
        db = Database(snapshot.url)
    yield db
    db.close()


@pytest.fixture
def db_address(database: Database) -> str:
    """The test's database as ``--db`` names it: the file's path, or the server's address."""
    return str(database.path) if database.path is not None else database.url


def reopen(template: Template, address: str) -> Database:
    """The test's database opened again from its address (on SQLite with the template's keys)."""
    if address.startswith("postgresql"):
        return Database(address)
    return template.open(Path(address))
