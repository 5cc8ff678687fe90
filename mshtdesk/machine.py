"""Machine-wide settings: what a force's IT department presets for every user of a computer.

One read-only INI file, ``%PROGRAMDATA%\\MSHTDesk\\MSHTDesk.ini`` on Windows (``/etc/mshtdesk/MSHTDesk.ini``
elsewhere; ``MSHTDESK_MACHINE_SETTINGS`` names another file), written by the installer or by policy::

    [MSHTDesk]
    database = \\\\server\\share\\htt.db        ; or postgresql+psycopg://server/htt (team mode)
    idle_lock_minutes = 5
    backup_folder = D:\\HTT backups
    locked = true                           ; users cannot override the values above

Unlocked, a preset is the default: a user's ``--db`` or ``MSHTDESK_DB``, their own idle-lock setting and
a folder the database's administrator chose still come first. Locked, the presets win over all of them.
This module is read by every layer, so it uses the standard library only. A file that cannot be read or
parsed is ignored, never fatal: the app must still start (the values it could not read are named in the log).
"""

from __future__ import annotations

import configparser
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

MACHINE_SETTINGS_ENV = "MSHTDESK_MACHINE_SETTINGS"
SECTION = "MSHTDesk"
FILE_NAME = "MSHTDesk.ini"
TRUE = frozenset({"1", "true", "yes", "on"})

log = logging.getLogger("mshtdesk")


@dataclass(frozen=True)
class MachineSettings:
    database: str | None = None
    idle_lock_minutes: float | None = None
    backup_folder: Path | None = None
    locked: bool = False
    source: Path | None = None  # the file read, for messages

    def database_for(self, given: str | None) -> str | None:
        """The database to open when the user gave ``given`` (``--db``; None: none given)."""
        if self.database and (self.locked or not given):
            return self.database
        return given

    def backup_folder_over(self, chosen: Path | None) -> Path | None:
        """The backup folder, given the one the database's administrator ``chosen`` (None: the default)."""
        if self.backup_folder is not None and (self.locked or chosen is None):
            return self.backup_folder
        return chosen

    def overrides_backup_folder(self) -> bool:
        return self.locked and self.backup_folder is not None


def settings_path() -> Path:
    override = os.environ.get(MACHINE_SETTINGS_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "MSHTDesk" / FILE_NAME
    return Path("/etc/mshtdesk") / FILE_NAME


def machine_settings(path: Path | None = None) -> MachineSettings:
    """The presets in the machine's settings file (none if there is no file)."""
    path = path or settings_path()
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
    try:
        with path.open(encoding="utf-8-sig") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return MachineSettings()
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        log.warning("machine settings %s ignored: %s", path, type(exc).__name__)
        return MachineSettings()
    if not parser.has_section(SECTION):
        return MachineSettings(source=path)
    values = parser[SECTION]
    database = values.get("database", "").strip() or None
    folder = values.get("backup_folder", "").strip()
    minutes: float | None = None
    raw = values.get("idle_lock_minutes", "").strip()
    if raw:
        try:
            minutes = float(raw)
        except ValueError:
            minutes = None
        if minutes is None or not minutes > 0:
            log.warning("machine settings %s: idle_lock_minutes is not a positive number; ignored", path)
            minutes = None
    return MachineSettings(
        database=database,
        idle_lock_minutes=minutes,
        backup_folder=Path(folder) if folder else None,
        locked=values.get("locked", "").strip().lower() in TRUE,
        source=path,
    )
