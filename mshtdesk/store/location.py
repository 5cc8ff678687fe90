"""Is the database file on a network share? SQLite's file locking is not reliable over SMB or NFS, so
two people opening one file there can corrupt it; the app warns and points to team mode (PostgreSQL)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FILE_SYSTEMS = frozenset(
    {
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "afs",
        "ncpfs",
        "9p",
        "fuse.sshfs",
        "davfs",
        "fuse.davfs2",
    }
)


def _mount_type(path: Path, mounts: str) -> str | None:
    """The file system type of the longest mount point containing ``path`` in a /proc/mounts text."""
    best, kind = "", None
    target = str(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def on_network_share(path: Path, *, mounts: str | None = None) -> bool:
    """True when ``path`` is on a network drive (a UNC path or mapped drive on Windows; an SMB, NFS or
    similar mount elsewhere). Unknown means False: the warning is advice, never a refusal."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0]
        if drive:
            return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4)  # DRIVE_REMOTE
        return False
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    try:
        resolved = path.resolve()
    except OSError:
        resolved = path
    kind = _mount_type(resolved, mounts)
    return kind is not None and kind.lower() in NETWORK_FILE_SYSTEMS
