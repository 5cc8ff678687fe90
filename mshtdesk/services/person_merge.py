"""Merging two records of one person, and undoing it from the audit log's record of the merge.

Every row of the other person (NRM referrals, Haven House stays, VLO contacts, Navigator cases, links
to arrests and operations, the Navigators supporting them and, if the kept person has none, their VLO)
moves to the kept person in one transaction. The other person's row stays, marked merged (hidden from
every list, its scope the kept person's), and the merge's audit event names every row id that moved
(``domain.merge_record``): undoing it reads that event and moves exactly those rows back. Only ids go to
the log. ``PeopleService.merge``/``unmerge``/``merge_preview`` check the role and call these inside
their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from mshtdesk.domain.merge_record import (
    MERGE,
    SUPPORT,
    UNMERGE,
    VLO,
    MergeRecordError,
    merge_fields,
    part_count,
    part_fields,
    read_merge,
)
from mshtdesk.domain.roles import Entity
from mshtdesk.errors import ConflictError, NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.store.queries import merges as q
from mshtdesk.store.tables import utcnow

#: What moves, in the words the dialog and the command line use.
LABELS = {
    "nrm_referral": "NRM referrals",
    "haven_stay": "Haven House stays",
    "vlo_contact": "VLO contacts",
    "navigator_case": "Navigator cases",
    "person_link": "links to arrests and operations",
    SUPPORT: "Navigators supporting",
    VLO: "liaison officer",
}
ONE = {
    "nrm_referral": "NRM referral",
    "haven_stay": "Haven House stay",
    "vlo_contact": "VLO contact",
    "navigator_case": "Navigator case",
    "person_link": "link to an arrest or operation",
    SUPPORT: "Navigator supporting",
    VLO: "liaison officer",
}
REASON_LIMIT = 1000  # the audit log keeps 1,000 characters of a reason


def counted(kind: str, n: int) -> str:
    """ "1 VLO contact", "3 VLO contacts"."""
    return f"{n} {ONE[kind] if n == 1 else LABELS[kind]}"


@dataclass(frozen=True)
class MergeSide:
    """One of the two people, as the merge dialog shows them side by side."""

    id: int
    person_ref: str
    surname: str
    forenames: str
    date_of_birth: date | None
    estimated_age: int | None
    nationality: str
    gender: str
    vlo: str
    version: int
    held: dict[str, int]  # LABELS key -> how many of their rows


@dataclass(frozen=True)
class MergePreview:
    keep: MergeSide
    other: MergeSide

    @property
    def vlo_note(self) -> str:
        """What happens to the liaison officer, in one sentence ("" when nothing to say)."""
        if self.other.vlo and not self.keep.vlo:
            return f"{self.keep.person_ref} takes on {self.other.vlo} as liaison officer."
        if self.other.vlo and self.other.vlo != self.keep.vlo:
            return (
                f"{self.keep.person_ref} keeps {self.keep.vlo} as liaison officer; {self.other.vlo} "
                f"no longer sees {self.other.person_ref}'s records."
            )
        return ""


@dataclass(frozen=True)
class MergeDone:
    """A merge or its undoing: the audit event that records it and how many rows moved, by kind."""

    event_id: int
    keep_ref: str
    other_ref: str
    moved: dict[str, int]

    def summary(self) -> str:
        parts = [counted(k, n) for k, n in self.moved.items() if n and k != VLO]
        if self.moved.get(VLO):
            parts.append("the liaison officer")
        return ", ".join(parts) or "no records"


def state(conn: Connection, person_id: int) -> q.MergeState:
    found = q.merge_state(conn, person_id)
    if found is None:
        raise NotFoundError("That person is not in the register.")
    return found


def side(conn: Connection, person_id: int) -> MergeSide:
    base = q.merge_side(conn, person_id)
    held = {name: len(ids) for name, ids in q.held_rows(conn, person_id).items()}
    held[SUPPORT] = len(q.supporter_ids(conn, person_id))
    return MergeSide(**base._asdict(), held=held)


def check_pair(keep: q.MergeState, other: q.MergeState) -> None:
    """Refuse a merge the two records' state rules out, in one sentence each."""
    if other.merged_into_id is not None:
        raise ConflictError(
            f"{other.person_ref} is already merged into {other.merged_into_ref}; nothing was changed."
        )
    if keep.merged_into_id is not None:
        raise ConflictError(
            f"{keep.person_ref} is itself merged into {keep.merged_into_ref}: merge into "
            f"{keep.merged_into_ref} instead; nothing was changed."
        )


def same_person(keep_id: int, other_id: int) -> None:
    if keep_id == other_id:
        raise ValidationError(
            {"other": "Choose two different people: a record cannot be merged into itself."}
        )


def merge(
    conn: Connection,
    actor: Actor,
    keep: q.MergeState,
    other: q.MergeState,
    reason: str,
    versions: tuple[int | None, int | None],
) -> MergeDone:
    """Move every row of ``other`` to ``keep``, mark ``other`` merged, and record it (ids only)."""
    check_pair(keep, other)
    for person, version in zip((keep, other), versions, strict=True):
        if version is not None and version != person.version:
            raise ConflictError(
                f"Someone changed {person.person_ref}'s record after you opened it; nothing was merged. "
                "Look at the two records again and retry."
            )
    moved: dict[str, list[int]] = {}
    for name, ids in q.held_rows(conn, other.id).items():
        if ids:
            q.move_rows(conn, name, ids, other.id, keep.id)
            moved[name] = ids
    support = q.move_support(conn, q.supporter_ids(conn, other.id), other.id, keep.id)
    if support:
        moved[SUPPORT] = support
    if keep.vlo_user_id is None and other.vlo_user_id is not None:
        q.set_vlo_if(conn, keep.id, None, other.vlo_user_id)
        moved[VLO] = [other.vlo_user_id]
    head, rest = merge_fields(other.id, moved)
    event_id = record(conn, actor, AuditAction.COMBINE, Entity.PERSON, keep.id, fields=head, reason=reason)
    for items in rest:  # consecutive ids: the same transaction holds the log's head
        record(conn, actor, AuditAction.COMBINE, Entity.PERSON, keep.id, fields=part_fields(event_id, items))
    record(
        conn,
        actor,
        AuditAction.ALTER,
        Entity.PERSON,
        other.id,
        fields=("merged_into", f"into:{keep.id}", f"event:{event_id}"),
        reason=reason,
    )
    now = utcnow()
    if not (
        q.mark_merged(conn, other.id, other.version, keep.id, event_id, now)
        and q.touch_person(conn, keep.id, keep.version, now)
    ):
        raise ConflictError("Someone changed one of the two records meanwhile; nothing was merged. Retry.")
    return MergeDone(event_id, keep.person_ref, other.person_ref, {k: len(v) for k, v in moved.items()})


def recorded_merge(conn: Connection, event_id: int) -> tuple[int, int, dict[str, list[int]]]:
    """The kept person's id, the other's and the ids moved, as the audit log recorded the merge."""
    found = q.audit_events(conn, event_id, 1)
    if not found or found[0].action != AuditAction.COMBINE or found[0].entity != Entity.PERSON:
        raise NotFoundError(f"Audit event {event_id} is not a merge of two people; nothing was changed.")
    first = found[0]
    unreadable = ConflictError(
        f"Audit event {event_id}'s record of the merge cannot be read; nothing was changed."
    )
    try:
        if not first.fields.startswith(MERGE + ","):
            raise NotFoundError(f"Audit event {event_id} is not a merge of two people; nothing was changed.")
        events = q.audit_events(conn, event_id, part_count(first.fields))
        other_id, _parts, moved = read_merge(event_id, [e.fields for e in events])
    except MergeRecordError:
        raise unreadable from None
    if (
        not first.record_id.isdigit()
        or any(e.record_id != first.record_id for e in events)
        or set(moved) - set(q.MOVABLE) - {SUPPORT, VLO}
    ):
        raise unreadable
    return int(first.record_id), other_id, moved


def unmerge(
    conn: Connection,
    actor: Actor,
    event_id: int,
    keep: q.MergeState,
    other: q.MergeState,
    moved: dict[str, list[int]],
    reason: str,
) -> MergeDone:
    """Move back exactly the rows the merge recorded (and corrections since made of its contacts)."""
    if other.merged_into_id != keep.id or other.merge_event_id != event_id:
        raise ConflictError(
            f"The merge recorded in audit event {event_id} has already been undone; nothing was changed."
        )
    if keep.merged_into_id is not None:
        raise ConflictError(
            f"{keep.person_ref} has since been merged into {keep.merged_into_ref}: undo that merge first; "
            "nothing was changed."
        )
    back: dict[str, int] = {}
    for name in q.MOVABLE:
        ids = moved.get(name, [])
        if name == "vlo_contact" and ids:  # a correction made since belongs with what it corrects
            ids = sorted({*ids, *q.contacts_superseding(conn, ids, keep.id)})
        if ids:
            back[name] = q.move_rows(conn, name, ids, keep.id, other.id)
    if moved.get(SUPPORT):
        back[SUPPORT] = len(q.move_support(conn, moved[SUPPORT], keep.id, other.id))
    if moved.get(VLO):
        back[VLO] = int(q.set_vlo_if(conn, keep.id, moved[VLO][0], None))
    fields = (UNMERGE, f"event:{event_id}")
    first = record(
        conn,
        actor,
        AuditAction.ALTER,
        Entity.PERSON,
        keep.id,
        fields=(*fields, f"other:{other.id}"),
        reason=reason,
    )
    record(
        conn,
        actor,
        AuditAction.ALTER,
        Entity.PERSON,
        other.id,
        fields=(*fields, f"into:{keep.id}"),
        reason=reason,
    )
    now = utcnow()
    if not (
        q.mark_merged(conn, other.id, other.version, None, None, now)
        and q.touch_person(conn, keep.id, keep.version, now)
    ):
        raise ConflictError("Someone changed one of the two records meanwhile; nothing was changed. Retry.")
    return MergeDone(first, keep.person_ref, other.person_ref, back)
