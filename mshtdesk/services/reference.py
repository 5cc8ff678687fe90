"""Reference data: districts, disposal types and their ranking, offence types."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select, update

from mshtdesk.domain.changes import Data
from mshtdesk.domain.disposals import validate_ranking
from mshtdesk.domain.offences import offence_title
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import writes
from mshtdesk.store.database import Database
from mshtdesk.store.queries.disposals import refresh_current_rank
from mshtdesk.store.reference import PROFILE_KEY
from mshtdesk.store.tables import DISPOSAL_TYPE, DISTRICT, OFFENCE_TYPE, SETTING


@dataclass(frozen=True)
class DistrictInfo:
    id: int
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class DisposalTypeInfo:
    id: int
    code: str
    label: str
    rank: int


@dataclass(frozen=True)
class OffenceTypeInfo:
    id: int
    code: str
    label: str
    legislation: str
    section: str
    is_msa: bool

    @property
    def title(self) -> str:
        return offence_title(self.legislation, self.section, self.label)


def districts(db: Database) -> list[DistrictInfo]:
    q = select(DISTRICT.c.id, DISTRICT.c.code, DISTRICT.c.name, DISTRICT.c.active).order_by(
        DISTRICT.c.sort_order, DISTRICT.c.code
    )
    with db.engine.connect() as conn:
        return [DistrictInfo(*r) for r in conn.execute(q)]


def disposal_types(db: Database) -> list[DisposalTypeInfo]:
    """Highest rank first."""
    q = select(DISPOSAL_TYPE.c.id, DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.label, DISPOSAL_TYPE.c.rank)
    with db.engine.connect() as conn:
        return [DisposalTypeInfo(*r) for r in conn.execute(q.order_by(DISPOSAL_TYPE.c.rank))]


class ReferenceService:
    """Reference lists are read by every role; changing them is an administrator's decision."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def districts(self) -> list[DistrictInfo]:
        self._actor.require(Action.READ, Entity.REFERENCE)
        return districts(self._db)

    def disposal_types(self) -> list[DisposalTypeInfo]:
        """Highest rank first."""
        self._actor.require(Action.READ, Entity.REFERENCE)
        return disposal_types(self._db)

    def offence_types(self) -> list[OffenceTypeInfo]:
        self._actor.require(Action.READ, Entity.REFERENCE)
        q = select(
            OFFENCE_TYPE.c.id,
            OFFENCE_TYPE.c.code,
            OFFENCE_TYPE.c.label,
            OFFENCE_TYPE.c.legislation,
            OFFENCE_TYPE.c.section,
            OFFENCE_TYPE.c.is_msa,
        ).order_by(OFFENCE_TYPE.c.id)
        with self._db.engine.connect() as conn:
            return [OffenceTypeInfo(*r) for r in conn.execute(q)]

    @writes(*Data)
    def set_ranking(self, codes_highest_first: list[str]) -> None:
        """Reorder the disposal types (an administrator's decision; every report states the ranking)."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        try:
            validate_ranking(codes_highest_first)
        except ValueError as exc:
            raise ValidationError({"ranking": str(exc)}) from None
        new_rank = case(
            {c: i for i, c in enumerate(codes_highest_first, start=1)}, value=DISPOSAL_TYPE.c.code
        )
        with self._db.engine.begin() as conn:  # one statement: ranks never collide midway
            conn.execute(update(DISPOSAL_TYPE).values(rank=new_rank))
            refresh_current_rank(conn)  # which offence's disposal wins may have changed for any arrest
            record(
                conn,
                self._actor,
                AuditAction.ADMINISTER,
                Entity.REFERENCE,
                "disposal_ranking",
                fields=("rank",),
            )

    def force_profile(self) -> str:
        self._actor.require(Action.READ, Entity.REFERENCE)
        with self._db.engine.connect() as conn:
            value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == PROFILE_KEY)).scalar()
        return str(value or "")
