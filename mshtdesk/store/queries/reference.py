"""Reference data: districts, disposal types and their ranking, offence types, settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Connection, case, select, update

from mshtdesk.store.tables import DISPOSAL_TYPE, DISTRICT, OFFENCE_TYPE, SETTING


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


class DistrictRow(NamedTuple):
    id: int
    code: str
    name: str
    active: bool


class DisposalTypeRow(NamedTuple):
    id: int
    code: str
    label: str
    rank: int


class OffenceTypeRow(NamedTuple):
    id: int
    code: str
    label: str
    legislation: str
    section: str
    is_msa: bool


def district_list(conn: Connection) -> list[DistrictRow]:
    """Every district in the force's order."""
    q = select(DISTRICT.c.id, DISTRICT.c.code, DISTRICT.c.name, DISTRICT.c.active).order_by(
        DISTRICT.c.sort_order, DISTRICT.c.code
    )
    return [DistrictRow._make(r) for r in conn.execute(q)]


def disposal_type_list(conn: Connection) -> list[DisposalTypeRow]:
    """Every disposal type, highest rank first."""
    q = select(DISPOSAL_TYPE.c.id, DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.label, DISPOSAL_TYPE.c.rank)
    return [DisposalTypeRow._make(r) for r in conn.execute(q.order_by(DISPOSAL_TYPE.c.rank))]


def offence_type_list(conn: Connection) -> list[OffenceTypeRow]:
    q = select(
        OFFENCE_TYPE.c.id,
        OFFENCE_TYPE.c.code,
        OFFENCE_TYPE.c.label,
        OFFENCE_TYPE.c.legislation,
        OFFENCE_TYPE.c.section,
        OFFENCE_TYPE.c.is_msa,
    ).order_by(OFFENCE_TYPE.c.id)
    return [OffenceTypeRow._make(r) for r in conn.execute(q)]


def set_ranking(conn: Connection, codes_highest_first: Sequence[str]) -> None:
    """Rank the disposal types in this order, in one statement, so ranks never collide midway."""
    new_rank = case({c: i for i, c in enumerate(codes_highest_first, start=1)}, value=DISPOSAL_TYPE.c.code)
    conn.execute(update(DISPOSAL_TYPE).values(rank=new_rank))


def setting(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else str(value)
