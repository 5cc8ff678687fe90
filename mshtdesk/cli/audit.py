"""The audit log: verifying the chain and listing who did what."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, date_arg
from mshtdesk.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    Handler,
    UsageError,
    ask_reason,
    check_output,
    login,
    write_text,
)


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common, disclose = parents.common, parents.disclose
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
    a.add_argument("--from", dest="date_from", type=date_arg, metavar="YYYY-MM-DD")
    a.add_argument("--to", dest="date_to", type=date_arg, metavar="YYYY-MM-DD")
    a.add_argument("--format", choices=["table", "csv"], default="table")
    a.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _audit(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.services.audit import AuditQuery

    if ns.what == "verify":
        backend = login(ns)
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
    check_output(ns)
    reason = ask_reason(ns) if (ns.format == "csv" or ns.output) else ""
    backend = login(ns)
    try:
        check_output(ns, backend)
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
        write_text(ns, buf.getvalue(), out, f"{len(rows)} events")
    else:
        from mshtdesk.domain.text import printable

        lines = [  # user names, records and reasons are text people typed: shown with controls escaped
            printable(
                f"{r.id:>6}  {r.at:%Y-%m-%d %H:%M:%S}  {r.username:<12} {r.action:<12} "
                f"{r.entity}:{r.record_id}  {r.fields}  {r.reason}"
            )
            for r in rows
        ]
        write_text(
            ns, "\n".join(lines) + ("\n" if lines else "No events match.\n"), out, f"{len(rows)} events"
        )
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"audit": _audit}
