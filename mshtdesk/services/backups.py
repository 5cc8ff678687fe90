"""Backups of the database file: automatic (first start of each day, before every upgrade and restore),
by hand, listed, checked and restored.

A backup is a consistent, encrypted copy taken through SQLite's online backup API
(``mshtdesk.store.backup``), with the key file beside it. The folder is a setting in the database
(``backup_folder``; default ``backups`` beside the database file) so that every copy of the app on the
file backs up to the same place. Old copies are pruned by the retention rule in
``mshtdesk.domain.retention`` (7 daily, 4 weekly, 12 monthly). Restoring first backs up the file as it
is, so a restore can itself be undone. A team database on a server is backed up by its administrators
(``pg_dump``), not here.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from mshtdesk.domain.retention import DEFAULT_POLICY, Dated, RetentionPolicy, to_keep
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import MshtError, NotFoundError, StoreError, ValidationError, environmental
from mshtdesk.security.keyring import Keyring, keyring_path
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.store import backup as files
from mshtdesk.store.database import Database
from mshtdesk.store.engine import resolve_url, sqlite_path
from mshtdesk.store.location import on_network_share
from mshtdesk.store.tables import SETTING, USER

FOLDER_SETTING = "backup_folder"
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
    safety_copy: str | None  # the file as it was before the restore (None if it could not be read)


def _info(b: files.BackupFile) -> BackupInfo:
    return BackupInfo(str(b.path), b.taken_at, b.label, b.size)


def default_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_folders(db: Database) -> builtins.list[Path]:
    """Every folder this database's backups may be in: the one chosen in the settings and the default
    (copies taken before the setting changed stay there). Used by a rekey and by ``audit verify``."""
    path = db.path
    if path is None:
        return []
    with db.engine.connect() as conn:
        value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == FOLDER_SETTING)).scalar()
    folders = [default_folder(path)]
    if value and Path(value) != folders[0]:
        folders.insert(0, Path(value))
    return folders


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
            value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == FOLDER_SETTING)).scalar()
        return Path(value) if value else default_folder(path)

    def set_folder(self, folder: str) -> Path:
        """Administrators choose where backups go (a different disk is better); checked by writing."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
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
            conn.execute(delete(SETTING).where(SETTING.c.key == FOLDER_SETTING))
            conn.execute(insert(SETTING).values(key=FOLDER_SETTING, value=str(target)[:1000]))
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
        """ "ok", or what is wrong: the copy must open with this database's key and pass integrity_check."""
        self._actor.require(Action.READ, Entity.REFERENCE)
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
    def restore(self, backup: str) -> RestoreResult:
        """Administrators only: back up the file as it is, check the backup, then put it in place."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        path = self._path()
        source = Path(backup)
        problem = files.check_file(source, self._db.key)
        if problem != "ok":
            raise StoreError(f"That backup cannot be restored: {problem}. Nothing was changed.")
        safety = self.create("before-restore")
        self._db.engine.dispose()  # no pooled connection keeps pages of the old content
        try:
            files.restore_file(source, path, self._db.key)
        except Exception as exc:
            raise _wrap(exc, "restored") from None
        _record_restore(self._db, self._actor, source)
        return RestoreResult(str(source), safety.path)


def _record_restore(db: Database, actor: Actor, source: Path) -> None:
    """The restored log continues from the backup's last event; say there what happened and why."""
    with db.engine.begin() as conn:
        known = conn.execute(select(USER.c.id).where(USER.c.id == actor.user_id)).scalar() is not None
        record(
            conn,
            actor if known else None,
            AuditAction.ADMINISTER,
            "database",
            "restore",
            reason=f"restored from backup {source.name}"[:1000],
            username=actor.username,
            workstation=actor.workstation,
        )


def restore_latest_good(db: str | None, username: str, password: str) -> RestoreResult:
    """For a database too damaged to log in to: the user's password unlocks the key (the key file is
    separate from the damaged file), and the newest backup that passes the check replaces the file.
    The damaged file is renamed aside, never deleted. Whoever holds the key may do this: they could
    open the backup anyway."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is None:
        raise StoreError(SERVER_MESSAGE)
    ring = Keyring.load(keyring_path(path))
    if ring is None:
        raise StoreError(
            f"The key file {keyring_path(path).name} is missing, so no backup can be opened. "
            "Restore the key file from the backup taken with the database."
        )
    key = ring.unwrap(username, password)
    if key is None:
        from mshtdesk.errors import AuthenticationError

        raise AuthenticationError("Wrong user name or password.")
    for candidate in files.list_backups(default_folder(path), path.stem) + _elsewhere(path, key):
        if files.check_file(candidate.path, key) == "ok":
            files.restore_file(candidate.path, path, key)
            return RestoreResult(str(candidate.path), None)
    raise NotFoundError(
        "No good backup was found beside the database. Copy one into its backups folder, or ask IT to "
        "restore the file from the system backups."
    )


def _elsewhere(path: Path, key: bytes) -> list[files.BackupFile]:
    """A damaged file may still say where its backups go; if it cannot, only the default is searched."""
    try:
        con = files.connect(path, key)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = ?", (FOLDER_SETTING,)).fetchone()
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - damaged: fall back to the default folder
        return []
    if not row or Path(row[0]) == default_folder(path):
        return []
    return files.list_backups(Path(row[0]), path.stem)
