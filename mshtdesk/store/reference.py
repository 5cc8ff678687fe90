"""Reference data a new database starts with; adding what is missing, never changing what exists."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, func, insert, select

from mshtdesk.domain.disposals import DEFAULT_DISPOSALS
from mshtdesk.domain.forces import DEFAULT_PROFILE, PROFILES
from mshtdesk.domain.offences import OFFENCE_KINDS
from mshtdesk.store.tables import SETTING, DisposalType, District, OffenceType, Setting

PROFILE_KEY = "force_profile"


def seed_reference(engine: Engine, profile: str | None = None) -> None:
    """Insert default disposal and offence types, and the force's districts into an empty table.

    ``profile`` only matters for a database without districts; an existing force is never changed.
    """
    with engine.begin() as conn:
        have = set(conn.execute(select(DisposalType.code)).scalars())  # type: ignore[call-overload]
        rows = [
            {"code": k.code, "label": k.label, "rank": k.default_rank}
            for k in DEFAULT_DISPOSALS
            if k.code not in have
        ]
        if rows:
            conn.execute(insert(DisposalType), rows)
        have = set(conn.execute(select(OffenceType.code)).scalars())  # type: ignore[call-overload]
        rows = [
            {
                "code": k.code,
                "label": k.label,
                "legislation": k.legislation,
                "section": k.section,
                "is_msa": k.is_msa,
            }
            for k in OFFENCE_KINDS
            if k.code not in have
        ]
        if rows:
            conn.execute(insert(OffenceType), rows)
        if conn.execute(select(func.count()).select_from(District)).scalar_one() == 0:
            key = profile or DEFAULT_PROFILE
            if key not in PROFILES:
                raise ValueError(f"Unknown force profile '{key}'; choose one of: {', '.join(PROFILES)}.")
            conn.execute(
                insert(District),
                [
                    {"code": d.code, "name": d.name, "sort_order": i, "active": True}
                    for i, d in enumerate(PROFILES[key].districts, start=1)
                ],
            )
            conn.execute(insert(Setting), [{"key": PROFILE_KEY, "value": key}])


def force_profile_key(conn: Connection) -> str:
    """The key of the force profile chosen at set-up ("" when none was)."""
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == PROFILE_KEY)).scalar()
    return str(value or "")
