"""The disposal-by-district table laid out exactly as its CSV: a header row, then one row per record."""

from __future__ import annotations

from functools import partial
from typing import Any

from mshtdesk.domain.disposal_table import DisposalTable, TableRow
from mshtdesk.reports.csv_safety import to_tsv
from ui.models.columns import ROW_ROLE as ROW_ROLE  # the TableRow
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel


def _value(row: TableRow, column: int) -> str | int:
    """The record's cell as in the CSV: label, total, then district counts (``DisposalTable.records``)."""
    return row.label if column == 0 else row.total if column == 1 else row.by_district[column - 2]


def _text(row: TableRow, column: int) -> str:
    return str(_value(row, column))


def table_columns(table: DisposalTable) -> tuple[ColumnSpec[TableRow], ...]:
    """One column per CSV header: the label left, the counts right (headers too), totals in bold."""
    return tuple(
        ColumnSpec[TableRow](
            header,
            partial(_text, column=column),  # as in the CSV and the published table
            raw=partial(_value, column=column),
            right=column > 0,
            tip=f"Arrests in district {header}" if column >= 2 else "",
            strong=lambda r: r.is_total,
        )
        for column, header in enumerate(table.header)
    )


class DisposalTableModel(RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__((), parent)
        self.table: DisposalTable | None = None

    def set_table(self, table: DisposalTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self.columns = table_columns(table) if table is not None else ()
        self._rows = list(table.rows) if table is not None else []
        self.endResetModel()

    def as_tsv(self) -> str:
        return "" if self.table is None else table_tsv(self.table)


def table_tsv(table: DisposalTable) -> str:
    """Tab-separated, header included: pastes into a spreadsheet or a Word table as laid out."""
    return to_tsv([table.header, *table.records()])  # district names are text an administrator typed
