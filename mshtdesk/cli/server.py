"""Team mode: setting up, upgrading and filling the team's PostgreSQL database."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from mshtdesk.cli.args import Parents, Subparsers
from mshtdesk.cli.common import (
    EXIT_OK,
    PASSWORD_ENV,
    USER_ENV,
    Handler,
    Progress,
    credentials,
    new_password,
)


def add_commands(sub: Subparsers, parents: Parents) -> None:
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


def _server(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pathlib import Path

    from mshtdesk.services import team

    if ns.what == "setup":
        password = os.environ.get(PASSWORD_ENV, "") or new_password(ns.admin_user)
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
        user, password = credentials()
        progress = Progress(err)  # a laptop of 100,000 arrests takes a minute
        try:
            moved = team.import_from(
                ns.laptop, user, password, ns.url, role_prefix=ns.role_prefix, progress=progress
            )
        finally:
            progress.finish()
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


HANDLERS: dict[str, Handler] = {"server": _server}
