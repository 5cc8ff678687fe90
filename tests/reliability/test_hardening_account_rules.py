"""Issue 10, item 11 (two of its parts): user names are case-insensitive, and a new password must differ
from the current one. Real databases on both engines (the encrypted file and a team server:
tests/both_engines.py) and the real command line; nothing is written when refused, and on the server the
lockout is counted in its own table, whatever capitals the name is typed in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from mshtdesk.cli import main
from mshtdesk.domain.roles import Role
from mshtdesk.errors import AccountLockedError, AuthenticationError, ValidationError
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from mshtdesk.store.tables import AUDIT, LOGIN_FAILURE, USER
from tests import both_engines
from tests.conftest import USERS
from tests.ui.helpers import Track
from ui.context import AppContext
from ui.dialogs.password_dialog import ChangePasswordDialog

NEW = "a-brand-new-passphrase-9"
SAME = "The new password is the same as the current one; choose a different password."

database, db_address = both_engines.database, both_engines.db_address  # every test on both engines


def _keys(db: Database) -> bytes:
    """The laptop's key file (what a refusal must leave alone); a team server has none."""
    return keyring_path(db.path).read_bytes() if db.path is not None else b""


def _state(db: Database) -> tuple[int, int, bytes, list[tuple[str, str]]]:
    """Users, audit events (but the command line's own login and logout), the key file and every password
    hash: what a refusal must leave alone."""
    with db.engine.connect() as conn:
        users = int(conn.execute(select(func.count()).select_from(USER)).scalar_one())
        sessions = AUDIT.c.action.in_(("login", "logout"))
        events = int(conn.execute(select(func.count()).select_from(AUDIT).where(~sessions)).scalar_one())
        hashes = [(str(u), str(h)) for u, h in conn.execute(select(USER.c.username, USER.c.password_hash))]
    return users, events, _keys(db), sorted(hashes)


@pytest.mark.parametrize("name", ["ADMIN", "Officer", "vLo"])
def test_a_user_name_differing_only_in_capitals_is_refused(
    name: str, backend_for: Callable[[Role], Backend], database: Database
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    before = _state(database)
    with pytest.raises(ValidationError) as refused:
        admin.users.add_user(name, "Twin", Role.ADMINISTRATOR, "a long enough passphrase")
    existing = name.lower()
    assert refused.value.fields == {
        "username": f"There is already a user {existing}; user names ignore capitals, so choose another."
    }
    assert _state(database) == before
    with pytest.raises(ValidationError, match="^username: There is already a user officer.$"):
        admin.users.add_user("officer", "", Role.VLO, "a long enough passphrase")  # the same spelling


def test_the_command_line_refuses_users_add_admin_beside_admin(
    database: Database, db_address: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = USERS[Role.ADMINISTRATOR]
    monkeypatch.setenv("MSHTDESK_USER", admin.username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", admin.password)
    monkeypatch.setenv("MSHTDESK_NEW_PASSWORD", "a long enough passphrase")
    before = _state(database)
    code = main(["--db", db_address, "users", "add", "ADMIN", "--role", "administrator"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err == "username: There is already a user admin; user names ignore capitals, so choose another."
    assert _state(database) == before
    with pytest.raises(AuthenticationError):
        Backend.login(db_address, "ADMIN", "a long enough passphrase")


def test_a_new_password_equal_to_the_current_one_is_refused(
    backend_for: Callable[[Role], Backend], database: Database, db_address: str
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    password = USERS[Role.HTT_OFFICER].password
    before = _state(database)
    with pytest.raises(ValidationError) as refused:
        officer.users.change_own_password(password, password)
    assert refused.value.fields == {"password": SAME}
    assert _state(database) == before
    with pytest.raises(AuthenticationError, match="current password is wrong"):  # checked first, as before
        officer.users.change_own_password("not the current one", "not the current one")
    officer.users.change_own_password(password, NEW)  # a different one is still accepted
    Backend.login(db_address, "officer", NEW).close()


def test_passwd_on_the_command_line_refuses_the_current_password(
    database: Database, db_address: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vlo = USERS[Role.VLO]
    monkeypatch.setenv("MSHTDESK_USER", vlo.username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", vlo.password)
    monkeypatch.setenv("MSHTDESK_NEW_PASSWORD", vlo.password)
    before = _state(database)
    assert main(["--db", db_address, "passwd"]) == 1
    assert capsys.readouterr().err.strip() == f"password: {SAME}"
    assert _state(database) == before


def test_the_change_password_dialog_says_so_beside_the_new_password(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None], database: Database
) -> None:
    password = USERS[ctx.backend.actor.role].password
    before = _state(database)
    dialog = ChangePasswordDialog(ctx)
    track(dialog)
    dialog.show()
    dialog.old.setText(password)
    dialog.new.setText(password)
    dialog.confirm.setText(password)
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    assert dialog.error_text("password") == SAME
    assert _state(database) == before


def test_a_user_name_typed_in_other_capitals_logs_in_as_that_user_and_counts_against_them(
    database: Database, db_address: str
) -> None:
    officer = USERS[Role.HTT_OFFICER]
    shouted = officer.username.upper()
    assert shouted != officer.username
    backend = Backend.login(db_address, shouted, officer.password)
    try:
        assert backend.actor.username == officer.username  # the stored spelling, in the log too
    finally:
        backend.close()
    # Five wrong passwords in assorted capitals lock the one account: capitals are no way round lockout.
    for i in range(5):
        spelling = officer.username.upper() if i % 2 else officer.username.title()
        with pytest.raises((AuthenticationError, AccountLockedError)):
            Backend.login(db_address, spelling, "not the right passphrase at all")
    with pytest.raises(AccountLockedError):
        Backend.login(db_address, officer.username, officer.password)
    if database.path is None:  # a team server counts in its own table, under the stored spelling only
        with database.engine.connect() as conn:
            runs = conn.execute(
                select(LOGIN_FAILURE.c.slot, LOGIN_FAILURE.c.failures, LOGIN_FAILURE.c.locked_until)
            )
            [(slot, failures, locked_until)] = runs.all()
        assert (slot, failures) == (officer.username, 5) and locked_until is not None
