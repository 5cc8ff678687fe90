"""The filter bar's text search, the same in every list: a case-folded, escaped LIKE over some columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, or_


def like_pattern(text: str) -> str:
    """A case-folded LIKE pattern with ``\\`` escaping, for filter bars."""
    return "%" + text.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains_text(text: str, columns: Iterable[ColumnElement[Any]]) -> ColumnElement[bool] | None:
    """Rows where one of ``columns`` holds ``text`` (any case); None when ``text`` is blank."""
    if not text.strip():
        return None
    pattern = like_pattern(text)
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))
