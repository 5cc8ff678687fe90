"""The key file beside an encrypted database: each user's keys, the data key sealed to each, lockouts.

The database is encrypted with one random 256-bit data key. Each user has an X25519 key pair (to
receive the data key) and an Ed25519 key pair (to sign audit events); both private keys are kept
AES-GCM-encrypted under a key derived with argon2id from their password, and the data key is *sealed*
to their X25519 public key (``mshtdesk.security.keypairs``). So changing a password re-encrypts one
user's private keys and never the database, and an administrator can give a *new* data key to every
active user without knowing their passwords: that is a rekey, which leaves a former user's old copy
opening nothing. Each data key has a number (``epoch``); during a rekey the file briefly holds the old
and the new sealed copies, so a crash at any point leaves a database some copy opens.

Key files written before this format (``version`` 1) held the data key wrapped directly under the
password; such an entry still opens, and is replaced by key pairs at the user's next login.

The file also counts failed logins (which cannot be written into a database nobody has opened yet)
and queues them for the audit log, which receives them at the next successful login. Names that are
not users are counted in a few anonymous buckets, so guessing names cannot grow the file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mshtdesk.errors import StoreError
from mshtdesk.security.keypairs import Sealed, b64, seal, unb64, unseal, verify_signature

# RFC 9106 "second recommended option" (low memory): t=3, m=64 MiB, p=4.
KDF = {"t": 3, "m": 65536, "p": 4}
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
NAME_LIMIT = 64  # the longest user name there can be; anything longer is not a user
UNKNOWN_BUCKETS = 16  # counters shared by names that are not users (a keyed hash picks one)
MAX_PENDING = 1000  # failed logins queued for the audit log; beyond this they are only counted
VERSION = 2


def keyring_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def derive(password: str, salt: bytes, kdf: Mapping[str, int]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf["t"],
        memory_cost=kdf["m"],
        parallelism=kdf["p"],
        hash_len=32,
        type=Type.ID,
    )


def write_private(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON readable only by its owner (0600), atomically: a crash leaves the old file or the new."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)  # an existing .tmp keeps its old mode through O_CREAT
    os.replace(tmp, path)


class KeyFileDamagedError(StoreError):
    """The key file exists but cannot be used: say so, and where the good copy is."""


@dataclass(frozen=True)
class Lockout:
    locked_until: datetime | None
    failures: int


@dataclass(frozen=True)
class Unlocked:
    """What a user's password opens: the data key candidates (newest first) and their private keys."""

    data_keys: tuple[bytes, ...]
    sign_private: Ed25519PrivateKey | None  # None: an entry of the first format, to be upgraded
    sign_public: bytes

    @property
    def legacy(self) -> bool:
        return self.sign_private is None


@dataclass(frozen=True)
class Staged:
    """A rekey written into the key file, before the database itself has the new key."""

    epoch: int
    sealed_for: tuple[str, ...]
    left_out: tuple[str, ...]  # active users who could not be given the new key (reset their password)


def _keys_context(username: str, seal_public: str, sign_public: str) -> bytes:
    return f"mshtdesk-keys:{username}:{seal_public}:{sign_public}".encode()


def _data_key_context(username: str, epoch: int) -> bytes:
    return f"mshtdesk-data-key:{username}:{epoch}".encode()


def _seal_proof_message(username: str, seal_public: str) -> bytes:
    return f"mshtdesk-seal-key:{username}:{seal_public}".encode()


class Keyring:
    """The parsed key file; every change is written back at once, atomically, readable by its owner."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def create(cls, path: Path) -> Keyring:
        ring = cls(path, _empty())
        ring.save()
        return ring

    @classmethod
    def load(cls, path: Path) -> Keyring | None:
        """The key file at ``path``; None if there is none; KeyFileDamagedError if it cannot be used."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _damaged(path, f"it cannot be read: {exc.strerror or exc}") from None
        if not raw.strip():
            raise _damaged(path, "it is empty")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _damaged(path, "it is cut short or is not a key file") from None
        problem = _shape_problem(data)
        if problem:
            raise _damaged(path, problem)
        data.setdefault("failures", {})
        data.setdefault("pending_audit", [])
        data.setdefault("epoch", 1)
        return cls(path, data)

    def save(self) -> None:
        write_private(self.path, self.data)

    # ----- keys --------------------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return int(self.data.get("epoch", 1))

    def has_user(self, username: str) -> bool:
        return username in self.data["users"]

    def users(self) -> list[str]:
        return sorted(self.data["users"])

    def awaiting_reset(self) -> list[str]:
        """Users a rekey could not give the new key (no key pairs yet): an administrator resets them."""
        names = self.data.get("awaiting_reset", [])
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []

    def name_of(self, username: str) -> str:
        """The stored spelling of a user name typed in other capitals (user names ignore capitals, so
        "ADMIN" logs in as, and counts failures against, "admin"); unknown names come back as typed."""
        known = [*self.data["users"], *self.awaiting_reset()]
        if username in known:
            return username
        folded = username.casefold()
        return next((u for u in sorted(known) if u.casefold() == folded), username)

    def is_legacy(self, username: str) -> bool:
        entry = self.data["users"].get(username)
        return entry is not None and "private" not in entry

    def sign_public(self, username: str) -> bytes | None:
        entry = self.data["users"].get(username)
        return None if entry is None or "sign_public" not in entry else unb64(entry["sign_public"])

    def enrol(
        self,
        username: str,
        password: str,
        data_key: bytes,
        sign_private: Ed25519PrivateKey | None = None,
    ) -> Ed25519PrivateKey:
        """New key pairs for ``username`` (encrypted under ``password``), the data key sealed to them;
        returns the signing key. Replaces any earlier entry (a first-format one, or an old key pair).
        ``sign_private`` keeps a signing key the caller already holds (an administrator resetting their
        own password in their session), so it need not be bound again."""
        seal_private = X25519PrivateKey.generate()
        sign_private = sign_private or Ed25519PrivateKey.generate()
        seal_public = b64(seal_private.public_key().public_bytes_raw())
        sign_public = b64(sign_private.public_key().public_bytes_raw())
        entry: dict[str, Any] = {
            "seal_public": seal_public,
            "sign_public": sign_public,
            "seal_proof": b64(sign_private.sign(_seal_proof_message(username, seal_public))),
            "sealed": {},
        }
        _encrypt_private(entry, username, password, seal_private, sign_private)
        _seal_into(entry, username, data_key, self.epoch)
        self.data["users"][username] = entry
        if username in self.awaiting_reset():
            self.data["awaiting_reset"].remove(username)
        self.data["version"] = VERSION
        self.save()
        return sign_private

    def unlock(self, username: str, password: str) -> Unlocked | None:
        """What ``password`` opens for ``username``, or None for an unknown user or a wrong password
        (indistinguishable on purpose: an unknown name costs the same key derivation)."""
        entry = self.data["users"].get(username)
        if entry is None:
            derive(password, secrets.token_bytes(16), KDF)  # same time as a real attempt
            return None
        kek = derive(password, unb64(entry["salt"]), entry["kdf"])
        if "private" not in entry:  # the first format: the data key itself, wrapped under the password
            try:
                key = AESGCM(kek).decrypt(
                    unb64(entry["nonce"]), unb64(entry["key"]), f"mshtdesk:{username}".encode()
                )
            except InvalidTag:
                return None
            return Unlocked((key,), None, b"")
        pair = _open_private(entry, username, kek)
        if pair is None:
            return None
        seal_private, sign_private = pair
        keys = []
        for epoch in sorted(entry["sealed"], key=int, reverse=True):
            box = entry["sealed"][epoch]
            found = unseal(
                seal_private,
                Sealed(unb64(box["ephemeral"]), unb64(box["nonce"]), unb64(box["key"])),
                _data_key_context(username, int(epoch)),
            )
            if found is not None:
                keys.append(found)
        return Unlocked(tuple(keys), sign_private, unb64(entry["sign_public"]))

    def unwrap(self, username: str, password: str) -> bytes | None:
        """The newest data key ``password`` opens for ``username`` (None: unknown user, wrong password)."""
        unlocked = self.unlock(username, password)
        return unlocked.data_keys[0] if unlocked is not None and unlocked.data_keys else None

    def change_password(self, username: str, old: str, new: str) -> bool:
        """Re-encrypt the user's private keys under ``new`` (same keys, same sealed data key); False if
        ``old`` does not open them (or the entry is of the first format, which has no key pairs)."""
        entry = self.data["users"].get(username)
        if entry is None or "private" not in entry:
            return False
        pair = _open_private(entry, username, derive(old, unb64(entry["salt"]), entry["kdf"]))
        if pair is None:
            return False
        _encrypt_private(entry, username, new, *pair)
        self.save()
        return True

    def remove(self, username: str) -> None:
        self.data["users"].pop(username, None)
        self.save()

    # ----- rekey -------------------------------------------------------------------------------
    def stage_rekey(self, new_key: bytes, old_key: bytes, signing_keys: Mapping[str, bytes]) -> Staged:
        """Seal ``new_key`` to every active user (``signing_keys``: user name -> the signing key the
        database records for them) alongside the copies of ``old_key``, and keep the keys the retained
        backups may still be under, encrypted under both keys, until ``finish_rekey``.

        A user is given the new key only if their entry has key pairs, its signing key is the one the
        database records, and that key has signed its sealing key: a sealing key put into the file by
        someone else is never given the data key.
        """
        epoch = max([self.epoch, int(self.data.get("rekey_to", 0))] + _epochs(self.data)) + 1
        sealed_for, left_out = [], []
        for username in sorted(signing_keys):
            entry = self.data["users"].get(username)
            if entry is None or "private" not in entry or not _proof_holds(username, entry, signing_keys):
                left_out.append(username)
                continue
            _seal_into(entry, username, new_key, epoch)
            sealed_for.append(username)
        retired = {k for k in self.retired_keys(old_key) if k != new_key} | {old_key}
        self.data["retired"] = [
            _encrypt_secret(under, k) for k in sorted(retired) for under in (old_key, new_key)
        ]
        self.data["rekey_to"] = epoch
        self.save()
        return Staged(epoch, tuple(sealed_for), tuple(left_out))

    def retired_keys(self, key: bytes) -> list[bytes]:
        """The older data keys a rekey in progress keeps for the backups (those ``key`` opens)."""
        found: list[bytes] = []
        for item in self.data.get("retired", []):
            try:
                secret = AESGCM(key).decrypt(unb64(item["nonce"]), unb64(item["key"]), b"mshtdesk-retired")
            except (InvalidTag, KeyError, ValueError):
                continue
            if secret not in found:
                found.append(secret)
        return found

    def finish_rekey(self, epoch: int, left_out: Iterable[str] = ()) -> None:
        """The database and its backups are under the key of ``epoch``: destroy every other copy.
        The active users ``left_out`` are remembered by name only, so that their next login can say
        why it fails (an administrator must reset their password) instead of "wrong password"."""
        waiting = set(self.awaiting_reset()) | set(left_out)
        self.data["awaiting_reset"] = sorted(waiting)[:MAX_PENDING]
        for username in list(self.data["users"]):
            entry = self.data["users"][username]
            mine = entry.get("sealed", {}).get(str(epoch))
            if mine is None:
                del self.data["users"][username]  # a first-format entry or a user left out
            else:
                entry["sealed"] = {str(epoch): mine}
        self.data["epoch"] = epoch
        self.data.pop("rekey_to", None)
        self.data.pop("retired", None)
        self.save()

    def write_copy(self, path: Path, epoch: int) -> None:
        """A key file for a backup: the users holding the key of ``epoch``, nothing else."""
        users = {}
        for username, entry in self.data["users"].items():
            mine = entry.get("sealed", {}).get(str(epoch))
            if mine is not None:
                users[username] = {**entry, "sealed": {str(epoch): mine}}
        copy = _empty()
        copy.update(epoch=epoch, users=users)
        write_private(path, copy)

    # ----- failed logins -----------------------------------------------------------------------
    def _slot(self, username: str) -> str:
        """The counter a name uses: its own for a user, else one of a few anonymous buckets."""
        if username in self.data["users"]:
            return username
        secret = self.data.get("failure_secret")
        if not isinstance(secret, str):
            secret = self.data["failure_secret"] = b64(secrets.token_bytes(16))
        digest = hmac.new(unb64(secret), username.casefold().encode("utf-8"), hashlib.sha256).digest()
        return f"?{digest[0] % UNKNOWN_BUCKETS}"

    def lockout(self, username: str, now: datetime) -> Lockout:
        entry = self.data["failures"].get(self._slot(username))
        if not entry or _expired(entry, now):
            return Lockout(None, 0)  # never failed, or the lock or the run of failures is over
        until = datetime.fromisoformat(entry["until"]) if entry.get("until") else None
        return Lockout(until, int(entry["count"]))

    def record_failure(self, username: str, workstation: str, now: datetime) -> Lockout:
        """Count a failed login; the fifth in a row (within 15 minutes) locks the name for 15 minutes."""
        self._prune(now)
        slot = self._slot(username)
        count = self.lockout(username, now).failures + 1
        entry: dict[str, Any] = {"count": count, "last": now.isoformat()}
        self._queue("failed_login", username, workstation, now)
        if count >= MAX_FAILURES:
            entry["until"] = (now + LOCKOUT).isoformat()
            self._queue("lockout", username, workstation, now)
        self.data["failures"][slot] = entry
        self.save()
        return self.lockout(username, now)

    def clear_failures(self, username: str) -> None:
        if self.data["failures"].pop(self._slot(username), None) is not None:
            self.save()

    def _prune(self, now: datetime) -> None:
        failures = self.data["failures"]
        for slot in [s for s, e in failures.items() if not isinstance(e, dict) or _expired(e, now)]:
            del failures[slot]

    def _queue(self, action: str, username: str, workstation: str, now: datetime, **about: str) -> None:
        pending = self.data["pending_audit"]
        if len(pending) >= MAX_PENDING:
            self.data["pending_dropped"] = int(self.data.get("pending_dropped", 0)) + 1
            return
        pending.append(
            {
                "action": action,
                "username": username[:NAME_LIMIT],
                "workstation": workstation[:120],
                "at": now.isoformat(),
                **{k: v[:200] for k, v in about.items()},
            }
        )

    def queue_refusal(
        self, username: str, workstation: str, entity: str, record_id: str, reason: str
    ) -> None:
        """A refusal made while the database could not be written (a damaged file): it waits here, like
        a failed login, and enters the audit log at the next successful login."""
        self._queue(
            "administer", username, workstation, utcnow(), entity=entity, record_id=record_id, reason=reason
        )
        self.save()

    def take_pending(self) -> list[dict[str, str]]:
        """Failed logins and lockouts waiting to be written into the audit log (then forgotten here);
        those beyond the cap come as one event that says how many there were."""
        pending = list(self.data["pending_audit"])
        dropped = int(self.data.get("pending_dropped", 0))
        if dropped:
            last = pending[-1] if pending else {"at": utcnow().isoformat(), "workstation": ""}
            pending.append(
                {
                    "action": "failed_login",
                    "username": "",
                    "workstation": last["workstation"],
                    "at": last["at"],
                    "reason": f"{dropped} more failed logins, not recorded one by one",
                }
            )
        if pending:
            self.data["pending_audit"] = []
            self.data.pop("pending_dropped", None)
            self.save()
        return pending


def _empty() -> dict[str, Any]:
    return {
        "version": VERSION,
        "epoch": 1,
        "users": {},
        "failures": {},
        "pending_audit": [],
        "failure_secret": b64(secrets.token_bytes(16)),
    }


def _expired(entry: Mapping[str, Any], now: datetime) -> bool:
    until, last = entry.get("until"), entry.get("last")
    try:
        if until:
            return datetime.fromisoformat(until) <= now
        return last is not None and datetime.fromisoformat(last) + LOCKOUT <= now
    except (TypeError, ValueError):
        return True


def _encrypt_private(
    entry: dict[str, Any],
    username: str,
    password: str,
    seal_private: X25519PrivateKey,
    sign_private: Ed25519PrivateKey,
) -> None:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = derive(password, salt, KDF)
    raw = seal_private.private_bytes_raw() + sign_private.private_bytes_raw()
    context = _keys_context(username, entry["seal_public"], entry["sign_public"])
    entry.update(
        kdf=dict(KDF), salt=b64(salt), nonce=b64(nonce), private=b64(AESGCM(kek).encrypt(nonce, raw, context))
    )


def _open_private(
    entry: Mapping[str, Any], username: str, kek: bytes
) -> tuple[X25519PrivateKey, Ed25519PrivateKey] | None:
    """A second-format entry's two private keys, or None when ``kek`` (the password's key) is wrong."""
    try:
        raw = AESGCM(kek).decrypt(
            unb64(entry["nonce"]),
            unb64(entry["private"]),
            _keys_context(username, entry["seal_public"], entry["sign_public"]),
        )
    except InvalidTag:
        return None
    return X25519PrivateKey.from_private_bytes(raw[:32]), Ed25519PrivateKey.from_private_bytes(raw[32:64])


def _seal_into(entry: dict[str, Any], username: str, data_key: bytes, epoch: int) -> None:
    box = seal(unb64(entry["seal_public"]), data_key, _data_key_context(username, epoch))
    entry.setdefault("sealed", {})[str(epoch)] = {
        "ephemeral": b64(box.ephemeral),
        "nonce": b64(box.nonce),
        "key": b64(box.box),
    }


def _proof_holds(username: str, entry: Mapping[str, Any], signing_keys: Mapping[str, bytes]) -> bool:
    try:
        sign_public = unb64(entry["sign_public"])
        return sign_public == signing_keys[username] and verify_signature(
            sign_public, unb64(entry["seal_proof"]), _seal_proof_message(username, entry["seal_public"])
        )
    except (KeyError, ValueError):
        return False


def _encrypt_secret(under: bytes, secret: bytes) -> dict[str, str]:
    nonce = secrets.token_bytes(12)
    return {"nonce": b64(nonce), "key": b64(AESGCM(under).encrypt(nonce, secret, b"mshtdesk-retired"))}


def _epochs(data: Mapping[str, Any]) -> list[int]:
    return [int(e) for entry in data["users"].values() for e in entry.get("sealed", {})]


def _damaged(path: Path, why: str) -> KeyFileDamagedError:
    stem = path.name.removesuffix(".keys").removesuffix(".db")
    return KeyFileDamagedError(
        f"The key file {path} is damaged ({why}); restore it from the backup taken with the database "
        f"(backups/{stem}-….db.keys)."
    )


_V1_FIELDS = ("salt", "nonce", "key")
_V2_FIELDS = ("salt", "nonce", "private", "seal_public", "sign_public", "seal_proof")


def _shape_problem(data: object) -> str | None:
    """Why ``data`` is not a key file this version can use, or None. Checked at load, so that a
    damaged file is said as such instead of failing half-way through a login."""
    if not isinstance(data, dict) or not isinstance(data.get("users"), dict):
        return "it does not hold the users' keys"
    if data.get("version", 1) not in (1, VERSION):
        return f"it is of an unknown version ({data.get('version')!r})"
    if not isinstance(data.get("failures", {}), dict) or not isinstance(data.get("pending_audit", []), list):
        return "its failed-login records are not in the expected form"
    if not isinstance(data.get("epoch", 1), int):
        return "its key number is not a number"
    for username, entry in data["users"].items():
        if not _entry_is_whole(entry):
            return f"the entry of {username[:NAME_LIMIT]!r} is incomplete"
    return None


def _entry_is_whole(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    kdf = entry.get("kdf")
    if not isinstance(kdf, dict) or not all(isinstance(kdf.get(k), int) for k in ("t", "m", "p")):
        return False
    fields: Iterable[str] = _V2_FIELDS if "private" in entry else _V1_FIELDS
    try:
        for name in fields:
            unb64(entry[name])
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    if "private" not in entry:
        return True
    sealed = entry.get("sealed")
    if not isinstance(sealed, dict):
        return False
    try:
        for epoch, box in sealed.items():
            int(epoch)
            for name in ("ephemeral", "nonce", "key"):
                unb64(box[name])
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def utcnow() -> datetime:
    return datetime.now(UTC)
