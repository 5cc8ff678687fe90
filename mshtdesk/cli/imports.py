"""Importing custody exports, NRM registers and court outcomes, with progress on stderr."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers
from mshtdesk.cli.common import EXIT_OK, Handler, Progress, login


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import a file",
        epilog="A file may be at most 2 GB, and one row at most 1,000,000 characters; "
        "MSHTDESK_IMPORT_MAX_BYTES and MSHTDESK_IMPORT_MAX_ROW change that (e.g. 4G).",
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    a = what.add_parser(
        "arrests", parents=[common], help="import a custody export (CSV, one row per disposal event)"
    )
    a.add_argument("file", metavar="FILE.csv")
    a.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")
    a = what.add_parser("nrm", parents=[common], help="import an NRM register (CSV, one row per referral)")
    a.add_argument("file", metavar="FILE.csv")
    a.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")
    a = what.add_parser(
        "outcomes", parents=[common], help="import court outcomes (CSV, one row per offence charged)"
    )
    a.add_argument("file", metavar="FILE.csv")
    a.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")


def _import(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    backend = login(ns)
    progress = Progress(err)
    try:
        summary = backend.import_kind_file(
            "custody" if ns.what == "arrests" else ns.what, ns.file, dry_run=ns.dry_run, progress=progress
        )
    finally:
        progress.finish()
        backend.close()
    print(printable(summary.describe()), file=out)
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"import": _import}
