"""Reference data: districts, disposal types and their ranking, offence types."""

from __future__ import annotations

from dataclasses import dataclass

from mshtdesk.domain.changes import Data
from mshtdesk.domain.disposals import validate_ranking
from mshtdesk.domain.offences import offence_title
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import writes
from mshtdesk.store.database import Database
from mshtdesk.store.queries import reference as q
from mshtdesk.store.queries.disposals import refresh_current_rank
from mshtdesk.store.reference import PROFILE_KEY


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
    with db.engine.connect() as conn:
        return [DistrictInfo(**r._asdict()) for r in q.district_list(conn)]


def disposal_types(db: Database) -> list[DisposalTypeInfo]:
    """Highest rank first."""
    with db.engine.connect() as conn:
        return [DisposalTypeInfo(**r._asdict()) for r in q.disposal_type_list(conn)]


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
        with self._db.engine.connect() as conn:
            return [OffenceTypeInfo(**r._asdict()) for r in q.offence_type_list(conn)]

    @writes(*Data)
    def set_ranking(self, codes_highest_first: list[str]) -> None:
        """Reorder the disposal types (an administrator's decision; every report states the ranking)."""
        self._actor.require(Action.ADMINISTER, Entity.REFERENCE)
        try:
            validate_ranking(codes_highest_first)
        except ValueError as exc:
            raise ValidationError({"ranking": str(exc)}) from None
        with self._db.engine.begin() as conn:
            q.set_ranking(conn, codes_highest_first)
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
            return q.setting(conn, PROFILE_KEY) or ""
