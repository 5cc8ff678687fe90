"""The lockout from the command line, on both engines: five wrong passwords in a row lock the name, the
right password is then refused too (in a sentence saying so and who can help), an administrator ends it
by resetting the password, and every failure and the lockout are in the audit log."""

from __future__ import annotations

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import USERS

OFFICER = USERS[Role.HTT_OFFICER]
NEW = "a fresh passphrase for a constable"
WRONG = "Wrong user name or password."
LOCKED = "This account is locked after 5 failed logins; try again after "


def as_officer(password: str) -> dict[str, str]:
    return {"MSHTDESK_USER": OFFICER.username, "MSHTDESK_PASSWORD": password}


def test_five_wrong_passwords_lock_the_account_until_an_administrator_resets_it(
    db_address: str, database: Database
) -> None:
    db = ("--db", db_address)
    for attempt in range(1, 6):
        r = mshtdesk(*db, "ranking", env=as_officer(f"not the password, try {attempt}"))
        assert r.returncode == 3 and r.stdout == "" and "Traceback" not in r.stderr, r.stderr
        if attempt < 5:
            assert r.stderr == WRONG + "\n", (attempt, r.stderr)
        else:
            assert r.stderr.startswith(LOCKED) and r.stderr.count("\n") == 1, r.stderr
    r = mshtdesk(*db, "ranking", env=as_officer(OFFICER.password))  # the right one, while locked
    assert r.returncode == 3 and r.stdout == "", r.stderr
    assert r.stderr.startswith(LOCKED) and r.stderr.endswith(", or ask an administrator.\n"), r.stderr
    # Another user is not locked out, and only an administrator may reset a password.
    r = mshtdesk(*db, "users", "reset-password", OFFICER.username, env={
        **as_role(Role.MANAGER), "MSHTDESK_NEW_PASSWORD": NEW})  # fmt: skip
    assert r.returncode == 1 and "does not allow" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    r = mshtdesk(*db, "ranking", env=as_officer(OFFICER.password))
    assert r.returncode == 3 and r.stderr.startswith(LOCKED), r.stderr

    r = mshtdesk(*db, "users", "reset-password", OFFICER.username, env={
        **as_role(Role.ADMINISTRATOR), "MSHTDESK_NEW_PASSWORD": NEW})  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = mshtdesk(*db, "ranking", env=as_officer(OFFICER.password))  # the old one no longer opens it
    assert (r.returncode, r.stderr) == (3, WRONG + "\n")
    r = mshtdesk(*db, "ranking", env=as_officer(NEW))
    assert r.returncode == 0 and r.stdout.startswith("1. Charge (CHARGE)"), r.stderr
    r = mshtdesk(*db, "users", "list", env=as_role(Role.ADMINISTRATOR))
    assert "must change password" in next(x for x in r.stdout.splitlines() if x.startswith("officer "))

    auditor = Backend.as_user(database, USERS[Role.AUDITOR].username)
    failed = auditor.audit.list(AuditQuery(username=OFFICER.username, action="failed_login"))
    locked = auditor.audit.list(AuditQuery(username=OFFICER.username, action="lockout"))
    assert (len(failed), len(locked)) == (6, 1)  # five, then the old password after the reset


def test_a_user_name_in_other_capitals_counts_towards_the_same_lockout(db_address: str) -> None:
    db = ("--db", db_address)
    for attempt in range(5):
        name = OFFICER.username.upper() if attempt % 2 else OFFICER.username.capitalize()
        r = mshtdesk(*db, "ranking", env={"MSHTDESK_USER": name, "MSHTDESK_PASSWORD": "not it at all"})
        assert r.returncode == 3
    r = mshtdesk(*db, "ranking", env=as_officer(OFFICER.password))
    assert r.returncode == 3 and r.stderr.startswith(LOCKED), r.stderr
