"""Reference data read by several areas: districts and disposal types."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, select

from mshtdesk.store.tables import DISPOSAL_TYPE, DISTRICT


class DistrictName(NamedTuple):
    id: int
    code: str
    name: str


class DisposalTypeLabel(NamedTuple):
    rank: int
    code: str
    label: str


def district_names(conn: Connection) -> list[DistrictName]:
    """Every district, in the database's order (a form matches its code or name against them)."""
    return [
        DistrictName(r.id, r.code, r.name)
        for r in conn.execute(select(DISTRICT.c.id, DISTRICT.c.code, DISTRICT.c.name))
    ]


def disposal_type_labels(conn: Connection) -> list[DisposalTypeLabel]:
    """Every disposal type's current rank, code and label."""
    rows = conn.execute(select(DISPOSAL_TYPE.c.rank, DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.label))
    return [DisposalTypeLabel(r.rank, r.code, r.label) for r in rows]
