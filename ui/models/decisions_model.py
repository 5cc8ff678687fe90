"""A referral's decision history as a small table: every entry, oldest first, withdrawn entries struck
through and withdrawal markers in italics (nothing is ever deleted from the history)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from mshtdesk.domain.dates import uk
from mshtdesk.services.nrm import DecisionRow
from ui.models.columns import ROW_ROLE as ROW_ROLE
from ui.models.columns import ColumnSpec, headers
from ui.models.paged_model import RowsModel


class DecisionColumn(IntEnum):
    DATE = 0
    DECISION = 1
    NOTE = 2
    RECORDED = 3


SOURCES = {"import": "import", "demo": "demo data"}


WITHDRAWN = "Withdrawn: entered in error (see the withdrawal below)"


def _withdrawn_tip(r: DecisionRow) -> str:
    return WITHDRAWN if r.superseded else ""


def _note_tip(r: DecisionRow) -> str:
    if r.superseded:
        return WITHDRAWN
    return (r.reason if r.is_void else r.note) if (r.note or r.reason) else ""


def _recorded(r: DecisionRow) -> str:
    who = r.recorded_by or "unknown"
    source = SOURCES.get(r.source)
    return f"{who} ({source})" if source else who


def _column(header: str, text: Any, tip: Any = _withdrawn_tip) -> ColumnSpec[DecisionRow]:
    """Withdrawn entries struck through, withdrawal markers in grey italics; the header as the view
    centres it."""
    return ColumnSpec(
        header,
        text,
        cell_tip=tip,
        struck=lambda r: r.superseded,
        muted=lambda r: r.is_void,
        header_aligned=False,
    )


COLUMNS: tuple[ColumnSpec[DecisionRow], ...] = (
    _column("Date", lambda r: uk(r.decided_on)),
    _column("Decision", lambda r: "Entry withdrawn (made in error)" if r.is_void else r.label),
    _column("Note", lambda r: f"Reason: {r.reason}" if r.is_void else r.note, _note_tip),
    _column("Recorded by", _recorded),
)
HEADERS = headers(COLUMNS)


class DecisionsModel(RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def row_at(self, row: int) -> DecisionRow:
        return self._rows[row]  # type: ignore[no-any-return]
