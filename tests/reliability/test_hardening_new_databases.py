"""Issue 10, items 7, 8, 10 (URL) and 11 (new password, init on a folder): creating databases safely.

``demo`` once wrote synthetic people, cases and stays into a real register; ``init`` said it refused a
foreign SQLite file and then encrypted it; ``--db bogus://x`` was an "internal error"; an empty
``MSHTDESK_NEW_PASSWORD`` exited 3 (authentication) rather than 2 (usage); ``init --db <folder>`` said
the folder was already a database. Every refusal here leaves the file and its folder byte for byte.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mshtdesk.cli import parse, run
from mshtdesk.demo.database import add_demo_arrests, add_demo_pathway, create_demo_database
from mshtdesk.demo.guard import NotADemoDatabaseError, is_demo
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.errors import PermissionDeniedError
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.backend import Backend
from mshtdesk.services.users import create_database, login
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ARREST
from tests.conftest import USERS
from tests.reliability.test_hardening_exports import snapshot

NEW_PASSWORD = "a long enough passphrase"


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(parse(list(args)), out, err)
    return code, out.getvalue(), err.getvalue()


def process(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command line as a separate process with no terminal, and only the given MSHTDESK_ variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MSHTDESK_") or k.endswith("_DIR")}
    return subprocess.run(
        [sys.executable, "-m", "mshtdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env},
        stdin=subprocess.DEVNULL,
    )


def as_user(monkeypatch: pytest.MonkeyPatch, role: Role) -> None:
    monkeypatch.setenv("MSHTDESK_USER", USERS[role].username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", USERS[role].password)


def foreign_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers (name) VALUES ('someone else''s data')")
    con.commit()
    con.close()


def arrests(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ARREST)).scalar_one())


# ----- item 7: the demo never touches a database it did not create ------------------------------------


@pytest.mark.parametrize("role", [Role.HTT_OFFICER, Role.ADMINISTRATOR, None])
def test_demo_refuses_a_real_database_and_leaves_it_byte_for_byte(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, role: Role | None
) -> None:
    if role is not None:
        as_user(monkeypatch, role)
    before = snapshot(db_path.parent)
    code, out, err = cli("--db", str(db_path), "demo", "--seed", "7")
    assert code == 1 and out == ""
    assert err.strip() == (
        f"{db_path} already exists, and the demo never writes into a database it did not create; "
        "nothing was changed. Give --db a file name that does not exist yet."
    )
    assert snapshot(db_path.parent) == before


def test_demo_refuses_an_unencrypted_register_a_foreign_file_and_a_folder(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    from mshtdesk.store.database import open_database

    open_database(str(old)).close()  # a register written before encryption: real data, no users
    foreign = tmp_path / "shop.db"
    foreign_sqlite(foreign)
    before = snapshot(tmp_path)
    for target in (old, foreign):
        code, _out, err = cli("--db", str(target), "demo")
        assert code == 1 and "never writes into a database it did not create" in err
    code, _out, err = cli("--db", str(tmp_path), "demo")
    assert (
        code == 1
        and err.strip() == f"{tmp_path} is a folder; name a new file inside it for the demo database."
    )
    code, _out, err = cli("--db", "postgresql+psycopg://u@db.example/htt", "demo")
    assert code == 1 and "never writes to a server" in err
    assert snapshot(tmp_path) == before


def test_demo_creates_and_marks_its_own_database_and_will_not_refill_it(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    code, out, err = cli("--db", str(path), "demo", "--arrests", "20")
    assert code == 0, err
    assert "Demo database created" in out
    admin = USERS[Role.ADMINISTRATOR]
    db, _actor = login(str(path), admin.username, admin.password)
    try:
        assert is_demo(db) and arrests(db) == 20
    finally:
        db.close()
    before = snapshot(tmp_path)
    code, _out, err = cli("--db", str(path), "demo")  # decided: a second run is refused too
    assert code == 1 and "already exists" in err
    assert snapshot(tmp_path) == before


def test_an_empty_file_may_become_a_demo_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    database, _users = create_demo_database(str(path), arrests=5)
    try:
        assert is_demo(database) and arrests(database) == 5
    finally:
        database.close()


def test_the_service_adds_demo_data_only_to_a_demo_database(database: Database, db_path: Path) -> None:
    before = arrests(database)
    officer = Backend.as_user(database, USERS[Role.HTT_OFFICER].username)
    with pytest.raises(NotADemoDatabaseError, match="not a demo database"):
        add_demo_arrests(officer, seed=2, arrests=10)
    with pytest.raises(NotADemoDatabaseError):
        add_demo_pathway(officer, seed=2, arrests=10)
    assert arrests(database) == before == 0
    with pytest.raises(NotADemoDatabaseError):
        create_demo_database(str(db_path))


def test_only_roles_that_may_record_them_add_demo_arrests_and_victims(tmp_path: Path) -> None:
    """The matrix decides who may add demo data (once Backend.fill_demo*, now in ``mshtdesk.demo``): a
    role without the rights is refused and nothing is added; a role with them adds it."""
    database, users = create_demo_database(str(tmp_path / "demo.db"), arrests=3)
    try:
        for user in users:
            backend = Backend.as_user(database, user.username)
            people = backend.actor.may(Action.CREATE, Entity.PERSON) and backend.actor.may(
                Action.CREATE, Entity.NRM_REFERRAL
            )
            for add, allowed in (
                (add_demo_arrests, backend.actor.may(Action.CREATE, Entity.ARREST)),
                (add_demo_pathway, people),
            ):
                before = snapshot(tmp_path)
                if allowed:
                    add(backend, seed=5, arrests=2)
                    assert snapshot(tmp_path) != before, (user.username, add.__name__)
                else:
                    with pytest.raises(PermissionDeniedError):
                        add(backend, seed=5, arrests=2)
                    assert snapshot(tmp_path) == before, (user.username, add.__name__)
    finally:
        database.close()


# ----- item 8: init refuses a foreign SQLite file without touching it ----------------------------------


def test_init_on_a_foreign_sqlite_file_leaves_it_and_its_folder_untouched(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    foreign_sqlite(path)
    before = snapshot(tmp_path)
    r = process("--db", str(path), "init", "--admin-user", "chief", env={"MSHTDESK_PASSWORD": NEW_PASSWORD})
    assert r.returncode == 1
    assert r.stderr.strip() == (
        f"{path} holds a database that MSHT Desk did not create; nothing was changed. Choose a new file name."
    )
    assert snapshot(tmp_path) == before  # no key file, no backups folder, not encrypted
    assert path.read_bytes().startswith(b"SQLite format 3")


def test_a_foreign_file_whose_rows_are_still_in_its_write_ahead_log_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    holder.commit()
    try:
        before = snapshot(tmp_path)
        assert (tmp_path / "shop.db-wal").stat().st_size > 0
        with pytest.raises(Exception, match="did not create"):
            create_database(str(path), "chief", NEW_PASSWORD)
        assert snapshot(tmp_path) == before
    finally:
        holder.close()


def test_init_refuses_other_files_untouched(tmp_path: Path, db_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database at all\n", encoding="utf-8")
    orphan_keys = tmp_path / "gone.db.keys"
    orphan_keys.write_text("{}", encoding="utf-8")
    before = snapshot(tmp_path)
    for target, said in (
        (text, "is not a database MSHT Desk can use"),
        (db_path, "is already an encrypted MSHT Desk database"),
        (tmp_path / "gone.db", "There is a key file gone.db.keys but no database beside it"),
    ):
        code, _out, err = cli("--db", str(target), "init", "--admin-user", "chief")
        assert code in (1, 2), err
        if code == 1:
            assert said in err, err
    assert snapshot(tmp_path) == before


def test_init_with_a_password_refuses_other_files_untouched(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSHTDESK_PASSWORD", NEW_PASSWORD)
    text = tmp_path / "notes.db"
    text.write_text("not a database at all\n", encoding="utf-8")
    (tmp_path / "gone.db.keys").write_text("{}", encoding="utf-8")
    before = snapshot(tmp_path)
    for target, said in (
        (text, "is not a database MSHT Desk can use"),
        (db_path, "is already an encrypted MSHT Desk database"),
        (tmp_path / "gone.db", "There is a key file gone.db.keys but no database beside it"),
    ):
        code, _out, err = cli("--db", str(target), "init", "--admin-user", "chief")
        assert code == 1 and said in err, err
    assert snapshot(tmp_path) == before


# ----- item 11: init --db <folder>; an empty new password is a usage error ------------------------------


def test_init_on_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "registers"
    folder.mkdir()
    r = process("--db", str(folder), "init", "--admin-user", "chief", env={"MSHTDESK_PASSWORD": NEW_PASSWORD})
    assert r.returncode == 1
    example = folder / "mshtdesk.db"
    assert r.stderr.strip() == (
        f"{folder} is a folder, not a database file; name a file inside it, for example {example}."
    )
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["registers"]


def test_an_empty_new_password_is_a_usage_error(db_path: Path, tmp_path: Path) -> None:
    admin = USERS[Role.ADMINISTRATOR]
    login_env = {"MSHTDESK_USER": admin.username, "MSHTDESK_PASSWORD": admin.password}
    r = process(
        "--db",
        str(db_path),
        "users",
        "add",
        "pc1",
        "--role",
        "vlo",
        env={**login_env, "MSHTDESK_NEW_PASSWORD": ""},
    )
    assert r.returncode == 2, r.stderr
    assert (
        r.stderr.strip() == "MSHTDESK_NEW_PASSWORD is empty: set it to the new password; nothing was changed."
    )
    r = process("--db", str(db_path), "passwd", env={**login_env, "MSHTDESK_NEW_PASSWORD": ""})
    assert r.returncode == 2 and "is empty" in r.stderr
    new = tmp_path / "new.db"
    r = process("--db", str(new), "init", "--admin-user", "chief", env={"MSHTDESK_NEW_PASSWORD": ""})
    assert r.returncode == 2 and "is empty" in r.stderr and not new.exists()
    r = process("--db", str(new), "init", "--admin-user", "chief", env={})
    assert r.returncode == 2 and "MSHTDESK_NEW_PASSWORD" in r.stderr and not new.exists()
    r = process("--db", str(db_path), "users", "list", env=login_env)
    assert "pc1" not in r.stdout


# ----- item 10 (URL half): an address that is not supported is said so -----------------------------------


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("bogus://x", "Database addresses starting bogus:// are not supported"),
        ("mysql://u:secret@host/htt", "Database addresses starting mysql:// are not supported"),
        (
            "postgresql+asyncpg://u:secret@host/htt",
            "Database addresses starting postgresql+asyncpg:// are not supported",
        ),
        ("://nothing", "The database address is not one MSHT Desk can read"),
        ("sqlite:///:memory:", "An in-memory database keeps nothing"),
    ],
)
def test_an_unsupported_database_address_is_named_not_an_internal_error(
    url: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, Role.HTT_OFFICER)
    for command in (["ranking"], ["init", "--admin-user", "chief"], ["demo"]):
        code, _out, err = cli("--db", url, *command)
        assert code == 1, err
        assert said in err and "internal error" not in err and "secret" not in err, err


def test_bogus_url_from_a_real_process() -> None:
    r = process(
        "--db", "bogus://x", "ranking", env={"MSHTDESK_USER": "officer", "MSHTDESK_PASSWORD": "whatever"}
    )
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "Database addresses starting bogus:// are not supported: give a file path, or a team database "
        "address such as postgresql://server/database."
    )


def test_the_key_file_of_a_new_database_is_not_written_before_the_checks(tmp_path: Path) -> None:
    """A refused init leaves no key file even when the folder is new (nothing half made)."""
    path = tmp_path / "shop.db"
    foreign_sqlite(path)
    with pytest.raises(Exception, match="did not create"):
        create_database(str(path), "chief", NEW_PASSWORD)
    assert not keyring_path(path).exists() and not (tmp_path / "backups").exists()
