"""The key file: key pairs under the password, the data key sealed to them, a rekey's two phases, the
first format still opening, damage said as such, and failed-login records that cannot grow without
bound. (Logins, rekeys and the audit log through the services are in ``tests/reliability``.)"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mshtdesk.security import keyring as keyring_module
from mshtdesk.security.keypairs import b64, public_of, seal, unseal
from mshtdesk.security.keyring import (
    MAX_PENDING,
    UNKNOWN_BUCKETS,
    KeyFileDamagedError,
    Keyring,
    derive,
    new_data_key,
    utcnow,
)

FAST = {"t": 1, "m": 64, "p": 1}


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries record their own KDF parameters, so a cheap one here changes nothing but the time."""
    monkeypatch.setattr(keyring_module, "KDF", FAST)


def legacy_entry(username: str, password: str, key: bytes) -> dict[str, object]:
    """An entry of the first key-file format: the data key wrapped directly under the password."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapped = AESGCM(derive(password, salt, FAST)).encrypt(nonce, key, f"mshtdesk:{username}".encode())
    return {"kdf": FAST, "salt": b64(salt), "nonce": b64(nonce), "key": b64(wrapped)}


def test_the_data_key_opens_only_with_the_users_own_password(tmp_path: Path) -> None:
    path = tmp_path / "x.db.keys"
    ring = Keyring.create(path)
    key = new_data_key()
    alice_signs = ring.enrol("alice", "alice's long passphrase", key)
    ring.enrol("bob", "bob's long passphrase", key)
    again = Keyring.load(path)
    assert again is not None
    alice = again.unlock("alice", "alice's long passphrase")
    assert alice is not None and alice.data_keys == (key,) and not alice.legacy
    assert alice.sign_public == public_of(alice_signs) == again.sign_public("alice")
    assert again.unwrap("bob", "bob's long passphrase") == key
    assert again.unlock("alice", "bob's long passphrase") is None  # bound to the user, too
    assert again.unlock("carol", "anything") is None
    raw = path.read_text()
    assert key.hex() not in raw and b64(key) not in raw and "passphrase" not in raw
    # A swapped entry (bob's keys under alice's name) does not open: the user name is bound in.
    data = json.loads(raw)
    data["users"]["alice"] = data["users"]["bob"]
    path.write_text(json.dumps(data))
    assert Keyring.load(path).unlock("alice", "bob's long passphrase") is None  # type: ignore[union-attr]


def test_a_sealed_key_opens_only_for_its_recipient_and_context() -> None:
    alice, mallory = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    secret = new_data_key()
    box = seal(alice.public_key().public_bytes_raw(), secret, b"alice:1")
    assert unseal(alice, box, b"alice:1") == secret
    assert unseal(mallory, box, b"alice:1") is None
    assert unseal(alice, box, b"alice:2") is None  # another key number: refused


def test_key_files_are_private_to_their_owner(tmp_path: Path) -> None:
    path = tmp_path / "y.db.keys"
    Keyring.create(path)
    assert path.stat().st_mode & 0o077 == 0
    os.chmod(path, 0o644)  # however it was left, the next write makes it private again
    ring = Keyring.load(path)
    assert ring is not None
    ring.enrol("alice", "alice's long passphrase", new_data_key())
    assert path.stat().st_mode & 0o077 == 0
    copy = tmp_path / "copy.keys"
    ring.write_copy(copy, ring.epoch)
    assert copy.stat().st_mode & 0o077 == 0


def test_a_first_format_entry_still_opens_and_is_replaced_by_key_pairs(tmp_path: Path) -> None:
    path = tmp_path / "old.db.keys"
    key = new_data_key()
    path.write_text(
        json.dumps({"version": 1, "users": {"alice": legacy_entry("alice", "alice pass phrase", key)}})
    )
    ring = Keyring.load(path)
    assert ring is not None and ring.is_legacy("alice")
    unlocked = ring.unlock("alice", "alice pass phrase")
    assert unlocked is not None and unlocked.legacy and unlocked.data_keys == (key,)
    assert ring.unlock("alice", "wrong pass phrase") is None
    ring.enrol("alice", "alice pass phrase", key)
    again = Keyring.load(path)
    assert again is not None and not again.is_legacy("alice")
    assert again.unwrap("alice", "alice pass phrase") == key
    assert json.loads(path.read_text())["version"] == 2


def test_changing_a_password_keeps_the_keys(tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "z.db.keys")
    key = new_data_key()
    signs = ring.enrol("alice", "first pass phrase", key)
    assert not ring.change_password("alice", "not the pass phrase", "second pass phrase")
    assert ring.change_password("alice", "first pass phrase", "second pass phrase")
    assert ring.unlock("alice", "first pass phrase") is None
    after = ring.unlock("alice", "second pass phrase")
    assert after is not None and after.data_keys == (key,) and after.sign_public == public_of(signs)


def test_a_rekey_seals_the_new_key_beside_the_old_then_destroys_the_old(tmp_path: Path) -> None:
    path = tmp_path / "r.db.keys"
    ring = Keyring.create(path)
    old, new = new_data_key(), new_data_key()
    signing = {
        name: public_of(ring.enrol(name, f"{name} pass phrase", old)) for name in ("alice", "bob", "eve")
    }
    ring.data["users"]["carol"] = legacy_entry("carol", "carol pass phrase", old)  # not logged in since
    # Someone swaps bob's sealing key for their own: without bob's signature on it, it gets nothing.
    intruder = X25519PrivateKey.generate()
    ring.data["users"]["bob"]["seal_public"] = b64(intruder.public_key().public_bytes_raw())
    ring.save()
    active = {"alice": signing["alice"], "bob": signing["bob"], "carol": b""}  # eve has left
    staged = ring.stage_rekey(new, old, active)
    assert staged.sealed_for == ("alice",) and staged.left_out == ("bob", "carol")
    assert staged.epoch == 2
    during = Keyring.load(path)
    assert during is not None
    assert during.unlock("alice", "alice pass phrase").data_keys == (new, old)  # type: ignore[union-attr]
    assert during.unwrap("eve", "eve pass phrase") == old  # until the database has the new key
    assert during.retired_keys(new) == [old] and during.retired_keys(old) == [old]
    during.finish_rekey(staged.epoch)
    done = Keyring.load(path)
    assert done is not None and done.users() == ["alice"] and done.epoch == 2
    assert done.unlock("alice", "alice pass phrase").data_keys == (new,)  # type: ignore[union-attr]
    assert done.unlock("eve", "eve pass phrase") is None
    assert done.retired_keys(new) == [] and "retired" not in json.loads(path.read_text())


def test_a_rekey_run_again_after_a_crash_keeps_every_key_a_backup_may_need(tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "c.db.keys")
    k1, k2, k3 = new_data_key(), new_data_key(), new_data_key()
    signing = {"alice": public_of(ring.enrol("alice", "alice pass phrase", k1))}
    ring.stage_rekey(k2, k1, signing)  # crashed after the database took k2, before the backups did
    staged = ring.stage_rekey(k3, k2, signing)  # the rerun, from a session holding k2
    assert staged.epoch == 3
    assert set(ring.retired_keys(k3)) == {k1, k2} == set(ring.retired_keys(k2))
    ring.finish_rekey(staged.epoch)
    assert ring.unlock("alice", "alice pass phrase").data_keys == (k3,)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "it is empty"),
        (b"  \n", "it is empty"),
        (b'{"version": 2, "users": {"alice": {"kdf"', "cut short"),
        (b"\xff\xfe not json", "cut short"),
        (b"[1, 2, 3]", "does not hold the users' keys"),
        (b'{"version": 2}', "does not hold the users' keys"),
        (b'{"version": 7, "users": {}}', "unknown version"),
        (b'{"users": {"alice": "x"}}', "entry of 'alice' is incomplete"),
        (b'{"users": {"alice": {"kdf": {"t": 1, "m": 8, "p": 1}, "salt": "!!"}}}', "incomplete"),
        (b'{"users": {}, "failures": []}', "failed-login records"),
    ],
)
def test_a_damaged_key_file_is_said_as_such(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "register.db.keys"
    path.write_bytes(content)
    with pytest.raises(KeyFileDamagedError) as caught:
        Keyring.load(path)
    message = str(caught.value)
    assert message.startswith(f"The key file {path} is damaged (") and why in message
    assert message.endswith(
        "restore it from the backup taken with the database (backups/register-….db.keys)."
    )


def test_failed_logins_of_unknown_names_fold_into_a_few_anonymous_counters(tmp_path: Path) -> None:
    path = tmp_path / "f.db.keys"
    ring = Keyring.create(path)
    ring.enrol("alice", "alice pass phrase", new_data_key())
    now = utcnow()
    for i in range(300):
        ring.record_failure(f"guess-{i}-" + "x" * 5000, "ws", now)
    data = json.loads(path.read_text())
    assert len(data["failures"]) <= UNKNOWN_BUCKETS
    assert all(slot.startswith("?") for slot in data["failures"])
    assert "x" * 65 not in path.read_text()  # no guessed name is kept beyond the longest user name
    assert len(path.read_bytes()) < 200_000


def test_an_unknown_name_locks_like_a_real_one(tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "g.db.keys")
    ring.enrol("alice", "alice pass phrase", new_data_key())
    now = utcnow()
    for name in ("alice", "nobody-here"):
        states = [ring.record_failure(name, "ws", now) for _ in range(5)]
        assert [s.locked_until is None for s in states] == [True] * 4 + [False]
        assert ring.lockout(name, now + timedelta(minutes=14)).locked_until is not None
        assert ring.lockout(name, now + timedelta(minutes=16)).locked_until is None


def test_failure_records_are_pruned_after_the_lockout_window(tmp_path: Path) -> None:
    path = tmp_path / "h.db.keys"
    ring = Keyring.create(path)
    ring.enrol("alice", "alice pass phrase", new_data_key())
    start = utcnow()
    for _ in range(3):
        ring.record_failure("alice", "ws", start)
    ring.record_failure("someone", "ws", start)
    assert ring.lockout("alice", start + timedelta(minutes=10)).failures == 3
    later = start + timedelta(minutes=20)
    assert ring.lockout("alice", later).failures == 0  # the run of failures is over
    ring.record_failure("another", "ws", later)
    slots = json.loads(path.read_text())["failures"]
    assert "alice" not in slots and len(slots) == 1


def test_the_queue_for_the_audit_log_is_capped_and_counts_the_rest(tmp_path: Path) -> None:
    ring = Keyring.create(tmp_path / "q.db.keys")
    now = utcnow()
    for i in range(MAX_PENDING + 250):
        ring._queue("failed_login", f"n{i}", "ws", now)
    ring.save()
    pending = ring.take_pending()
    assert len(pending) == MAX_PENDING + 1
    assert pending[-1]["reason"] == "250 more failed logins, not recorded one by one"
    assert ring.take_pending() == []
