"""Security: the role matrix through the services, encryption at rest, logins, lockout, the audit chain.

Every rule that is not about the laptop's file runs on both engines (the ``site`` fixture): the encrypted
SQLite file and a team server on PostgreSQL (skipped, with the reason, when none is configured).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from mshtdesk.domain.roles import PERMISSIONS, Action, Entity, Role
from mshtdesk.errors import AuthenticationError, PermissionDeniedError
from mshtdesk.security.keyring import keyring_path, utcnow
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput, ArrestQuery
from mshtdesk.services.users import FirstAdministratorNeededError
from mshtdesk.store.database import open_database
from tests.both_engines import sqlite_only
from tests.conftest import SEED_EXPORT, USERS, Site, Template

HEADER = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
D = date(2022, 1, 10)


def allowed(role: Role, action: Action, entity: Entity) -> bool:
    grant = PERMISSIONS[role].get(entity)
    return grant is not None and action in grant[0]


def operations(b: Backend, setup: Backend) -> dict[tuple[Action, Entity], Callable[[], object]]:
    """One real service call per (action, entity) the app has today; ``setup`` made the records."""
    aid = setup.register.create_arrest(ArrestInput(f"S{b.actor.username}", D, "BD"), [("O1", "MSA s.2")])
    offence = setup.register.get(aid).offences[0].id
    codes = (
        [t.code for t in setup.reference.disposal_types()] if setup.actor.role != Role.ADMINISTRATOR else []
    )
    csv = (HEADER + f"I{b.actor.username},2022-01-10,BD,,O1,MSA s.2,RUI,2022-01-10\n").encode()
    return {
        (Action.READ, Entity.ARREST): lambda: b.register.page(ArrestQuery()),
        (Action.CREATE, Entity.ARREST): lambda: b.import_custody(csv, "x.csv"),
        (Action.UPDATE, Entity.ARREST): lambda: b.register.update_arrest(
            aid, 1, ArrestInput(f"S{b.actor.username}", D, "BD", operation="Op Wren")
        ),
        (Action.APPEND, Entity.ARREST): lambda: b.register.append_event(offence, "NFA", D),
        (Action.READ, Entity.DISPOSAL_REPORT): lambda: b.disposal_table(D, D, D),
        (Action.EXPORT, Entity.DISPOSAL_REPORT): lambda: b.export_disposal_table(D, D, D, "test"),
        (Action.READ, Entity.REFERENCE): lambda: b.reference.districts(),
        (Action.ADMINISTER, Entity.REFERENCE): lambda: b.reference.set_ranking(codes or ["CHARGE"]),
        (Action.READ, Entity.USER): lambda: b.users.list_users(),
        (Action.ADMINISTER, Entity.USER): lambda: b.users.add_user(
            f"new-{b.actor.username}", "", Role.VLO, "a long passphrase here"
        ),
        (Action.READ, Entity.AUDIT_LOG): lambda: b.audit.list(AuditQuery()),
    }


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_is_enforced_by_the_services(role: Role, site: Site) -> None:
    setup = site.backend_for(Role.HTT_OFFICER)
    b = site.backend_for(role)
    for (action, entity), call in operations(b, setup).items():
        if allowed(role, action, entity):
            try:
                call()
            except PermissionDeniedError as exc:  # pragma: no cover - the assertion message says it all
                pytest.fail(f"{role} was refused {action} on {entity}: {exc}")
            except Exception:
                pass  # allowed; a validation error on made-up input is not a permission matter
        else:
            with pytest.raises(PermissionDeniedError):
                call()


@sqlite_only("reads the file raw: nothing readable without the key")
def test_nothing_readable_on_disk(db_path: Path, template: Template, backend: Backend) -> None:
    secrets = ["ZEBRAFINCH-REF-77", "Op Quokkamarsh", "Detainee GRYPHONWING", "Xylophone Nightjar notes"]
    backend.register.create_arrest(
        ArrestInput(secrets[0], D, "LD", secrets[2], secrets[1], secrets[3]), [("O1", "Kestrelhaunt offence")]
    )
    backend.import_custody(
        (HEADER + "PLAINCHECK-99,2022-01-10,BD,MARMOSET-8,O1,MSA s.2,RUI,2022-01-10\n").encode(), "x.csv"
    )
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert any(p.name.endswith("-wal") for p in files)  # the WAL is searched too, while it holds data
    raw = b"".join(p.read_bytes() for p in files)
    for s in [*secrets, "Kestrelhaunt", "PLAINCHECK-99", "MARMOSET-8"]:
        assert s.encode() not in raw and s.encode("utf-16-le") not in raw, s
    assert not db_path.read_bytes().startswith(b"SQLite format 3")


def test_a_wrong_password_opens_nothing(site: Site) -> None:
    officer = USERS[Role.HTT_OFFICER]
    with pytest.raises(AuthenticationError, match="^Wrong user name or password.$"):
        Backend.login(site.address, officer.username, "not the password at all")
    with pytest.raises(AuthenticationError, match="^Wrong user name or password.$"):
        Backend.login(site.address, "no-such-user", officer.password)
    if site.engine == "sqlite":
        import sqlite3

        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(site.address).execute("SELECT * FROM arrest").fetchall()
    b = Backend.login(site.address, officer.username, officer.password)
    assert b.actor.role is Role.HTT_OFFICER
    b.close()


def test_five_failures_lock_the_account_for_fifteen_minutes(site: Site) -> None:
    from mshtdesk.services.users import login

    vlo = USERS[Role.VLO]
    start = utcnow()
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="Wrong"):
            login(site.address, vlo.username, "guessing wrongly again", now=start)
    with pytest.raises(AuthenticationError, match="locked"):
        login(site.address, vlo.username, "guessing wrongly again", now=start)
    with pytest.raises(AuthenticationError, match="locked"):  # even the right password, while locked
        login(site.address, vlo.username, vlo.password, now=start + timedelta(minutes=14))
    with pytest.raises(AuthenticationError, match="locked"):  # in other capitals: the same account
        login(site.address, vlo.username.upper(), vlo.password, now=start + timedelta(minutes=14))
    db, actor = login(site.address, vlo.username, vlo.password, now=start + timedelta(minutes=16))
    auditor = Backend.as_user(db, USERS[Role.AUDITOR].username)
    actions = [r.action for r in auditor.audit.list(AuditQuery(username=vlo.username))]
    assert actions.count("failed_login") == 5 and actions.count("lockout") == 1 and "login" in actions
    db.close()


def test_an_administrators_password_reset_ends_a_lockout(site: Site) -> None:
    """The locked message says "or ask an administrator": on a server as on a laptop, a reset ends the
    lock at once (the server's count is in ``login_failure``, the laptop's in the key file)."""
    from mshtdesk.errors import AccountLockedError
    from mshtdesk.services.users import login

    vlo, new = USERS[Role.VLO], "a new passphrase after the lockout"
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            login(site.address, vlo.username, "guessing wrongly again")
    with pytest.raises(AccountLockedError):
        login(site.address, vlo.username, vlo.password)
    site.backend_for(Role.ADMINISTRATOR).users.reset_password(vlo.username, new)
    db, actor = login(site.address, vlo.username, new)
    assert actor.username == vlo.username and actor.must_change_password
    db.close()


def test_audit_records_each_access_once(site: Site) -> None:
    backend_for = site.backend_for
    backend = backend_for(Role.HTT_OFFICER)
    aid = backend.register.create_arrest(ArrestInput("A1", D, "BD", operation="Op X"), [("O1", "MSA s.2")])
    backend.register.get(aid)
    backend.register.get(aid, consult=False)  # the same user refreshing what they have open
    backend.register.update_arrest(aid, 1, ArrestInput("A1", D, "BD", operation="Op Y"))
    backend.export_disposal_table(D, D, D, "COM meeting")
    backend.import_file(str(SEED_EXPORT))
    rows = backend_for(Role.AUDITOR).audit.list(AuditQuery(username="officer"))
    got = [(r.action, r.entity, r.fields, r.reason) for r in reversed(rows)]
    assert ("collect", "arrest", "custody_ref,arrest_date,district,operation,offences", "") in got
    assert ("consult", "arrest", "", "") in got
    assert ("alter", "arrest", "operation", "") in got  # names, never values
    assert ("disclose", "disposal_report", "", "COM meeting") in got
    assert any(a == "combine" and "seed_000" in reason for a, _, _, reason in got)
    assert sum(1 for a, e, _, _ in got if a == "consult" and e == "arrest") == 1


def test_the_log_refuses_changes_and_detects_tampering(site: Site) -> None:
    from sqlalchemy.exc import DatabaseError

    backend = site.backend_for(Role.HTT_OFFICER)
    backend.register.create_arrest(ArrestInput("A1", D, "BD"), [("O1", "MSA s.2")])
    auditor = Backend.as_user(backend.db, USERS[Role.AUDITOR].username)
    assert auditor.audit.verify().ok
    with backend.db.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("UPDATE audit_event SET reason = 'x' WHERE id = 3"))
    with backend.db.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("DELETE FROM audit_event WHERE id = 3"))
    # Someone with the key drops the trigger and rewrites history: verify names the event.
    drop = {"sqlite": "DROP TRIGGER audit_event_no_update"}.get(
        site.engine,
        "DROP TRIGGER audit_event_append_only ON audit_event",  # a superuser, on a server
    )
    with backend.db.engine.begin() as conn:
        conn.execute(text(drop))
        conn.execute(text("UPDATE audit_event SET username = 'someone-else' WHERE id = 3"))
    result = auditor.audit.verify()
    assert not result.ok and result.first_broken_id == 3 and "event 3" in result.describe()


def test_deactivated_users_cannot_log_in(site: Site) -> None:
    admin = site.backend_for(Role.ADMINISTRATOR)
    admin.users.deactivate("navigator")
    with pytest.raises(AuthenticationError):
        Backend.login(site.address, "navigator", USERS[Role.NAVIGATOR].password)
    assert "navigator" in [u.username for u in admin.users.list_users() if not u.active]
    with pytest.raises(Exception, match="own account"):
        admin.users.deactivate("admin")


def test_a_reset_or_changed_password_rewraps_the_key(site: Site) -> None:
    admin = site.backend_for(Role.ADMINISTRATOR)
    admin.users.reset_password("manager", "temporary passphrase 1")
    b = Backend.login(site.address, "manager", "temporary passphrase 1")
    assert [u for u in admin.users.list_users() if u.username == "manager"][0].must_change_password
    b.users.change_own_password("temporary passphrase 1", "my own new passphrase")
    b.close()
    with pytest.raises(AuthenticationError):
        Backend.login(site.address, "manager", "temporary passphrase 1")
    Backend.login(site.address, "manager", "my own new passphrase").close()


def test_an_unencrypted_database_is_encrypted_on_first_login(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    plain = open_database(str(path))  # as the foundation release wrote it
    with plain.engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('marker', 'GUILLEMOT-KEEP')"))
    plain.close()
    with pytest.raises(FirstAdministratorNeededError):
        Backend.login(str(path), "chief", "whatever password")
    b = Backend.create(str(path), "chief", "a long enough passphrase")
    b.close()
    assert not path.read_bytes().startswith(b"SQLite format 3") and keyring_path(path).exists()
    backups = list((tmp_path / "backups").glob("*before-encryption.db"))
    assert backups and not backups[0].read_bytes().startswith(b"SQLite format 3")
    assert b"GUILLEMOT-KEEP" not in b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    again = Backend.login(str(path), "chief", "a long enough passphrase")
    with again.db.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT value FROM setting WHERE key = 'marker'")).scalar() == "GUILLEMOT-KEEP"
        )
    again.close()


def test_unlock_after_idle_lock(site: Site) -> None:
    b = Backend.login(site.address, "officer", USERS[Role.HTT_OFFICER].password)
    b.lock()
    with pytest.raises(AuthenticationError, match="Wrong password"):
        b.unlock("not it at all")
    b.unlock(USERS[Role.HTT_OFFICER].password)  # the run of failures ends here
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="Wrong password"):
            b.unlock("not it at all")
    with pytest.raises(AuthenticationError, match="locked after 5 failed logins"):
        b.unlock("not it at all")
    with pytest.raises(AuthenticationError, match="locked"):  # the right one, while locked
        b.unlock(USERS[Role.HTT_OFFICER].password)
    b.close()


def test_copying_arrest_rows_is_a_recorded_disclosure(site: Site) -> None:
    from mshtdesk.errors import ValidationError

    backend_for = site.backend_for
    officer = backend_for(Role.HTT_OFFICER)
    aid = officer.register.create_arrest(ArrestInput("A1", D, "BD"), [("O1", "MSA s.2")])
    with pytest.raises(ValidationError):
        officer.register.disclose([aid], "  ")
    officer.register.disclose([aid], "CPS file build")
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.VLO).register.disclose([aid], "curious")
    rows = backend_for(Role.AUDITOR).audit.list(
        AuditQuery(entity="arrest", record_id=str(aid), action="disclose")
    )
    assert [(r.username, r.reason) for r in rows] == [("officer", "CPS file build")]


def test_a_closed_session_cannot_reconnect(site: Site) -> None:
    from mshtdesk.errors import StoreError

    backend = Backend.login(site.address, "officer", USERS[Role.HTT_OFFICER].password)
    backend.close()
    with pytest.raises(StoreError, match="log in again"):
        backend.register.counts()


def test_failures_at_the_same_moment_are_all_counted_on_the_server() -> None:
    """Twenty laptops, one server: failures made at once are each counted (one atomic statement per
    failure), each recorded, and the account locks on the fifth, however the attempts interleave."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.postgres import fresh_server

    url = fresh_server()
    admin = USERS[Role.ADMINISTRATOR]
    Backend.create(url, admin.username, admin.password).close()
    start = utcnow()

    def attempt(_n: int) -> str:
        from mshtdesk.services.users import login

        try:
            login(url, admin.username, "a wrong guess, again", now=start)
        except AuthenticationError as exc:
            return "locked" if "locked" in str(exc) else "wrong"
        return "in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert "in" not in outcomes and "locked" in outcomes
    with pytest.raises(AuthenticationError, match="locked"):
        Backend.login(url, admin.username, admin.password)
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            failures = conn.execute(text("SELECT failures FROM login_failure WHERE slot = 'admin'")).scalar()
            logged = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'failed_login' AND username = 'admin'")
            ).scalar()
            lockouts = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'lockout'")
            ).scalar()
    finally:
        db.close()
    # Failures 1 to 4 say "wrong"; the fifth (and any counted beside it) locks; later ones are refused.
    assert outcomes.count("wrong") == 4
    assert failures is not None and failures >= 5 and failures == logged and lockouts == 1
