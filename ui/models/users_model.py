"""The users of the database for the administrator: never deleted, so inactive ones stay listed."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from mshtdesk.services.users import UserInfo
from ui.models.columns import ROW_ROLE as ROW_ROLE  # the UserInfo
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec, headers
from ui.models.paged_model import RowsModel


class UserColumn(IntEnum):
    USERNAME = 0
    DISPLAY_NAME = 1
    ROLE = 2
    ACTIVE = 3
    MUST_CHANGE = 4


def _column(header: str, text: Any, raw: Any = None) -> ColumnSpec[UserInfo]:
    """Inactive accounts in grey (not italic); text sorts without case; the header as the view centres it."""
    return ColumnSpec(
        header,
        text,
        raw=raw if raw is not None else (lambda u: text(u).casefold()),
        muted=lambda u: not u.active,
        muted_italic=False,
        header_aligned=False,
    )


COLUMNS: tuple[ColumnSpec[UserInfo], ...] = (
    _column("User name", lambda u: u.username),
    _column("Display name", lambda u: u.display_name),
    _column("Role", lambda u: u.role.label),
    _column("Active", lambda u: "Yes" if u.active else "No (deactivated)", raw=lambda u: int(u.active)),
    _column(
        "Must change password",
        lambda u: "Yes" if u.must_change_password else "",
        raw=lambda u: int(u.must_change_password),
    ),
)
HEADERS = headers(COLUMNS)


class UsersModel(RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def set_users(self, users: Sequence[UserInfo]) -> None:
        self.set_rows(users)

    def user_at(self, row: int) -> UserInfo:
        return self._rows[row]  # type: ignore[no-any-return]

    def row_of(self, username: str) -> int:
        return next((i for i, u in enumerate(self._rows) if u.username == username), -1)
