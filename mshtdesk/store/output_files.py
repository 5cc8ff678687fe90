"""Files written for people (CSV exports, report PDFs and JSON): checked, then written whole or not at all.

An export named like the database once replaced the database with a CSV. So before anything is written,
the chosen path is compared with the database's own files (the database, its key file, write-ahead log,
shared memory and journal: every file beside it whose name starts with the database's name) and with the
backup folders, after resolving links; names are compared case-folded (a case-insensitive disk treats
``D.DB`` as ``D.db``) and an existing target is also compared by device and inode (a hard link is the
same file under another name). Then the data goes to a temporary file in the same folder, synced, and is
renamed into place: a failure leaves the old file as it was and no partial file behind. An existing file
is replaced only when the caller says so (``--force``; the app's Save dialog has already asked).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mshtdesk.errors import MshtError

# Files SQLite and MSHT Desk keep beside the database, by suffix: compared by inode when they exist.
COMPANIONS = ("", ".keys", "-wal", "-shm", "-journal")


class UnsafeOutputError(MshtError):
    """The chosen output path is not a safe place for an export; nothing was written."""


class OutputExistsError(UnsafeOutputError):
    """The file exists and replacing it was not asked for; nothing was written."""


def _fold(path: Path) -> str:
    """A path as a case-insensitive file system would compare it."""
    return os.path.normcase(str(path)).casefold()


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path.expanduser()))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop: the unresolved path is the best we have
        return path


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@dataclass(frozen=True)
class ProtectedFiles:
    """The files an export must never replace: the database's own and everything in its backup folders."""

    database: Path | None  # None for a server database (team mode): it has no files here
    backup_folders: tuple[Path, ...] = ()

    @classmethod
    def around(cls, database: Path | None, configured_backup_folder: Path | None = None) -> ProtectedFiles:
        """The database file, its default ``backups`` folder and the configured one (if any).

        Both folders are kept: backups taken before the setting changed stay in the default one.
        """
        if database is None:
            return cls(None)
        folders = [database.parent / "backups"]
        if configured_backup_folder is not None:
            folders.append(configured_backup_folder)
        return cls(database, tuple(folders))

    def _database_names(self) -> list[Path]:
        if self.database is None:
            return []
        return list(dict.fromkeys([_absolute(self.database), _resolved(_absolute(self.database))]))

    def problem(self, target: Path) -> str | None:
        """Why writing ``target`` would destroy the database or a backup, or None."""
        candidates = list(dict.fromkeys([target, _resolved(target)]))
        shown = str(target)
        for db in self._database_names():
            home, name = _fold(_resolved(db.parent)), _fold(Path(db.name))
            for cand in candidates:
                if _fold(_resolved(cand.parent)) == home and _fold(Path(cand.name)).startswith(name):
                    return (
                        f"{shown} is the database or one of its own files (such as its key file or log); "
                        "writing there would destroy it. Choose another file name."
                    )
        own = _identity(target)
        if own is not None:
            for db in self._database_names():
                for suffix in COMPANIONS:
                    if _identity(db.with_name(db.name + suffix)) == own:
                        return (
                            f"{shown} is another name for the database or one of its own files; writing "
                            "there would destroy it. Choose another file name."
                        )
        for backups in self.backup_folders:
            folder = _resolved(_absolute(backups))
            keys = {_fold(folder), _fold(_absolute(backups))}
            for cand in candidates:
                if {_fold(p) for p in (cand, *cand.parents)} & keys:
                    return (
                        f"{shown} is in the backup folder {backups}; the backups must not be overwritten. "
                        "Choose a file in another folder."
                    )
            if own is not None and _inside_by_identity(folder, own):
                return (
                    f"{shown} is another name for a file in the backup folder {backups}; the backups must "
                    "not be overwritten. Choose another file name."
                )
        return None


def _inside_by_identity(folder: Path, own: tuple[int, int]) -> bool:
    """True if a file directly in ``folder`` is the same file as ``own`` (a hard link to a backup)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        try:
            st = entry.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == own:
            return True
    return False


def check_output_path(target: str | Path, protected: ProtectedFiles, *, replace: bool) -> Path:
    """The absolute path to write, or UnsafeOutputError with one sentence saying what to do instead."""
    text = str(target).strip()
    if not text:
        raise UnsafeOutputError("Name the file to write.")
    path = _absolute(Path(text))
    problem = protected.problem(path)
    if problem is not None:
        raise UnsafeOutputError(problem)
    if path.is_dir():
        raise UnsafeOutputError(f"{path} is a folder; name a file inside it.")
    parent = path.parent
    if not parent.is_dir():
        if parent.exists():
            raise UnsafeOutputError(f"{parent} is not a folder; choose a file in an existing folder.")
        raise UnsafeOutputError(
            f"The folder {parent} does not exist; create it first or choose a file in another folder."
        )
    if os.path.lexists(path):
        try:
            mode = os.stat(path).st_mode
        except OSError:  # a dangling link: replacing it replaces the link, nothing behind it
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise UnsafeOutputError(
                f"{path} is not an ordinary file (a device, pipe or socket); choose a file name."
            )
        if not replace:
            raise OutputExistsError(
                f"{path} already exists and was left as it was; choose another name, or allow it to be "
                "replaced (--force on the command line)."
            )
    return path


def write_output(target: str | Path, data: bytes, protected: ProtectedFiles, *, replace: bool) -> Path:
    """Check ``target`` and write ``data`` to it atomically; return the path written.

    The bytes go to a temporary file beside the target (mode 0600: exports hold personal data), are
    synced, and then take the target's name: renamed over it when ``replace``, else linked to it, which
    fails if a file appeared meanwhile. Whatever fails, the temporary file is removed.
    """
    path = check_output_path(target, protected, replace=replace)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise _not_written(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path, replace=replace)
    except UnsafeOutputError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _not_written(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return path


def _publish(tmp: Path, path: Path, *, replace: bool) -> None:
    if replace:
        os.replace(tmp, path)
        return
    exists = OutputExistsError(
        f"{path} appeared while it was being written and was left as it was; nothing was written."
    )
    if os.name == "nt":  # pragma: no cover - Windows: rename never replaces an existing file
        try:
            os.rename(tmp, path)
        except FileExistsError:
            raise exists from None
        return
    try:
        os.link(tmp, path)  # fails with EEXIST rather than replace a file created since the check
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(path):  # a file system without hard links: check, then rename
            raise exists from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (POSIX; Windows has no directory handles for this)."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _not_written(path: Path, exc: OSError) -> MshtError:
    from mshtdesk.errors import environmental

    found = environmental(exc)
    why = str(found) if found is not None else f"{exc.strerror or type(exc).__name__}."
    return MshtError(f"{path} could not be written, and nothing was left there: {why}")
