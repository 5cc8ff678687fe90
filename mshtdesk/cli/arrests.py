"""Corrections to the register: withdrawing or correcting an arrest or one of its offences."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, date_arg
from mshtdesk.cli.common import EXIT_OK, Handler, UsageError, login


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
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
    a.add_argument("--date", dest="arrest_date", type=date_arg, default=None, metavar="YYYY-MM-DD")
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


def _arrests(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Withdraw or correct one arrest, or one of its offences, named by custody (and offence) reference."""
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.text import printable
    from mshtdesk.errors import NotFoundError

    if ns.what == "correct" and ns.district is None and ns.arrest_date is None:
        raise UsageError("Give --district CODE or --date YYYY-MM-DD (or both); nothing was changed.")
    backend = login(ns)
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


HANDLERS: dict[str, Handler] = {"arrests": _arrests}
