"""The problems that made an import file be rejected: line, column, reason (read-only), as column specs
over :class:`RowsModel`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mshtdesk.errors import RowError
from mshtdesk.reports.csv_safety import to_tsv
from ui.models.columns import ROW_ROLE as ROW_ROLE
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel

COLUMNS: tuple[ColumnSpec[RowError], ...] = (
    ColumnSpec("Line", lambda e: str(e.line), raw=lambda e: e.line, right=True),
    ColumnSpec("Column", lambda e: e.column),
    ColumnSpec("Problem", lambda e: e.reason, cell_tip=lambda e: e.reason),
)
HEADERS = tuple(c.header for c in COLUMNS)


class RowErrorsModel(RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def set_errors(self, errors: Sequence[RowError]) -> None:
        self.set_rows(errors)

    def errors(self) -> tuple[RowError, ...]:
        return tuple(self._rows)

    def as_tsv(self) -> str:
        """The problems for the clipboard; a reason quotes a piece of the file, so every cell is guarded."""
        return to_tsv([HEADERS, *((e.line, e.column, e.reason) for e in self._rows)])
