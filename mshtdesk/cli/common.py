"""What every command shares: exit codes, who is logged in, reasons asked for, and files written safely."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mshtdesk.services.backend import Backend

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_AUTH = 0, 1, 2, 3
MAX_DEMO_ARRESTS = 2_000_000
USER_ENV, PASSWORD_ENV, REASON_ENV, NEW_PASSWORD_ENV = (
    "MSHTDESK_USER",
    "MSHTDESK_PASSWORD",
    "MSHTDESK_REASON",
    "MSHTDESK_NEW_PASSWORD",
)
ROLES = ("administrator", "manager", "htt-officer", "vlo", "navigator", "haven-house", "auditor")


class UsageError(Exception):
    """Exit 2: something only the person running the command can supply is missing."""


class CredentialsMissingError(Exception):
    """Exit 3: no user or password, and no terminal to ask in."""


Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def credentials() -> tuple[str, str]:
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if user and password:
        return user, password
    if not interactive():
        raise CredentialsMissingError(
            f"Log in first: set {USER_ENV} and {PASSWORD_ENV}, or run in a terminal."
        )
    return user or input("User name: ").strip(), password or getpass.getpass("Password: ")


def new_password(prompt_for: str) -> str:
    """The new password is something only the caller can supply: missing or empty is a usage error."""
    given = os.environ.get(NEW_PASSWORD_ENV)
    if given:
        return given
    if given is not None:
        raise UsageError(f"{NEW_PASSWORD_ENV} is empty: set it to the new password; nothing was changed.")
    if not interactive():
        raise UsageError(f"Set {NEW_PASSWORD_ENV} to the new password, or run in a terminal.")
    first = getpass.getpass(f"New password for {prompt_for}: ")
    if getpass.getpass("Type it again: ") != first:
        raise UsageError("The two passwords differ; nothing was changed.")
    return first


def ask_reason(ns: argparse.Namespace) -> str:
    reason = (ns.reason or os.environ.get(REASON_ENV, "")).strip()
    if reason:
        return reason
    if not interactive():
        raise UsageError(f"A disclosure needs a reason: give --reason TEXT or set {REASON_ENV}.")
    reason = input("Reason for this disclosure (kept in the audit log): ").strip()
    if not reason:
        raise UsageError("No reason given; nothing was disclosed.")
    return reason


#: A job quicker than this says nothing of its progress.
PROGRESS_AFTER_S = 1.0


class Progress:
    """Progress on stderr, only once a job has taken more than a second: "phase: 42%", or the phase alone
    when its size is unknown. On a terminal one line is rewritten; in a log, each phase and each quarter."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.start = time.monotonic()
        self.shown = False
        self.last = ""
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if time.monotonic() - self.start < PROGRESS_AFTER_S:
            return
        pct = 100 * done // total if total > 0 else 0
        text = f"{phase}: {pct}%" if total > 0 else f"{phase}\u2026"
        if text == self.last:
            return
        new_phase, self.phase, self.last, self.shown = phase != self.phase, phase, text, True
        if self.err.isatty():
            print(f"\r{text:<50}", end="", file=self.err, flush=True)
        elif new_phase or pct % 25 == 0:
            print(text, file=self.err, flush=True)

    def finish(self) -> None:
        if self.shown and self.err.isatty():
            print(file=self.err)


def login(ns: argparse.Namespace) -> Backend:
    from mshtdesk.services.backend import Backend

    user, password = credentials()
    steps = Progress(sys.stderr)  # an upgrade the file needs: minutes on a large one
    try:
        return Backend.login(ns.db, user, password, progress=steps)
    finally:
        steps.finish()


def check_output(ns: argparse.Namespace, backend: Backend | None = None) -> None:
    """Refuse an unsafe ``-o`` (the database's own files, its backups, an existing file without
    --force, a folder): before a password is asked for, and again with the configured backup folder
    once logged in, so a refused export is never recorded as disclosed."""
    if not ns.output:
        return
    if backend is None:
        from mshtdesk.services.exports import check_before_login

        check_before_login(ns.db, ns.output, replace=ns.force)
    else:
        from mshtdesk.store.output_files import check_output_path

        ns.protected_files = backend.exports.protected()  # kept for the write, after logging out
        check_output_path(ns.output, ns.protected_files, replace=ns.force)


def write_text(ns: argparse.Namespace, text: str, out: TextIO, what: str) -> None:
    if not ns.output:
        out.write(text)
        return
    written = write_file(ns, text.encode("utf-8"))
    print(
        f"Wrote {written} ({what}). The file is not encrypted: keep it on an encrypted drive.",
        file=sys.stderr,
    )


def write_file(ns: argparse.Namespace, data: bytes) -> str:
    """Atomically, never over the database's files or backups (checked by ``check_output``)."""
    from mshtdesk.store.output_files import write_output

    return str(write_output(ns.output, data, ns.protected_files, replace=ns.force))


def server_password(db: str | None) -> None:
    """A team server that asks for a password libpq has not found (pgpass, service file): asked for here,
    in a terminal, and kept in memory only; never an argument, an environment variable we set or a file."""
    from mshtdesk.services.team import is_team_address, password_needed, use_password

    if not is_team_address(db):
        return
    who = password_needed(db)
    if who is None:
        return
    if not interactive():
        raise CredentialsMissingError(
            f"The server asks for the password of {who}: add it to your pgpass file (PGPASSFILE) or "
            "service file (PGSERVICEFILE), or run in a terminal to type it."
        )
    use_password(db, getpass.getpass(f"Database password for {who}: "))
