"""Users as other areas see them: who may be assigned or referred to, by role."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, select

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
