"""What pages and dialogs are given once a user has logged in (built by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from mshtdesk.domain.roles import Action, Entity
from ui.tasks import TaskRunner

if TYPE_CHECKING:  # the services pull in SQLAlchemy, which the start-up path must not import
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.reference import DisposalTypeInfo, DistrictInfo, OffenceTypeInfo


@dataclass(frozen=True)
class ReferenceData:
    """A snapshot of the reference lists, read once on the worker so combos never query the database."""

    districts: tuple[DistrictInfo, ...]
    disposal_types: tuple[DisposalTypeInfo, ...]  # highest rank first
    offence_types: tuple[OffenceTypeInfo, ...]

    @classmethod
    def load(cls, backend: Backend) -> ReferenceData:
        ref = backend.reference
        return cls(tuple(ref.districts()), tuple(ref.disposal_types()), tuple(ref.offence_types()))


@dataclass(frozen=True)
class AppContext:
    backend: Backend
    tasks: TaskRunner
    reference: ReferenceData
    settings: QSettings

    def may(self, action: Action, entity: Entity) -> bool:
        """Whether the logged-in user's role allows this: the GUI shows only what the services allow."""
        return self.backend.actor.may(action, entity)
