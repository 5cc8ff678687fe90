"""The people in the user's scope as a lazily paged table model.

Rows come from ``people.list()`` 200 at a time as the view scrolls; the filter (a text matched against
names, aliases and the reference) and the order (surname, forenames) are applied in SQL, so only the
people this user may see are ever read. Like the arrests model, a page is read on the GUI thread: an
indexed query of a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from mshtdesk.domain.dates import uk
from mshtdesk.services.people import PeopleService, PersonRow
from ui.models.paged_model import PAGE_SIZE as PAGE_SIZE  # the tests page through it
from ui.models.paged_model import ROW_ROLE, SORT_ROLE, AnyIndex, LazyRows


class PersonColumn(IntEnum):
    REF = 0
    SURNAME = 1
    FORENAMES = 2
    DATE_OF_BIRTH = 3
    NATIONALITY = 4
    VLO = 5


HEADERS = {
    PersonColumn.REF: "Ref",
    PersonColumn.SURNAME: "Surname",
    PersonColumn.FORENAMES: "Forenames",
    PersonColumn.DATE_OF_BIRTH: "Date of birth",
    PersonColumn.NATIONALITY: "Nationality",
    PersonColumn.VLO: "Liaison officer",
}
TOOLTIPS = {
    PersonColumn.REF: "The person's reference in MSHT Desk",
    PersonColumn.VLO: "The victim liaison officer assigned to this person",
}
NOT_RECORDED = "not recorded"
NO_VLO = "none assigned"
NO_NAME = "no name recorded"  # e.g. an anonymous Duty to Notify


class PeopleModel(LazyRows[PersonRow]):
    def __init__(self, people: PeopleService, parent: Any = None) -> None:
        super().__init__(parent)
        self._people = people
        self._text = ""
        self._vlo: str | None = None  # a liaison officer's user name, "" for nobody, None for any
        self._muted = QColor("#6b6b6b")

    # ----- state -------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self._text

    @property
    def vlo(self) -> str | None:
        return self._vlo

    def set_text(self, text: str) -> None:
        self.set_filter(text, self._vlo)

    def set_filter(self, text: str, vlo: str | None) -> None:
        """Show the people whose names, aliases or reference hold ``text``, assigned to ``vlo``."""
        text = text.strip()
        if (text, vlo) != (self._text, self._vlo):
            self._text, self._vlo = text, vlo
            self.reload()

    def _count_all(self) -> int:
        return self._people.count(self._text, vlo=self._vlo)

    def _fetch(self, offset: int, limit: int) -> Sequence[PersonRow]:
        return self._people.list(self._text, vlo=self._vlo, offset=offset, limit=limit)

    # ----- Qt model interface ------------------------------------------------------------------
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(PersonColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        r = self._rows[index.row()]
        col = PersonColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == ROW_ROLE:
            return r
        if role == SORT_ROLE:
            return r.date_of_birth if col == PersonColumn.DATE_OF_BIRTH else self._display(r, col)
        if role == Qt.ItemDataRole.ForegroundRole and self._missing(r, col):
            return self._muted
        return None

    @staticmethod
    def _missing(r: PersonRow, col: PersonColumn) -> bool:
        return (
            (col == PersonColumn.SURNAME and not r.surname and not r.forenames)
            or (col == PersonColumn.DATE_OF_BIRTH and r.date_of_birth is None)
            or (col == PersonColumn.NATIONALITY and not r.nationality)
            or (col == PersonColumn.VLO and not r.vlo)
        )

    @staticmethod
    def _display(r: PersonRow, col: PersonColumn) -> str:
        if col == PersonColumn.REF:
            return r.person_ref
        if col == PersonColumn.SURNAME:
            return r.surname or ("" if r.forenames else NO_NAME)
        if col == PersonColumn.FORENAMES:
            return r.forenames
        if col == PersonColumn.DATE_OF_BIRTH:
            return uk(r.date_of_birth) if r.date_of_birth else NOT_RECORDED
        if col == PersonColumn.NATIONALITY:
            return r.nationality or NOT_RECORDED
        return r.vlo or NO_VLO

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(PersonColumn):
            return None
        col = PersonColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(col)
        return None
