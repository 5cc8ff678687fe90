"""Upgrades: every committed fixture database (one per released schema) is upgraded to whatever head
is, and every row it held is still there, byte for byte; each user's key-file entry gets key pairs at
their first login; a database from a newer version is refused and left untouched. (That models and
migrations agree is ``tests/store/test_migrations.py``.)"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mshtdesk.cli import main
from mshtdesk.errors import AuthenticationError, NewerDatabaseError
from mshtdesk.security.keypairs import b64
from mshtdesk.security.keyring import Keyring, keyring_path
from mshtdesk.services.audit import verify_chain
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestQuery
from mshtdesk.store.backup import check_file, connect, list_backups, schema_revision
from mshtdesk.store.database import open_database
from mshtdesk.store.migrate import head_revision

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "upgrade"
MANIFESTS = sorted(FIXTURES.glob("schema_*.json"))
CHANGED_BY_USE = {"alembic_version", "audit_head"}  # the version moves on; a login appends to the chain
SIGNING_BEGAN = "0006"  # events of older schemas carry no signature: verify counts them as legacy


def has_key_pairs(path: Path, username: str) -> bool:
    """The user's entry in the key file is of the second format (key pairs, the data key sealed to them)."""
    ring = Keyring.load(keyring_path(path))
    assert ring is not None
    return ring.has_user(username) and not ring.is_legacy(username) and ring.data["version"] == 2


def rows_by_table(path: Path, key: bytes, columns: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every row of every table (only ``columns`` of each, if given), as a multiset of tuples."""
    con = connect(path, key)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out: dict[str, Any] = {}
        for t in tables:
            cols = (
                columns[t]
                if columns and t in columns
                else [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            )
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[t] = (cols, Counter(con.execute(f'SELECT {quoted} FROM "{t}"').fetchall()))
        return out
    finally:
        con.close()


def copy_fixture(manifest: dict[str, Any], folder: Path) -> tuple[Path, bytes]:
    """The fixture of ``manifest``'s revision copied into ``folder`` with its key file; the data key."""
    source = FIXTURES / f"schema_{manifest['revision']}.db"
    path = folder / "register.db"
    shutil.copyfile(source, path)
    shutil.copyfile(keyring_path(source), keyring_path(path))
    ring = Keyring.load(keyring_path(path))
    assert ring is not None
    key = ring.unwrap(manifest["username"], manifest["password"])
    assert key is not None
    return path, key


@pytest.fixture(params=MANIFESTS, ids=[m.stem for m in MANIFESTS])
def fixture_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, Any], bytes]:
    manifest = json.loads(Path(request.param).read_text(encoding="utf-8"))
    path, key = copy_fixture(manifest, tmp_path)
    return path, manifest, key


def test_there_is_a_fixture_for_the_schema_this_session_started_with() -> None:
    assert any(json.loads(m.read_text())["revision"] == "0003" for m in MANIFESTS)


def test_the_schema_this_release_ships_has_its_fixture() -> None:
    """A release that adds a migration builds its fixture (``make_fixture.py REV``) in the same change,
    so the next release's upgrade is tested from it."""
    assert json.loads(MANIFESTS[-1].read_text())["revision"] == head_revision()


def test_every_row_survives_the_upgrade_to_head(fixture_db: tuple[Path, dict[str, Any], bytes]) -> None:
    path, manifest, key = fixture_db
    assert schema_revision(path, key) == manifest["revision"]
    signed_schema = manifest["revision"] >= SIGNING_BEGAN
    assert has_key_pairs(path, manifest["officer"]) == signed_schema, "the key file is of its release"
    before = rows_by_table(path, key)
    assert {t: sum(c.values()) for t, (_, c) in before.items()} == manifest["rows"], "the fixture is as built"
    backend = Backend.login(
        str(path), manifest["username"], manifest["password"]
    )  # upgrades, as the app does
    try:
        assert schema_revision(path, key) == head_revision()
        after = rows_by_table(path, key, {t: cols for t, (cols, _) in before.items()})
        for table, (_, rows) in before.items():
            if table in CHANGED_BY_USE:
                continue
            lost = rows - after[table][1]
            assert not lost, f"{table}: {sum(lost.values())} rows changed or lost in the upgrade"
        verified = verify_chain(backend.db)
        assert verified.ok, "the audit chain carries on across the upgrade"
        assert verified.legacy == (0 if signed_schema else manifest["rows"]["audit_event"])
        assert has_key_pairs(path, manifest["username"]), "key pairs from the first login on"
        assert has_key_pairs(path, manifest["officer"]) == signed_schema, "the others' at their own"
    finally:
        backend.close()
    copies = list_backups(path.parent / "backups", path.stem)
    if manifest["revision"] == head_revision():  # the newest fixture: opened, nothing to upgrade
        assert copies == []
    else:
        assert [c.label for c in copies] == [f"before-{head_revision()}"]
        assert (
            check_file(copies[0].path, key) == "ok"
            and schema_revision(copies[0].path, key) == manifest["revision"]
        )
    officer = Backend.login(str(path), manifest["officer"], manifest["password"])
    assert has_key_pairs(path, manifest["officer"])
    try:
        assert officer.register.counts().arrests == manifest["rows"]["arrest"]
        first = officer.register.page(ArrestQuery(), limit=1)[0]
        assert officer.register.get(first.id).offences, "an upgraded arrest opens with its offences"
    finally:
        officer.close()


def test_a_newer_database_is_refused_untouched(fixture_db: tuple[Path, dict[str, Any], bytes]) -> None:
    path, _manifest, key = fixture_db
    con = connect(path, key)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.execute("PRAGMA journal_mode = WAL")  # as every file the app writes is
    con.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        open_database(str(path), key=key)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "not a byte changed"
    assert not (path.parent / "backups").exists()
    assert schema_revision(path, key) == "9999_future"


def test_each_user_of_an_old_release_gets_key_pairs_at_login_and_a_deactivation_names_who_has_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0005 database (first-format key file) after the upgrade: each user's entry moves to key pairs
    at their own login, ``audit verify`` says the log is intact and counts the events written before
    signing as such, and a deactivation (which changes the data key) keeps in everyone who has logged
    in since and names those who have not, who cannot log in until their passwords are reset."""
    manifest = json.loads((FIXTURES / "schema_0005.json").read_text(encoding="utf-8"))
    password, legacy = manifest["password"], manifest["rows"]["audit_event"]
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURES / "schema_0005.db", path)
    shutil.copyfile(FIXTURES / "schema_0005.db.keys", keyring_path(path))
    ring = Keyring.load(keyring_path(path))
    assert ring is not None and ring.data["version"] == 1
    users = ring.users()
    assert users[0] == manifest["username"], "the administrator logs in first, as after a real upgrade"
    late, leaver = ["fx-haven", "fx-vlo"], "fx-navigator"
    since = [u for u in users if u not in late]
    for n, name in enumerate(since):
        Backend.login(str(path), name, password).close()
        assert has_key_pairs(path, name), f"{name} has key pairs after logging in"
        assert not any(has_key_pairs(path, u) for u in since[n + 1 :] + late), "the others' not yet"
    ring = Keyring.load(keyring_path(path))
    assert ring is not None
    key = ring.unwrap(manifest["username"], password)
    assert key is not None
    con = connect(path, key)
    try:
        recorded = dict(con.execute("SELECT username, signing_key FROM app_user").fetchall())
    finally:
        con.close()
    in_file = {u: b64(k) for u in since if (k := ring.sign_public(u)) is not None}
    assert {u: k for u, k in recorded.items() if k} == in_file, "each new key bound in the database"

    def cli(user: str, *argv: str) -> tuple[int, str]:
        monkeypatch.setenv("MSHTDESK_USER", user)
        monkeypatch.setenv("MSHTDESK_PASSWORD", password)
        code = main(["--db", str(path), *argv])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    def assert_intact() -> None:
        code, said = cli("fx-auditor", "audit", "verify")
        assert code == 0, said
        found = re.match(
            r"The audit log is intact: (\d+) events, each chained to the one before; (\d+) signed", said
        )
        assert found and int(found[1]) - int(found[2]) == legacy, said
        assert f"; {legacy} older events were written before signing began, so only the chain" in said

    assert_intact()
    code, said = cli(manifest["username"], "users", "deactivate", leaver)
    assert code == 0, said
    assert f"{leaver} can no longer log in" in said
    assert f"could not be given the new key: reset their passwords ({', '.join(late)})." in said
    for name in since:
        if name == leaver:
            with pytest.raises(AuthenticationError):
                Backend.login(str(path), name, password)
        else:
            Backend.login(str(path), name, password).close()
    for name in late:  # told why, not "wrong password"
        with pytest.raises(AuthenticationError, match="ask an administrator to reset your password"):
            Backend.login(str(path), name.upper(), password)
    monkeypatch.setenv("MSHTDESK_NEW_PASSWORD", "a fresh start for the late one")
    code, said = cli(manifest["username"], "users", "reset-password", late[0])
    assert code == 0, said
    Backend.login(str(path), late[0], "a fresh start for the late one").close()
    with pytest.raises(AuthenticationError, match="^Wrong user name or password.$"):
        Backend.login(str(path), leaver, password)  # a leaver is not told more than anyone else
    assert_intact()


def test_two_windows_opening_a_file_that_needs_upgrading_take_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first window upgrades (one backup); a second one waits for it and finds the work done, or,
    when the first takes longer than the wait, says so and changes nothing. Before the lock was taken
    first, each window backed up the whole file and the second then failed "database is locked"."""
    import threading

    from mshtdesk.errors import DatabaseLockedError
    from mshtdesk.store import migrate as migrating

    manifest = next(
        m
        for m in (json.loads(p.read_text(encoding="utf-8")) for p in reversed(MANIFESTS))
        if m["revision"] != head_revision()
    )
    path, key = copy_fixture(manifest, tmp_path)
    url = f"sqlite:///{path}"
    backing_up, go_on = threading.Event(), threading.Event()
    real_backup = migrating.backup_sqlite

    def held_backup(*args: Any, **kwargs: Any) -> Path:  # the real backup, once the test says so
        backing_up.set()
        assert go_on.wait(30)
        return real_backup(*args, **kwargs)

    monkeypatch.setattr(migrating, "backup_sqlite", held_backup)
    results: dict[str, Path | None] = {}
    first = threading.Thread(target=lambda: results.setdefault("first", migrating.migrate(url, key=key)))
    first.start()
    assert backing_up.wait(30)  # the first window holds the lock, about to back up
    monkeypatch.setattr("mshtdesk.store.engine.BUSY_TIMEOUT_MS", 500)
    with pytest.raises(DatabaseLockedError, match="another copy of MSHT Desk"):
        migrating.migrate(url, key=key)
    assert schema_revision(path, key) == manifest["revision"]  # nothing changed by the refusal
    monkeypatch.setattr("mshtdesk.store.engine.BUSY_TIMEOUT_MS", 60_000)
    second = threading.Thread(target=lambda: results.setdefault("second", migrating.migrate(url, key=key)))
    second.start()
    go_on.set()
    first.join(60)
    second.join(60)
    assert results["first"] is not None and results["second"] is None  # the second found it done
    assert schema_revision(path, key) == head_revision()
    copies = list_backups(path.parent / "backups", path.stem)
    assert [c.label for c in copies] == [f"before-{head_revision()}"]


def test_an_upgrade_says_each_step_with_the_backups_progress(tmp_path: Path) -> None:
    """On a large file the backup, the upgrade and the check take minutes (12 at a million arrests): each
    step is said, the backup's by the pages copied, so the login window is not stuck on its password."""
    from mshtdesk.store.backup import BACKING_UP
    from mshtdesk.store.migrate import CHECKING, UPGRADING, migrate

    manifest = next(
        m
        for m in (json.loads(p.read_text(encoding="utf-8")) for p in reversed(MANIFESTS))
        if m["revision"] != head_revision()
    )
    path, key = copy_fixture(manifest, tmp_path)
    said: list[tuple[str, int, int]] = []
    backup = migrate(f"sqlite:///{path}", key=key, progress=lambda *step: said.append(step))
    assert backup is not None and check_file(backup, key) == "ok"
    copied = [(done, total) for phase, done, total in said if phase == BACKING_UP]
    assert copied and copied[-1][0] == copied[-1][1] > 0, "the backup is said to its last page"
    assert [phase for phase, _, _ in said if phase != BACKING_UP] == [UPGRADING, CHECKING]
    assert said.index((UPGRADING, 0, 0)) > max(i for i, s in enumerate(said) if s[0] == BACKING_UP)
    assert migrate(f"sqlite:///{path}", key=key, progress=lambda *step: said.append(step)) is None
    assert said[-1] == (CHECKING, 0, 0), "a file already upgraded says nothing more"


def test_a_command_that_upgrades_the_file_says_its_steps_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command on a file of an older release upgrades it first: minutes on a large file, said on
    stderr (here without the one second a quick job waits before saying anything); stdout stays the
    command's own output."""
    from mshtdesk.cli import common

    manifest = next(
        m
        for m in (json.loads(p.read_text(encoding="utf-8")) for p in reversed(MANIFESTS))
        if m["revision"] != head_revision()
    )
    path, key = copy_fixture(manifest, tmp_path)
    monkeypatch.setattr(common, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setenv("MSHTDESK_USER", manifest["officer"])
    monkeypatch.setenv("MSHTDESK_PASSWORD", manifest["password"])
    argv = ["--db", str(path), "report", "disposals", "--format", "csv", "--reason", "upgrade test"]
    assert main(argv) == 0
    said = capsys.readouterr()
    assert said.err.splitlines()[-3:] == [
        "Backing up before the upgrade: 100%",
        "Upgrading the database\u2026",
        "Checking the upgraded database\u2026",
    ]
    assert "Backing up" not in said.out and said.out.count(",") > 3  # the table, as CSV
    assert schema_revision(path, key) == head_revision()
