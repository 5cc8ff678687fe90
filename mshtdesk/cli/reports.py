"""Reports: the disposal table, the COM summary, and what changed since a run was published."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, add_period, add_recorded_at, run_id_arg
from mshtdesk.cli.common import (
    EXIT_OK,
    Handler,
    UsageError,
    ask_reason,
    check_output,
    login,
    write_file,
    write_text,
)


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common, disclose = parents.common, parents.disclose
    p = sub.add_parser("report", parents=[common], help="print a report")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    d = what.add_parser(
        "disposals", parents=[common, disclose], help="arrests by highest-ranked disposal and district"
    )
    add_period(
        d,
        first="first arrest date in the period",
        last="last arrest date in the period",
        as_at="disposals as known on this date (default: today)",
    )
    d.add_argument(
        "--format", choices=["table", "csv", "pdf"], default="table", help="pdf: one A4 page (needs -o)"
    )
    d.add_argument("--public", action="store_true", help="mark the PDF OFFICIAL, not OFFICIAL-SENSITIVE")
    add_recorded_at(d)
    d.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    d.add_argument("--force", action="store_true", help="replace FILE if it exists")
    c = what.add_parser(
        "com",
        parents=[common, disclose],
        help="the COM summary (PDF, HTML, CSV or JSON): internal or public version",
    )
    add_period(
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
    add_recorded_at(c)
    c.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write")
    c.add_argument("--force", action="store_true", help="replace FILE if it exists")
    r = what.add_parser(
        "revisions",
        parents=[common],
        help="what changed since a report run was published: every cell whose figure differs today",
    )
    r.add_argument("run_id", metavar="RUN_ID", type=run_id_arg, help="the run's number (its history entry)")


def _report(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.reports.tables import to_csv, to_text

    if ns.what == "revisions":
        return _revisions(ns, out)
    if ns.what == "com" or ns.format == "pdf":
        return _printed_report(ns, out, err)
    check_output(ns)
    reason = ask_reason(ns)
    backend = login(ns)
    try:
        check_output(ns, backend)
        table = backend.export_disposal_table(
            ns.date_from, ns.date_to, ns.as_at, reason, getattr(ns, "recorded_at", None)
        )
    finally:
        backend.close()
    write_text(
        ns, to_csv(table) if ns.format == "csv" else to_text(table), out, f"{table.total_arrests} arrests"
    )
    return EXIT_OK


def _printed_report(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The COM summary (PDF or JSON) or the disposal table as a PDF: written to a file, recorded as a run."""
    from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest

    if not ns.output:
        raise UsageError("A PDF needs a file: give -o FILE.")
    kind = ReportKind.COM if ns.what == "com" else ReportKind.DISPOSALS
    fmt = OutputFormat(ns.format if ns.what == "com" else "pdf")
    req = ReportRequest(kind, ns.date_from, ns.date_to, ns.as_at, ns.public)
    check_output(ns)
    reason = ask_reason(ns)
    backend = login(ns)
    try:
        check_output(ns, backend)
        run, data = backend.reports.produce(
            req, fmt, os.path.basename(ns.output), reason, recorded_at=ns.recorded_at
        )
    finally:
        backend.close()
    written = write_file(ns, data)
    print(
        f"Wrote {written}: {req.describe()}; run {run.id}, SHA-256 {run.sha256}. "
        "The file is not encrypted: keep it on an encrypted drive.",
        file=err,
    )
    return EXIT_OK


def _revisions(ns: argparse.Namespace, out: TextIO) -> int:
    """The revisions note of a run: one line per changed cell (aggregate figures only)."""
    from mshtdesk.domain.text import printable

    backend = login(ns)
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


HANDLERS: dict[str, Handler] = {"report": _report}
