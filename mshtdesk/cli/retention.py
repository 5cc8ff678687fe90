"""Retention: the review rule of each kind of record, and the queue of records past review."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, date_arg, years_arg
from mshtdesk.cli.common import EXIT_OK, Handler, login


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
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
    r.add_argument("--years", type=years_arg, required=True, metavar="N", help="whole years, 1 to 100")
    what.add_parser("due", parents=[common], help="records past review, by reference (managers)")
    r = what.add_parser(
        "keep", parents=[common], help="keep a record past review until a next review date (managers)"
    )
    r.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    r.add_argument("--until", type=date_arg, required=True, metavar="YYYY-MM-DD", help="the next review date")
    r.add_argument("--reason", metavar="TEXT", required=True, help="why it is still needed (no names)")


def _retention(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.record_retention import DEFAULT_WORDING
    from mshtdesk.domain.text import printable

    backend = login(ns)
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


HANDLERS: dict[str, Handler] = {"retention": _retention}
