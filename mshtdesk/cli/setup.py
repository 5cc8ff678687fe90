"""Setting up a database: a new encrypted one with its first administrator, or a synthetic demo."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers, count_arg
from mshtdesk.cli.common import EXIT_OK, PASSWORD_ENV, Handler, new_password
from mshtdesk.errors import StoreError


def add_commands(sub: Subparsers, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser(
        "init", parents=[common], help="create an encrypted database file and its first administrator"
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
        "demo",
        parents=[common],
        help="create a new database of synthetic arrests and victims (never a real one)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p.add_argument("--arrests", type=count_arg, default=130, help="how many arrests (default 130)")


def _init(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A database file. A team database is ``server setup``'s: made here, its tables would belong to the
    login that ran it, with no roles recorded, and ``server upgrade`` could never bring it forward."""
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.team import is_team_address

    if is_team_address(ns.db):
        raise StoreError(
            "init makes a database file. A team database is set up by its database administrator with "
            "mshtdesk server setup, which also makes the roles the app works through; nothing was changed."
        )
    password = os.environ.get(PASSWORD_ENV, "") or new_password(ns.admin_user)
    backend = Backend.create(ns.db, ns.admin_user, password, display_name=ns.display_name, profile=ns.profile)
    print(f"Encrypted database ready: {backend.describe()}; administrator {ns.admin_user}.", file=out)
    backend.close()
    return EXIT_OK


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


HANDLERS: dict[str, Handler] = {"init": _init, "demo": _demo}
