"""The disposal-by-district table for a period, as at a date."""

from __future__ import annotations

from datetime import date, datetime

from mshtdesk.domain.disposal_table import DisposalTable, assemble_table
from mshtdesk.errors import ValidationError
from mshtdesk.services import reference
from mshtdesk.store.database import Database
from mshtdesk.store.queries.disposals import disposal_counts


def check_period(date_from: date, date_to: date, as_at: date) -> None:
    problems: dict[str, str] = {}
    if date_to < date_from:
        problems["to"] = "The period ends before it starts."
    if problems:
        raise ValidationError(problems)


def disposal_table(
    db: Database, date_from: date, date_to: date, as_at: date, recorded_at: datetime | None = None
) -> DisposalTable:
    """The table as at ``as_at``, from the arrests as recorded at ``recorded_at`` (default: now)."""
    check_period(date_from, date_to, as_at)
    districts = reference.districts(db)
    types = reference.disposal_types(db)
    code_of_district = {d.id: d.code for d in districts}
    code_of_rank = {t.rank: t.code for t in types}
    with db.engine.connect() as conn:
        raw = disposal_counts(conn, date_from, date_to, as_at, recorded_at)
    counts = [(code_of_district[d], None if r is None else code_of_rank[r], n) for d, r, n in raw]
    return assemble_table(
        counts,
        [d.code for d in districts if d.active],
        [(t.code, t.label) for t in types],
        date_from,
        date_to,
        as_at,
    )
