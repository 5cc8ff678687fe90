"""Command line: the same services as the app, for scripts, schedulers and managers at a terminal.

Exit codes: 0 success; 1 a problem with the data, a file, the database or a permission (one sentence
on stderr); 2 usage, including a disclosure without a reason when nobody can be asked; 3 authentication.
The user comes from MSHTDESK_USER and the password from MSHTDESK_PASSWORD, or both are asked for in a
terminal. Importing this module is cheap (argparse only) so that the app can start fast through it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from mshtdesk import __version__
from mshtdesk.domain.dates import last_complete_financial_year, parse_date

if TYPE_CHECKING:
    from mshtdesk.services.backend import Backend

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_AUTH = 0, 1, 2, 3
MAX_DEMO_ARRESTS = 2_000_000
USER_ENV, PASSWORD_ENV, REASON_ENV, NEW_PASSWORD_ENV = (
    "MSHTDESK_USER",
    "MSHTDESK_PASSWORD",
    "MSHTDESK_REASON",
    "MSHTDESK_NEW_PASSWORD",
)
ROLES = ("administrator", "manager", "htt-officer", "vlo", "navigator", "haven-house", "auditor")


class UsageError(Exception):
    """Exit 2: something only the person running the command can supply is missing."""


class CredentialsMissingError(Exception):
    """Exit 3: no user or password, and no terminal to ask in."""


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _timestamp(text: str) -> datetime:
    """An ISO 8601 moment (``2026-12-03T16:05``, ``...Z`` or ``...+01:00``); without an offset, UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a moment: write it as YYYY-MM-DDTHH:MM (UTC) or add an offset such as +01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _run_id(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"'{text}' is not a run number: give the number of a report run")
    return int(text)


def _event_id(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an audit event number: give the merge's event number"
        )
    return int(text)


def _add_recorded_at(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recorded-at",
        dest="recorded_at",
        type=_timestamp,
        default=None,
        metavar="TIMESTAMP",
        help="the records as recorded at this moment (UTC unless an offset is given): arrests, disposals "
        "and corrections recorded later are left out",
    )


def _years(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) <= 100:
        raise argparse.ArgumentTypeError(
            f"'{text[:20]}' is not a number of years: give a whole number from 1 to 100"
        )
    return int(text)


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 < n <= MAX_DEMO_ARRESTS:
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MAX_DEMO_ARRESTS:,}")
    return n


def _limit(text: str) -> int:
    from mshtdesk.services.search import MOST

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 < n <= MOST:
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MOST:,}")
    return n


def _add_period(parser: argparse.ArgumentParser, *, first: str, last: str, as_at: str) -> None:
    """--from/--to (default: the last complete financial year) and --as-at (default: today)."""
    start, end = last_complete_financial_year(date.today())
    for flag, dest, default, text in (
        ("--from", "date_from", start, f"{first} (default: start of the last complete financial year)"),
        ("--to", "date_to", end, f"{last} (default: its end)"),
        ("--as-at", "as_at", date.today(), as_at),
    ):
        parser.add_argument(flag, dest=dest, type=_date, default=default, metavar="YYYY-MM-DD", help=text)


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

    p = sub.add_parser(
        "init", parents=[common], help="create an encrypted database and its first administrator"
    )
    p.add_argument("--admin-user", required=True, metavar="NAME", help="the first administrator's user name")
    p.add_argument("--display-name", default="", help="their name as shown in the app")
    p.add_argument(
        "--force-profile",
        dest="profile",
        choices=["west-yorkshire", "greater-manchester"],
        default=None,
        help="districts for a new database (default west-yorkshire)",
    )

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

    p = sub.add_parser("report", parents=[common], help="print a report")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    d = what.add_parser(
        "disposals", parents=[common, disclose], help="arrests by highest-ranked disposal and district"
    )
    _add_period(
        d,
        first="first arrest date in the period",
        last="last arrest date in the period",
        as_at="disposals as known on this date (default: today)",
    )
    d.add_argument(
        "--format", choices=["table", "csv", "pdf"], default="table", help="pdf: one A4 page (needs -o)"
    )
    d.add_argument("--public", action="store_true", help="mark the PDF OFFICIAL, not OFFICIAL-SENSITIVE")
    _add_recorded_at(d)
    d.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    d.add_argument("--force", action="store_true", help="replace FILE if it exists")
    c = what.add_parser(
        "com",
        parents=[common, disclose],
        help="the COM summary (PDF, HTML, CSV or JSON): internal or public version",
    )
    _add_period(
        c,
        first="first day of the period",
        last="last day of the period",
        as_at="every status as known on this date (default: today); the same date gives the same report",
    )
    c.add_argument(
        "--public", action="store_true", help="OFFICIAL version for publication, small numbers suppressed"
    )
    c.add_argument(
        "--format",
        choices=["pdf", "json", "html", "csv"],
        default="pdf",
        help="html: one accessible, self-contained page; csv: a ZIP of one CSV per table + metadata",
    )
    _add_recorded_at(c)
    c.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write")
    c.add_argument("--force", action="store_true", help="replace FILE if it exists")
    r = what.add_parser(
        "revisions",
        parents=[common],
        help="what changed since a report run was published: every cell whose figure differs today",
    )
    r.add_argument("run_id", metavar="RUN_ID", type=_run_id, help="the run's number (its history entry)")

    p = sub.add_parser(
        "arrests", parents=[common], help="withdraw or correct an arrest or its offences (HTT officers)"
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    a = what.add_parser(
        "withdraw",
        parents=[common],
        help="withdraw an arrest entered in error or a duplicate: it leaves every table from now on",
    )
    a.add_argument("ref", metavar="REF", help="the custody reference")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept with the withdrawal")
    a = what.add_parser(
        "correct",
        parents=[common],
        help="correct an arrest's district or date (the old value stays on record)",
    )
    a.add_argument("ref", metavar="REF", help="the custody reference")
    a.add_argument("--district", metavar="CODE", default=None, help="the corrected district (code or name)")
    a.add_argument("--date", dest="arrest_date", type=_date, default=None, metavar="YYYY-MM-DD")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept with the correction")
    a = what.add_parser(
        "offence-withdraw",
        parents=[common],
        help="withdraw an offence entered in error: its disposals no longer count (the old one stays)",
    )
    a.add_argument("ref", metavar="REF", help="the custody reference")
    a.add_argument("offence_ref", metavar="OFFENCE_REF", help="the offence's reference on it, e.g. O2")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept with the withdrawal")
    a = what.add_parser(
        "offence-correct",
        parents=[common],
        help="correct what an offence was (the old wording stays on record)",
    )
    a.add_argument("ref", metavar="REF", help="the custody reference")
    a.add_argument("offence_ref", metavar="OFFENCE_REF", help="the offence's reference on it, e.g. O2")
    a.add_argument("--offence", metavar="TEXT", required=True, help="the offence, e.g. 'MSA 2015 s.2'")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept with the correction")

    p = sub.add_parser(
        "demo",
        parents=[common],
        help="create a new database of synthetic arrests and victims (never a real one)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p.add_argument("--arrests", type=_count, default=130, help="how many arrests (default 130)")

    p = sub.add_parser("ranking", parents=[common], help="show or set the disposal ranking")
    p.add_argument(
        "--set", metavar="CODE,CODE,...", help="new order, highest first, e.g. CHARGE,OTHER_WARRANT,..."
    )

    p = sub.add_parser("users", parents=[common], help="administer users (administrators)")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    what.add_parser("list", parents=[common], help="list users and their roles")
    u = what.add_parser(
        "add", parents=[common], help=f"add a user (password from {NEW_PASSWORD_ENV} or asked)"
    )
    u.add_argument("username")
    u.add_argument("--role", required=True, choices=ROLES)
    u.add_argument("--display-name", default="")
    u = what.add_parser("reset-password", parents=[common], help="set a new password the user must change")
    u.add_argument("username")
    u = what.add_parser(
        "deactivate", parents=[common], help="stop a user logging in (never deleted); the data key changes"
    )
    u.add_argument("username")
    what.add_parser(
        "rekey",
        parents=[common],
        help="give the database and its backups a new key, sealed to every active user",
    )
    sub.add_parser(
        "passwd", parents=[common], help=f"change your own password (new one from {NEW_PASSWORD_ENV})"
    )

    p = sub.add_parser("audit", parents=[common], help="the audit log (auditors and administrators)")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    what.add_parser(
        "verify",
        parents=[common],
        help="check the chain, every signature and the backups; name the first broken event",
    )
    a = what.add_parser("list", parents=[common, disclose], help="who did what, to which record, when")
    a.add_argument("--user", help="user name")
    a.add_argument("--record", metavar="ENTITY:ID", help="e.g. arrest:42")
    a.add_argument("--action", help="e.g. consult, disclose, login")
    a.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD")
    a.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD")
    a.add_argument("--format", choices=["table", "csv"], default="table")
    a.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = sub.add_parser("people", parents=[common], help="people in the victim pathway (within your scope)")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    a = what.add_parser(
        "list", parents=[common], help="people you may see, by name (recorded as a consultation)"
    )
    a.add_argument("--find", default="", metavar="TEXT", help="part of a name, alias or person reference")
    a.add_argument("--format", choices=["table", "csv"], default="table")
    what.add_parser(
        "duplicates",
        parents=[common],
        help="likely duplicate people: same date of birth, names alike across spellings",
    )
    a = what.add_parser(
        "end-referral",
        parents=[common],
        help="end a Navigator referral: the person leaves that Navigator's scope (HTT officer)",
    )
    a.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    a.add_argument("--navigator", metavar="USER", required=True, help="the Navigator's user name")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept in the audit log")
    a = what.add_parser(
        "merge",
        parents=[common],
        help="merge two records of one person: every record of OTHER moves to KEEP (reversible)",
    )
    a.add_argument("keep", metavar="KEEP_REF", help="the person reference to keep, e.g. P-000123")
    a.add_argument("other", metavar="OTHER_REF", help="the duplicate, merged into KEEP_REF")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept in the audit log")
    a = what.add_parser(
        "unmerge",
        parents=[common],
        help="undo a merge, named by its audit event (as 'people merge' printed it)",
    )
    a.add_argument("event", metavar="EVENT_ID", type=_event_id, help="the merge's audit event number")
    a.add_argument("--reason", metavar="TEXT", required=True, help="why; kept in the audit log")
    a = what.add_parser(
        "erase",
        parents=[common],
        help="erase a person's personal data for good, keeping every count (managers; DPA 2018 s.47)",
    )
    a.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    a.add_argument(
        "--reason", metavar="TEXT", required=True, help="why (no names); kept in the audit log for good"
    )
    a.add_argument("--yes", action="store_true", help="do not ask to confirm in a terminal")
    a = what.add_parser(
        "export",
        parents=[common, disclose],
        help="everything held about one person, for a subject access request (DPA 2018 s.45)",
    )
    a.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    a.add_argument("--format", choices=["json", "pdf"], default="pdf")
    a.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = sub.add_parser(
        "retention", parents=[common], help="how long personal records are kept before review, and the queue"
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    what.add_parser("list", parents=[common], help="the review rule of each kind of record")
    r = what.add_parser(
        "set",
        parents=[common],
        help="review a kind of record N years after its last activity (administrators)",
    )
    r.add_argument("kind", metavar="KIND", help="person, referral, navigator_case, stay, contact or arrest")
    r.add_argument("--years", type=_years, required=True, metavar="N", help="whole years, 1 to 100")
    what.add_parser("due", parents=[common], help="records past review, by reference (managers)")
    r = what.add_parser(
        "keep", parents=[common], help="keep a record past review until a next review date (managers)"
    )
    r.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    r.add_argument("--until", type=_date, required=True, metavar="YYYY-MM-DD", help="the next review date")
    r.add_argument("--reason", metavar="TEXT", required=True, help="why it is still needed (no names)")

    p = sub.add_parser(
        "find",
        parents=[common],
        help="search people, arrests, NRM referrals and contact notes you may see, best match first "
        "(recorded as a consultation)",
    )
    p.add_argument(
        "text", metavar="TEXT", help="a name (any spelling or script), a reference or words of a note"
    )
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--limit", type=_limit, default=50, metavar="N", help="at most N results (default 50)")

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

    p = sub.add_parser(
        "server",
        help="team mode: set up or upgrade the team's PostgreSQL database (its database administrator)",
        epilog="The address carries no password: libpq finds it in PGPASSFILE or PGSERVICEFILE, or asks.",
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    s = what.add_parser(
        "setup",
        help="make the schema, the owner, application and auditor roles, and the first administrator "
        f"(password from {PASSWORD_ENV} or asked)",
    )
    s.add_argument("url", metavar="URL", help="the empty database, e.g. postgresql://dba@server/mshtdesk")
    s.add_argument("--admin-user", required=True, metavar="NAME", help="the app's first administrator")
    s.add_argument("--display-name", default="", help="their name as shown in the app")
    s.add_argument(
        "--force-profile",
        dest="profile",
        choices=["west-yorkshire", "greater-manchester"],
        default=None,
        help="districts for the new database (default west-yorkshire)",
    )
    s.add_argument(
        "--role-prefix",
        metavar="NAME",
        default=None,
        help="database roles NAME_owner, NAME_app and NAME_auditor (default: the database's name)",
    )
    s = what.add_parser(
        "upgrade", help="run this version's migrations on the team database, after a pg_dump you name"
    )
    s.add_argument("url", metavar="URL", help="the team database, e.g. postgresql://dba@server/mshtdesk")
    s.add_argument(
        "--dump",
        metavar="FILE",
        default=None,
        help="the pg_dump backup taken just before (checked: a pg_dump file from the last 24 hours)",
    )

    s = what.add_parser(
        "import-from",
        help="copy a laptop's database into an empty team database, all or nothing "
        f"(as an administrator of the laptop's database: {USER_ENV} and {PASSWORD_ENV}, or asked)",
    )
    s.add_argument(
        "laptop", metavar="LAPTOP.db", help="the laptop's encrypted database file (its key file beside it)"
    )
    s.add_argument(
        "url", metavar="URL", help="the empty team database, e.g. postgresql://dba@server/mshtdesk"
    )
    s.add_argument(
        "--role-prefix",
        metavar="NAME",
        default=None,
        help="database roles NAME_owner, NAME_app and NAME_auditor (default: the database's name)",
    )

    p = sub.add_parser(
        "calendar", parents=[common], help="extra non-working days and worked bank holidays (administrators)"
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    what.add_parser("list", parents=[common], help="the days that differ from England & Wales bank holidays")
    c = what.add_parser(
        "add", parents=[common], help="add a non-working day (or, with --working, a worked one)"
    )
    c.add_argument("day", type=_date, metavar="YYYY-MM-DD")
    c.add_argument("--working", action="store_true", help="a bank holiday the force works as normal")
    c.add_argument("--label", default="", help="why, e.g. 'State Funeral'")
    c = what.add_parser("remove", parents=[common], help="take a day off the list")
    c.add_argument("day", type=_date, metavar="YYYY-MM-DD")
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


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _credentials() -> tuple[str, str]:
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if user and password:
        return user, password
    if not _interactive():
        raise CredentialsMissingError(
            f"Log in first: set {USER_ENV} and {PASSWORD_ENV}, or run in a terminal."
        )
    return user or input("User name: ").strip(), password or getpass.getpass("Password: ")


def _new_password(prompt_for: str) -> str:
    """The new password is something only the caller can supply: missing or empty is a usage error."""
    given = os.environ.get(NEW_PASSWORD_ENV)
    if given:
        return given
    if given is not None:
        raise UsageError(f"{NEW_PASSWORD_ENV} is empty: set it to the new password; nothing was changed.")
    if not _interactive():
        raise UsageError(f"Set {NEW_PASSWORD_ENV} to the new password, or run in a terminal.")
    first = getpass.getpass(f"New password for {prompt_for}: ")
    if getpass.getpass("Type it again: ") != first:
        raise UsageError("The two passwords differ; nothing was changed.")
    return first


def _reason(ns: argparse.Namespace) -> str:
    reason = (ns.reason or os.environ.get(REASON_ENV, "")).strip()
    if reason:
        return reason
    if not _interactive():
        raise UsageError(f"A disclosure needs a reason: give --reason TEXT or set {REASON_ENV}.")
    reason = input("Reason for this disclosure (kept in the audit log): ").strip()
    if not reason:
        raise UsageError("No reason given; nothing was disclosed.")
    return reason


def _login(ns: argparse.Namespace) -> Backend:
    from mshtdesk.services.backend import Backend

    user, password = _credentials()
    return Backend.login(ns.db, user, password)


def _check_output(ns: argparse.Namespace, backend: Backend | None = None) -> None:
    """Refuse an unsafe ``-o`` (the database's own files, its backups, an existing file without
    --force, a folder): before a password is asked for, and again with the configured backup folder
    once logged in, so a refused export is never recorded as disclosed."""
    if not ns.output:
        return
    if backend is None:
        from mshtdesk.services.exports import check_before_login

        check_before_login(ns.db, ns.output, replace=ns.force)
    else:
        from mshtdesk.store.output_files import check_output_path

        ns.protected_files = backend.exports.protected()  # kept for the write, after logging out
        check_output_path(ns.output, ns.protected_files, replace=ns.force)


def _write(ns: argparse.Namespace, text: str, out: TextIO, what: str) -> None:
    if not ns.output:
        out.write(text)
        return
    written = _write_file(ns, text.encode("utf-8"))
    print(
        f"Wrote {written} ({what}). The file is not encrypted: keep it on an encrypted drive.",
        file=sys.stderr,
    )


def _write_file(ns: argparse.Namespace, data: bytes) -> str:
    """Atomically, never over the database's files or backups (checked by ``_check_output``)."""
    from mshtdesk.store.output_files import write_output

    return str(write_output(ns.output, data, ns.protected_files, replace=ns.force))


def _dispatch(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    handlers = {
        "init": _init,
        "import": _import,
        "report": _report,
        "demo": _demo,
        "ranking": _ranking,
        "users": _users,
        "passwd": _passwd,
        "audit": _audit,
        "people": _people,
        "find": _find,
        "backup": _backup,
        "calendar": _calendar,
        "arrests": _arrests,
        "retention": _retention,
        "server": _server,
    }
    handler = handlers.get(ns.command)
    if handler is None:
        raise AssertionError(f"unhandled command {ns.command}")
    _server_password(ns.url if ns.command == "server" else ns.db)
    return handler(ns, out, err)


def _server_password(db: str | None) -> None:
    """A team server that asks for a password libpq has not found (pgpass, service file): asked for here,
    in a terminal, and kept in memory only; never an argument, an environment variable we set or a file."""
    from mshtdesk.services.team import is_team_address, password_needed, use_password

    if not is_team_address(db):
        return
    who = password_needed(db)
    if who is None:
        return
    if not _interactive():
        raise CredentialsMissingError(
            f"The server asks for the password of {who}: add it to your pgpass file (PGPASSFILE) or "
            "service file (PGSERVICEFILE), or run in a terminal to type it."
        )
    use_password(db, getpass.getpass(f"Database password for {who}: "))


def _init(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.services.backend import Backend

    password = os.environ.get(PASSWORD_ENV, "") or _new_password(ns.admin_user)
    backend = Backend.create(ns.db, ns.admin_user, password, display_name=ns.display_name, profile=ns.profile)
    print(f"Encrypted database ready: {backend.describe()}; administrator {ns.admin_user}.", file=out)
    backend.close()
    return EXIT_OK


def _server(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pathlib import Path

    from mshtdesk.services import team

    if ns.what == "setup":
        password = os.environ.get(PASSWORD_ENV, "") or _new_password(ns.admin_user)
        done = team.setup_server(
            ns.url,
            ns.admin_user,
            password,
            display_name=ns.display_name,
            profile=ns.profile,
            role_prefix=ns.role_prefix,
        )
        r = done.roles
        print(f"Team database ready: {done.location}; administrator {ns.admin_user}.", file=out)
        print(f"Roles: {r.owner} (owns the schema), {r.app} (the app), {r.auditor} (read-only).", file=out)
        print(
            f'Next: give each person a login in {r.app}, e.g. CREATE ROLE "j.smith" LOGIN IN ROLE {r.app};',
            file=out,
        )
        return EXIT_OK
    if ns.what == "import-from":
        user, password = _credentials()
        moved = team.import_from(ns.laptop, user, password, ns.url, role_prefix=ns.role_prefix)
        r = moved.roles
        total = sum(moved.copied.values())
        print(f"Copied {total:,} rows in {len(moved.copied)} tables into {moved.location}.", file=out)
        print(f"Roles: {r.owner} (owns the schema), {r.app} (the app), {r.auditor} (read-only).", file=out)
        print(
            "The laptop's file records the move; keep it as a backup and work on the server from now on.",
            file=out,
        )
        return EXIT_OK
    dump = Path(ns.dump) if ns.dump else None
    upgrade = team.upgrade_server(ns.url, dump)
    if upgrade.changed:
        print(f"Team database upgraded from schema {upgrade.before} to {upgrade.after}.", file=out)
    else:
        print(f"The team database is up to date (schema {upgrade.after}); nothing was changed.", file=out)
    return EXIT_OK


class _Progress:
    """Progress on stderr, only once a job has taken more than a second."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.start = time.monotonic()
        self.shown = False
        self.last = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if time.monotonic() - self.start < 1.0:
            return
        pct = 100 * done // max(total, 1)
        text = f"{phase}: {pct}%"
        if text == self.last:
            return
        self.last = text
        self.shown = True
        if self.err.isatty():
            print(f"\r{text:<40}", end="", file=self.err, flush=True)
        elif pct % 25 == 0:
            print(text, file=self.err, flush=True)

    def finish(self) -> None:
        if self.shown and self.err.isatty():
            print(file=self.err)


def _import(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    progress = _Progress(err)
    try:
        if ns.what == "nrm":
            summary: Any = backend.import_nrm_file(ns.file, dry_run=ns.dry_run, progress=progress)
        else:
            summary = backend.import_file(ns.file, dry_run=ns.dry_run, progress=progress)
    finally:
        progress.finish()
        backend.close()
    print(printable(summary.describe()), file=out)
    return EXIT_OK


def _report(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.reports.tables import to_csv, to_text

    if ns.what == "revisions":
        return _revisions(ns, out)
    if ns.what == "com" or ns.format == "pdf":
        return _printed_report(ns, out, err)
    _check_output(ns)
    reason = _reason(ns)
    backend = _login(ns)
    try:
        _check_output(ns, backend)
        table = backend.export_disposal_table(
            ns.date_from, ns.date_to, ns.as_at, reason, getattr(ns, "recorded_at", None)
        )
    finally:
        backend.close()
    _write(ns, to_csv(table) if ns.format == "csv" else to_text(table), out, f"{table.total_arrests} arrests")
    return EXIT_OK


def _printed_report(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The COM summary (PDF or JSON) or the disposal table as a PDF: written to a file, recorded as a run."""
    from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest

    if not ns.output:
        raise UsageError("A PDF needs a file: give -o FILE.")
    kind = ReportKind.COM if ns.what == "com" else ReportKind.DISPOSALS
    fmt = OutputFormat(ns.format if ns.what == "com" else "pdf")
    req = ReportRequest(kind, ns.date_from, ns.date_to, ns.as_at, ns.public)
    _check_output(ns)
    reason = _reason(ns)
    backend = _login(ns)
    try:
        _check_output(ns, backend)
        run, data = backend.reports.produce(
            req, fmt, os.path.basename(ns.output), reason, recorded_at=ns.recorded_at
        )
    finally:
        backend.close()
    written = _write_file(ns, data)
    print(
        f"Wrote {written}: {req.describe()}; run {run.id}, SHA-256 {run.sha256}. "
        "The file is not encrypted: keep it on an encrypted drive.",
        file=err,
    )
    return EXIT_OK


def _revisions(ns: argparse.Namespace, out: TextIO) -> int:
    """The revisions note of a run: one line per changed cell (aggregate figures only)."""
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        revisions = backend.reports.revisions(ns.run_id)
    finally:
        backend.close()
    run = revisions.run
    print(
        printable(
            f"Run {run.id}: {run.request.describe()}, published {run.created_at:%d/%m/%Y %H:%M} UTC by "
            f"{run.username}."
        ),
        file=out,
    )
    if not revisions.cells:
        print("No figures have changed since publication.", file=out)
        return EXIT_OK
    print(f"{len(revisions.cells)} figures have changed since publication:", file=out)
    for c in revisions.cells:
        print(
            printable(f"{c.table} | {c.row} | {c.column}: {_shown(c.published)} -> {_shown(c.current)}"),
            file=out,
        )
    return EXIT_OK


def _shown(value: object) -> str:
    return "(none)" if value is None else str(value)


def _demo(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A new demo database at a path that holds nothing yet: never synthetic data in a real one."""
    from mshtdesk.demo.database import create_demo_database
    from mshtdesk.demo.guard import check_demo_location

    path = check_demo_location(ns.db)
    database, users = create_demo_database(str(path), seed=ns.seed, arrests=ns.arrests)
    database.close()
    print(
        f"Demo database created at {path} with synthetic arrests and victims. Its users (demo only):",
        file=out,
    )
    for user in users:
        print(f"  {user.username:<10} {user.password:<24} {user.role.label}", file=out)
    return EXIT_OK


def _ranking(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        if ns.set:
            backend.reference.set_ranking([c.strip().upper() for c in ns.set.split(",") if c.strip()])
        for t in backend.reference.disposal_types():
            print(printable(f"{t.rank}. {t.label} ({t.code})"), file=out)
    finally:
        backend.close()
    return EXIT_OK


def _users(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.roles import Role
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        if ns.what == "list":
            for u in backend.users.list_users():
                state = "active" if u.active else "deactivated"
                flag = ", must change password" if u.must_change_password else ""
                print(f"{printable(u.username):<16} {u.role.label:<24} {state}{flag}", file=out)
        elif ns.what == "add":
            from mshtdesk.domain.roles import Action, Entity

            backend.actor.require(Action.ADMINISTER, Entity.USER)  # before asking for a password
            password = _new_password(ns.username)
            backend.users.add_user(ns.username, ns.display_name, Role(ns.role), password)
            print(f"Added {ns.username} ({Role(ns.role).label}).", file=out)
        elif ns.what == "reset-password":
            backend.users.reset_password(ns.username, _new_password(ns.username))
            print(f"New password set for {ns.username}; they must change it when they next log in.", file=out)
        elif ns.what == "deactivate":
            rekeyed = backend.users.deactivate(ns.username)
            print(f"{ns.username} can no longer log in; their record stays for the audit log.", file=out)
            if rekeyed is not None:
                print(rekeyed.describe(), file=out)
        elif ns.what == "rekey":
            print(backend.users.rekey().describe(), file=out)
    finally:
        backend.close()
    return EXIT_OK


def _passwd(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    user, password = _credentials()
    from mshtdesk.services.backend import Backend

    backend = Backend.login(ns.db, user, password)
    try:
        backend.users.change_own_password(password, _new_password(user))
        print("Your password has been changed.", file=out)
    finally:
        backend.close()
    return EXIT_OK


def _audit(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.services.audit import AuditQuery

    if ns.what == "verify":
        backend = _login(ns)
        try:
            result = backend.audit.verify()
        finally:
            backend.close()
        print(result.describe(), file=out if result.ok else err)
        return EXIT_OK if result.ok else EXIT_DATA
    entity = record_id = None
    if ns.record:
        entity, _, record_id = ns.record.partition(":")
        if not record_id:
            raise UsageError("Give --record as ENTITY:ID, for example arrest:42.")
    _check_output(ns)
    reason = _reason(ns) if (ns.format == "csv" or ns.output) else ""
    backend = _login(ns)
    try:
        _check_output(ns, backend)
        q = AuditQuery(
            username=ns.user,
            entity=entity,
            record_id=record_id,
            action=ns.action,
            date_from=ns.date_from,
            date_to=ns.date_to,
        )
        rows = backend.audit.list(q, reason=reason)
    finally:
        backend.close()
    if ns.format == "csv":
        import io

        from mshtdesk.reports.audit_csv import write_audit_csv

        buf = io.StringIO()
        write_audit_csv(buf, rows)
        _write(ns, buf.getvalue(), out, f"{len(rows)} events")
    else:
        from mshtdesk.domain.text import printable

        lines = [  # user names, records and reasons are text people typed: shown with controls escaped
            printable(
                f"{r.id:>6}  {r.at:%Y-%m-%d %H:%M:%S}  {r.username:<12} {r.action:<12} "
                f"{r.entity}:{r.record_id}  {r.fields}  {r.reason}"
            )
            for r in rows
        ]
        _write(ns, "\n".join(lines) + ("\n" if lines else "No events match.\n"), out, f"{len(rows)} events")
    return EXIT_OK


def _people_duplicates(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        pairs = backend.people.duplicates()
    finally:
        backend.close()
    if not pairs:
        print("No likely duplicates among the people you may see.", file=out)
        return EXIT_OK

    def who(p: Any) -> str:  # as the People page shows them: reference and names, nothing more
        return printable(f"{p.person_ref} {', '.join(n for n in (p.surname, p.forenames) if n)}")

    for pair in pairs:
        print(
            f"{who(pair.first)}  ~  {who(pair.second)}  ({pair.basis}; names {pair.similarity:.0%} alike)",
            file=out,
        )
    n = len(pairs)
    print(
        f"{n} likely duplicate pair{'s' if n != 1 else ''}: open both records to check before merging.",
        file=err,
    )
    return EXIT_OK


def _people_end_referral(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    ref = ns.ref.strip().upper()
    backend = _login(ns)
    try:
        found = [r for r in backend.people.listing(ref) if r.person_ref == ref]
        if not found:
            print(f"No person {printable(ref)} in your scope.", file=err)
            return EXIT_DATA
        backend.people.end_support(found[0].id, ns.navigator, ns.reason)
    finally:
        backend.close()
    print(
        f"The referral of {printable(ref)} to {printable(ns.navigator)} has ended: the person has left "
        "their scope. Recorded in the audit log.",
        file=err,
    )
    return EXIT_OK


def _people_merge(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Merge OTHER_REF into KEEP_REF, or undo a merge by its audit event."""
    from mshtdesk.domain.text import printable
    from mshtdesk.errors import NotFoundError

    backend = _login(ns)
    try:
        if ns.what == "unmerge":
            done = backend.people.unmerge(ns.event, ns.reason)
            text = (
                f"Merge {ns.event} undone: {done.other_ref} is listed again, with {done.summary()} moved "
                f"back from {done.keep_ref}. Recorded in the audit log (event {done.event_id})."
            )
        else:
            from mshtdesk.domain.roles import Action, Entity

            # the role's refusal first: looking the people up would otherwise answer "not in your scope"
            backend.actor.require_everywhere(Action.MERGE, Entity.PERSON, backend.people.MERGE_WHO)
            ids = []
            for ref in (ns.keep, ns.other):
                found = backend.people.find_id(ref)
                if found is None:
                    raise NotFoundError(f"No person {ref.strip().upper()} is in your scope.")
                ids.append(found)
            done = backend.people.merge(ids[0], ids[1], ns.reason)
            text = (
                f"{done.other_ref} merged into {done.keep_ref}: {done.summary()} moved. Audit event "
                f"{done.event_id} records it; 'mshtdesk people unmerge {done.event_id} --reason TEXT' "
                "undoes it."
            )
    finally:
        backend.close()
    print(printable(text), file=out)
    return EXIT_OK


def _people_erase(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    ref = ns.ref.strip().upper()
    if not ns.yes and _interactive():
        typed = input(f"Erasing {printable(ref)} cannot be undone. Type the reference to confirm: ")
        if typed.strip().upper() != ref:
            raise UsageError("The reference typed differs; nothing was erased.")
    backend = _login(ns)
    try:
        done = backend.retention.erase_ref(ref, ns.reason)
    finally:
        backend.close()
    print(printable(done.describe()), file=out)
    return EXIT_OK


def _retention(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.record_retention import DEFAULT_WORDING
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        if ns.what == "list":
            for rule in backend.retention.rules():
                when = rule.updated_at
                changed = (
                    f"  set by {rule.updated_by} on {uk(when.date())}" if rule.updated_by and when else ""
                )
                text = f"{rule.kind.value:<15} {rule.years:>3} years  {rule.label}{changed}"
                print(printable(text), file=out)
            print(DEFAULT_WORDING, file=err)
        elif ns.what == "set":
            rule = backend.retention.set_rule(ns.kind, ns.years)
            print(
                f"{rule.label}: reviewed {rule.years} years after their last activity from now on.", file=out
            )
        elif ns.what == "due":
            rows = backend.retention.due()
            for row in rows:
                last = uk(row.last_activity) if row.last_activity else "none recorded"
                since = uk(row.review_date) if row.review_date else "-"
                print(
                    f"{row.person_ref:<10} last activity {last} ({row.last_kind or '-'}); due {since}",
                    file=out,
                )
            if not rows:
                print("No records are past review.", file=out)
        elif ns.what == "keep":
            person_id = backend.retention.find(ns.ref)
            until = backend.retention.keep(person_id, ns.reason, ns.until)
            print(
                f"{printable(ns.ref.strip().upper())} kept; next review {uk(until)}. "
                "Recorded in the audit log.",
                file=out,
            )
    finally:
        backend.close()
    return EXIT_OK


def _people(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    if ns.what in ("merge", "unmerge"):
        return _people_merge(ns, out, err)
    if ns.what == "duplicates":
        return _people_duplicates(ns, out, err)
    if ns.what == "end-referral":
        return _people_end_referral(ns, out, err)
    if ns.what == "erase":
        return _people_erase(ns, out, err)
    if ns.what == "export":
        _check_output(ns)
        reason = _reason(ns)
        backend = _login(ns)
        try:
            done = backend.subject_access.export(ns.ref, ns.format, reason, ns.output, replace=ns.force)
        finally:
            backend.close()
        print(
            f"Wrote {done.path}: everything held about {done.person_ref} ({done.format.value.upper()}, "
            f"OFFICIAL-SENSITIVE), SHA-256 {done.sha256}; the disclosure is recorded in the audit log. "
            "The file is not encrypted: keep it on an encrypted drive.",
            file=err,
        )
        return EXIT_OK
    backend = _login(ns)
    try:
        rows = backend.people.listing(ns.find)
    finally:
        backend.close()
    header = ("person_ref", "surname", "forenames", "date_of_birth", "nationality", "vlo")
    records = [
        (
            r.person_ref,
            r.surname,
            r.forenames,
            r.date_of_birth.isoformat() if r.date_of_birth else "",
            r.nationality,
            r.vlo,
        )
        for r in rows
    ]
    if ns.format == "csv":
        from mshtdesk.reports.csv_safety import write_rows

        write_rows(out, header, records)
        return EXIT_OK
    if not records:
        print("No people match." if ns.find else "No people in your scope.", file=out)
        return EXIT_OK
    cells = [[printable(c) for c in header], *[[printable(c) for c in r] for r in records]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:  # names are text people typed: shown with controls escaped
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
    return EXIT_OK


def _find(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The global search (the app's Ctrl+K): every kind the user may see, each within their scope."""
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        results = backend.search.listing(ns.text, limit=ns.limit)
    finally:
        backend.close()
    header = ("kind", "record", "date", "detail")
    records = [(r.kind.label, r.title, r.day.isoformat() if r.day else "", r.detail) for r in results]
    if ns.format == "csv":
        from mshtdesk.reports.csv_safety import write_rows

        write_rows(out, header, records)
        return EXIT_OK
    if not records:
        print("Nothing you may see matches.", file=out)
        return EXIT_OK
    cells = [[printable(c) for c in r] for r in records]  # text people typed: controls escaped
    widths = [max(len(row[i]) for row in cells) for i in range(2)]
    for kind, title, _day, detail in cells:
        print(f"{kind.ljust(widths[0])}  {title.ljust(widths[1])}  {detail}".rstrip(), file=out)
    return EXIT_OK


def _backup(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A damaged file is not logged in to (that would write to it): its backups are worked from the key
    file and the user's account as the damaged file or its newest good backup knows it."""
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.backups import Backups, open_damaged

    if ns.what == "restore" and not (ns.file or ns.latest_good):
        raise UsageError("Name the backup FILE to restore, or give --latest-good.")
    user, password = _credentials()
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


def _calendar(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.text import printable

    backend = _login(ns)
    try:
        if ns.what == "list":
            days = backend.calendar.list()
            for d in days:
                kind = "working" if d.working else "non-working"
                text = f"{uk(d.day)}  {d.day.strftime('%a')}  {kind:<12} {d.label}".rstrip()
                print(printable(text), file=out)
            if not days:
                print("No changes: England & Wales bank holidays apply as published.", file=out)
        elif ns.what == "add":
            backend.calendar.add(ns.day, working=ns.working, label=ns.label)
            kind = "a working day" if ns.working else "a non-working day"
            print(f"{uk(ns.day)} is now {kind} for every clock.", file=out)
        elif ns.what == "remove":
            backend.calendar.remove(ns.day)
            print(f"{uk(ns.day)} follows the England & Wales calendar again.", file=out)
    finally:
        backend.close()
    return EXIT_OK


def _arrests(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Withdraw or correct one arrest, or one of its offences, named by custody (and offence) reference."""
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.text import printable
    from mshtdesk.errors import NotFoundError

    if ns.what == "correct" and ns.district is None and ns.arrest_date is None:
        raise UsageError("Give --district CODE or --date YYYY-MM-DD (or both); nothing was changed.")
    backend = _login(ns)
    try:
        arrest_id = backend.register.find_id(ns.ref)
        if arrest_id is None:
            raise NotFoundError(f"No arrest with custody reference {ns.ref} is in the register.")
        if ns.what in ("offence-withdraw", "offence-correct"):
            wanted = ns.offence_ref.strip().upper()
            offences = backend.register.get(arrest_id).offences
            found = [o for o in offences if o.offence_ref.strip().upper() == wanted]
            if not found:
                refs = ", ".join(o.offence_ref for o in offences)
                raise NotFoundError(
                    f"Arrest {ns.ref} has no offence {ns.offence_ref}: its offences are {refs}."
                )
            if ns.what == "offence-withdraw":
                backend.corrections.withdraw_offence(found[0].id, ns.reason)
                done = (
                    f"Offence {found[0].offence_ref} of arrest {ns.ref} withdrawn: its disposals no longer "
                    "count; it stays on record."
                )
            else:
                backend.corrections.correct_offence(found[0].id, ns.offence, ns.reason)
                done = (
                    f"Offence {found[0].offence_ref} of arrest {ns.ref} corrected; the old wording stays on "
                    "record."
                )
        elif ns.what == "withdraw":
            backend.corrections.withdraw_arrest(arrest_id, ns.reason)
            done = f"Arrest {ns.ref} withdrawn: it leaves every table from now on, and stays on record."
        else:
            backend.corrections.correct_arrest(
                arrest_id, district=ns.district, arrest_date=ns.arrest_date, reason=ns.reason
            )
            parts = [f"district {ns.district}"] if ns.district else []
            parts += [f"date {uk(ns.arrest_date)}"] if ns.arrest_date else []
            done = f"Arrest {ns.ref} corrected ({' and '.join(parts)}); the old value stays on record."
    finally:
        backend.close()
    print(printable(done), file=out)
    return EXIT_OK


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
