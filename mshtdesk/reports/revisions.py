"""The revisions note of a published report: every cell whose figure differs between the tables as
published (recorded at the run's time) and the same tables recomputed with today's records.

Rows are matched by their label and columns by their heading, so a row or column that appeared or went
away since publication shows as changed cells with nothing (None) on one side. Pure data, no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = int | float | str | None


@dataclass(frozen=True)
class TableFigures:
    """One table as published: its title, column headings, and rows whose first cell is the label."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class RevisedCell:
    table: str
    row: str
    column: str
    published: Cell
    current: Cell


def _cells(table: TableFigures) -> dict[tuple[str, str], Cell]:
    """(row label, column heading) -> value; the label column itself is not a figure."""
    out: dict[tuple[str, str], Cell] = {}
    for row in table.rows:
        label = "" if row[0] is None else str(row[0])
        for column, value in zip(table.columns[1:], row[1:], strict=False):
            out[(label, column)] = value
    return out


def _ordered(*keyings: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for keys in keyings:
        for key in keys:
            seen.setdefault(key, None)
    return list(seen)


def revised_cells(published: Sequence[TableFigures], current: Sequence[TableFigures]) -> list[RevisedCell]:
    """Every changed cell, table by table in the published order (tables new since publication last)."""
    now = {t.title: t for t in current}
    titles = [t.title for t in published] + [
        t.title for t in current if t.title not in {p.title for p in published}
    ]
    was = {t.title: t for t in published}
    empty = TableFigures("", (), ())
    out: list[RevisedCell] = []
    for title in titles:
        before, after = _cells(was.get(title, empty)), _cells(now.get(title, empty))
        for row, column in _ordered(list(before), list(after)):
            old, new = before.get((row, column)), after.get((row, column))
            if old != new:
                out.append(RevisedCell(title, row, column, old, new))
    return out
