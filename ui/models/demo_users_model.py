"""The demo's accounts (user name, role, password) for the login dialog of a throwaway database.

These are not database rows: they are the fixed ``DEMO_USERS`` of ``mshtdesk.demo.users``, shown only
when MSHT Desk runs with ``--demo`` so that each role can be tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mshtdesk.domain.roles import Role

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("User name", "Role", "Password")
ROW_ROLE = Qt.ItemDataRole.UserRole


class DemoAccount(Protocol):
    """What the model reads of ``mshtdesk.demo.users.DemoUser`` (a frozen dataclass)."""

    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def role(self) -> Role: ...


class DemoUsersModel(QAbstractTableModel):
    def __init__(self, users: Sequence[DemoAccount] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._users: tuple[DemoAccount, ...] = tuple(users)

    def set_users(self, users: Sequence[DemoAccount]) -> None:
        self.beginResetModel()
        self._users = tuple(users)
        self.endResetModel()

    def user_at(self, row: int) -> DemoAccount:
        return self._users[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        user = self._users[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole + 1):
            return (user.username, user.role.label, user.password)[index.column()]
        if role == ROW_ROLE:
            return user
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Click to fill in the fields for {user.username}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None
