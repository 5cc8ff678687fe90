"""Command line: the same services as the app, for scripts, schedulers and managers at a terminal.

Exit codes: 0 success; 1 a problem with the data, a file, the database or a permission (one sentence
on stderr); 2 usage, including a disclosure without a reason when nobody can be asked; 3 authentication.
The user comes from MSHTDESK_USER and the password from MSHTDESK_PASSWORD, or both are asked for in a
terminal. Importing this package is cheap (argparse only) so that the app can start fast through it;
one module per command group, each adding its parsers and naming its handlers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from mshtdesk import __version__
from mshtdesk.cli import (
    admin,
    arrests,
    audit,
    backups,
    find,
    imports,
    people,
    reports,
    retention,
    server,
    setup,
)
from mshtdesk.cli.args import Parents
from mshtdesk.cli.common import (
    EXIT_AUTH,
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    PASSWORD_ENV,
    REASON_ENV,
    USER_ENV,
    CredentialsMissingError,
    Handler,
    UsageError,
    server_password,
)

__all__ = ["EXIT_AUTH", "EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "build_parser", "main", "parse", "run"]

# In the order --help lists them.
GROUPS = (setup, imports, reports, arrests, admin, audit, people, retention, find, backups, server)
HANDLERS: dict[str, Handler] = {name: h for group in GROUPS for name, h in group.HANDLERS.items()}


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file or SQLAlchemy URL (default: MSHTDESK_DB, else a file in your user data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=db_help)
    disclose = argparse.ArgumentParser(add_help=False)
    disclose.add_argument(
        "--reason", metavar="TEXT", help=f"why this is disclosed (or {REASON_ENV}); kept in the audit log"
    )

    parser = argparse.ArgumentParser(
        prog="mshtdesk",
        description="MSHT Desk: the Human Trafficking Team's arrests register and disposal table. "
        "With no command, the app opens.",
        epilog=f"Commands log in as {USER_ENV} with {PASSWORD_ENV}, or ask in a terminal.",
    )
    parser.add_argument("--version", action="version", version=f"MSHT Desk {__version__}")
    parser.add_argument("--db", metavar="PATH|URL", default=None, help=db_help)
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh temporary demo database")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation with made-up data in a temporary folder; "
        "exit 0, or name the failed step",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = Parents(common, disclose)
    for group in GROUPS:
        group.add_commands(sub, parents)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse arguments (exits 2 on a usage error, as argparse does); a database the machine's settings
    lock (``mshtdesk.machine``) replaces ``--db``, with a note on stderr."""
    ns = build_parser().parse_args(argv)
    from mshtdesk.machine import machine_settings

    machine = machine_settings()
    if machine.locked and machine.database:
        if ns.db and ns.db != machine.database:
            print(f"--db is ignored: this computer's database is set in {machine.source}.", file=sys.stderr)
        ns.db = machine.database
    return ns


def run(ns: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Carry out a parsed command; every expected failure becomes a message and an exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    from mshtdesk.domain.text import printable
    from mshtdesk.errors import AuthenticationError, ImportRejectedError, MshtError

    try:
        return _dispatch(ns, out, err)
    except ImportRejectedError as exc:  # messages quote the file: controls are shown escaped
        print(printable(exc), file=err)
        for row in exc.errors:
            print(f"  {printable(row)}", file=err)
        if len(exc.errors) < exc.found:
            print(f"  ... and {exc.found - len(exc.errors):,} more problems not listed.", file=err)
        return EXIT_DATA
    except (AuthenticationError, CredentialsMissingError) as exc:
        print(printable(exc), file=err)
        return EXIT_AUTH
    except UsageError as exc:
        print(printable(exc), file=err)
        return EXIT_USAGE
    except MshtError as exc:
        print(printable(exc), file=err)
        return EXIT_DATA
    except (KeyboardInterrupt, EOFError):
        print("Interrupted: nothing further was written.", file=err)
        return EXIT_DATA
    except Exception as exc:  # a bug: say so briefly, keep the details (without personal data) in the log
        from mshtdesk.errors import environmental

        found = environmental(exc)  # a full disk, a read-only or locked file: not a bug
        if found is not None:
            print(str(found), file=err)
            return EXIT_DATA
        from mshtdesk.logs import log_bug

        where = log_bug(f"command {ns.command}", exc)
        print(f"MSHT Desk hit an internal error ({type(exc).__name__}); details are in {where}.", file=err)
        return EXIT_DATA


def _dispatch(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    handler = HANDLERS.get(ns.command)
    if handler is None:
        raise AssertionError(f"unhandled command {ns.command}")
    server_password(ns.url if ns.command == "server" else ns.db)
    return handler(ns, out, err)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mshtdesk``: the command line alone (the app opens through ``ui.launcher``)."""
    ns = parse(argv)
    if ns.self_test:
        from mshtdesk.selftest import run_self_test

        return run_self_test()  # the main window is the app's: 'mshtdesk --self-test' opens it too
    if ns.command is None:
        print("Give a command (see --help); run 'mshtdesk' with no command to open the app.", file=sys.stderr)
        return EXIT_USAGE
    return run(ns)
