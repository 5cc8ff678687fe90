"""Users: accounts for logging in and administering, and who may be assigned or referred to, by role."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select, true, update

from mshtdesk.store.tables import USER


class StaffChoice(NamedTuple):
    id: int
    username: str
    display_name: str


class ActiveUser(NamedTuple):
    id: int
    role: str


def active_staff(conn: Connection, role: str) -> list[StaffChoice]:
    """Active users with this role, by display name."""
    stmt = (
        select(USER.c.id, USER.c.username, USER.c.display_name)
        .where(USER.c.role == role, USER.c.active)
        .order_by(USER.c.display_name, USER.c.username)
    )
    return [StaffChoice(int(r.id), str(r.username), str(r.display_name)) for r in conn.execute(stmt)]


def active_user(conn: Connection, username: str) -> ActiveUser | None:
    """The active user with this user name (None when there is none, or they are deactivated)."""
    row = conn.execute(
        select(USER.c.id, USER.c.role).where(USER.c.username == username, USER.c.active)
    ).one_or_none()
    return None if row is None else ActiveUser(int(row.id), str(row.role))


class UserLine(NamedTuple):
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    must_change_password: bool


_USER_LINE = (
    USER.c.id,
    USER.c.username,
    USER.c.display_name,
    USER.c.role,
    USER.c.active,
    USER.c.must_change_password,
)


def user_line(conn: Connection, username: str) -> UserLine | None:
    row = conn.execute(select(*_USER_LINE).where(USER.c.username == username)).one_or_none()
    return None if row is None else UserLine._make(row)


def user_lines(conn: Connection) -> list[UserLine]:
    """Every user, active or not, by user name."""
    return [UserLine._make(r) for r in conn.execute(select(*_USER_LINE).order_by(USER.c.username))]


def same_name(conn: Connection, username: str) -> str | None:
    """The existing user name that ``username`` equals ignoring capitals, the exact spelling first."""
    found = conn.execute(
        select(USER.c.username)
        .where(func.lower(USER.c.username) == username.lower())
        .order_by((USER.c.username == username).desc())
        .limit(1)
    ).scalar()
    return None if found is None else str(found)


def user_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(USER)).scalar_one())


def insert_user(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(USER).returning(USER.c.id), values).scalar_one())


def password_hash_of(conn: Connection, username: str) -> str | None:
    found = conn.execute(select(USER.c.password_hash).where(USER.c.username == username)).scalar()
    return None if found is None else str(found)


def password_hash_by_id(conn: Connection, user_id: int, *, active_only: bool = False) -> str | None:
    """The user's password hash; None when there is no such user (or, ``active_only``, no active one)."""
    where = [USER.c.id == user_id, USER.c.active == true()] if active_only else [USER.c.id == user_id]
    found = conn.execute(select(USER.c.password_hash).where(*where)).scalar()
    return None if found is None else str(found)


def is_user(conn: Connection, user_id: int, username: str) -> bool:
    """Whether this id still names this user (a restored file may predate the account)."""
    found = conn.execute(select(USER.c.id).where(USER.c.id == user_id, USER.c.username == username)).scalar()
    return found is not None


class SigningKey(NamedTuple):
    username: str
    signing_key: str | None


def active_signing_keys(conn: Connection) -> list[SigningKey]:
    """Each active user's recorded public signing key (None or "" for none yet)."""
    rows = conn.execute(select(USER.c.username, USER.c.signing_key).where(USER.c.active == true()))
    return [SigningKey(str(r.username), None if r.signing_key is None else str(r.signing_key)) for r in rows]


def signing_key_of(conn: Connection, user_id: int) -> str | None:
    """The public signing key recorded for the user ("" for none yet; None when there is no such user)."""
    found = conn.execute(select(USER.c.signing_key).where(USER.c.id == user_id)).scalar()
    return None if found is None else str(found)


def set_signing_key(conn: Connection, user_id: int, public_key: str) -> None:
    conn.execute(update(USER).where(USER.c.id == user_id).values(signing_key=public_key))


def set_password(conn: Connection, user_id: int, values: dict[str, Any]) -> None:
    """Store a new ``password_hash`` with ``must_change_password`` and ``updated_at``."""
    conn.execute(update(USER).where(USER.c.id == user_id).values(**values))


def deactivate(conn: Connection, user_id: int, updated_at: datetime) -> None:
    conn.execute(update(USER).where(USER.c.id == user_id).values(active=False, updated_at=updated_at))


def plain_has_users(path: Path) -> bool:
    """Does this unencrypted SQLite file already hold users? (Read before the file is encrypted.)"""
    con = sqlite3.connect(path)
    try:
        found = con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'app_user'"
        ).fetchone()
        return bool(found) and con.execute("SELECT COUNT(*) FROM app_user").fetchone()[0] > 0
    finally:
        con.close()
