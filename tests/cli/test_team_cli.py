"""Team mode from the command line: a plain ``postgresql://`` address in ``--db`` or ``MSHTDESK_DB``
works for the commands, as separate processes against a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from mshtdesk.domain.roles import Role
from tests.cli.test_cli import SEED_PERIOD, as_role, mshtdesk
from tests.conftest import SEED_EXPORT, USERS
from tests.postgres import fresh_server, needs_postgres
from tests.services.test_custody_import import SEED_CSV

pytestmark = needs_postgres


def _plain(url: str) -> str:
    """The address as an administrator writes it: postgresql://, no driver name."""
    return "postgresql://" + url.split("://", 1)[1]


def test_every_command_reaches_the_server_by_a_plain_address() -> None:
    url = _plain(fresh_server())
    admin = USERS[Role.ADMINISTRATOR]
    officer = USERS[Role.HTT_OFFICER]
    r = mshtdesk(
        "server", "setup", url, "--admin-user", admin.username, "--role-prefix", "htt_plain",
        env={"MSHTDESK_PASSWORD": admin.password}, login=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = mshtdesk(
        "users",
        "add",
        officer.username,
        "--role",
        "htt-officer",
        env={"MSHTDESK_DB": url, **as_role(Role.ADMINISTRATOR), "MSHTDESK_NEW_PASSWORD": officer.password},
    )
    assert r.returncode == 0, r.stderr
    r = mshtdesk("import", "arrests", str(SEED_EXPORT), env={"MSHTDESK_DB": url})
    assert r.returncode == 0 and "141 new arrests" in r.stdout, r.stderr
    r = mshtdesk("--db", url, "report", "disposals", *SEED_PERIOD, "--format", "csv")
    assert r.returncode == 0 and r.stdout == SEED_CSV, r.stderr
    r = mshtdesk("--db", url, "audit", "verify", env=as_role(Role.ADMINISTRATOR))
    assert r.returncode == 0, r.stderr


def test_server_setup_and_upgrade_from_the_command_line() -> None:
    url = _plain(fresh_server())
    admin = USERS[Role.ADMINISTRATOR]
    r = mshtdesk(
        "server", "setup", url, "--admin-user", admin.username, "--role-prefix", "htt_cli",
        env={"MSHTDESK_PASSWORD": admin.password}, login=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "htt_cli_owner (owns the schema), htt_cli_app (the app), htt_cli_auditor (read-only)" in r.stdout
    r = mshtdesk("server", "upgrade", url, login=False)
    assert r.returncode == 0 and "up to date (schema" in r.stdout, r.stderr
    r = mshtdesk(
        "server",
        "setup",
        url,
        "--admin-user",
        "chief2",
        env={"MSHTDESK_PASSWORD": admin.password},
        login=False,
    )
    assert (
        r.returncode == 1
        and r.stderr.strip() == "That database is already set up and has users; nothing was changed."
    )
    r = mshtdesk(
        "server", "upgrade", url.replace("://", "://dba:pw-in-url@").replace("@postgres@", "@"), login=False
    )
    assert r.returncode == 1 and "holds a password" in r.stderr and "pw-in-url" not in r.stderr


def test_import_from_a_laptop_on_the_command_line(db_path: Path) -> None:
    url = _plain(fresh_server())
    r = mshtdesk(
        "server",
        "import-from",
        str(db_path),
        url,
        "--role-prefix",
        "htt_cli_m",
        env=as_role(Role.HTT_OFFICER),
    )
    assert r.returncode == 1 and "does not allow you to administer" in r.stderr, r.stderr
    r = mshtdesk(
        "server",
        "import-from",
        str(db_path),
        url,
        "--role-prefix",
        "htt_cli_m",
        env=as_role(Role.ADMINISTRATOR),
    )
    assert r.returncode == 0, r.stderr
    assert "tables into postgresql+psycopg://" in r.stdout and "keep it as a backup" in r.stdout
    r = mshtdesk("--db", url, "audit", "verify", env=as_role(Role.ADMINISTRATOR))
    assert r.returncode == 0, r.stderr
