"""Command line: the same services as the app, for scripts, schedulers and managers at a terminal.

Exit codes: 0 success, 1 a problem with the data or the database (one sentence on stderr), 2 usage.
Importing this module is cheap (argparse only) so that the app can start fast through it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, TextIO

from mshtdesk import __version__
from mshtdesk.domain.dates import last_complete_financial_year, parse_date

if TYPE_CHECKING:
    from mshtdesk.services.backend import Backend

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
MAX_DEMO_ARRESTS = 2_000_000


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 < n <= MAX_DEMO_ARRESTS:
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MAX_DEMO_ARRESTS:,}")
    return n


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file or SQLAlchemy URL (default: MSHTDESK_DB, else a file in your user data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=db_help)

    parser = argparse.ArgumentParser(
        prog="mshtdesk",
        description="MSHT Desk: the Human Trafficking Team's arrests register and disposal table. "
        "With no command, the app opens.",
    )
    parser.add_argument("--version", action="version", version=f"MSHT Desk {__version__}")
    parser.add_argument("--db", metavar="PATH|URL", default=None, help=db_help)
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh temporary demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create or upgrade a database")
    p.add_argument(
        "--force-profile",
        dest="profile",
        choices=["west-yorkshire", "greater-manchester"],
        default=None,
        help="districts for a new database (default west-yorkshire)",
    )

    p = sub.add_parser("import", parents=[common], help="import a file")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    a = what.add_parser(
        "arrests", parents=[common], help="import a custody export (CSV, one row per disposal event)"
    )
    a.add_argument("file", metavar="FILE.csv")
    a.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")

    p = sub.add_parser("report", parents=[common], help="print a report")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    d = what.add_parser("disposals", parents=[common], help="arrests by highest-ranked disposal and district")
    start, end = last_complete_financial_year(date.today())
    d.add_argument(
        "--from",
        dest="date_from",
        type=_date,
        default=start,
        metavar="YYYY-MM-DD",
        help="first arrest date in the period (default: start of the last complete financial year)",
    )
    d.add_argument(
        "--to",
        dest="date_to",
        type=_date,
        default=end,
        metavar="YYYY-MM-DD",
        help="last arrest date in the period (default: its end)",
    )
    d.add_argument(
        "--as-at",
        dest="as_at",
        type=_date,
        default=date.today(),
        metavar="YYYY-MM-DD",
        help="disposals as known on this date (default: today)",
    )
    d.add_argument("--format", choices=["table", "csv"], default="table")
    d.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    p = sub.add_parser("demo", parents=[common], help="fill a database with synthetic arrests")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p.add_argument("--arrests", type=_count, default=130, help="how many arrests (default 130)")

    p = sub.add_parser("ranking", parents=[common], help="show or set the disposal ranking")
    p.add_argument(
        "--set", metavar="CODE,CODE,...", help="new order, highest first, e.g. CHARGE,OTHER_WARRANT,..."
    )
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse arguments (exits 2 on a usage error, as argparse does)."""
    return build_parser().parse_args(argv)


def run(ns: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Carry out a parsed command; every expected failure becomes a message and an exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    from mshtdesk.errors import ImportRejectedError, MshtError

    try:
        return _dispatch(ns, out, err)
    except ImportRejectedError as exc:
        print(str(exc), file=err)
        for row in exc.errors:
            print(f"  {row}", file=err)
        return EXIT_DATA
    except MshtError as exc:
        print(str(exc), file=err)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("Interrupted: nothing further was written.", file=err)
        return EXIT_DATA
    except Exception as exc:  # a bug: say so briefly, keep the details (without personal data) in the log
        from mshtdesk.logs import log_bug

        where = log_bug(f"command {ns.command}", exc)
        print(f"MSHT Desk hit an internal error ({type(exc).__name__}); details are in {where}.", file=err)
        return EXIT_DATA


def _open(ns: argparse.Namespace, profile: str | None = None) -> Backend:
    from mshtdesk.services.backend import Backend

    return Backend.open(ns.db, profile=profile)


def _dispatch(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if ns.command == "init":
        backend = _open(ns, ns.profile)
        print(f"Database ready: {backend.describe()}", file=out)
        backend.close()
        return EXIT_OK
    if ns.command == "import":
        return _import(ns, out, err)
    if ns.command == "report":
        return _report(ns, out)
    if ns.command == "demo":
        return _demo(ns, out)
    if ns.command == "ranking":
        return _ranking(ns, out)
    raise AssertionError(f"unhandled command {ns.command}")


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
    backend = _open(ns)
    progress = _Progress(err)
    try:
        summary = backend.import_file(ns.file, dry_run=ns.dry_run, progress=progress)
    finally:
        progress.finish()
        backend.close()
    print(summary.describe(), file=out)
    return EXIT_OK


def _report(ns: argparse.Namespace, out: TextIO) -> int:
    from mshtdesk.reports.tables import to_csv, to_text

    backend = _open(ns)
    try:
        table = backend.disposal_table(ns.date_from, ns.date_to, ns.as_at)
    finally:
        backend.close()
    text = to_csv(table) if ns.format == "csv" else to_text(table)
    if ns.output:
        from mshtdesk.errors import MshtError

        try:
            with open(ns.output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise MshtError(f"Could not write {ns.output}: {exc.strerror or exc}.") from None
        print(f"Wrote {ns.output} ({table.total_arrests} arrests).", file=sys.stderr)
    else:
        out.write(text)
    return EXIT_OK


def _demo(ns: argparse.Namespace, out: TextIO) -> int:
    from mshtdesk.services.demo import fill_demo

    backend = _open(ns)
    try:
        summary = fill_demo(backend.db, seed=ns.seed, arrests=ns.arrests)
        print(f"Demo data added to {backend.describe()}: {summary.describe()}", file=out)
    finally:
        backend.close()
    return EXIT_OK


def _ranking(ns: argparse.Namespace, out: TextIO) -> int:
    backend = _open(ns)
    try:
        if ns.set:
            backend.reference.set_ranking([c.strip().upper() for c in ns.set.split(",") if c.strip()])
        for t in backend.reference.disposal_types():
            print(f"{t.rank}. {t.label} ({t.code})", file=out)
    finally:
        backend.close()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mshtdesk``: the command line alone (the app opens through ``ui.launcher``)."""
    ns = parse(argv)
    if ns.command is None:
        print("Give a command (see --help); run 'mshtdesk' with no command to open the app.", file=sys.stderr)
        return EXIT_USAGE
    return run(ns)
