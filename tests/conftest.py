"""Shared fixtures: an encrypted database with one user per role, built once and copied per test.

Deriving keys with argon2id costs ~0.2 s per password, so the template is made once per session; each
test gets its own copy of the file and its key file, opened with the data key the template kept, and
with every demo user's signing key unlocked (so ``Backend.as_user`` signs, as a logged-in user does).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mshtdesk.demo.users import DEMO_USERS, DemoUser
from mshtdesk.domain.roles import Role
from mshtdesk.security.keypairs import Signer
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.backend import Backend
from mshtdesk.services.users import UserService, create_database
from mshtdesk.store.database import Database, open_database
from tests import strict_writes

if TYPE_CHECKING:
    from tests.postgres import PgSnapshot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
strict_writes.install()  # every service method that writes must declare its Changes (tests/strict_writes.py)

DATA = Path(__file__).parent / "data"
SEED_EXPORT = DATA / "seed_000_custody_export.csv"
USERS: dict[Role, DemoUser] = {u.role: u for u in DEMO_USERS}


@pytest.fixture(autouse=True)
def _isolated_profile(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data, config or logs, whatever a test forgets to pass."""
    home = tmp_path_factory.mktemp("profile")
    monkeypatch.setenv("MSHTDESK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("MSHTDESK_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MSHTDESK_LOG_DIR", str(home / "logs"))
    monkeypatch.setenv("MSHTDESK_MACHINE_SETTINGS", str(home / "machine" / "MSHTDesk.ini"))  # none
    for name in ("MSHTDESK_DB", "MSHTDESK_USER", "MSHTDESK_PASSWORD", "MSHTDESK_REASON"):
        monkeypatch.delenv(name, raising=False)


@dataclass(frozen=True)
class Template:
    path: Path
    key: bytes
    signers: dict[str, Signer] = field(default_factory=dict, repr=False)

    def open(self, path: Path) -> Database:
        """A copy of the template opened with the key and every demo user's signing key."""
        db = open_database(str(path), key=self.key)
        db.signers.update(self.signers)
        return db


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """An encrypted, migrated database with the demo users (one per role) and no arrests."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    admin = USERS[Role.ADMINISTRATOR]
    db, actor = create_database(str(path), admin.username, admin.password, display_name="Test administrator")
    users = UserService(db, actor)
    for user in DEMO_USERS[1:]:
        users._add_user(
            user.username, f"Test {user.role.label.lower()}", user.role, user.password, keep_signer=True
        )
    assert db.key is not None
    key, signers = db.key, dict(db.signers)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return Template(path, key, signers)


@pytest.fixture
def db_path(tmp_path: Path, template: Template) -> Path:
    """A copy of the template (database and key file) for this test alone."""
    path = tmp_path / "register.db"
    shutil.copyfile(template.path, path)
    shutil.copyfile(keyring_path(template.path), keyring_path(path))
    return path


@pytest.fixture
def database(db_path: Path, template: Template) -> Iterator[Database]:
    db = template.open(db_path)
    yield db
    db.close()


@pytest.fixture
def backend_for(database: Database) -> Callable[[Role], Backend]:
    """A backend acting as the demo user of ``role`` (no password typed: the key is already known)."""

    def make(role: Role) -> Backend:
        return Backend.as_user(database, USERS[role].username)

    return make


@pytest.fixture
def backend(backend_for: Callable[[Role], Backend]) -> Backend:
    """An HTT officer: the role that registers arrests and imports custody exports."""
    return backend_for(Role.HTT_OFFICER)


# ----- both engines --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    """A database with one demo user per role on one engine: its address (what ``--db`` is given) and
    the database opened (on SQLite with every demo user's signing key, as ``database`` has)."""

    engine: str  # "sqlite" or "postgresql"
    address: str
    database: Database

    def backend_for(self, role: Role) -> Backend:
        return Backend.as_user(self.database, USERS[role].username)


@pytest.fixture(scope="session")
def pg_snapshot() -> Iterator[PgSnapshot]:
    """The session's PostgreSQL database (``mshtdesk_test_site``), migrated once with one demo user per
    role and snapshotted; each test that asks for it puts it back first (``reset``, a few milliseconds).
    Skips with the reason when ``MSHTDESK_TEST_PG_URL`` is not set."""
    from tests.postgres import PgSnapshot, site_database

    address = site_database()
    admin = USERS[Role.ADMINISTRATOR]
    db, actor = create_database(address, admin.username, admin.password, display_name="Test administrator")
    users = UserService(db, actor)
    for user in DEMO_USERS[1:]:
        users._add_user(user.username, f"Test {user.role.label.lower()}", user.role, user.password)
    db.close()
    snapshot = PgSnapshot(address)
    snapshot.take()
    yield snapshot
    snapshot.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path, template: Template) -> Iterator[Site]:
    """The same test on the laptop's encrypted file and on a team server; the PostgreSQL half skips
    with the reason when ``MSHTDESK_TEST_PG_URL`` is not set, and the SQLite half still runs."""
    if request.param == "sqlite":
        path = tmp_path / "site.db"
        shutil.copyfile(template.path, path)
        shutil.copyfile(keyring_path(template.path), keyring_path(path))
        db = template.open(path)
        address = str(path)
    else:
        snapshot: PgSnapshot = request.getfixturevalue("pg_snapshot")
        snapshot.reset()
        address = snapshot.url
        db = Database(address)
    yield Site(str(request.param), address, db)
    db.close()
