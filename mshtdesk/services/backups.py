"""Backups of the database file: automatic (first start of each day, before every upgrade and restore),
by hand, listed, checked and restored.

A backup is a consistent, encrypted copy taken through SQLite's online backup API
(``mshtdesk.store.backup``), with the key file beside it. The folder is a setting in the database
(``backup_folder``; default ``backups`` beside the database file) so that every copy of the app on the
file backs up to the same place. Old copies are pruned by the retention rule in
``mshtdesk.domain.retention`` (7 daily, 4 weekly, 12 monthly). Only administrators restore. Restoring
first backs up the file as it is, so a restore can itself be undone; a damaged file (which the online
backup API cannot read) is renamed aside instead, never deleted. The restore is recorded in the restored
file's log. A file too damaged to log in to is worked on through ``open_damaged`` (see there how the
user is checked and the backups found). A team database on a server is backed up by its administrators
(``pg_dump``), not here.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mshtdesk.domain.changes import Data
from mshtdesk.domain.retention import DEFAULT_POLICY, Dated, RetentionPolicy, to_keep
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import (
    AccountLockedError,
    AuthenticationError,
    CorruptDatabaseError,
    MshtError,
    NotFoundError,
    PermissionDeniedError,
    StoreError,
    ValidationError,
    environmental,
)
from mshtdesk.machine import machine_settings
from mshtdesk.security.keypairs import Signer
from mshtdesk.security.keyring import Keyring, keyring_path, utcnow
from mshtdesk.security.passwords import verify_password
from mshtdesk.services.actor import Actor, workstation
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import writes
from mshtdesk.services.users import WRONG, UserInfo, ensure_key_recorded, locked_message, login, user_row
from mshtdesk.store import backup as files
from mshtdesk.store.backup_folders import FOLDER_SETTING, chosen_folder, default_folder, set_chosen_folder
from mshtdesk.store.database import Database, open_database
from mshtdesk.store.engine import is_plain_sqlite, resolve_url, sqlite_path
from mshtdesk.store.location import on_network_share
from mshtdesk.store.migrate import migrate
from mshtdesk.store.queries.users import is_user, password_hash_by_id

SERVER_MESSAGE = (
    "This is a team database on a server: its administrators back it up there (pg_dump); "
    "MSHT Desk backs up only a database file."
)


@dataclass(frozen=True)
class BackupInfo:
    path: str
    taken_at: datetime  # local time, as in the file name
    label: str  # daily, manual, before-<revision>, before-restore, before-encryption
    size: int

    @property
    def kind(self) -> str:
        """For people: why this copy was taken."""
        if self.label == "daily":
            return "Automatic (daily)"
        if self.label == "manual":
            return "Backed up by hand"
        if self.label == "before-restore":
            return "Before a restore"
        if self.label == "before-encryption":
            return "Before encryption"
        if self.label.startswith("before-"):
            return "Before an upgrade"
        return self.label


@dataclass(frozen=True)
class RestoreResult:
    restored_from: str
    safety_copy: str | None  # the file as it was: a backup taken first, or the damaged file kept aside
    damaged: bool = False  # the file replaced was damaged (renamed aside with a timestamp, never deleted)


def _info(b: files.BackupFile) -> BackupInfo:
    return BackupInfo(str(b.path), b.taken_at, b.label, b.size)


def _wrap(exc: BaseException, doing: str) -> MshtError:
    """A full disk or a read-only folder while backing up is said as such; anything else is a bug."""
    found = environmental(exc)
    if found is not None:
        return StoreError(f"The backup could not be {doing}: {found}")
    if isinstance(exc, ValueError):
        return ValidationError({"folder": str(exc)})
    raise exc


class BackupService:
    def __init__(self, db: Database, actor: Actor, *, policy: RetentionPolicy = DEFAULT_POLICY) -> None:
        self._db = db
        self._actor = actor
        self.policy = policy

    # ----- where -------------------------------------------------------------------------------
    def _path(self) -> Path:
        path = self._db.path
        if path is None:
            raise StoreError(SERVER_MESSAGE)
        return path

    def network_warning(self) -> str | None:
        """Advice when the file sits on a network share, where SQLite's locking is not safe."""
        path = self._db.path
        if path is None or not on_network_share(path):
            return None
        return (
            f"The database {path.name} is on a network drive. SQLite cannot lock a file safely over a "
            "network, so two people using it at once can damage it. Keep the file on this computer's own "
            "disk, or ask for team mode: one shared PostgreSQL database that many people use safely "
            "(mshtdesk --db postgresql+psycopg://server/database)."
        )

    def available(self) -> bool:
        """False for a server database (team mode), which this service does not back up."""
        return self._db.path is not None

    def folder(self) -> Path:
        self._actor.require(Action.READ, Entity.REFERENCE)
        path = self._path()
        with self._db.engine.connect() as conn:
            return chosen_folder(conn) or default_folder(path)

    @writes(Data.SETTING)
    def set_folder(self, folder: str) -> Path:
        """Administrators choose where backups go (a different disk is better); checked by writing."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        machine = machine_settings()
        if machine.overrides_backup_folder():
            raise ValidationError(
                {
                    "folder": "This computer's backup folder is set by its IT department "
                    f"({machine.source}); it cannot be changed here."
                }
            )
        path = self._path()
        text = folder.strip()
        if not text:
            raise ValidationError({"folder": "Choose a folder for the backups."})
        target = Path(text).expanduser()
        if not target.is_absolute():
            raise ValidationError({"folder": "Give the whole path of the folder, from the drive or root."})
        try:
            files.refuse_own_file(path, target)
            target.mkdir(parents=True, exist_ok=True)
            probe = target / ".mshtdesk-write-test"
            probe.write_bytes(b"ok")
            probe.unlink()
        except ValueError as exc:
            raise ValidationError({"folder": str(exc)}) from None
        except OSError as exc:
            raise ValidationError(
                {"folder": f"MSHT Desk cannot write to {target} ({exc.strerror or 'refused'})."}
            ) from None
        with self._db.engine.begin() as conn:
            set_chosen_folder(conn, target)
            record(
                conn,
                self._actor,
                AuditAction.ADMINISTER,
                Entity.REFERENCE,
                FOLDER_SETTING,
                fields=("folder",),
            )
        return target

    # ----- taking ------------------------------------------------------------------------------
    def create(self, label: str = "manual") -> BackupInfo:
        """Back up now (any logged-in user: the copy is as encrypted as the file), then prune."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        path, folder = self._path(), self.folder()
        try:
            # Recorded first, so the copy holds the record of its own making.
            with self._db.engine.begin() as conn:
                record(conn, self._actor, AuditAction.ADMINISTER, "database", "backup", reason=label)
            made = files.backup_sqlite(path, folder, label, self._db.key)
        except Exception as exc:  # a full disk or a read-only folder is said as such; a bug re-raised
            raise _wrap(exc, "written") from None
        self.prune()
        found = [b for b in files.list_backups(folder, path.stem) if b.path == made]
        return _info(found[0]) if found else BackupInfo(str(made), datetime.now(), label, made.stat().st_size)

    def due_today(self, now: datetime | None = None) -> bool:
        """Whether no copy has been taken yet today (the first start of the day takes one)."""
        if not self.available():
            return False
        today = (now or datetime.now()).date()
        return not any(b.taken_at.date() == today for b in self._files())

    def daily(self, now: datetime | None = None) -> BackupInfo | None:
        """The automatic backup at the first start of the day; None if today's copy exists already."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        if not self.due_today(now):
            return None
        return self.create("daily")

    # ----- looking -----------------------------------------------------------------------------
    def _files(self) -> list[files.BackupFile]:
        return files.list_backups(self.folder(), self._path().stem)

    def list(self) -> builtins.list[BackupInfo]:
        """Newest first."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        return [_info(b) for b in self._files()]

    def verify(self, backup: str) -> str:
        """ "ok", or what is wrong: the copy must open with this database's key and pass integrity_check.
        A team database has no key and no backup files of ours: refused as ``list`` is, not "BAD"."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        self._path()
        return files.check_file(Path(backup), self._db.key)

    def prune(self, now: datetime | None = None) -> builtins.list[str]:
        """Delete the copies the retention rule does not keep; returns their paths."""
        found = self._files()
        keep = to_keep(
            ((b.path, Dated(b.taken_at, b.routine)) for b in found), now or datetime.now(), self.policy
        )
        removed = []
        for b in found:
            if b.path not in keep:
                for p in (b.path, b.path.with_name(b.path.name + ".keys")):
                    p.unlink(missing_ok=True)
                removed.append(str(b.path))
        return removed

    # ----- restoring ---------------------------------------------------------------------------
    @writes(*Data, partial=True)
    def restore(self, backup: str) -> RestoreResult:
        """Administrators only: check the backup, keep the file as it is (backed up first, or renamed
        aside when it is damaged: the online backup API cannot read it), put the backup in place and say
        so in the restored log."""
        self._require_restore()
        path = self._path()
        source = _checked_source(backup, path, self._db.key)
        damaged = files.check_file(path, self._db.key) != "ok"
        safety = None if damaged else self.create("before-restore").path
        self._db.engine.dispose()  # no pooled connection keeps pages of the old content
        try:
            aside = files.restore_file(source, path, self._db.key)
            migrate(self._db.url, key=self._db.key)  # a backup of an older schema is brought up to date
        except Exception as exc:
            raise _wrap(exc, "restored") from None
        ensure_key_recorded(self._db, self._actor)  # a backup from before signing began lacks the key
        _record_restore(self._db, self._actor, source, aside, safety)
        return RestoreResult(str(source), str(aside) if aside else safety, aside is not None)

    @writes(*Data, partial=True)
    def restore_latest_good(self) -> RestoreResult:
        """Administrators only: the newest backup in the folder that opens and passes the check."""
        self._require_restore()
        for b in self._files():
            if files.check_file(b.path, self._db.key) == "ok":
                return self.restore(str(b.path))
        raise NotFoundError(f"No good backup was found in {self.folder()}; nothing was changed.")

    def _require_restore(self) -> None:
        """Refuse anyone but an administrator, and record the refusal while the log can be written."""
        if may_restore(self._actor):
            return
        try:
            with self._db.engine.begin() as conn:
                record(
                    conn,
                    self._actor,
                    AuditAction.ADMINISTER,
                    "database",
                    "restore-refused",
                    reason="refused: only an administrator may restore a backup",
                )
        except Exception as exc:  # a damaged, read-only or full file: the refusal stands unrecorded
            if environmental(exc) is None:
                raise
        raise _refused(self._actor)


def may_restore(actor: Actor) -> bool:
    """Restoring replaces everyone's work with an older copy: administrators only (the roles matrix)."""
    return actor.may(Action.ADMINISTER, Entity.REFERENCE)


def _refused(actor: Actor) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"Your role ({actor.role.label}) does not allow you to restore a backup: ask an administrator to "
        "restore it. Nothing was changed."
    )


def _checked_source(backup: str, path: Path, key: bytes | None) -> Path:
    """The backup to restore, once it is known to be another file that opens and passes the check."""
    source = Path(backup)
    if source.resolve() == path.resolve():
        raise StoreError(
            "That is the database itself, not a backup: name one of its backups. Nothing was changed."
        )
    problem = files.check_file(source, key)
    if problem != "ok":
        raise StoreError(f"That backup cannot be restored: {problem}. Nothing was changed.")
    return source


def _record_restore(db: Database, actor: Actor, source: Path, aside: Path | None, safety: str | None) -> None:
    """The restored log continues from the backup's last event; say there who put it back, from which
    backup and workstation (the actor's), and what became of the file it replaced. Written in the
    restored file, since the old file's log went with it."""
    if aside is not None:
        before = f"the file it replaced was damaged and is kept as {aside.name}"
    elif safety is not None:
        before = f"the file it replaced was backed up first as {Path(safety).name}"
    else:
        before = "the file it replaced was not kept"
    with db.engine.begin() as conn:
        known = is_user(
            conn, actor.user_id, actor.username
        )  # one added after the backup is named, not linked
        record(
            conn,
            actor if known else None,
            AuditAction.ADMINISTER,
            "database",
            "restore",
            reason=f"restored from backup {source.name}; {before}"[:1000],
            username=actor.username,
            workstation=actor.workstation,
        )


# ----- a damaged file ------------------------------------------------------------------------------
DAMAGED = (
    "The database file is damaged, so it cannot be backed up or changed. An administrator can restore "
    "the latest good backup (mshtdesk backup restore --latest-good); the damaged file is kept aside."
)


class Backups(Protocol):
    """What the ``backup`` command needs: a logged-in ``BackupService``, or a ``Recovery``."""

    def folder(self) -> Path: ...
    def set_folder(self, folder: str) -> Path: ...
    def create(self, label: str = "manual") -> BackupInfo: ...
    def list(self) -> builtins.list[BackupInfo]: ...
    def verify(self, backup: str) -> str: ...
    def restore(self, backup: str) -> RestoreResult: ...
    def restore_latest_good(self) -> RestoreResult: ...


class Recovery:
    """The backups of a database file too damaged to log in to: listed, checked and restored without
    reading or writing the damaged file beyond what ``open_damaged`` needed to find out who is asking.

    The damaged file is never written: a refusal cannot be recorded in it (nor anything else), and a
    restore renames it aside, with its write-ahead log, before the backup takes its place. The restore
    is recorded in the restored file's log.
    """

    def __init__(self, path: Path, key: bytes, actor: Actor, folders: builtins.list[Path]) -> None:
        self._path = path
        self._key = key
        self._actor = actor
        self._folders = folders

    def _queue_refusal(self) -> None:
        """The damaged file is never written: the refusal waits in the key file for the next login."""
        ring = Keyring.load(keyring_path(self._path))
        if ring is not None:
            ring.queue_refusal(
                self._actor.username,
                self._actor.workstation,
                "database",
                "restore-refused",
                "refused: only an administrator may restore a backup (the database file was damaged)",
            )

    def folder(self) -> Path:
        self._actor.require(Action.READ, Entity.REFERENCE)
        return self._folders[0]

    def set_folder(self, folder: str) -> Path:
        raise CorruptDatabaseError(DAMAGED)

    def create(self, label: str = "manual") -> BackupInfo:
        raise CorruptDatabaseError(DAMAGED)

    def list(self) -> builtins.list[BackupInfo]:
        """Newest first, from the configured folder (when the damaged file still says) and the default."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        return [_info(b) for b in _backups_in(self._folders, self._path.stem)]

    def verify(self, backup: str) -> str:
        self._actor.require(Action.READ, Entity.REFERENCE)
        return files.check_file(Path(backup), self._key)

    @writes(*Data, partial=True)
    def restore(self, backup: str) -> RestoreResult:
        """Administrators only: the checked backup replaces the damaged file, which is kept aside."""
        if not may_restore(self._actor):
            self._queue_refusal()
            raise _refused(self._actor)
        source = _checked_source(backup, self._path, self._key)
        try:
            aside = files.restore_file(source, self._path, self._key)
        except Exception as exc:
            raise _wrap(exc, "restored") from None
        database = open_database(str(self._path), key=self._key)  # an older backup is upgraded here
        try:
            ensure_key_recorded(database, self._actor)
            _record_restore(database, self._actor, source, aside, None)
        finally:
            database.close()
        return RestoreResult(str(source), str(aside) if aside else None, aside is not None)

    @writes(*Data, partial=True)
    def restore_latest_good(self) -> RestoreResult:
        if not may_restore(self._actor):
            self._queue_refusal()
            raise _refused(self._actor)
        for b in _backups_in(self._folders, self._path.stem):
            if files.check_file(b.path, self._key) == "ok":
                return self.restore(str(b.path))
        raise NotFoundError(NO_GOOD_BACKUP)


NO_GOOD_BACKUP = (
    "No good backup was found beside the database. Copy one (with its .keys file) into its backups "
    "folder, or ask IT to restore the file from the system backups. Nothing was changed."
)


def open_damaged(
    db: str | None, username: str, password: str, *, now: datetime | None = None
) -> Recovery | None:
    """The backups of the database file ``db``, when it is damaged, for the user whose password unlocks
    its key; None when it is not damaged (or is no encrypted file, or the password does not unlock it,
    or the account is locked: logging in then says why and counts the failure).

    The key file is separate from the damaged file, so the password still gives the data key. Who the
    user is (role, active, password) is read from the damaged file if its user table can still be
    read, else from the newest backup that passes the check: an account deactivated before then stays
    refused. The backup folder is the one the damaged file names, if it can still say, and the default
    folder beside the database.
    """
    path = sqlite_path(resolve_url(db))
    if path is None or not path.is_file() or is_plain_sqlite(path):
        return None
    moment = now or utcnow()
    try:
        ring = Keyring.load(keyring_path(path))
        if ring is None:
            return None
        username = ring.name_of(username)
        if ring.lockout(username, moment).locked_until is not None:
            return None
        unlocked = ring.unlock(username, password)
    except (ValueError, KeyError, TypeError):  # a key file that cannot be read: logging in says so
        return None
    if unlocked is None or not unlocked.data_keys:
        return None
    key = unlocked.data_keys[0]
    if files.check_file(path, key) == "ok":
        return None
    folders = _folders(path, key)
    user = _account(path, key, folders, username)
    if user is None or not user[0].active or not verify_password(user[1], password):
        state = ring.record_failure(username, workstation(), moment)
        if state.locked_until is not None:
            raise AccountLockedError(locked_message(state.locked_until))
        raise AuthenticationError(
            WRONG if user is None or user[0].active else "This account has been deactivated."
        )
    ring.clear_failures(username)
    info = user[0]
    signer = None if unlocked.sign_private is None else Signer(info.id, unlocked.sign_private)
    actor = Actor(
        info.id, info.username, info.display_name, info.role, workstation(), info.must_change_password, signer
    )
    return Recovery(path, key, actor, folders)


def restore_latest_good(db: str | None, username: str, password: str) -> RestoreResult:
    """The newest backup that passes the check replaces the file, by an administrator: for a damaged
    file (``open_damaged``) as for a sound one (after logging in). The damaged file is renamed aside,
    never deleted, and the restore is recorded in the restored log."""
    recovery = open_damaged(db, username, password)
    if recovery is not None:
        return recovery.restore_latest_good()
    database, actor = login(db, username, password)  # says why it cannot, and counts a failure
    try:
        return BackupService(database, actor).restore_latest_good()
    finally:
        database.close()


def _folders(path: Path, key: bytes) -> builtins.list[Path]:
    """Where a damaged file's backups are: the folder it names, if it can still say, then the default."""
    found: builtins.list[Path] = []
    engine = files.reader(path, key)
    try:
        with engine.connect() as conn:
            chosen = chosen_folder(conn)
        if chosen is not None:
            found.append(chosen)
    except Exception:  # noqa: BLE001 - damaged: the default folder is searched
        pass
    finally:
        engine.dispose()
    default = default_folder(path)
    return found if default in found else [*found, default]


def _backups_in(folders: builtins.list[Path], stem: str) -> builtins.list[files.BackupFile]:
    seen: dict[Path, files.BackupFile] = {}
    for folder in folders:
        for b in files.list_backups(folder, stem):
            seen.setdefault(b.path.resolve(), b)
    return sorted(seen.values(), key=lambda b: b.taken_at, reverse=True)


def _account(
    path: Path, key: bytes, folders: builtins.list[Path], username: str
) -> tuple[UserInfo, str] | None:
    """The user's account and password hash from the damaged file if it can be read, else from the
    newest good backup; NotFoundError if neither can say."""
    sources = [path] + [b.path for b in _backups_in(folders, path.stem)]
    for i, source in enumerate(sources):
        if i > 0 and files.check_file(source, key) != "ok":
            continue
        engine = files.reader(source, key)
        try:
            with engine.connect() as conn:
                user = user_row(conn, username)
                hashed = None if user is None else password_hash_by_id(conn, user.id)
            return None if user is None or hashed is None else (user, str(hashed))
        except Exception:  # noqa: BLE001 - this copy cannot say: try the next
            continue
        finally:
            engine.dispose()
    raise NotFoundError(NO_GOOD_BACKUP)  # nobody can be checked, and nothing could be restored
