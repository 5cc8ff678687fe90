"""Administration: the disposal ranking, users and passwords, and the working-day calendar."""

from __future__ import annotations

import argparse
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, date_arg
from mshtdesk.cli.common import EXIT_OK, NEW_PASSWORD_ENV, ROLES, Handler, credentials, login, new_password


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
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

    p = sub.add_parser(
        "calendar", parents=[common], help="extra non-working days and worked bank holidays (administrators)"
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    what.add_parser("list", parents=[common], help="the days that differ from England & Wales bank holidays")
    c = what.add_parser(
        "add", parents=[common], help="add a non-working day (or, with --working, a worked one)"
    )
    c.add_argument("day", type=date_arg, metavar="YYYY-MM-DD")
    c.add_argument("--working", action="store_true", help="a bank holiday the force works as normal")
    c.add_argument("--label", default="", help="why, e.g. 'State Funeral'")
    c = what.add_parser("remove", parents=[common], help="take a day off the list")
    c.add_argument("day", type=date_arg, metavar="YYYY-MM-DD")


def _ranking(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.text import printable

    backend = login(ns)
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

    backend = login(ns)
    try:
        if ns.what == "list":
            for u in backend.users.list_users():
                state = "active" if u.active else "deactivated"
                flag = ", must change password" if u.must_change_password else ""
                print(f"{printable(u.username):<16} {u.role.label:<24} {state}{flag}", file=out)
        elif ns.what == "add":
            from mshtdesk.domain.roles import Action, Entity

            backend.actor.require(Action.ADMINISTER, Entity.USER)  # before asking for a password
            password = new_password(ns.username)
            backend.users.add_user(ns.username, ns.display_name, Role(ns.role), password)
            print(f"Added {ns.username} ({Role(ns.role).label}).", file=out)
        elif ns.what == "reset-password":
            backend.users.reset_password(ns.username, new_password(ns.username))
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
    user, password = credentials()
    from mshtdesk.services.backend import Backend

    backend = Backend.login(ns.db, user, password)
    try:
        backend.users.change_own_password(password, new_password(user))
        print("Your password has been changed.", file=out)
    finally:
        backend.close()
    return EXIT_OK


def _calendar(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mshtdesk.domain.dates import uk
    from mshtdesk.domain.text import printable

    backend = login(ns)
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


HANDLERS: dict[str, Handler] = {
    "ranking": _ranking,
    "users": _users,
    "passwd": _passwd,
    "calendar": _calendar,
}
