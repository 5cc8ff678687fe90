"""The global search (the app's Ctrl+K) from a terminal."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, limit_arg
from mshtdesk.cli.common import EXIT_OK, Handler, login


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
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
    p.add_argument("--limit", type=limit_arg, default=50, metavar="N", help="at most N results (default 50)")


def _find(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The global search (the app's Ctrl+K): every kind the user may see, each within their scope."""
    from mshtdesk.domain.text import printable

    backend = login(ns)
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


HANDLERS: dict[str, Handler] = {"find": _find}
