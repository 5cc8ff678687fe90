"""Logging in, creating a database and its first administrator, and administering users.

On SQLite the database is encrypted with a random data key; each user's copy of that key is wrapped
under their password in the key file beside the database (``mshtdesk.security.keyring``). A server
database (team mode) has no data key: the password hash in ``app_user`` is the only check there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, true, update

from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.errors import (
    AccountLockedError,
    AuthenticationError,
    MshtError,
    NotFoundError,
    StoreError,
    ValidationError,
)
from mshtdesk.security.keyring import Keyring, keyring_path, new_data_key, utcnow
from mshtdesk.security.passwords import hash_password, policy_problem, verify_password
from mshtdesk.services.actor import Actor, workstation
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.store.backup import encrypt_in_place
from mshtdesk.store.database import Database, open_database
from mshtdesk.store.database_file import check_new_database_file
from mshtdesk.store.engine import is_plain_sqlite, resolve_url, sqlite_path
from mshtdesk.store.tables import USER
from mshtdesk.store.tables import utcnow as db_now

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
WRONG = "Wrong user name or password."


class FirstAdministratorNeededError(MshtError):
    """The database has no users yet: the first administrator must be created (which encrypts it)."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    must_change_password: bool


_USER_INFO = (
    USER.c.id,
    USER.c.username,
    USER.c.display_name,
    USER.c.role,
    USER.c.active,
    USER.c.must_change_password,
)


def _info(row: Sequence[Any]) -> UserInfo:
    return UserInfo(row[0], row[1], row[2], Role(row[3]), bool(row[4]), bool(row[5]))


def _user_row(conn: Connection, username: str) -> UserInfo | None:
    row = conn.execute(select(*_USER_INFO).where(USER.c.username == username)).one_or_none()
    return None if row is None else _info(row)


def _same_name(conn: Connection, username: str) -> str | None:
    """The existing user name that ``username`` equals ignoring capitals (user names are
    case-insensitive, so "ADMIN" beside "admin" would be two accounts nobody can tell apart)."""
    found = conn.execute(
        select(USER.c.username).where(func.lower(USER.c.username) == username.lower()).limit(1)
    ).scalar()
    return None if found is None else str(found)


def actor_for(db: Database, username: str) -> Actor:
    """The actor for a user already authenticated (by ``login``), or in tests that hold the key."""
    with db.engine.connect() as conn:
        user = _user_row(conn, username)
    if user is None or not user.active:
        raise AuthenticationError(WRONG)
    return Actor(
        user.id, user.username, user.display_name, user.role, workstation(), user.must_change_password
    )


def _check_new_user(username: str, password: str) -> None:
    problems = {}
    if not USERNAME.match(username):
        problems["username"] = "A user name has 2 to 64 letters, digits, dots, dashes or underscores."
    problem = policy_problem(password, username)
    if problem:
        problems["password"] = problem
    if problems:
        raise ValidationError(problems)


def _insert_user(conn: Connection, username: str, display_name: str, role: Role, password: str) -> int:
    now = db_now()
    return int(
        conn.execute(
            insert(USER).returning(USER.c.id),
            {
                "username": username,
                "display_name": display_name.strip()[:120] or username,
                "role": role.value,
                "password_hash": hash_password(password),
                "active": True,
                "must_change_password": False,
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one()
    )


def _plain_has_users(path: Path) -> bool:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        found = con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'app_user'"
        ).fetchone()
        return bool(found) and con.execute("SELECT COUNT(*) FROM app_user").fetchone()[0] > 0
    finally:
        con.close()


def user_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(USER)).scalar_one())


def create_database(
    db: str | None, admin_username: str, password: str, *, display_name: str = "", profile: str | None = None
) -> tuple[Database, Actor]:
    """A new encrypted database (or an old unencrypted one, encrypted now) with its first administrator."""
    _check_new_user(admin_username, password)
    url = resolve_url(db)
    path = sqlite_path(url)
    key: bytes | None = None
    if path is not None:
        check_new_database_file(path)  # every refusal comes before a byte is written
        try:  # first run: the data folder may not exist yet, and the key file goes beside the database
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"The folder {path.parent} could not be created: {exc.strerror or exc}."
            ) from None
        keys = keyring_path(path)
        exists = path.exists() and path.stat().st_size > 0
        if exists and not is_plain_sqlite(path):
            raise StoreError(
                f"{path} is already an encrypted MSHT Desk database: ask its administrator to add you."
            )
        key = new_data_key()
        ring = Keyring.create(keys)
        ring.wrap(admin_username, password, key)  # the key is safe on disk before any data depends on it
        if exists:
            if _plain_has_users(path):
                raise StoreError("That database already has users; log in as its administrator instead.")
            # Encrypted first (after an encrypted backup), migrated after: no plain copy is left behind.
            encrypt_in_place(path, key, path.parent / "backups")
    database = open_database(url, profile=profile, key=key)
    with database.engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(USER)).scalar_one():
            raise StoreError("That database already has users; log in as its administrator instead.")
        user_id = _insert_user(conn, admin_username, display_name, Role.ADMINISTRATOR, password)
        actor = Actor(
            user_id, admin_username, display_name or admin_username, Role.ADMINISTRATOR, workstation()
        )
        record(
            conn,
            actor,
            AuditAction.ADMINISTER,
            Entity.USER,
            user_id,
            fields=("username", "role"),
            reason="first administrator of a new database",
        )
        record(conn, actor, AuditAction.LOGIN, Entity.USER, user_id)
    return database, actor


def login(
    db: str | None, username: str, password: str, *, now: datetime | None = None
) -> tuple[Database, Actor]:
    """Check the password, unlock the data key and open the database; every outcome is audited."""
    moment = now or utcnow()
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is None:
        return _login_server(url, username, password)
    if not path.exists():
        raise StoreError(f"There is no database at {path}. Create one with: mshtdesk init --admin-user NAME")
    if is_plain_sqlite(path):
        raise FirstAdministratorNeededError(
            "This database is not encrypted yet. Create its first administrator (mshtdesk init --admin-user "
            "NAME): the database is then encrypted, after a backup."
        )
    ring = Keyring.load(keyring_path(path))
    if ring is None:
        raise StoreError(
            f"The key file {keyring_path(path).name} beside the database is missing, so it cannot be opened. "
            "Restore the key file from the backup taken with the database."
        )
    here = workstation()
    locked = ring.lockout(username, moment)
    if locked.locked_until is not None:
        raise AccountLockedError(_locked_message(locked.locked_until))
    key = ring.unwrap(username, password)
    if key is None:
        state = ring.record_failure(username, here, moment)
        if state.locked_until is not None:
            raise AccountLockedError(_locked_message(state.locked_until))
        raise AuthenticationError(WRONG)
    database = open_database(url, key=key)
    with database.engine.begin() as conn:
        user = _user_row(conn, username)
        row_hash = conn.execute(select(USER.c.password_hash).where(USER.c.username == username)).scalar()
    if user is None or not user.active or not verify_password(str(row_hash), password):
        database.close()
        ring.record_failure(username, here, moment)
        raise AuthenticationError(
            WRONG if user is None or user.active else "This account has been deactivated."
        )
    ring.clear_failures(username)
    actor = Actor(user.id, user.username, user.display_name, user.role, here, user.must_change_password)
    pending = ring.take_pending()
    with database.engine.begin() as conn:
        for event in pending:  # failed logins that happened while nobody could write to the log
            record(
                conn,
                None,
                AuditAction(event["action"]),
                Entity.USER,
                "",
                username=event["username"],
                workstation=event["workstation"],
                at=datetime.fromisoformat(event["at"]),
            )
        record(conn, actor, AuditAction.LOGIN, Entity.USER, user.id)
    return database, actor


def _login_server(url: str, username: str, password: str) -> tuple[Database, Actor]:
    database = open_database(url)
    with database.engine.begin() as conn:
        user = _user_row(conn, username)
        row_hash = conn.execute(select(USER.c.password_hash).where(USER.c.username == username)).scalar()
        ok = user is not None and user.active and verify_password(str(row_hash), password)
        if not ok:
            record(
                conn,
                None,
                AuditAction.FAILED_LOGIN,
                Entity.USER,
                "",
                username=username,
                workstation=workstation(),
            )
    if not ok or user is None:
        database.close()
        raise AuthenticationError(WRONG)
    actor = Actor(user.id, user.username, user.display_name, user.role, workstation())
    with database.engine.begin() as conn:
        record(conn, actor, AuditAction.LOGIN, Entity.USER, user.id)
    return database, actor


def unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> None:
    """Unlock an idle-locked session: the same user's password, counted like a login; raises if wrong."""
    moment = now or utcnow()
    ring = Keyring.load(keyring_path(db.path)) if db.path is not None else None
    if ring is not None:
        locked = ring.lockout(actor.username, moment)
        if locked.locked_until is not None:
            raise AccountLockedError(_locked_message(locked.locked_until))
    with db.engine.connect() as conn:
        hashed = conn.execute(
            select(USER.c.password_hash).where(USER.c.id == actor.user_id, USER.c.active == true())
        ).scalar()
    if hashed is None or not verify_password(str(hashed), password):
        if ring is not None:
            state = ring.record_failure(actor.username, actor.workstation, moment)
            if state.locked_until is not None:
                raise AccountLockedError(_locked_message(state.locked_until))
        with db.engine.begin() as conn:
            record(conn, actor, AuditAction.FAILED_LOGIN, Entity.USER, actor.user_id, reason="unlock")
        raise AuthenticationError("Wrong password.")
    if ring is not None:
        ring.clear_failures(actor.username)
    with db.engine.begin() as conn:
        record(conn, actor, AuditAction.LOGIN, Entity.USER, actor.user_id, reason="unlock")


def _locked_message(until: datetime) -> str:
    local = until.astimezone().strftime("%H:%M")
    return f"This account is locked after 5 failed logins; try again after {local}, or ask an administrator."


class UserService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def _ring(self) -> Keyring | None:
        path = self._db.path
        if path is None or self._db.key is None:
            return None
        ring = Keyring.load(keyring_path(path))
        if ring is None:
            raise StoreError("The key file beside the database is missing; restore it from the backup.")
        return ring

    def list_users(self) -> list[UserInfo]:
        self._actor.require(Action.READ, Entity.USER)
        with self._db.engine.connect() as conn:
            rows = conn.execute(select(*_USER_INFO).order_by(USER.c.username)).all()
        return [_info(r) for r in rows]

    def add_user(self, username: str, display_name: str, role: Role, password: str) -> int:
        self._actor.require(Action.ADMINISTER, Entity.USER)
        username = username.strip()
        _check_new_user(username, password)
        with self._db.engine.begin() as conn:
            taken = _same_name(conn, username)
            if taken is not None:
                also = "" if taken == username else "; user names ignore capitals, so choose another"
                raise ValidationError({"username": f"There is already a user {taken}{also}."})
            user_id = _insert_user(conn, username, display_name, role, password)
            record(
                conn, self._actor, AuditAction.ADMINISTER, Entity.USER, user_id, fields=("username", "role")
            )
            ring = self._ring()
            if ring is not None and self._db.key is not None:
                ring.wrap(username, password, self._db.key)  # last: the transaction only commits after it
        return user_id

    def reset_password(self, username: str, password: str) -> None:
        """An administrator sets a new password; the user must change it at their next login."""
        self._actor.require(Action.ADMINISTER, Entity.USER)
        self._set_password(username, password, must_change=True)

    def change_own_password(self, old: str, new: str) -> None:
        with self._db.engine.connect() as conn:
            current = conn.execute(
                select(USER.c.password_hash).where(USER.c.id == self._actor.user_id)
            ).scalar()
        if current is None or not verify_password(str(current), old):
            raise AuthenticationError("The current password is wrong.")
        if new == old:
            raise ValidationError(
                {"password": "The new password is the same as the current one; choose a different password."}
            )
        self._set_password(self._actor.username, new, must_change=False)

    def _set_password(self, username: str, password: str, *, must_change: bool) -> None:
        problem = policy_problem(password, username)
        if problem:
            raise ValidationError({"password": problem})
        with self._db.engine.begin() as conn:
            user = _user_row(conn, username)
            if user is None or not user.active:
                raise NotFoundError(f"There is no active user {username}.")
            conn.execute(
                update(USER)
                .where(USER.c.id == user.id)
                .values(
                    password_hash=hash_password(password),
                    must_change_password=must_change,
                    updated_at=db_now(),
                )
            )
            record(conn, self._actor, AuditAction.ADMINISTER, Entity.USER, user.id, fields=("password",))
            ring = self._ring()
            if ring is not None and self._db.key is not None:
                ring.wrap(username, password, self._db.key)
                ring.clear_failures(username)

    def deactivate(self, username: str) -> None:
        """Never delete: the audit log refers to the user. Their copy of the key is destroyed."""
        self._actor.require(Action.ADMINISTER, Entity.USER)
        if username == self._actor.username:
            raise ValidationError({"username": "You cannot deactivate your own account."})
        with self._db.engine.begin() as conn:
            user = _user_row(conn, username)
            if user is None:
                raise NotFoundError(f"There is no user {username}.")
            conn.execute(update(USER).where(USER.c.id == user.id).values(active=False, updated_at=db_now()))
            record(conn, self._actor, AuditAction.ADMINISTER, Entity.USER, user.id, fields=("active",))
            ring = self._ring()
            if ring is not None:
                ring.remove(username)


def key_file_for(db: Database) -> Path | None:
    return None if db.path is None else keyring_path(db.path)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role


DEMO_USERS: tuple[DemoUser, ...] = tuple(
    DemoUser(name, password, role)
    for name, password, role in (
        ("admin", "amber-kestrel-lantern", Role.ADMINISTRATOR),
        ("manager", "copper-heron-meadow", Role.MANAGER),
        ("officer", "granite-fox-harbour", Role.HTT_OFFICER),
        ("vlo", "silver-rowan-bridge", Role.VLO),
        ("navigator", "ember-willow-compass", Role.NAVIGATOR),
        ("haven", "cobalt-orchid-river", Role.HAVEN_HOUSE),
        ("auditor", "juniper-tarn-ledger", Role.AUDITOR),
    )
)


def create_demo_database(
    db: str, *, seed: int = 1, arrests: int = 130
) -> tuple[Database, tuple[DemoUser, ...]]:
    """A new encrypted database with one user per role (passwords shown on the demo's login dialog)
    and synthetic arrests and victims. Demo data only: never point this at a real database."""
    from mshtdesk.services.demo import check_demo_location, fill_demo, mark_demo
    from mshtdesk.services.demo_pathway import fill_pathway, volume_for_arrests

    check_demo_location(db)  # only a database it creates now: never a real one
    first = DEMO_USERS[0]
    database, admin = create_database(db, first.username, first.password, display_name="Demo administrator")
    mark_demo(database)
    users = UserService(database, admin)
    for demo in DEMO_USERS[1:]:
        users.add_user(demo.username, f"Demo {demo.role.label}", demo.role, demo.password)
    summary = fill_demo(database, seed=seed, arrests=arrests)
    with database.engine.begin() as conn:
        record(
            conn,
            admin,
            AuditAction.COMBINE,
            "import_batch",
            summary.batch_id or "",
            reason=f"synthetic demo data, seed {seed}",
        )
    fill_pathway(database, seed=seed, volume=volume_for_arrests(arrests, 395 / 365.25))
    with database.engine.begin() as conn:
        reason = f"synthetic demo victim pathway, seed {seed}"
        record(conn, admin, AuditAction.COMBINE, Entity.PERSON, "", reason=reason)
    return database, DEMO_USERS


@dataclass(frozen=True)
class DatabaseState:
    """What ``--db`` names, before anyone logs in: it decides which form the login dialog opens with."""

    location: str  # a file path, or the server URL without its password
    state: str  # "missing", "plain" (written before encryption), "encrypted", or "server"


def database_state(db: str | None) -> DatabaseState:
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is None:
        from sqlalchemy.engine import make_url

        return DatabaseState(make_url(url).render_as_string(hide_password=True), "server")
    try:
        if not path.exists() or path.stat().st_size == 0:
            return DatabaseState(str(path), "missing")
    except OSError:
        return DatabaseState(str(path), "encrypted")  # the login will say what is wrong with it
    return DatabaseState(str(path), "plain" if is_plain_sqlite(path) else "encrypted")
