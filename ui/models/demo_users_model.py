"""The demo's accounts (user name, role, password) for the login dialog of a throwaway database.

These are not database rows: they are the fixed ``DEMO_USERS`` of ``mshtdesk.demo.users``, shown only
when MSHT Desk runs with ``--demo`` so that each role can be tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from mshtdesk.domain.roles import Role
from ui.models.columns import ROW_ROLE as ROW_ROLE
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel


class DemoAccount(Protocol):
    """What the model reads of ``mshtdesk.demo.users.DemoUser`` (a frozen dataclass)."""

    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def role(self) -> Role: ...


def _tip(user: DemoAccount) -> str:
    return f"Click to fill in the fields for {user.username}"


COLUMNS: tuple[ColumnSpec[DemoAccount], ...] = tuple(
    ColumnSpec(header, text, cell_tip=_tip, header_aligned=False)
    for header, text in (
        ("User name", lambda u: u.username),
        ("Role", lambda u: u.role.label),
        ("Password", lambda u: u.password),
    )
)
HEADERS = tuple(c.header for c in COLUMNS)


class DemoUsersModel(RowsModel):
    def __init__(self, users: Sequence[DemoAccount] = (), parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self._rows = list(users)

    def set_users(self, users: Sequence[DemoAccount]) -> None:
        self.set_rows(users)

    def user_at(self, row: int) -> DemoAccount:
        return self._rows[row]  # type: ignore[no-any-return]
