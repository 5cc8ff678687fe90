"""Copying or exporting a list page's rows (its current filter): the disclosure recorded before they leave.

The rows themselves are read through each area's own list service, so a user only ever copies what
their scope shows; this service checks the export right over that kind of record, asks for the reason
and writes one disclose event per record, so "who disclosed this record, and why" has an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.reasons import required_reason
from mshtdesk.store.database import Database

#: The lists whose rows may be copied or exported (by a role with the export right over them).
LISTS = (
    Entity.PERSON,
    Entity.NRM_REFERRAL,
    Entity.NAVIGATOR_CASE,
    Entity.HAVEN_STAY,
    Entity.VLO_CONTACT,
    Entity.ARREST,
)
MAX_ROWS = 100_000


class ListOutput(StrEnum):
    COPY = "copy"
    CSV = "csv"


class ListDisclosureService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def disclose(self, entity: Entity, record_ids: Sequence[int], how: ListOutput, reason: str) -> int:
        """Record that these records' rows were copied or exported (``how``), and why; the number of
        records. Call before the rows are handed over."""
        if entity not in LISTS:
            raise ValidationError(
                {"entity": f"The {entity.value.replace('_', ' ')} list cannot be exported."}
            )
        self._actor.require(Action.EXPORT, entity)
        how = ListOutput(how)
        why = required_reason(
            reason, missing="Give the reason for this disclosure; it is kept in the audit log."
        )
        ids = sorted({int(i) for i in record_ids})
        if not ids:
            raise ValidationError({"rows": "There are no rows to disclose: the filter matches nothing."})
        if len(ids) > MAX_ROWS:
            raise ValidationError({"rows": f"At most {MAX_ROWS:,} rows at a time: narrow the filter."})
        with self._db.engine.begin() as conn:
            for record_id in ids:
                record(
                    conn,
                    self._actor,
                    AuditAction.DISCLOSE,
                    entity,
                    record_id,
                    fields=(how.value,),
                    reason=why,
                )
        return len(ids)
