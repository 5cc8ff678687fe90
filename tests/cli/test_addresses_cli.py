"""A ``--db`` or ``MSHTDESK_DB`` address the app will not use, refused in one sentence before anything is
opened: a password in it (it would reach the shell's history, the process list and logs), or a driver the
app does not speak (an async one imports, then fails at the first connection). Both engines: on the
server, the address is the real server's with the password or driver added, so only the refusal stops it.
"""

from __future__ import annotations

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import USERS

SECRET = "hunter2-secret"
ADMIN = as_role(Role.ADMINISTRATOR)
SUPPORTED = "give a file path, or a team database address such as postgresql://server/database."


def _server(db_address: str) -> bool:
    return db_address.startswith("postgresql")


def with_password(db_address: str) -> list[str]:
    """The test's own server with a password written into its address (both ways an address can hold
    one); on the file's half, a made-up server's."""
    if not _server(db_address):
        return [f"postgresql://u:{SECRET}@host/db", f"postgresql://u@host/db?password={SECRET}"]
    rest = db_address.split("://", 1)[1]  # user@host:port/database
    user, place = rest.split("@", 1)
    return [f"postgresql://{user}:{SECRET}@{place}", f"postgresql://{rest}?password={SECRET}"]


def logins(database: Database) -> int:
    auditor = Backend.as_user(database, USERS[Role.AUDITOR].username)
    return len(auditor.audit.list(AuditQuery(action="login")))


def test_a_password_in_the_address_is_refused_in_one_sentence(db_address: str, database: Database) -> None:
    before = logins(database)
    for url in with_password(db_address):
        for args, env in ((("--db", url), {}), ((), {"MSHTDESK_DB": url})):
            r = mshtdesk(*args, "users", "list", env={**ADMIN, **env})
            assert r.returncode == 1, (r.returncode, r.stderr)
            assert r.stderr.startswith("The database address holds a password;") and "PGPASSFILE" in r.stderr
            assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
            assert SECRET not in r.stderr + r.stdout and r.stdout == ""
    assert logins(database) == before  # refused before any login, so none recorded
    # ``--db`` is the address used: a bad MSHTDESK_DB beside it is never read.
    r = mshtdesk(
        "--db", db_address, "users", "list", env={**ADMIN, "MSHTDESK_DB": with_password(db_address)[0]}
    )
    assert r.returncode == 0 and "officer" in r.stdout, r.stderr
    assert logins(database) == before + 1


def other_drivers(db_address: str) -> list[str]:
    """The test's own database named with a driver the app does not use: async ones, and sync ones it
    was not built or tested with."""
    if _server(db_address):
        rest = db_address.split("://", 1)[1]
        return [f"postgresql+{d}://{rest}" for d in ("psycopg_async", "asyncpg", "psycopg2", "pg8000")]
    return [f"sqlite+{d}:///{db_address}" for d in ("aiosqlite", "pysqlcipher")]


@pytest.mark.parametrize("how", ["--db", "MSHTDESK_DB"])
def test_an_address_with_another_driver_names_what_is_supported(
    db_address: str, database: Database, how: str
) -> None:
    before = logins(database)
    for url in other_drivers(db_address):
        args, env = (("--db", url), {}) if how == "--db" else ((), {"MSHTDESK_DB": url})
        r = mshtdesk(*args, "ranking", env=env)
        scheme = url.split("://", 1)[0]
        assert (r.returncode, r.stdout) == (1, ""), (url, r.stderr)
        assert r.stderr == f"Database addresses starting {scheme}:// are not supported: {SUPPORTED}\n", (
            r.stderr
        )
    assert logins(database) == before
    r = mshtdesk("--db", db_address, "ranking")
    assert r.returncode == 0 and r.stdout.startswith("1. Charge (CHARGE)"), r.stderr
