"""The people in the user's scope as a lazily paged table model: the people columns over
:class:`PagedModel`.

Rows come from ``people.list()`` 200 at a time as the view scrolls; the filter (a text matched against
names, aliases and the reference, and the liaison officer) and the order (surname, forenames) are
applied in SQL, so only the people this user may see are ever read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from mshtdesk.domain.dates import uk
from mshtdesk.services.people import PeopleService, PersonRow
from ui.models.columns import ColumnSpec, headers
from ui.models.paged_model import PAGE_SIZE as PAGE_SIZE  # the tests page through it
from ui.models.paged_model import ROW_ROLE as ROW_ROLE
from ui.models.paged_model import SORT_ROLE as SORT_ROLE
from ui.models.paged_model import PagedModel


class PersonColumn(IntEnum):
    REF = 0
    SURNAME = 1
    FORENAMES = 2
    DATE_OF_BIRTH = 3
    NATIONALITY = 4
    VLO = 5


NOT_RECORDED = "not recorded"
NO_VLO = "none assigned"
NO_NAME = "no name recorded"  # e.g. an anonymous Duty to Notify

COLUMNS: tuple[ColumnSpec[PersonRow], ...] = (
    ColumnSpec("Ref", lambda r: r.person_ref, "P-000000", tip="The person's reference in MSHT Desk"),
    ColumnSpec(
        "Surname",
        lambda r: r.surname or ("" if r.forenames else NO_NAME),
        "Kowalczykowska",
        muted=lambda r: not r.surname and not r.forenames,
        muted_italic=False,
    ),
    ColumnSpec("Forenames", lambda r: r.forenames, "Anna-Maria Elena"),
    ColumnSpec(
        "Date of birth",
        lambda r: uk(r.date_of_birth) if r.date_of_birth else NOT_RECORDED,
        "not recorded",
        raw=lambda r: r.date_of_birth,
        muted=lambda r: r.date_of_birth is None,
        muted_italic=False,
    ),
    ColumnSpec(
        "Nationality",
        lambda r: r.nationality or NOT_RECORDED,
        "Congolese (DRC)",
        muted=lambda r: not r.nationality,
        muted_italic=False,
    ),
    ColumnSpec(
        "Liaison officer",
        lambda r: r.vlo or NO_VLO,
        "Liaison officer",
        tip="The victim liaison officer assigned to this person",
        muted=lambda r: not r.vlo,
        muted_italic=False,
    ),
)
HEADERS = headers(COLUMNS)


@dataclass(frozen=True)
class PeopleFilter:
    """A text matched against names, aliases and the reference; a liaison officer's user name ("" for
    nobody yet, None for any)."""

    text: str = ""
    vlo: str | None = None


class PeopleModel(PagedModel[PeopleFilter]):
    def __init__(self, people: PeopleService, parent: Any = None) -> None:
        super().__init__(
            COLUMNS,
            lambda q, at_most: people.count(q.text, vlo=q.vlo, at_most=at_most),
            lambda q, _key, _desc, offset, limit: people.list(q.text, vlo=q.vlo, offset=offset, limit=limit),
            PeopleFilter(),
            parent=parent,
        )

    @property
    def text(self) -> str:
        return self.query.text

    @property
    def vlo(self) -> str | None:
        return self.query.vlo

    def set_text(self, text: str) -> None:
        self.set_filter(text, self.vlo)

    def set_filter(self, text: str, vlo: str | None) -> None:
        """Show the people whose names, aliases or reference hold ``text``, assigned to ``vlo``."""
        self.set_query(PeopleFilter(text.strip(), vlo))
