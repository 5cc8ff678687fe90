"""``mshtdesk server setup`` and ``server upgrade`` on a real PostgreSQL server: least-privilege roles, the
app working through its role, and history that neither the app's role nor the owner can rewrite."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from mshtdesk.domain.roles import Role
from mshtdesk.errors import (
    DatabaseUnavailableError,
    MigrationError,
    NewerDatabaseError,
    NotAnMshtDatabaseError,
    StoreError,
    ValidationError,
)
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestQuery
from mshtdesk.services.team import check_dump, setup_server, upgrade_server
from mshtdesk.store.database import open_database
from mshtdesk.store.migrate import alembic_config, head_revision
from mshtdesk.store.server_roles import ServerRoles
from tests.conftest import DATA, SEED_EXPORT, USERS
from tests.postgres import as_login, fresh_server, needs_postgres, server_tables

pytestmark = needs_postgres

ADMIN = USERS[Role.ADMINISTRATOR]
OFFICER = USERS[Role.HTT_OFFICER]
HISTORY = ("audit_event", "disposal_event", "arrest_correction", "court_outcome")


@pytest.fixture
def team() -> Iterator[tuple[str, ServerRoles]]:
    """A freshly set-up team database (as the administrator's address) and its roles."""
    url = fresh_server()
    done = setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    yield url, done.roles


def _refused(url: str, statement: str, *, role: str | None = None) -> str:
    """Run ``statement`` on ``url`` (as ``role`` if given); it must fail; the server's reason."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if role:
                conn.execute(text(f'SET ROLE "{role}"'))
            conn.execute(text(statement))
    except DBAPIError as exc:
        return str(exc.orig)
    finally:
        engine.dispose()
    raise AssertionError(f"allowed: {statement}")


def _scalar(url: str, statement: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(statement)).scalar()
    finally:
        engine.dispose()


def test_the_app_works_through_its_role_and_cannot_rewrite_history(team: tuple[str, ServerRoles]) -> None:
    url, roles = team
    clerk = as_login(url, "htt_t_clerk", roles.app)
    admin = Backend.login(clerk, ADMIN.username, ADMIN.password)
    admin.users.add_user(OFFICER.username, "Officer", Role.HTT_OFFICER, OFFICER.password)
    admin.calendar.add(date(2031, 1, 2), label="closure")
    admin.calendar.remove(date(2031, 1, 2))  # a DELETE the app needs: allowed
    admin.close()
    officer = Backend.login(clerk, OFFICER.username, OFFICER.password)
    officer.import_file(str(SEED_EXPORT))
    officer.import_outcomes_file(str(DATA / "outcomes_seed.csv"))  # court outcomes: INSERT only
    arrest_id = (
        officer.register.find_id("WY/22/000001") or officer.register.page(ArrestQuery(), limit=1)[0].id
    )
    officer.corrections.withdraw_arrest(arrest_id, "entered twice")  # an arrest correction: INSERT only
    officer.close()
    assert int(str(_scalar(url, "SELECT count(*) FROM arrest_correction"))) == 1
    assert int(str(_scalar(url, "SELECT count(*) FROM court_outcome"))) == 4

    for table in HISTORY:
        for statement in (f"DELETE FROM {table}", f"UPDATE {table} SET id = id", f"TRUNCATE {table} CASCADE"):
            assert "permission denied" in _refused(clerk, statement)
            # The owner may not either: the triggers refuse whoever asks.
            reason = _refused(url, statement, role=roles.owner)
            assert "history" in reason or "append-only" in reason, reason
    for statement in (
        "CREATE TABLE smuggled (x int)",
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_append_only ON audit_event",
        "UPDATE alembic_version SET version_num = '0001'",
    ):
        assert "permission denied" in _refused(clerk, statement) or "must be owner" in _refused(
            clerk, statement
        )

    reader = as_login(url, "htt_t_reader", roles.auditor)
    assert int(str(_scalar(reader, "SELECT count(*) FROM audit_event"))) > 0
    assert _scalar(reader, "SELECT count(username) FROM app_user") == 2
    assert "permission denied" in _refused(reader, "SELECT password_hash FROM app_user")
    assert "permission denied" in _refused(reader, "INSERT INTO setting (key, value) VALUES ('x', 'y')")

    auditor_view = Backend.login(clerk, ADMIN.username, ADMIN.password)
    try:
        assert auditor_view.audit.verify().ok  # every refused attempt left the chain as it was
    finally:
        auditor_view.close()


def test_a_login_the_server_gives_no_rights_is_refused_in_a_sentence(team: tuple[str, ServerRoles]) -> None:
    """A database login outside the application role (step 4 of the README's set-up forgotten) read
    "could not be opened: permission denied for table alembic_version"; one in the auditor's role, which
    may not read the password hashes, met an internal error."""
    url, roles = team
    for login, member_of in (("htt_t_stranger", None), ("htt_t_reader", roles.auditor)):
        if member_of is None:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
                conn.execute(text(f'CREATE ROLE "{login}" LOGIN'))
            engine.dispose()
            address = f"{url.split('://', 1)[0]}://{login}@{url.split('@', 1)[1]}"
        else:
            address = as_login(url, login, member_of)
        with pytest.raises(DatabaseUnavailableError) as refused:
            Backend.login(address, ADMIN.username, ADMIN.password)
        assert str(refused.value).startswith(f"The database login {login}@")
        assert "member of the application role" in str(refused.value)
    assert _scalar(url, "SELECT count(*) FROM login_failure") == 0  # nothing was written


def test_setup_refuses_what_is_not_an_empty_database() -> None:
    url = fresh_server()
    with pytest.raises(ValidationError):  # a weak password: refused before anything is made
        setup_server(url, ADMIN.username, "short", role_prefix="htt_t")
    assert _scalar(url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == 0
    setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    with pytest.raises(StoreError, match="already set up and has users"):
        setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    other = fresh_server()
    engine = create_engine(other)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE payroll (x int)"))
    engine.dispose()
    with pytest.raises(NotAnMshtDatabaseError):
        setup_server(other, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    with pytest.raises(StoreError, match="role prefix"):
        setup_server(other, ADMIN.username, ADMIN.password, role_prefix='x"; DROP ROLE postgres; --')
    with pytest.raises(StoreError, match="server commands take a team database address"):
        setup_server("some-file.db", ADMIN.username, ADMIN.password)


def test_a_login_before_setup_leaves_the_database_for_setup() -> None:
    url = fresh_server()
    with pytest.raises(NotAnMshtDatabaseError, match="has not been set up"):
        Backend.login(url, ADMIN.username, ADMIN.password)
    assert server_tables(url) == 0
    done = setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    clerk = as_login(url, "htt_t_clerk", done.roles.app)
    Backend.login(clerk, ADMIN.username, ADMIN.password).close()


def test_setup_and_upgrade_of_a_database_the_server_does_not_have_say_so() -> None:
    """Not "the connection to the team server was lost", which a failure to connect used to read as."""
    url = fresh_server().rsplit("/", 1)[0] + "/no_such_htt_database"
    with pytest.raises(DatabaseUnavailableError, match="There is no database .*no_such_htt_database"):
        setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    with pytest.raises(DatabaseUnavailableError, match="There is no database .*no_such_htt_database"):
        upgrade_server(url, None)


def test_setup_refuses_a_schema_its_owner_role_did_not_make() -> None:
    """MSHT Desk's tables at head with no users pass for a set-up whose first administrator was not made,
    but only when the owner role owns them: made by another role (by hand, or by an older app's login on
    the empty database), granting the app's role its rights failed half-way, and the reset of the role
    after it hid that failure behind an internal error."""
    url = fresh_server()
    open_database(url).close()  # the schema, made by the administrator's own login role
    who = str(_scalar(url, "SELECT current_user"))
    with pytest.raises(NotAnMshtDatabaseError) as refused:
        setup_server(url, ADMIN.username, ADMIN.password, role_prefix="htt_t")
    assert str(refused.value) == (
        f"That database holds MSHT Desk's tables, but they belong to {who}, not to htt_t_owner: server "
        "setup did not make them. Set up an empty database; nothing was changed."
    )
    assert _scalar(url, "SELECT count(*) FROM app_user") == 0


def _dump(url: str, path: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    plain = "postgresql://" + url.split("://", 1)[1]
    subprocess.run([pg_dump, "-Fc", "-f", str(path), plain], check=True, capture_output=True, timeout=120)
    return path


def test_upgrade_needs_a_recent_dump_refuses_newer_and_grants_new_tables(
    team: tuple[str, ServerRoles], tmp_path: Path
) -> None:
    url, roles = team
    assert not upgrade_server(url, None).changed  # at head: nothing to do, no backup asked for
    head = head_revision()
    engine = create_engine(url)
    with engine.begin() as conn:  # the schema of the previous release, made by its owner
        conn.execute(text(f'SET ROLE "{roles.owner}"'))
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    engine.dispose()
    clerk = as_login(url, "htt_t_clerk", roles.app)
    with pytest.raises(MigrationError, match="server upgrade"):
        Backend.login(clerk, ADMIN.username, ADMIN.password)

    with pytest.raises(StoreError, match="pg_dump -Fc"):
        upgrade_server(url, None)
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="is not a pg_dump backup"):
        upgrade_server(url, not_a_dump)
    with pytest.raises(StoreError, match="There is no backup"):
        upgrade_server(url, tmp_path / "missing.dump")
    dump = _dump(url, tmp_path / "before.dump")
    os.utime(dump, (dump.stat().st_atime, dump.stat().st_mtime - 3 * 86400))
    with pytest.raises(StoreError, match="72 hours old"):
        upgrade_server(url, dump)
    assert _scalar(url, "SELECT version_num FROM alembic_version") != head  # every refusal changed nothing

    fresh = _dump(url, tmp_path / "today.dump")
    check_dump(fresh)
    done = upgrade_server(url, fresh)
    assert done.changed and done.after == head
    backend = Backend.login(clerk, ADMIN.username, ADMIN.password)  # the app's role reaches new tables
    backend.close()
    assert _scalar(url, "SELECT tableowner FROM pg_tables WHERE tablename = 'login_failure'") == roles.owner

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(NewerDatabaseError):
        upgrade_server(url, fresh)
    assert _scalar(url, "SELECT version_num FROM alembic_version") == "9999"
