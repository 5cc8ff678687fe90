"""Encrypted backups of the database file: create, list, verify, restore."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers
from mshtdesk.cli.common import EXIT_DATA, EXIT_OK, Handler, UsageError, credentials


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser("backup", parents=[common], help="encrypted backups of the database file")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    what.add_parser("create", parents=[common], help="back up now (then prune by the retention rule)")
    what.add_parser("list", parents=[common], help="the backups in the backup folder, newest first")
    b = what.add_parser("verify", parents=[common], help="open a backup with the key and check its integrity")
    b.add_argument("file", nargs="?", metavar="FILE", help="one backup (default: every backup in the folder)")
    b = what.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (the current file is backed up first)",
    )
    b.add_argument("file", nargs="?", metavar="FILE", help="the backup to restore")
    b.add_argument(
        "--latest-good",
        action="store_true",
        help="the newest backup that passes the check (also for a damaged file)",
    )
    b = what.add_parser("folder", parents=[common], help="show or (administrators) set the backup folder")
    b.add_argument("path", nargs="?", metavar="PATH")


def _backup(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A damaged file is not logged in to (that would write to it): its backups are worked from the key
    file and the user's account as the damaged file or its newest good backup knows it."""
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.backups import Backups, open_damaged

    if ns.what == "restore" and not (ns.file or ns.latest_good):
        raise UsageError("Name the backup FILE to restore, or give --latest-good.")
    user, password = credentials()
    backend: Backend | None = None
    service: Backups | None = open_damaged(ns.db, user, password)
    if service is not None:
        print("The database file is damaged: working from its backups only.", file=err)
    else:
        backend = Backend.login(ns.db, user, password)
        service = backend.backups
    try:
        if ns.what == "create":
            made = service.create()
            print(f"Backed up to {made.path} ({made.size:,} bytes, encrypted).", file=out)
        elif ns.what == "list":
            found = service.list()
            for b in found:
                print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.size:>12,}  {b.kind:<20} {b.path}", file=out)
            if not found:
                print(f"No backups yet in {service.folder()}.", file=out)
        elif ns.what == "verify":
            targets = [ns.file] if ns.file else [b.path for b in service.list()]
            if not targets:
                print(f"No backups to check in {service.folder()}.", file=err)
                return EXIT_DATA
            bad = 0
            for target in targets:
                problem = service.verify(target)
                bad += problem != "ok"
                print(
                    f"{'ok' if problem == 'ok' else 'BAD'}  {target}"
                    + ("" if problem == "ok" else f": {problem}"),
                    file=out,
                )
            return EXIT_OK if not bad else EXIT_DATA
        elif ns.what == "restore":
            result = service.restore(ns.file) if ns.file else service.restore_latest_good()
            if result.damaged:
                kept = f"The damaged file was kept aside as {result.safety_copy}."
            else:
                kept = f"The database as it was before is backed up at {result.safety_copy}."
            print(f"Restored {result.restored_from}. {kept}", file=out)
        elif ns.what == "folder":
            folder = service.set_folder(ns.path) if ns.path else service.folder()
            print(f"Backups go to {folder}.", file=out)
    finally:
        if backend is not None:
            backend.close()
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"backup": _backup}
