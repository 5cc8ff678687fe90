"""Issue 10, items 3, 10 (key file) and 11 (failed-login records): a leaver keeps nothing that opens
the data, a rekey survives failing half-way, key files are private, a damaged key file is said as such.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mshtdesk.cli import main
from mshtdesk.domain.roles import Role
from mshtdesk.errors import AuthenticationError, DatabaseLockedError, StoreError
from mshtdesk.security.keyring import UNKNOWN_BUCKETS, KeyFileDamagedError, Keyring, keyring_path
from mshtdesk.services import rekey as rekey_service
from mshtdesk.services.audit import verify_chain
from mshtdesk.services.backend import Backend
from mshtdesk.store.backup import list_backups
from mshtdesk.store.rekey import opens_with
from tests.conftest import USERS, Template
from tests.reliability.test_upgrades import FIXTURES

ADMIN, NAVIGATOR = USERS[Role.ADMINISTRATOR], USERS[Role.NAVIGATOR]
STAYING = [u for u in USERS.values() if u.role != Role.NAVIGATOR]


def backups_of(db_path: Path) -> list[Path]:
    return [b.path for b in list_backups(db_path.parent / "backups", db_path.stem)]


def old_key_of_leaver(key_file: Path) -> bytes:
    """What the leaver's old password still opens in a key file they kept a copy of."""
    ring = Keyring.load(key_file)
    assert ring is not None
    key = ring.unwrap(NAVIGATOR.username, NAVIGATOR.password)
    assert key is not None
    return key


def assert_everyone_staying_logs_in(db_path: Path) -> None:
    for user in STAYING:
        Backend.login(str(db_path), user.username, user.password).close()


def private(path: Path) -> bool:
    return path.stat().st_mode & 0o077 == 0


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a plain file copy is readable by everyone (0644)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_leavers_old_key_file_opens_neither_the_database_nor_the_backups(
    db_path: Path, backend_for: Callable[[Role], Backend], tmp_path: Path, umask_022: None
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    first = Path(admin.backups.create().path)
    kept = tmp_path / "leavers-copy.keys"  # a copy of the key file the leaver took before leaving
    shutil.copyfile(keyring_path(db_path), kept)
    old = old_key_of_leaver(kept)
    assert opens_with(db_path, old) and opens_with(first, old)
    result = admin.users.deactivate(NAVIGATOR.username)
    assert result is not None and result.backups == 1 and NAVIGATOR.username not in result.users
    assert not opens_with(db_path, old), "the live database no longer opens with the old key"
    assert not opens_with(first, old), "nor does the backup taken before"
    # The backup's own key file was rewritten: no entry of the leaver's, and current users open it.
    beside = Keyring.load(Path(str(first) + ".keys"))
    assert beside is not None and NAVIGATOR.username not in beside.users()
    assert beside.unwrap(NAVIGATOR.username, NAVIGATOR.password) is None
    current = beside.unwrap(ADMIN.username, ADMIN.password)
    assert current is not None and opens_with(first, current) and opens_with(db_path, current)
    assert private(Path(str(first) + ".keys")) and private(keyring_path(db_path))
    with pytest.raises(AuthenticationError):
        Backend.login(str(db_path), NAVIGATOR.username, NAVIGATOR.password)
    assert_everyone_staying_logs_in(db_path)
    again = Backend.login(str(db_path), ADMIN.username, ADMIN.password)
    assert verify_chain(again.db).ok
    again.close()


def test_rekey_on_the_command_line_keeps_every_active_user_able_to_log_in(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MSHTDESK_USER", ADMIN.username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", ADMIN.password)
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    before = Keyring.load(keyring_path(db_path)).unwrap(ADMIN.username, ADMIN.password)  # type: ignore[union-attr]
    assert main(["--db", str(db_path), "users", "rekey"]) == 0
    out = capsys.readouterr().out
    assert (
        "The database has a new key (key 2), given to 7 active users; 1 backup re-encrypted with it." in out
    )
    after = Keyring.load(keyring_path(db_path)).unwrap(ADMIN.username, ADMIN.password)  # type: ignore[union-attr]
    assert after is not None and after != before and not opens_with(db_path, before)  # type: ignore[arg-type]
    assert_everyone_staying_logs_in(db_path)
    Backend.login(str(db_path), NAVIGATOR.username, NAVIGATOR.password).close()
    monkeypatch.setenv("MSHTDESK_USER", USERS[Role.HTT_OFFICER].username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", USERS[Role.HTT_OFFICER].password)
    assert main(["--db", str(db_path), "users", "rekey"]) == 1  # administrators only
    assert "does not allow you to administer user records" in capsys.readouterr().err


@pytest.mark.parametrize("fails_at", ["before the database changes", "between backups", "at the end"])
def test_a_rekey_that_fails_half_way_leaves_everything_open_and_a_rerun_finishes_it(
    fails_at: str,
    db_path: Path,
    backend_for: Callable[[Role], Backend],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    for _ in range(2):
        admin.backups.create()
    kept = tmp_path / "leavers-copy.keys"
    shutil.copyfile(keyring_path(db_path), kept)
    old = old_key_of_leaver(kept)
    full = OSError(errno.ENOSPC, "No space left on device")
    if fails_at == "before the database changes":

        def no_rekey(*_args: object) -> None:
            raise full

        monkeypatch.setattr(rekey_service.files, "rekey", no_rekey)
    elif fails_at == "between backups":
        real, done = rekey_service.files.rekey_copy, []

        def second_fails(path: Path, keys: list[bytes], new: bytes) -> bool:
            if done:
                raise full
            done.append(path)
            return real(path, keys, new)

        monkeypatch.setattr(rekey_service.files, "rekey_copy", second_fails)
    else:

        def no_finish(*_args: object) -> None:
            raise full

        monkeypatch.setattr(Keyring, "finish_rekey", no_finish)
    with pytest.raises(StoreError) as caught:
        admin.users.deactivate(NAVIGATOR.username)
    assert str(caught.value).startswith(
        "navigator is deactivated and can no longer log in, but the database key was not changed: "
        if fails_at == "before the database changes"
        else "navigator is deactivated and can no longer log in, but the change of the database key did "
        "not finish (the database has its new key; some backups may not): "
    )
    assert str(caught.value).endswith("When it can be, run: mshtdesk users rekey.")
    assert "No space left" in str(caught.value) or "disk" in str(caught.value).lower()
    # Whatever the moment, every active user still opens the database, the admin's session included.
    assert_everyone_staying_logs_in(db_path)
    assert admin.users.list_users()
    monkeypatch.undo()
    result = admin.users.rekey()
    assert result.backups == 2 and result.left_out == ()
    assert not opens_with(db_path, old)
    for backup in backups_of(db_path):
        assert not opens_with(backup, old)
        beside = Keyring.load(Path(str(backup) + ".keys"))
        assert beside is not None and opens_with(backup, beside.unwrap(ADMIN.username, ADMIN.password))  # type: ignore[arg-type]
    data = json.loads(keyring_path(db_path).read_text())
    assert "retired" not in data and "rekey_to" not in data
    assert all(len(entry["sealed"]) == 1 for entry in data["users"].values())
    assert_everyone_staying_logs_in(db_path)
    assert verify_chain(admin.db).ok


CHILD = """
import sys
from mshtdesk.services.backend import Backend
b = Backend.login(sys.argv[1], sys.argv[2], sys.argv[3])
print("ready", flush=True)
for _ in range(3):
    b.users.rekey()
print("done", flush=True)
b.close()
"""


def test_a_rekey_killed_at_random_moments_never_locks_anyone_out(db_path: Path, template: Template) -> None:
    """SIGKILL, as a power cut: the live file is always under a key some copy in the key file opens,
    and a rerun finishes the job for the backups too."""
    db = template.open(db_path)
    admin = Backend.as_user(db, ADMIN.username)
    for _ in range(3):
        admin.backups.create()
    db.close()
    rng = random.Random(11)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSHTDESK_") or k.endswith("_DIR")}
    for _round in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db_path), ADMIN.username, ADMIN.password],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        b = Backend.login(str(db_path), USERS[Role.HTT_OFFICER].username, USERS[Role.HTT_OFFICER].password)
        b.close()
    b = Backend.login(str(db_path), ADMIN.username, ADMIN.password)
    result = b.users.rekey()
    key = b.db.key
    assert key is not None and result.skipped == ()
    assert verify_chain(b.db).ok
    b.close()
    for backup in backups_of(db_path):
        assert opens_with(backup, key), backup.name
    assert_everyone_staying_logs_in(db_path)


def test_another_open_copy_of_the_app_makes_a_rekey_refuse_without_change(
    db_path: Path, backend_for: Callable[[Role], Backend], template: Template
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    other = template.open(db_path)  # a colleague's copy of the app, with the file open
    Backend.as_user(other, "officer").register.counts()
    before = keyring_path(db_path).read_bytes()
    with pytest.raises(DatabaseLockedError, match="^Another copy of MSHT Desk"):
        admin.users.rekey()
    assert keyring_path(db_path).read_bytes() == before
    assert Backend.as_user(other, "officer").register.counts() is not None  # still works, same key
    assert admin.users.list_users()
    other.close()


def test_a_first_format_key_file_moves_to_key_pairs_at_each_users_login(tmp_path: Path) -> None:
    manifest = json.loads((FIXTURES / "schema_0005.json").read_text())
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURES / "schema_0005.db", path)
    shutil.copyfile(FIXTURES / "schema_0005.db.keys", keyring_path(path))
    password = manifest["password"]
    ring = Keyring.load(keyring_path(path))
    assert ring is not None and all(ring.is_legacy(u) for u in ring.users())
    officer = Backend.login(str(path), manifest["officer"], password)
    officer.close()
    ring = Keyring.load(keyring_path(path))
    assert ring is not None and not ring.is_legacy(manifest["officer"]) and ring.is_legacy("fx-manager")
    admin = Backend.login(str(path), manifest["username"], password)
    assert admin.actor.signer is not None
    result = admin.users.rekey()
    assert result.users == ("fx-admin", "fx-officer")
    assert result.left_out == ("fx-auditor", "fx-haven", "fx-manager", "fx-navigator", "fx-vlo")
    assert (
        "reset their passwords (fx-auditor, fx-haven, fx-manager, fx-navigator, fx-vlo)" in result.describe()
    )
    assert result.backups == 1  # the copy taken before the upgrade
    with pytest.raises(AuthenticationError):
        Backend.login(str(path), "fx-manager", password)
    admin.users.reset_password("fx-manager", "a new manager passphrase")
    Backend.login(str(path), "fx-manager", "a new manager passphrase").close()
    verified = verify_chain(admin.db)
    assert verified.ok and verified.legacy == manifest["rows"]["audit_event"]
    admin.close()
    Backend.login(str(path), manifest["officer"], password).close()


def test_key_files_are_private_live_and_beside_every_backup(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "new.db"
    b = Backend.create(str(path), "chief", "a long enough passphrase")
    made = Path(b.backups.create().path)
    b.close()
    assert private(keyring_path(path))
    assert private(Path(str(made) + ".keys")), "a backup's key file is as private as the live one"


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        ("empty", "it is empty"),
        ("truncated", "it is cut short or is not a key file"),
        ("not json", "it is cut short or is not a key file"),
        ("wrong shape", "it does not hold the users' keys"),
        ("entry cut", "the entry of 'admin' is incomplete"),
    ],
)
def test_a_damaged_key_file_says_what_is_wrong_and_how_to_recover(
    shape: str,
    why: str,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = keyring_path(db_path)
    good = keys.read_bytes()
    damaged = {
        "empty": b"",
        "truncated": good[: len(good) // 3],
        "not json": b"\x00\x01 this is not a key file",
        "wrong shape": b'{"version": 2, "users": ["admin"]}',
        "entry cut": json.dumps(
            {**json.loads(good), "users": {"admin": {"kdf": {"t": 3, "m": 65536, "p": 4}}}}
        ).encode(),
    }[shape]
    keys.write_bytes(damaged)
    expected = (
        f"The key file {keys} is damaged ({why}); restore it from the backup taken with the database "
        "(backups/register-….db.keys)."
    )
    with pytest.raises(KeyFileDamagedError) as caught:
        Backend.login(str(db_path), ADMIN.username, ADMIN.password)
    assert str(caught.value) == expected
    monkeypatch.setenv("MSHTDESK_USER", ADMIN.username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", ADMIN.password)
    for argv in (["users", "list"], ["backup", "restore", "--latest-good"]):
        assert main(["--db", str(db_path), *argv]) == 1
        captured = capsys.readouterr()
        assert captured.err.strip() == expected and "internal error" not in captured.err
    assert keys.read_bytes() == damaged, "nothing is written over it"


def test_guessed_names_cannot_grow_the_key_file_and_lock_like_real_ones(db_path: Path) -> None:
    keys = keyring_path(db_path)
    size = len(keys.read_bytes())
    for i in range(24):
        with pytest.raises(AuthenticationError, match="^Wrong user name or password.$|locked"):
            Backend.login(str(db_path), f"guess{i:02d}" + "Z" * 3000, "not a password at all")
    data = json.loads(keys.read_text())
    assert len(data["failures"]) <= UNKNOWN_BUCKETS and all(s.startswith("?") for s in data["failures"])
    # A guess whose shared bucket is already locked is refused before it is counted (the bucket is picked by a
    # keyed hash with a random key, so how many of the 24 that is varies from run to run; usually none).
    guesses = sum(e["action"] == "failed_login" for e in data["pending_audit"])
    assert 20 <= guesses <= 24
    assert "Z" * 65 not in keys.read_text()
    assert len(keys.read_bytes()) < size + 24 * 300
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="^Wrong user name or password.$"):
            Backend.login(str(db_path), "officer", "not a password at all")
    with pytest.raises(AuthenticationError, match="locked after 5 failed logins"):
        Backend.login(str(db_path), "officer", "not a password at all")
    b = Backend.login(str(db_path), ADMIN.username, ADMIN.password)  # the queue enters the log
    try:
        from mshtdesk.services.audit import AuditQuery

        rows = b.audit.list(AuditQuery(action="failed_login"))
        assert len(rows) == guesses + 5 and all(len(r.username) <= 64 for r in rows)
        assert verify_chain(b.db).ok
    finally:
        b.close()


def test_restoring_a_backup_from_before_signing_began_keeps_everyone_able_to_work(tmp_path: Path) -> None:
    manifest = json.loads((FIXTURES / "schema_0005.json").read_text())
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURES / "schema_0005.db", path)
    shutil.copyfile(FIXTURES / "schema_0005.db.keys", keyring_path(path))
    password = manifest["password"]
    admin = Backend.login(str(path), manifest["username"], password)
    Backend.login(str(path), manifest["officer"], password).close()
    before_upgrade = next(b for b in admin.backups.list() if b.label.startswith("before-"))
    admin.backups.restore(before_upgrade.path)
    admin.close()
    for name in (manifest["officer"], manifest["username"]):  # their keys are recorded again, visibly
        Backend.login(str(path), name, password).close()
    again = Backend.login(str(path), manifest["username"], password)
    try:
        result = again.audit.verify()
        assert result.ok, result.describe()
    finally:
        again.close()
