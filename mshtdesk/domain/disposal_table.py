"""The disposal-by-district table as the force publishes it (seed 000, A.7.4), as plain data.

Rows are the disposal types in rank order, all of them, zeros included; "No disposal recorded" only when
non-zero; "Total arrests" last. Columns: "Disposals" (the row total) then one per district in profile order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from mshtdesk.domain.dates import uk
from mshtdesk.domain.disposals import NO_DISPOSAL_LABEL, RANKING_FOOTNOTE, TOTAL_LABEL

HEADER_LABEL = "Disposal Type"
TOTAL_COLUMN = "Disposals"


@dataclass(frozen=True)
class TableRow:
    label: str
    code: str | None  # disposal code; None for "No disposal recorded" and the total row
    total: int
    by_district: tuple[int, ...]
    is_total: bool = False


@dataclass(frozen=True)
class DisposalTable:
    date_from: date
    date_to: date
    as_at: date
    districts: tuple[str, ...]
    rows: tuple[TableRow, ...]
    ranking: tuple[str, ...]  # labels, highest first

    @property
    def header(self) -> tuple[str, ...]:
        return (HEADER_LABEL, TOTAL_COLUMN, *self.districts)

    def records(self) -> list[list[str | int]]:
        """Header-less rows: label, total, then district counts."""
        return [[r.label, r.total, *r.by_district] for r in self.rows]

    @property
    def total_arrests(self) -> int:
        return self.rows[-1].total

    @property
    def caption(self) -> str:
        return (
            f"Arrests between {uk(self.date_from)} and {uk(self.date_to)} by highest-ranked disposal "
            f"(as at {uk(self.as_at)})"
        )

    @property
    def footnotes(self) -> tuple[str, ...]:
        return (
            RANKING_FOOTNOTE,
            "Ranking used, highest first: " + ", ".join(self.ranking) + ".",
        )


def assemble_table(
    counts: Iterable[tuple[str, str | None, int]],
    districts: Sequence[str],
    ranking: Sequence[tuple[str, str]],
    date_from: date,
    date_to: date,
    as_at: date,
) -> DisposalTable:
    """Lay out ``(district code, disposal code or None, arrests)`` counts as the published table.

    ``ranking`` is ``(code, label)`` highest first. Districts not in ``districts`` that have counts
    (a district since retired, say) are appended so that no arrest drops out of the total.
    """
    cols = list(districts)
    grid: dict[tuple[str | None, str], int] = {}
    for district, code, n in counts:
        if district not in cols:
            cols.append(district)
        grid[(code, district)] = grid.get((code, district), 0) + n

    def row(label: str, code: str | None) -> TableRow:
        cells = tuple(grid.get((code, d), 0) for d in cols)
        return TableRow(label, code, sum(cells), cells)

    rows = [row(label, code) for code, label in ranking]
    unknown = row(NO_DISPOSAL_LABEL, None)
    if unknown.total:
        rows.append(unknown)
    col_totals = tuple(sum(r.by_district[i] for r in rows) for i in range(len(cols)))
    rows.append(TableRow(TOTAL_LABEL, None, sum(col_totals), col_totals, is_total=True))
    return DisposalTable(
        date_from, date_to, as_at, tuple(cols), tuple(rows), tuple(label for _, label in ranking)
    )
