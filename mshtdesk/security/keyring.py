"""The key file beside an encrypted database: each user's wrapped copy of the data key, and lockouts.

The database is encrypted with one random 256-bit data key. Each user holds a copy of it wrapped
(AES-GCM) under a key derived with argon2id from their password, so adding a user or changing a
password rewraps one copy and never re-encrypts the database. The file also counts failed logins
(which cannot be written into a database nobody has opened yet) and queues them for the audit log,
which receives them at the next successful login.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# RFC 9106 "second recommended option" (low memory): t=3, m=64 MiB, p=4.
KDF = {"t": 3, "m": 65536, "p": 4}
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def keyring_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


def derive(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf["t"],
        memory_cost=kdf["m"],
        parallelism=kdf["p"],
        hash_len=32,
        type=Type.ID,
    )


@dataclass(frozen=True)
class Lockout:
    locked_until: datetime | None
    failures: int


class Keyring:
    """The parsed key file; every change is written back at once, atomically."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def create(cls, path: Path) -> Keyring:
        ring = cls(path, {"version": 1, "users": {}, "failures": {}, "pending_audit": []})
        ring.save()
        return ring

    @classmethod
    def load(cls, path: Path) -> Keyring | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        data.setdefault("users", {})
        data.setdefault("failures", {})
        data.setdefault("pending_audit", [])
        return cls(path, data)

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    # ----- keys --------------------------------------------------------------------------------
    def has_user(self, username: str) -> bool:
        return username in self.data["users"]

    def wrap(self, username: str, password: str, data_key: bytes) -> None:
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = derive(password, salt, KDF)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, f"mshtdesk:{username}".encode())
        self.data["users"][username] = {
            "kdf": dict(KDF),
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "key": _b64(wrapped),
        }
        self.save()

    def unwrap(self, username: str, password: str) -> bytes | None:
        """The data key, or None for an unknown user or a wrong password (indistinguishable on purpose)."""
        entry = self.data["users"].get(username)
        if entry is None:
            derive(password, secrets.token_bytes(16), KDF)  # same time as a real attempt
            return None
        kek = derive(password, _unb64(entry["salt"]), entry["kdf"])
        try:
            return AESGCM(kek).decrypt(
                _unb64(entry["nonce"]), _unb64(entry["key"]), f"mshtdesk:{username}".encode()
            )
        except InvalidTag:
            return None

    def remove(self, username: str) -> None:
        self.data["users"].pop(username, None)
        self.save()

    # ----- failed logins -----------------------------------------------------------------------
    def lockout(self, username: str, now: datetime) -> Lockout:
        entry = self.data["failures"].get(username)
        if not entry:
            return Lockout(None, 0)
        until = datetime.fromisoformat(entry["until"]) if entry.get("until") else None
        if until is not None and until <= now:
            return Lockout(None, 0)  # the lock has expired: a fresh start
        return Lockout(until, int(entry["count"]))

    def record_failure(self, username: str, workstation: str, now: datetime) -> Lockout:
        """Count a failed login; the fifth in a row locks the account for 15 minutes."""
        state = self.lockout(username, now)
        count = state.failures + 1
        entry: dict[str, Any] = {"count": count}
        self._queue("failed_login", username, workstation, now)
        if count >= MAX_FAILURES:
            entry["until"] = (now + LOCKOUT).isoformat()
            self._queue("lockout", username, workstation, now)
        self.data["failures"][username] = entry
        self.save()
        return self.lockout(username, now)

    def clear_failures(self, username: str) -> None:
        if self.data["failures"].pop(username, None) is not None:
            self.save()

    def _queue(self, action: str, username: str, workstation: str, now: datetime) -> None:
        self.data["pending_audit"].append(
            {"action": action, "username": username[:64], "workstation": workstation, "at": now.isoformat()}
        )

    def take_pending(self) -> list[dict[str, str]]:
        """Failed logins and lockouts waiting to be written into the audit log (then forgotten here)."""
        pending = list(self.data["pending_audit"])
        if pending:
            self.data["pending_audit"] = []
            self.save()
        return pending


def utcnow() -> datetime:
    return datetime.now(UTC)
