"""The users of the database for the administrator: never deleted, so inactive ones stay listed."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mshtdesk.services.users import UserInfo
from ui import palette

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole  # the UserInfo
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class UserColumn(IntEnum):
    USERNAME = 0
    DISPLAY_NAME = 1
    ROLE = 2
    ACTIVE = 3
    MUST_CHANGE = 4


HEADERS = {
    UserColumn.USERNAME: "User name",
    UserColumn.DISPLAY_NAME: "Display name",
    UserColumn.ROLE: "Role",
    UserColumn.ACTIVE: "Active",
    UserColumn.MUST_CHANGE: "Must change password",
}


class UsersModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._users: list[UserInfo] = []

    def set_users(self, users: Sequence[UserInfo]) -> None:
        self.beginResetModel()
        self._users = list(users)
        self.endResetModel()

    def user_at(self, row: int) -> UserInfo:
        return self._users[row]

    def row_of(self, username: str) -> int:
        return next((i for i, u in enumerate(self._users) if u.username == username), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(UserColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        u = self._users[index.row()]
        col = UserColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                UserColumn.USERNAME: u.username,
                UserColumn.DISPLAY_NAME: u.display_name,
                UserColumn.ROLE: u.role.label,
                UserColumn.ACTIVE: "Yes" if u.active else "No (deactivated)",
                UserColumn.MUST_CHANGE: "Yes" if u.must_change_password else "",
            }[col]
        if role == SORT_ROLE:
            if col == UserColumn.ACTIVE:
                return int(u.active)
            if col == UserColumn.MUST_CHANGE:
                return int(u.must_change_password)
            return str(self.data(index, Qt.ItemDataRole.DisplayRole)).casefold()
        if role == ROW_ROLE:
            return u
        if role == Qt.ItemDataRole.ForegroundRole and not u.active:
            return palette.MUTED
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[UserColumn(section)] if 0 <= section < len(UserColumn) else None
        return None
