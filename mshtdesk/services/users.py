"""Logging in, creating a database and its first administrator, and administering users.

On SQLite the database is encrypted with a random data key, sealed to each user's key pair in the key
file beside the database (``mshtdesk.security.keyring``); a user's private keys are encrypted under
their password. Logging in also unlocks the user's signing key, which signs every audit event they
write (``mshtdesk.services.audit``). Deactivating a user gives the database a new key
(``mshtdesk.services.rekey``). A server database (team mode) has no data key and no signing keys: the
password hash in ``app_user`` is the check there, and the server's grants guard the rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.text import text_problem
from mshtdesk.errors import (
    AccountLockedError,
    AuthenticationError,
    MshtError,
    NotFoundError,
    StoreError,
    ValidationError,
    environmental,
)
from mshtdesk.security.keypairs import Signer, b64
from mshtdesk.security.keyring import (
    LOCKOUT,
    MAX_FAILURES,
    UNKNOWN_BUCKETS,
    Keyring,
    Unlocked,
    keyring_path,
    new_data_key,
    utcnow,
)
from mshtdesk.security.passwords import hash_password, policy_problem, verify_password
from mshtdesk.services.actor import Actor, workstation
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import returned, writes
from mshtdesk.services.rekey import KeyNotChangedError, RekeyResult, rekey_database
from mshtdesk.store.backup import Progress, encrypt_in_place
from mshtdesk.store.database import Database, open_database
from mshtdesk.store.database_file import check_new_database_file
from mshtdesk.store.engine import is_plain_sqlite, resolve_url, sqlite_path, url_without_password
from mshtdesk.store.queries import logins
from mshtdesk.store.queries import users as q
from mshtdesk.store.rekey import first_key_that_opens
from mshtdesk.store.server import lacks_rights
from mshtdesk.store.tables import utcnow as db_now

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
WRONG = "Wrong user name or password."
LEFT_OUT = (
    "The database was given a new key while this account had not logged in since the upgrade, so it "
    "holds no key for you; ask an administrator to reset your password."
)


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


def _info(row: q.UserLine) -> UserInfo:
    return UserInfo(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=bool(row.active),
        must_change_password=bool(row.must_change_password),
    )


def user_row(conn: Connection, username: str) -> UserInfo | None:
    row = q.user_line(conn, username)
    return None if row is None else _info(row)


def _same_name(conn: Connection, username: str) -> str | None:
    """The existing user name that ``username`` equals ignoring capitals (user names are
    case-insensitive, so "ADMIN" beside "admin" would be two accounts nobody can tell apart)."""
    return q.same_name(conn, username)


def actor_for(db: Database, username: str) -> Actor:
    """The actor for a user already authenticated (by ``login``), or in tests that hold the key; it
    signs with the user's signing key if this session has unlocked it (``Database.signers``)."""
    with db.engine.connect() as conn:
        user = user_row(conn, username)
    if user is None or not user.active:
        raise AuthenticationError(WRONG)
    return Actor(
        user.id,
        user.username,
        user.display_name,
        user.role,
        workstation(),
        user.must_change_password,
        signer=db.signers.get(username),
    )


def _record_user_change(
    conn: Connection,
    actor: Actor,
    user_id: int,
    fields: Sequence[str],
    signer: Signer | None,
    reason: str = "",
) -> None:
    """The audit event of a change to a user; with ``signer``, it also binds that signing key to them
    (in ``app_user`` and in the event, signed by ``actor``: an administrator, or the user setting up
    their own first key), so that a key swapped in later is caught by ``audit verify``."""
    if signer is not None:
        q.set_signing_key(conn, user_id, b64(signer.public))
        fields = (*fields, "signing_key")
    record(
        conn,
        actor,
        AuditAction.ADMINISTER,
        Entity.USER,
        user_id,
        fields=fields,
        reason=reason,
        bound_key=signer.public if signer is not None else None,
    )


def check_new_user(username: str, password: str, display_name: str = "") -> None:
    problems = {}
    if not USERNAME.match(username):
        problems["username"] = "A user name has 2 to 64 letters, digits, dots, dashes or underscores."
    if (name_problem := text_problem(display_name)) is not None:
        problems["display_name"] = name_problem
    problem = policy_problem(password, username)
    if problem:
        problems["password"] = problem
    if problems:
        raise ValidationError(problems)


def _insert_user(conn: Connection, username: str, display_name: str, role: Role, password: str) -> int:
    now = db_now()
    return q.insert_user(
        conn,
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
    )


def create_database(
    db: str | None, admin_username: str, password: str, *, display_name: str = "", profile: str | None = None
) -> tuple[Database, Actor]:
    """A new encrypted database (or an old unencrypted one, encrypted now) with its first administrator."""
    check_new_user(admin_username, password, display_name)
    url = resolve_url(db)
    path = sqlite_path(url)
    key: bytes | None = None
    signing = None
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
        # The key is safe on disk before any data depends on it.
        signing = ring.enrol(admin_username, password, key)
        if exists:
            if q.plain_has_users(path):
                raise StoreError("That database already has users; log in as its administrator instead.")
            # Encrypted first (after an encrypted backup), migrated after: no plain copy is left behind.
            encrypt_in_place(path, key, path.parent / "backups")
    database = open_database(url, profile=profile, key=key)
    with database.engine.begin() as conn:
        if q.user_count(conn):
            raise StoreError("That database already has users; log in as its administrator instead.")
        user_id = _insert_user(conn, admin_username, display_name, Role.ADMINISTRATOR, password)
        signer = Signer(user_id, signing) if signing is not None else None
        actor = Actor(
            user_id,
            admin_username,
            display_name or admin_username,
            Role.ADMINISTRATOR,
            workstation(),
            signer=signer,
        )
        reason = "first administrator of a new database"
        _record_user_change(conn, actor, user_id, ("username", "role"), signer, reason)
        if signer is not None:
            database.signers[admin_username] = signer
        record(conn, actor, AuditAction.LOGIN, Entity.USER, user_id)
    return database, actor


def login(
    db: str | None,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> tuple[Database, Actor]:
    """Check the password, unlock the data key and open the database; every outcome is audited.
    ``progress`` hears the steps of an upgrade the file needs (minutes on a large one)."""
    moment = now or utcnow()
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is None:
        return _login_server(url, username, password, moment)
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
    username = ring.name_of(username)
    locked = ring.lockout(username, moment)
    if locked.locked_until is not None:
        raise AccountLockedError(locked_message(locked.locked_until))
    unlocked = ring.unlock(username, password)
    if unlocked is None:
        state = ring.record_failure(username, here, moment)
        if state.locked_until is not None:
            raise AccountLockedError(locked_message(state.locked_until))
        if username in ring.awaiting_reset():
            raise AuthenticationError(LEFT_OUT)
        raise AuthenticationError(WRONG)
    if not unlocked.data_keys:
        raise StoreError(
            "The key file holds no copy of the database key for you (it was changed while you could not "
            "be given it); ask an administrator to reset your password."
        )
    # After a rekey interrupted half-way the file holds two copies: the one that opens the database.
    key = first_key_that_opens(path, unlocked.data_keys) or unlocked.data_keys[0]
    database = open_database(url, key=key, progress=progress)
    with database.engine.begin() as conn:
        user = user_row(conn, username)
        row_hash = q.password_hash_of(conn, username)
    if user is None or not user.active or not verify_password(str(row_hash), password):
        database.close()
        ring.record_failure(username, here, moment)
        raise AuthenticationError(
            WRONG if user is None or user.active else "This account has been deactivated."
        )
    ring.clear_failures(username)
    actor = Actor(user.id, user.username, user.display_name, user.role, here, user.must_change_password)
    try:
        actor = _session_signer(database, ring, actor, password, unlocked, key)
    except MshtError:
        database.close()
        raise
    pending = ring.take_pending()
    with database.engine.begin() as conn:
        for event in pending:  # failed logins that happened while nobody could write to the log
            record(
                conn,
                None,
                AuditAction(event["action"]),
                event.get("entity", Entity.USER),
                event.get("record_id", ""),
                username=event["username"],
                workstation=event["workstation"],
                at=datetime.fromisoformat(event["at"]),
                reason=event.get("reason", ""),
                signer=actor.signer,  # written down, and so signed, by this session
            )
        record(conn, actor, AuditAction.LOGIN, Entity.USER, user.id)
    return database, actor


MISMATCH = (
    "Your signing key does not match the one this database records for you, so your work could not be "
    "signed as yours; ask an administrator to reset your password."
)


def _session_signer(
    db: Database, ring: Keyring, actor: Actor, password: str, unlocked: Unlocked, key: bytes
) -> Actor:
    """The actor with their signing key, checked against the one the database records.

    A key-file entry of the first format gets key pairs now (the password is at hand), and the new
    signing key is bound by the user themselves. A key the database does not hold at all (a database
    restored from a backup made before signing began) is bound again, visibly; one that differs from
    the recorded key is refused: someone has replaced one of them.
    """
    with db.engine.begin() as conn:
        recorded = q.signing_key_of(conn, actor.user_id) or ""
        if unlocked.sign_private is not None and recorded == b64(unlocked.sign_public):
            signer = Signer(actor.user_id, unlocked.sign_private)
        elif recorded:
            raise StoreError(MISMATCH)
        else:
            if unlocked.sign_private is None:
                private = ring.enrol(actor.username, password, key)
                reason = "signing key set up at the first login since the upgrade"
            else:
                private = unlocked.sign_private
                reason = "signing key recorded again: the database did not hold it (restored from a backup?)"
            signer = Signer(actor.user_id, private)
            _record_user_change(conn, replace(actor, signer=signer), actor.user_id, (), signer, reason)
    db.signers[actor.username] = signer
    return replace(actor, signer=signer)


def ensure_key_recorded(db: Database, actor: Actor) -> None:
    """After a restore: a session's signing key that the restored database does not hold (a backup from
    before signing began) is recorded again, so the events this session goes on writing verify."""
    if actor.signer is None:
        return
    with db.engine.begin() as conn:
        recorded = q.signing_key_of(conn, actor.user_id)
        if recorded == "":
            reason = "signing key recorded again: the database did not hold it (restored from a backup?)"
            _record_user_change(conn, actor, actor.user_id, (), actor.signer, reason)


def _server_slot(conn: Connection, username: str) -> str:
    """A user's own failure count on a server; names that are not users share a few buckets, so
    guessing names cannot grow the table (as in the key file of a laptop)."""
    if user_row(conn, username) is not None:
        return username
    digest = hashlib.sha256(username.casefold().encode("utf-8")).digest()
    return f"?{digest[0] % UNKNOWN_BUCKETS}"


def _server_failure(
    conn: Connection,
    actor: Actor | None,
    slot: str,
    username: str,
    moment: datetime,
    record_id: int | str = "",
    reason: str = "",
) -> datetime | None:
    """Count a failed login on the server and record it (and the lockout it causes); the lock's end."""
    run = logins.count_failure(conn, slot, moment, LOCKOUT, MAX_FAILURES)
    here = actor.workstation if actor is not None else workstation()
    for action in (AuditAction.FAILED_LOGIN, AuditAction.LOCKOUT):
        if action is AuditAction.LOCKOUT and run.failures != MAX_FAILURES:
            break
        record(
            conn, actor, action, Entity.USER, record_id, username=username, workstation=here, reason=reason
        )
    return run.locked_until


def _login_server(url: str, username: str, password: str, moment: datetime) -> tuple[Database, Actor]:
    """The password hash in ``app_user`` is the check; failures are counted on the server, atomically
    (``login_failure``), and recorded in the audit log at once (there is no key file to queue them in).
    An empty database is refused, not given the schema: that is ``server setup``'s, as its owner role."""
    database = open_database(url, create=False)
    locked: datetime | None = None
    user: UserInfo | None = None
    try:
        with database.engine.begin() as conn:
            username = _same_name(conn, username) or username  # user names ignore capitals
            slot = _server_slot(conn, username)
            locked = logins.current_run(conn, slot, moment, LOCKOUT).locked_until
            if locked is None:
                user = user_row(conn, username)
                row_hash = q.password_hash_of(conn, username)
                if user is not None and user.active and verify_password(str(row_hash), password):
                    logins.clear_failures(conn, slot)
                else:
                    user = None
                    locked = _server_failure(conn, None, slot, username, moment)
    except BaseException as exc:
        database.close()
        refused = lacks_rights(exc, url)  # the server's "permission denied", in a sentence
        if refused is not None:
            raise refused from exc
        raise
    if locked is not None or user is None:
        database.close()
        raise AccountLockedError(locked_message(locked)) if locked is not None else AuthenticationError(WRONG)
    # As on a laptop: after an administrator's reset the app asks for a new password before anything else.
    actor = Actor(
        user.id, user.username, user.display_name, user.role, workstation(), user.must_change_password
    )
    with database.engine.begin() as conn:
        record(conn, actor, AuditAction.LOGIN, Entity.USER, user.id)
    return database, actor


def _unlock_server(db: Database, actor: Actor, password: str, moment: datetime) -> None:
    with db.engine.begin() as conn:
        locked = logins.current_run(conn, actor.username, moment, LOCKOUT).locked_until
        if locked is None:
            hashed = q.password_hash_by_id(conn, actor.user_id, active_only=True)
            if hashed is not None and verify_password(str(hashed), password):
                logins.clear_failures(conn, actor.username)
                record(conn, actor, AuditAction.LOGIN, Entity.USER, actor.user_id, reason="unlock")
                return
            locked = _server_failure(
                conn, actor, actor.username, actor.username, moment, actor.user_id, reason="unlock"
            )
    if locked is not None:
        raise AccountLockedError(locked_message(locked))
    raise AuthenticationError("Wrong password.")


def unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> None:
    """Unlock an idle-locked session: the same user's password, counted like a login; raises if wrong."""
    moment = now or utcnow()
    if db.path is None:
        _unlock_server(db, actor, password, moment)
        return
    ring = Keyring.load(keyring_path(db.path)) if db.path is not None else None
    if ring is not None:
        locked = ring.lockout(actor.username, moment)
        if locked.locked_until is not None:
            raise AccountLockedError(locked_message(locked.locked_until))
    with db.engine.connect() as conn:
        hashed = q.password_hash_by_id(conn, actor.user_id, active_only=True)
    if hashed is None or not verify_password(str(hashed), password):
        if ring is not None:
            state = ring.record_failure(actor.username, actor.workstation, moment)
            if state.locked_until is not None:
                raise AccountLockedError(locked_message(state.locked_until))
        with db.engine.begin() as conn:
            record(conn, actor, AuditAction.FAILED_LOGIN, Entity.USER, actor.user_id, reason="unlock")
        raise AuthenticationError("Wrong password.")
    if ring is not None:
        ring.clear_failures(actor.username)
    with db.engine.begin() as conn:
        record(conn, actor, AuditAction.LOGIN, Entity.USER, actor.user_id, reason="unlock")


def locked_message(until: datetime) -> str:
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
            rows = q.user_lines(conn)
        return [_info(r) for r in rows]

    @writes(Data.USER, ids=returned)
    def add_user(self, username: str, display_name: str, role: Role, password: str) -> int:
        return self._add_user(username, display_name, role, password)

    def _add_user(
        self, username: str, display_name: str, role: Role, password: str, *, keep_signer: bool = False
    ) -> int:
        """``keep_signer``: the demo keeps every demo user's signing key in the session (its role
        switcher acts as each of them); a real administrator never holds another user's key."""
        self._actor.require(Action.ADMINISTER, Entity.USER)
        username = username.strip()
        check_new_user(username, password, display_name)
        with self._db.engine.begin() as conn:
            taken = _same_name(conn, username)
            if taken is not None:
                also = "" if taken == username else "; user names ignore capitals, so choose another"
                raise ValidationError({"username": f"There is already a user {taken}{also}."})
            user_id = _insert_user(conn, username, display_name, role, password)
            ring = self._ring()
            signer = None
            if ring is not None and self._db.key is not None:
                # The transaction only commits after the key file has the new user's keys.
                signer = Signer(user_id, ring.enrol(username, password, self._db.key))
                if keep_signer:
                    self._db.signers[username] = signer
            _record_user_change(conn, self._actor, user_id, ("username", "role"), signer)
        return user_id

    @writes(Data.USER)
    def reset_password(self, username: str, password: str) -> None:
        """An administrator sets a new password; the user must change it at their next login."""
        self._actor.require(Action.ADMINISTER, Entity.USER)
        self._set_password(username, password, must_change=True)

    @writes(Data.USER)
    def change_own_password(self, old: str, new: str) -> None:
        with self._db.engine.connect() as conn:
            current = q.password_hash_by_id(conn, self._actor.user_id)
        if current is None or not verify_password(str(current), old):
            raise AuthenticationError("The current password is wrong.")
        if new == old:
            raise ValidationError(
                {"password": "The new password is the same as the current one; choose a different password."}
            )
        self._set_password(self._actor.username, new, must_change=False, old=old)

    def _set_password(
        self, username: str, password: str, *, must_change: bool, old: str | None = None
    ) -> None:
        """With ``old`` (a user changing their own) the same key pairs are re-encrypted under the new
        password; without (an administrator's reset) the user gets new key pairs, bound by the
        administrator, and the current data key sealed to them."""
        problem = policy_problem(password, username)
        if problem:
            raise ValidationError({"password": problem})
        with self._db.engine.begin() as conn:
            user = user_row(conn, username)
            if user is None or not user.active:
                raise NotFoundError(f"There is no active user {username}.")
            q.set_password(
                conn,
                user.id,
                {
                    "password_hash": hash_password(password),
                    "must_change_password": must_change,
                    "updated_at": db_now(),
                },
            )
            ring = self._ring()
            signer, by = None, self._actor
            if ring is not None and self._db.key is not None:
                mine = self._actor.signer if user.id == self._actor.user_id else None
                if mine is not None and old is None:  # an administrator resetting their own password
                    ring.enrol(username, password, self._db.key, mine.private)  # same signing key
                elif old is None or not ring.change_password(username, old, password):
                    # New key pairs: bound by the administrator, or by the user for a first key.
                    signer = Signer(user.id, ring.enrol(username, password, self._db.key))
                    by = self._actor if old is None else replace(self._actor, signer=signer)
                ring.clear_failures(username)
            elif self._db.path is None:
                # A server counts failures in ``login_failure``: a new password ends the lockout there
                # too, so "ask an administrator" (the locked message) is advice that works.
                logins.clear_failures(conn, user.username)
            _record_user_change(conn, by, user.id, ("password",), signer)

    @writes(Data.USER, partial=True)
    def deactivate(self, username: str) -> RekeyResult | None:
        """Never delete: the audit log refers to the user. Their copy of the key is destroyed, and the
        database is given a new key (None on a server), so no copy they kept (an old key file, a backup's)
        opens it or the backups any more."""
        self._actor.require(Action.ADMINISTER, Entity.USER)
        if username == self._actor.username:
            raise ValidationError({"username": "You cannot deactivate your own account."})
        with self._db.engine.begin() as conn:
            user = user_row(conn, username)
            if user is None:
                raise NotFoundError(f"There is no user {username}.")
            q.deactivate(conn, user.id, db_now())
            record(conn, self._actor, AuditAction.ADMINISTER, Entity.USER, user.id, fields=("active",))
            ring = self._ring()
            if ring is not None:
                ring.remove(username)
        if self._ring() is None:
            return None
        before = self._db.key
        try:
            return rekey_database(self._db, self._actor, f"{username} deactivated")
        except Exception as exc:  # a full disk, another copy open: said, with what is already done
            found = environmental(exc)
            if found is None:
                raise
            raise KeyNotChangedError(username, found, started=self._db.key != before) from None

    @writes(Data.USER)
    def rekey(self, reason: str = "on request") -> RekeyResult:
        """A new data key for the database and its backups, sealed to every active user (administrators;
        recorded). Other copies of the app must be closed: their connections would fail."""
        self._actor.require(Action.ADMINISTER, Entity.USER)
        if self._ring() is None:
            raise StoreError("A team database on a server has no data key to change.")
        return rekey_database(self._db, self._actor, reason)


@dataclass(frozen=True)
class DatabaseState:
    """What ``--db`` names, before anyone logs in: it decides which form the login dialog opens with."""

    location: str  # a file path, or the server URL without its password
    state: str  # "missing", "plain" (written before encryption), "encrypted", or "server"


def database_state(db: str | None) -> DatabaseState:
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is None:
        return DatabaseState(url_without_password(url), "server")
    try:
        if not path.exists() or path.stat().st_size == 0:
            return DatabaseState(str(path), "missing")
    except OSError:
        return DatabaseState(str(path), "encrypted")  # the login will say what is wrong with it
    return DatabaseState(str(path), "plain" if is_plain_sqlite(path) else "encrypted")
