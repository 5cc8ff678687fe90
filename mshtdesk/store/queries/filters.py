"""The filter bar's text search, the same in every list: a case-folded, escaped LIKE over some columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, literal_column, or_, select


def like_pattern(text: str) -> str:
    """A case-folded LIKE pattern with ``\\`` escaping, for filter bars."""
    return "%" + text.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains_text(text: str, columns: Iterable[ColumnElement[Any]]) -> ColumnElement[bool] | None:
    """Rows where one of ``columns`` holds ``text`` (any case); None when ``text`` is blank."""
    if not text.strip():
        return None
    pattern = like_pattern(text)
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))


def count_rows(conn: Connection, count: Select[Any], at_most: int | None = None) -> int:
    """Run ``count`` (a ``SELECT count(*)`` over a list's FROM and WHERE); with ``at_most``, count no
    further than that many rows. A list shows "10,000+" rather than make every opening of a page read
    a million index entries to say exactly how many there are: the same FROM and WHERE, one constant a
    row, under a LIMIT, counted outside."""
    if at_most is not None:
        rows: Select[Any] = count.with_only_columns(literal_column("1"), maintain_column_froms=True)
        rows = rows.limit(at_most)
        count = select(func.count()).select_from(rows.subquery("capped"))
    return int(conn.execute(count).scalar_one())
