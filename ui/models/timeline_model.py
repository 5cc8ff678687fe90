"""One person's pathway as a table: every entry newest first, as the service ordered them.

The pathway of a person is a few dozen entries at most, read in one call on the worker, so the model
holds them all; ``set_pathway`` resets it. Times are shown for things that happen at a time of day
(contacts, Haven House admissions and discharges), in London time; the rest show their date.
"""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum
from typing import Any

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.services.pathway import TimelineEntry, TimelineKind
from ui import palette
from ui.models.columns import ROW_ROLE as ROW_ROLE  # the row's TimelineEntry
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec, headers
from ui.models.paged_model import RowsModel


class TimelineColumn(IntEnum):
    WHEN = 0
    KIND = 1
    TITLE = 2
    DETAIL = 3


KIND_LABELS = {
    TimelineKind.LINK: "Arrest / operation",
    TimelineKind.STAY: "Haven House",
    TimelineKind.REFERRAL: "NRM referral",
    TimelineKind.DECISION: "NRM decision",
    TimelineKind.NAVIGATOR: "Navigator",
    TimelineKind.CONTACT: "VLO contact",
    TimelineKind.DISPOSAL: "Disposal",
    TimelineKind.ENGAGEMENT: "Engagement",
}
#: A quiet colour per kind, so a long timeline can be scanned by eye (text stays black: contrast).
KIND_COLOURS = {
    TimelineKind.LINK: palette.TIMELINE_ARREST,
    TimelineKind.STAY: palette.TIMELINE_HAVEN,
    TimelineKind.REFERRAL: palette.TIMELINE_NRM,
    TimelineKind.DECISION: palette.TIMELINE_NRM,
    TimelineKind.NAVIGATOR: palette.TIMELINE_NAVIGATOR,
    TimelineKind.CONTACT: palette.TIMELINE_CONTACT,
    TimelineKind.DISPOSAL: palette.TIMELINE_ARREST,
    TimelineKind.ENGAGEMENT: palette.TIMELINE_ARREST,
}
TIMED = frozenset({TimelineKind.CONTACT, TimelineKind.STAY})


def when_text(entry: TimelineEntry) -> str:
    if entry.kind in TIMED and entry.at.tzinfo is not None:
        local = entry.at.astimezone(LONDON)
        return f"{uk(local.date())} {local:%H:%M}"
    return uk(entry.day)


def kind_text(entry: TimelineEntry) -> str:
    return KIND_LABELS.get(entry.kind, str(entry.kind))


def _struck(column: ColumnSpec[TimelineEntry]) -> ColumnSpec[TimelineEntry]:
    """A contact since corrected or withdrawn: struck through and greyed, who, when and why as its tip."""
    tip = column.cell_tip

    def cell_tip(e: TimelineEntry) -> str:
        return e.struck or (tip(e) if tip is not None else "")

    return replace(column, struck=lambda e: bool(e.struck), cell_tip=cell_tip)


COLUMNS: tuple[ColumnSpec[TimelineEntry], ...] = tuple(
    _struck(c)
    for c in (
        ColumnSpec("When", when_text, raw=lambda e: e.at, header_aligned=False),
        ColumnSpec("Type", kind_text, ink=lambda e: KIND_COLOURS.get(e.kind), header_aligned=False),
        ColumnSpec("What", lambda e: e.title, cell_tip=lambda e: e.title, header_aligned=False),
        ColumnSpec(
            "Detail",
            lambda e: f"{e.struck} \u2014 {e.detail}" if e.struck else e.detail,
            cell_tip=lambda e: e.detail,
            header_aligned=False,
        ),
    )
)
HEADERS = headers(COLUMNS)


class TimelineModel(RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def set_entries(self, entries: list[TimelineEntry]) -> None:
        self.set_rows(entries)

    def entry_at(self, row: int) -> TimelineEntry:
        return self._rows[row]  # type: ignore[no-any-return]

    def entries(self) -> list[TimelineEntry]:
        return list(self._rows)

    def row_of(self, kind: TimelineKind, record_id: int) -> int:
        return next((i for i, e in enumerate(self._rows) if e.kind == kind and e.record_id == record_id), -1)
