"""Rekeying: a new data key for the database, its backups and every active user, so that a copy of an
old key (a former user's entry in an old key file, a backup's key file) opens nothing any more.

An administrator needs nobody's password: the new key is sealed to each active user's public key. The
steps are ordered so that a crash at any point leaves a database some copy of a key in the key file
opens, and running the rekey again finishes the job:

1. with the database held by this session alone, the new key is sealed to every active user *beside*
   the old copies, and the old key (with any the backups may still be under) is kept encrypted under
   both keys;
2. ``PRAGMA rekey`` re-encrypts the database in one transaction (whole under one key or the other);
3. each retained backup is re-encrypted through a copy renamed over it, and its key file rewritten;
4. only then are the old copies, and the kept old keys, destroyed.

A user still on the first key-file format (not logged in since the upgrade) has no public key, so
cannot be given the new key: they are named, and an administrator resets their password.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mshtdesk.errors import MshtError, StoreError
from mshtdesk.security.keypairs import unb64
from mshtdesk.security.keyring import Keyring, keyring_path, new_data_key
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.store import rekey as files
from mshtdesk.store.backup import list_backups
from mshtdesk.store.backup_folders import backup_folders
from mshtdesk.store.database import Database
from mshtdesk.store.queries.users import active_signing_keys

SERVER = "A team database on a server has no data key to change: the server's access rules protect it."


class KeyNotChangedError(StoreError):
    """A user was deactivated (they can no longer log in) but the rekey that follows failed or did not
    finish; ``cause`` says why (a ``DatabaseLockedError``: another copy of the app has the file open).
    Structured, so the app can say what was done and what is left without parsing the message."""

    def __init__(self, username: str, cause: MshtError, *, started: bool = False) -> None:
        self.username = username
        self.cause = cause
        self.started = started  # the database has its new key; some backups may still have the old one
        what = (
            "the change of the database key did not finish (the database has its new key; some backups "
            "may not)"
            if started
            else "the database key was not changed"
        )
        super().__init__(
            f"{username} is deactivated and can no longer log in, but {what}: "
            f"{cause} When it can be, run: mshtdesk users rekey."
        )


@dataclass(frozen=True)
class RekeyResult:
    key_number: int
    users: tuple[str, ...]  # given the new key
    left_out: tuple[str, ...]  # active users who could not be given it: reset their passwords
    backups: int  # retained backups now under the new key
    skipped: tuple[str, ...]  # backups no known key opens (foreign or damaged), left as they were

    def describe(self) -> str:
        text = (
            f"The database has a new key (key {self.key_number}), given to {len(self.users)} active "
            f"user{'s' if len(self.users) != 1 else ''}; {self.backups} backup"
            f"{'s' if self.backups != 1 else ''} re-encrypted with it."
        )
        if self.left_out:
            text += (
                " These users had not logged in since the upgrade, so they could not be given the new key: "
                f"reset their passwords ({', '.join(self.left_out)})."
            )
        if self.skipped:
            text += (
                f" {len(self.skipped)} file{'s' if len(self.skipped) != 1 else ''} in the backup folder "
                f"could not be opened with any key and were left as they were ({', '.join(self.skipped)})."
            )
        return text


def _signing_keys(db: Database) -> dict[str, bytes]:
    with db.engine.connect() as conn:
        rows = active_signing_keys(conn)
    found = {}
    for row in rows:
        try:
            found[row.username] = unb64(row.signing_key) if row.signing_key else b""
        except ValueError:
            found[row.username] = b""
    return found


def rekey_database(db: Database, actor: Actor, reason: str) -> RekeyResult:
    """Give the database, its retained backups and every active user a new data key (see the module)."""
    path, old = db.path, db.key
    if path is None or old is None:
        raise StoreError(SERVER)
    ring = Keyring.load(keyring_path(path))
    if ring is None:
        raise StoreError(
            f"The key file {keyring_path(path).name} beside the database is missing; restore it from the "
            "backup taken with the database before changing the key."
        )
    if not ring.has_user(actor.username) or ring.is_legacy(actor.username):
        raise StoreError(  # they would be left without the new key themselves
            "Your own entry in the key file has no key pairs yet, so the new key could not be given to you; "
            "log out and in again, then change the key."
        )
    signing = _signing_keys(db)
    folders = backup_folders(db)
    new = new_data_key()
    db.engine.dispose()  # this session's pooled connections would hold the old key
    try:
        with files.exclusive(path, old) as con:
            staged = ring.stage_rekey(new, old, signing)
            files.rekey(con, new)
    finally:
        db.use_key(files.first_key_that_opens(path, [new, old]) or old)
    if db.key != new:
        raise StoreError("The database could not be given its new key; it is unchanged and still opens.")
    with db.engine.begin() as conn:
        left = (
            f"; not given to {', '.join(staged.left_out)} (reset their passwords)" if staged.left_out else ""
        )
        record(
            conn,
            actor,
            AuditAction.ADMINISTER,
            "database",
            "rekey",
            reason=f"new data key (key {staged.epoch}): {reason}{left}",
        )
    keys = [old, *ring.retired_keys(new)]
    done, skipped = 0, []
    for folder in folders:
        for backup in list_backups(folder, path.stem):
            if files.rekey_copy(backup.path, keys, new):
                ring.write_copy(Path(str(backup.path) + ".keys"), staged.epoch)
                done += 1
            else:
                skipped.append(backup.path.name)
    ring.finish_rekey(staged.epoch, staged.left_out)
    return RekeyResult(staged.epoch, staged.sealed_for, staged.left_out, done, tuple(skipped))
