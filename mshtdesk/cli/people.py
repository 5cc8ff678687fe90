"""People in the victim pathway: listing, duplicates, merges, erasure, subject access and printing a
pathway."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from mshtdesk.cli.args import Parents, Subparsers, date_arg, event_id_arg
from mshtdesk.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    Handler,
    UsageError,
    ask_reason,
    check_output,
    interactive,
    login,
)


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common, disclose = parents.common, parents.disclose
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
    a.add_argument("event", metavar="EVENT_ID", type=event_id_arg, help="the merge's audit event number")
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
    a = what.add_parser(
        "pathway",
        parents=[common, disclose],
        help="print one person's pathway as a PDF: details, NRM, Navigator, stays, contacts, arrests "
        "(managers, HTT officers)",
    )
    a.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    a.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF file to write")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")
    a = what.add_parser(
        "engagement",
        parents=[common],
        help="record a dated engagement milestone of a victim with an investigation",
    )
    a.add_argument("ref", metavar="REF", help="the person reference, e.g. P-000123")
    a.add_argument(
        "--milestone",
        metavar="CODE",
        required=True,
        help="engaged_first_account, engaged_at_charge, engaged_at_court or disengaged",
    )
    a.add_argument(
        "--date", metavar="DATE", type=date_arg, required=True, help="when (YYYY-MM-DD or DD/MM/YYYY)"
    )
    a.add_argument(
        "--arrest",
        metavar="CUSTODY_REF",
        default=None,
        help="the arrest the milestone is about (needed when the person has more than one link)",
    )
    a.add_argument("--reason", metavar="TEXT", default="", help="why (required for disengaged)")


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
    if ns.what == "engagement":
        return _people_engagement(ns, out, err)
    if ns.what == "export":
        check_output(ns)
        reason = ask_reason(ns)
        backend = login(ns)
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
    if ns.what == "pathway":
        return _people_pathway(ns, out, err)
    backend = login(ns)
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


def _people_pathway(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the pathway to ``-o``: the same service method as the pathway view's Print pathway."""
    from mshtdesk.domain.text import printable

    check_output(ns)  # before the password is asked for
    reason = ask_reason(ns)
    backend = login(ns)
    try:
        done = backend.pathway_print.print_pathway(ns.ref, reason, ns.output, replace=ns.force)
    finally:
        backend.close()
    pages = f"{done.pages} page{'s' if done.pages != 1 else ''}"
    print(
        f"Wrote {printable(done.path)}: the pathway of {done.person_ref} ({pages}, OFFICIAL-SENSITIVE), "
        f"SHA-256 {done.sha256}; the disclosure is recorded in the audit log. The file is not encrypted: "
        "keep it on an encrypted drive.",
        file=err,
    )
    return EXIT_OK


def _people_duplicates(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    backend = login(ns)
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
    backend = login(ns)
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

    backend = login(ns)
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
    if not ns.yes and interactive():
        typed = input(f"Erasing {printable(ref)} cannot be undone. Type the reference to confirm: ")
        if typed.strip().upper() != ref:
            raise UsageError("The reference typed differs; nothing was erased.")
    backend = login(ns)
    try:
        done = backend.retention.erase_ref(ref, ns.reason)
    finally:
        backend.close()
    print(printable(done.describe()), file=out)
    return EXIT_OK


def _people_engagement(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.text import printable

    ref = ns.ref.strip().upper()
    backend = login(ns)
    try:
        saved = backend.engagement.record_by_refs(
            ref, ns.milestone, ns.date, custody_ref=ns.arrest, reason=ns.reason
        )
    finally:
        backend.close()
    print(
        f"Recorded for {printable(ref)}: {saved.milestone.label.lower()} on {uk(saved.milestone_date)} "
        f"(milestone {saved.id}).",
        file=err,
    )
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"people": _people}
